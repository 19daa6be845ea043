"""Read a submitted modal's state and turn pydantic errors into Slack field errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

_FRIENDLY = {
    "missing": "Please fill this in.",
    "string_too_short": "Please fill this in.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Please fill this in.",
    "date_from_datetime_parsing": "Pick a date.",
    "date_parsing": "Pick a date.",
    "date_type": "Pick a date.",
    "literal_error": "Pick one of the choices.",
}


def state_values(view: dict) -> dict[str, Any]:
    """{block_id: value} for every input in the view, whatever the element type."""
    out: dict[str, Any] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for state in actions.values():
            out[block_id] = _value_of(state)
    return out


def _value_of(state: dict) -> Any:
    kind = state.get("type")
    if kind in ("static_select", "external_select", "radio_buttons"):
        chosen = state.get("selected_option")
        return chosen.get("value") if chosen else None
    if kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        return [o.get("value") for o in state.get("selected_options") or []]
    if kind == "datepicker":
        return state.get("selected_date")
    if kind == "timepicker":
        return state.get("selected_time")
    if kind == "users_select":
        return state.get("selected_user")
    if kind == "multi_users_select":
        return state.get("selected_users") or []
    if kind == "conversations_select":
        return state.get("selected_conversation")
    return state.get("value")


BlockFor = dict[str, str] | Callable[[tuple[Any, ...]], str]


def field_errors(exc: ValidationError, block_for: BlockFor | None = None) -> dict[str, str]:
    """Slack's `errors` for response_action: one plain message per form field, on the block that shows it (`block_for`:
    field name -> block id, or a function of the error's location, where a field is not one input of the same name)."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        if not err["loc"]:
            continue
        field = str(err["loc"][0])
        block_id = block_for(tuple(err["loc"])) if callable(block_for) else (block_for or {}).get(field, field)
        if block_id in errors:
            continue
        errors[block_id] = friendly(err)
    return errors


def friendly(err: dict) -> str:
    if err["type"] == "value_error":
        return err["msg"].removeprefix("Value error, ")
    if err["type"] == "string_too_long":
        return f"Keep it to {err['ctx']['max_length']:,} characters."
    if err["type"] in ("greater_than_equal", "less_than_equal"):
        bounds = err.get("ctx", {})
        return f"Enter a number {'of at least ' + str(bounds['ge']) if 'ge' in bounds else 'up to ' + str(bounds['le'])}."
    return _FRIENDLY.get(err["type"], err["msg"])


def id_and_offset(value: str | None) -> tuple[str, int]:
    """A button value "id:page offset" (a list's item and the page it was shown on): both only hints."""
    raw_id, _, offset = (value or "").partition(":")
    return raw_id, int(offset) if offset.isdigit() and len(offset) < 7 else 0


def metadata(view: dict) -> dict[str, Any]:
    """private_metadata as a dict: a hint only, every id in it is checked again by the service."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
