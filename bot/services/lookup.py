"""Ids that came back from Slack (button values, private_metadata) are hints: parse them without trusting them."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")


def by_hint(session: Session, model: type[T], raw_id: object) -> T | None:
    """The row with this id, or None for a missing, malformed or out-of-range id."""
    if not isinstance(raw_id, (int, str)):
        return None
    try:
        row_id = int(raw_id)
    except ValueError:
        return None
    if not 0 < row_id < 2**63:
        return None
    return session.get(model, row_id)
