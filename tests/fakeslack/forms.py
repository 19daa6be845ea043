"""What a Slack client would send for a surface: state.values and block_actions action objects.

Used by driver.py. Elements without block_id/action_id get deterministic generated ids
(real Slack generates random ones), so apps that rely on their own ids must set them.
"""
from __future__ import annotations

import copy
import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

# state key of each stateful element type, and the element key holding its initial value
_SINGLE = {
    "static_select": "selected_option", "external_select": "selected_option", "radio_buttons": "selected_option",
    "users_select": "selected_user", "conversations_select": "selected_conversation",
    "channels_select": "selected_channel", "datepicker": "selected_date", "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
}
_MULTI = {
    "multi_static_select": "selected_options", "multi_external_select": "selected_options",
    "checkboxes": "selected_options", "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations", "multi_channels_select": "selected_channels",
}
_TEXTUAL = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
_INITIAL = {
    "selected_option": "initial_option", "selected_options": "initial_options", "selected_user": "initial_user",
    "selected_users": "initial_users", "selected_conversation": "initial_conversation",
    "selected_conversations": "initial_conversations", "selected_channel": "initial_channel",
    "selected_channels": "initial_channels", "selected_date": "initial_date", "selected_time": "initial_time",
    "selected_date_time": "initial_date_time",
}
_STATEFUL = set(_SINGLE) | set(_MULTI) | _TEXTUAL | {"rich_text_input", "file_input"}
_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")


def plain(text: Any) -> str:
    return text.get("text", "") if isinstance(text, dict) else (text or "")


@dataclass
class Slot:
    """One element on a surface, with the ids a client would report for it."""

    kind: str  # "actions", "accessory" or "input"
    block: dict
    element: dict
    block_id: str
    action_id: str

    @property
    def label(self) -> str:
        return plain(self.block.get("label")) if self.kind == "input" else ""

    def describe(self) -> str:
        el = self.element
        name = plain(el.get("text")) or plain(el.get("placeholder")) or self.label
        value = f", value={el['value']!r}" if "value" in el else ""
        return f"{el.get('type')} {name!r} (action_id={self.action_id!r}{value})"


def slots(blocks: list) -> list[Slot]:
    found = []
    for bi, block in enumerate(blocks or []):
        if not isinstance(block, dict):
            continue
        block_id = block.get("block_id") or f"fake-b{bi}"
        if block.get("type") == "actions":
            elements = [("actions", e) for e in block.get("elements") or []]
        elif block.get("type") == "section" and isinstance(block.get("accessory"), dict):
            elements = [("accessory", block["accessory"])]
        elif block.get("type") == "input" and isinstance(block.get("element"), dict):
            elements = [("input", block["element"])]
        else:
            continue
        for ei, (kind, el) in enumerate(elements):
            if isinstance(el, dict) and el.get("type") != "image":
                found.append(Slot(kind, block, el, block_id, el.get("action_id") or f"fake-a{bi}-{ei}"))
    return found


def all_options(el: dict) -> list[dict]:
    options = list(el.get("options") or [])
    for group in el.get("option_groups") or []:
        options += group.get("options") or []
    return options


def find_option(el: dict, wanted: Any) -> dict:
    if isinstance(wanted, dict):
        wanted = wanted.get("value")
    options = all_options(el)
    if el.get("type") in ("external_select", "multi_external_select"):
        return {"text": {"type": "plain_text", "text": str(wanted)}, "value": str(wanted)}
    for opt in options:
        if opt.get("value") == wanted or plain(opt.get("text")) == wanted:
            return copy.deepcopy(opt)
    for opt in options:
        if isinstance(wanted, str) and plain(opt.get("text")).casefold() == wanted.casefold():
            return copy.deepcopy(opt)
    shown = [f"{plain(o.get('text'))!r} (value={o.get('value')!r})" for o in options]
    raise AssertionError(f"no option {wanted!r} in {el.get('type')} {el.get('action_id')!r}; options: {shown}")


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def initial_state(el: dict) -> dict:
    kind = el.get("type")
    state: dict[str, Any] = {"type": kind}
    if kind in _TEXTUAL or kind == "rich_text_input":
        state["value" if kind != "rich_text_input" else "rich_text_value"] = copy.deepcopy(el.get("initial_value"))
    elif kind in _SINGLE:
        state[_SINGLE[kind]] = copy.deepcopy(el.get(_INITIAL[_SINGLE[kind]]))
    elif kind in _MULTI:
        state[_MULTI[kind]] = copy.deepcopy(el.get(_INITIAL[_MULTI[kind]]) or [])
    elif kind == "file_input":
        state["files"] = []
    return state


