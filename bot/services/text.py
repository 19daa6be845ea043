"""Text as people type it into forms: pydantic field types that tidy it before the field's limits are checked."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator


def _one_line(value: object) -> object:
    return " ".join(value.split()) if isinstance(value, str) else ("" if value is None else value)


def _paragraph(value: object) -> object:
    return value.strip() if isinstance(value, str) else ("" if value is None else value)


OneLine = Annotated[str, BeforeValidator(_one_line)]
"""A title or a name: runs of spaces and line breaks become one space; an empty field is ""."""

Paragraph = Annotated[str, BeforeValidator(_paragraph)]
"""Free text: line breaks kept, outer blanks trimmed; an empty field is ""."""
