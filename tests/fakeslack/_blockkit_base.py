"""Block Kit limits and the basic checks (text objects, options, confirm dialogs) used by blockkit.py."""
from __future__ import annotations

import re
from typing import Any

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
MESSAGE_TEXT_MAX = 40_000

_TEXT_KEYS = {"plain_text": {"type", "text", "emoji"}, "mrkdwn": {"type", "text", "verbatim"}}
_INPUT_COMMON = {"type", "action_id", "placeholder", "confirm", "focus_on_load"}
_TEXT_INPUT = _INPUT_COMMON | {"initial_value", "dispatch_action_config"}
ELEMENT_KEYS: dict[str, set[str]] = {
    "button": {"type", "action_id", "text", "url", "value", "style", "confirm", "accessibility_label"},
    "overflow": {"type", "action_id", "options", "confirm"},
    "static_select": _INPUT_COMMON | {"options", "option_groups", "initial_option"},
    "multi_static_select": _INPUT_COMMON | {"options", "option_groups", "initial_options", "max_selected_items"},
    "external_select": _INPUT_COMMON | {"min_query_length", "initial_option"},
    "multi_external_select": _INPUT_COMMON | {"min_query_length", "initial_options", "max_selected_items"},
    "users_select": _INPUT_COMMON | {"initial_user"},
    "multi_users_select": _INPUT_COMMON | {"initial_users", "max_selected_items"},
    "conversations_select": _INPUT_COMMON
    | {"initial_conversation", "response_url_enabled", "filter", "default_to_current_conversation"},
    "multi_conversations_select": _INPUT_COMMON
    | {"initial_conversations", "max_selected_items", "filter", "default_to_current_conversation"},
    "channels_select": _INPUT_COMMON | {"initial_channel", "response_url_enabled"},
    "multi_channels_select": _INPUT_COMMON | {"initial_channels", "max_selected_items"},
    "checkboxes": _INPUT_COMMON | {"options", "initial_options"},
    "radio_buttons": _INPUT_COMMON | {"options", "initial_option"},
    "datepicker": _INPUT_COMMON | {"initial_date"},
    "timepicker": _INPUT_COMMON | {"initial_time", "timezone"},
    "datetimepicker": _INPUT_COMMON | {"initial_date_time"},
    "plain_text_input": _TEXT_INPUT | {"multiline", "min_length", "max_length"},
    "email_text_input": _TEXT_INPUT,
    "url_text_input": _TEXT_INPUT,
    "number_input": _TEXT_INPUT | {"is_decimal_allowed", "min_value", "max_value"},
    "rich_text_input": _TEXT_INPUT,
    "file_input": {"type", "action_id", "filetypes", "max_files"},
    "image": {"type", "alt_text", "image_url", "slack_file"},
    "workflow_button": {"type", "action_id", "text", "workflow", "style", "accessibility_label"},
}
_SELECTS = {
    "static_select", "multi_static_select", "external_select", "multi_external_select", "users_select",
    "multi_users_select", "conversations_select", "multi_conversations_select", "channels_select",
    "multi_channels_select",
}
INPUT_ELEMENTS = _SELECTS | {
    "plain_text_input", "email_text_input", "url_text_input", "number_input", "rich_text_input", "file_input",
    "datepicker", "timepicker", "datetimepicker", "checkboxes", "radio_buttons",
}
ACTIONS_ELEMENTS = _SELECTS | {
    "button", "overflow", "checkboxes", "radio_buttons", "datepicker", "timepicker", "datetimepicker",
    "workflow_button",
}
ACCESSORY_ELEMENTS = (ACTIONS_ELEMENTS - {"datetimepicker"}) | {"image"}
BLOCK_KEYS: dict[str, set[str]] = {
    "section": {"type", "block_id", "text", "fields", "accessory", "expand"},
    "divider": {"type", "block_id"},
    "header": {"type", "block_id", "text"},
    "context": {"type", "block_id", "elements"},
    "actions": {"type", "block_id", "elements"},
    "input": {"type", "block_id", "label", "element", "hint", "optional", "dispatch_action"},
    "image": {"type", "block_id", "image_url", "slack_file", "alt_text", "title"},
    "rich_text": {"type", "block_id", "elements"},
    "markdown": {"type", "block_id", "text"},
}
MODAL_KEYS = {
    "type", "title", "blocks", "close", "submit", "private_metadata", "callback_id", "clear_on_close",
    "notify_on_close", "external_id", "submit_disabled",
}
HOME_KEYS = {"type", "blocks", "private_metadata", "callback_id", "external_id"}
_RICH_TEXT_PARTS = {"rich_text_section", "rich_text_list", "rich_text_preformatted", "rich_text_quote"}
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")


def _opt_key(opt: Any) -> tuple:
    if not isinstance(opt, dict):
        return (None, None)
    text = opt.get("text")
    return (opt.get("value"), text.get("text") if isinstance(text, dict) else text)