def chosen_state(el: dict, value: Any) -> dict:
    """The state a person produces by entering `value` into element `el`."""
    kind = el.get("type")
    state: dict[str, Any] = {"type": kind}
    if kind in _TEXTUAL:
        state["value"] = None if value is None or value == "" else str(value)
    elif kind == "rich_text_input":
        state["rich_text_value"] = {"type": "rich_text", "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": str(value)}]}]}
    elif kind in ("static_select", "external_select", "radio_buttons"):
        state["selected_option"] = None if value is None else find_option(el, value)
    elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        state["selected_options"] = [find_option(el, v) for v in _as_list(value)]
    elif kind == "datepicker":
        state["selected_date"] = value.isoformat() if isinstance(value, _dt.date) else value
    elif kind == "timepicker":
        state["selected_time"] = value.strftime("%H:%M") if isinstance(value, _dt.time) else value
    elif kind == "datetimepicker":
        state["selected_date_time"] = int(value.timestamp()) if isinstance(value, _dt.datetime) else value
    elif kind in _SINGLE:
        state[_SINGLE[kind]] = value
    elif kind in _MULTI:
        state[_MULTI[kind]] = _as_list(value)
    else:
        raise AssertionError(f"cannot enter a value into a {kind} element")
    return state


def _is_empty(state: dict) -> bool:
    return all(v in (None, [], "") for k, v in state.items() if k != "type")


def client_checks(slot: Slot, state: dict) -> None:
    """Refuse what Slack's client refuses to submit (required, length, number and format rules)."""
    el, name = slot.element, slot.label or slot.block_id
    if slot.kind == "input" and not slot.block.get("optional") and _is_empty(state):
        raise AssertionError(f"required input {name!r} is empty: Slack's client would not submit the form")
    value = state.get("value")
    if value is None:
        return
    kind = el.get("type")
    if kind == "plain_text_input":
        if el.get("max_length") is not None and len(value) > el["max_length"]:
            raise AssertionError(f"{name!r}: {len(value)} characters, max_length is {el['max_length']}")
        if el.get("min_length") is not None and len(value) < el["min_length"]:
            raise AssertionError(f"{name!r}: {len(value)} characters, min_length is {el['min_length']}")
    elif kind == "number_input":
        if not _NUMBER_RE.match(value) or (not el.get("is_decimal_allowed") and "." in value):
            raise AssertionError(f"{name!r}: {value!r} is not an accepted number")
        for key, bad in (("min_value", lambda v, b: v < b), ("max_value", lambda v, b: v > b)):
            if el.get(key) is not None and bad(float(value), float(el[key])):
                raise AssertionError(f"{name!r}: {value} is outside {key}={el[key]}")
    elif kind == "email_text_input" and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
        raise AssertionError(f"{name!r}: {value!r} is not an email address")
    elif kind == "url_text_input" and not re.match(r"^https?://\S+$", value):
        raise AssertionError(f"{name!r}: {value!r} is not a URL")


def build_state(view: dict, values: dict | None = None) -> dict:
    """view.state.values for a view, with `values` keyed by input label or block_id."""
    found = [s for s in slots(view.get("blocks", [])) if s.element.get("type") in _STATEFUL]
    chosen: dict[int, Any] = {}
    for key, value in (values or {}).items():
        matches = [i for i, s in enumerate(found) if key in (s.block_id, s.action_id) or
                   (s.label and s.label.casefold() == str(key).casefold())]
        if len(matches) != 1:
            labels = [s.label or s.block_id for s in found]
            problem = "no input" if not matches else "several inputs"
            raise AssertionError(f"{problem} labelled {key!r} in view {view.get('callback_id')!r}; inputs: {labels}")
        chosen[matches[0]] = value
    state: dict[str, dict] = {}
    for i, slot in enumerate(found):
        entry = chosen_state(slot.element, chosen[i]) if i in chosen else initial_state(slot.element)
        if values is not None:
            client_checks(slot, entry)
        state.setdefault(slot.block_id, {})[slot.action_id] = entry
    return state


def find_slot(blocks: list, target: str, value: Any = None) -> Slot:
    """The element a person means by a button text (case-insensitive) or an action_id."""
    candidates = slots(blocks)
    clickable = [s for s in candidates if s.kind != "input" or s.block.get("dispatch_action")]

    def named(slot: Slot) -> bool:
        if target == slot.action_id:
            return True
        label = plain(slot.element.get("text")) or plain(slot.element.get("placeholder"))
        return bool(label) and label.casefold() == str(target).casefold()
    matches = [s for s in clickable if named(s)]
    if value is not None:
        matches = [s for s in matches if s.element.get("value") == value]
    if len(matches) != 1:
        problem = "no element" if not matches else "several elements"
        shown = "\n  ".join(s.describe() for s in clickable) or "(none)"
        raise AssertionError(f"{problem} matching {target!r} (value={value!r}); available:\n  {shown}")
    return matches[0]


def action_for(slot: Slot, selected: Any, action_ts: str) -> dict:
    el = slot.element
    kind = el.get("type")
    action: dict[str, Any] = {"type": kind, "block_id": slot.block_id, "action_id": slot.action_id}
    if kind in ("button", "workflow_button"):
        action["text"] = copy.deepcopy(el.get("text"))
        for key in ("value", "style"):
            if key in el:
                action[key] = el[key]
    elif kind == "overflow":
        if selected is None:
            raise AssertionError(f"overflow {slot.action_id!r} needs selected=")
        action["selected_option"] = find_option(el, selected)
    else:
        if selected is None and kind not in _TEXTUAL:
            raise AssertionError(f"{kind} {slot.action_id!r} needs selected=")
        action.update({k: v for k, v in chosen_state(el, selected).items() if k != "type"})
        if "placeholder" in el:
            action["placeholder"] = copy.deepcopy(el["placeholder"])
    action["action_ts"] = action_ts
    return action