class CheckerBase:
    """Collects problems; subclasses add element and block checks."""

    def __init__(self, surface: str):
        self.surface = surface  # "message", "modal" or "home"
        self.errors: list[str] = []
        self.block_ids: set[str] = set()
        self.action_ids: set[str] = set()

    # -- primitives -------------------------------------------------------------------
    def err(self, path: str, msg: str) -> None:
        self.errors.append(f"{path}: {msg}")

    def keys(self, path: str, obj: dict, allowed: set[str]) -> None:
        for key in obj:
            if key not in allowed:
                self.err(f"{path}.{key}" if path else key, "unknown property")

    def string(self, path: str, value: Any, max_len: int, *, required: bool = False) -> bool:
        if value is None:
            if required:
                self.err(path, "is required")
            return False
        if not isinstance(value, str):
            self.err(path, "must be a string")
            return False
        if required and not value:
            self.err(path, "must not be empty")
        if len(value) > max_len:
            self.err(path, f"longer than {max_len} characters")
        return True

    def boolean(self, path: str, value: Any) -> None:
        if value is not None and not isinstance(value, bool):
            self.err(path, "must be a boolean")

    def int_range(self, path: str, value: Any, lo: int, hi: int) -> bool:
        if value is None:
            return False
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            self.err(path, f"must be an integer between {lo} and {hi}")
            return False
        return True

    def text(self, path: str, obj: Any, max_len: int, *, plain: bool = False, required: bool = True) -> None:
        if obj is None:
            if required:
                self.err(path, "is required")
            return
        if not isinstance(obj, dict):
            self.err(path, "must be a text object")
            return
        kind = obj.get("type")
        if kind not in _TEXT_KEYS:
            self.err(path, f"text object type must be plain_text or mrkdwn, not {kind!r}")
            return
        if plain and kind != "plain_text":
            self.err(path, "must be a plain_text object")
        self.keys(path, obj, _TEXT_KEYS[kind])
        value = obj.get("text")
        if not isinstance(value, str) or not value:
            self.err(path, "text must be a non-empty string")
        elif len(value) > max_len:
            self.err(path, f"longer than {max_len} characters")
        self.boolean(f"{path}.emoji", obj.get("emoji"))
        self.boolean(f"{path}.verbatim", obj.get("verbatim"))

    def unique_id(self, path: str, value: Any, seen: set[str]) -> None:
        if value is None:
            return
        if self.string(path, value, 255, required=True):
            if value in seen:
                self.err(path, f"duplicate id {value!r}")
            seen.add(value)

    # -- composition objects --------------------------------------------------------------
    def option(self, path: str, opt: Any, *, mrkdwn: bool = False, url: bool = False) -> None:
        if not isinstance(opt, dict):
            self.err(path, "must be an option object")
            return
        self.keys(path, opt, {"text", "value", "description"} | ({"url"} if url else set()))
        self.text(f"{path}.text", opt.get("text"), 75, plain=not mrkdwn)
        self.string(f"{path}.value", opt.get("value"), 150, required=True)
        self.text(f"{path}.description", opt.get("description"), 75, plain=not mrkdwn, required=False)
        self.string(f"{path}.url", opt.get("url"), 3000)

    def options(self, path: str, opts: Any, lo: int, hi: int, **kw: bool) -> list:
        if not isinstance(opts, list):
            self.err(path, "must be a list of options")
            return []
        if len(opts) < lo:
            self.err(path, f"needs at least {lo} option(s)")
        if len(opts) > hi:
            self.err(path, f"more than {hi} options")
        for i, opt in enumerate(opts):
            self.option(f"{path}[{i}]", opt, **kw)
        return opts

    def confirm(self, path: str, conf: Any) -> None:
        if conf is None:
            return
        if not isinstance(conf, dict):
            self.err(path, "must be a confirmation dialog object")
            return
        self.keys(path, conf, {"title", "text", "confirm", "deny", "style"})
        self.text(f"{path}.title", conf.get("title"), 100, plain=True)
        self.text(f"{path}.text", conf.get("text"), 300)
        self.text(f"{path}.confirm", conf.get("confirm"), 30, plain=True)
        self.text(f"{path}.deny", conf.get("deny"), 30, plain=True)
        self.style(f"{path}.style", conf.get("style"))

    def style(self, path: str, value: Any) -> None:
        if value is not None and value not in ("primary", "danger"):
            self.err(path, "must be 'primary' or 'danger'")

    def initial(self, path: str, chosen: Any, allowed: list, *, multi: bool) -> None:
        if chosen is None:
            return
        items = chosen if multi else [chosen]
        if multi and not isinstance(chosen, list):
            self.err(path, "must be a list of options")
            return
        keys = {_opt_key(o) for o in allowed}
        for i, item in enumerate(items):
            sub = f"{path}[{i}]" if multi else path
            if _opt_key(item) not in keys:
                self.err(sub, "is not one of the element's options")
