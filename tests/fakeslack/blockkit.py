"""Block Kit validators with Slack's published limits (see /work/shared/slack-facts.md).

``message_errors(blocks, text)`` and ``view_errors(view)`` return a list of human readable
problems, each naming the path of the offending value, e.g.
``blocks[3].elements[0].text: longer than 75 characters``. An empty list means Slack would
accept the payload. The checks are deliberately strict: unknown block/element types and
unknown properties are errors too.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ._blockkit_base import (  # noqa: F401  (re-exported limits)
    _NUMBER_RE,
    _RICH_TEXT_PARTS,
    _TIME_RE,
    ACCESSORY_ELEMENTS,
    ACTIONS_ELEMENTS,
    BLOCK_KEYS,
    ELEMENT_KEYS,
    HOME_KEYS,
    INPUT_ELEMENTS,
    MESSAGE_MAX_BLOCKS,
    MESSAGE_TEXT_MAX,
    MODAL_KEYS,
    VIEW_MAX_BLOCKS,
    CheckerBase,
)

# Slack (and slack-sdk's docs) want action_id "unique among all other action_ids in the containing
# block"; set to "surface" to demand uniqueness across the whole message/view instead.
ACTION_ID_SCOPE = "block"


class _Checker(CheckerBase):
    """Element and block checks on top of the basic ones."""

    # -- elements ---------------------------------------------------------------------------
    def element(self, path: str, el: Any, allowed: set[str], where: str) -> None:
        if not isinstance(el, dict):
            self.err(path, "must be an element object")
            return
        kind = el.get("type")
        if kind not in ELEMENT_KEYS:
            self.err(path, f"unknown element type {kind!r}")
            return
        if kind not in allowed:
            self.err(path, f"element type {kind!r} is not allowed in {where}")
            return
        self.keys(path, el, ELEMENT_KEYS[kind])
        self.unique_id(f"{path}.action_id", el.get("action_id"), self.action_ids)
        self.confirm(f"{path}.confirm", el.get("confirm"))
        self.text(f"{path}.placeholder", el.get("placeholder"), 150, plain=True, required=False)
        self.boolean(f"{path}.focus_on_load", el.get("focus_on_load"))
        if "max_selected_items" in el:
            self.int_range(f"{path}.max_selected_items", el["max_selected_items"], 1, 100)
        check = getattr(self, "_el_" + kind, None)
        if check:
            check(path, el)

    def _el_button(self, path: str, el: dict) -> None:
        self.text(f"{path}.text", el.get("text"), 75, plain=True)
        self.string(f"{path}.value", el.get("value"), 2000)
        self.string(f"{path}.url", el.get("url"), 3000)
        self.string(f"{path}.accessibility_label", el.get("accessibility_label"), 75)
        self.style(f"{path}.style", el.get("style"))

    def _el_workflow_button(self, path: str, el: dict) -> None:
        self.text(f"{path}.text", el.get("text"), 75, plain=True)
        self.style(f"{path}.style", el.get("style"))

    def _el_overflow(self, path: str, el: dict) -> None:
        self.options(f"{path}.options", el.get("options"), 1, 5, url=True)

    def _static(self, path: str, el: dict, multi: bool) -> None:
        has_opts, has_groups = "options" in el, "option_groups" in el
        if has_opts == has_groups:
            self.err(path, "needs exactly one of options or option_groups")
            return
        allowed: list = []
        if has_opts:
            allowed = self.options(f"{path}.options", el["options"], 1, 100)
        else:
            groups = el["option_groups"]
            if not isinstance(groups, list) or not 1 <= len(groups) <= 100:
                self.err(f"{path}.option_groups", "must be a list of 1 to 100 option groups")
                return
            for i, group in enumerate(groups):
                gpath = f"{path}.option_groups[{i}]"
                if not isinstance(group, dict):
                    self.err(gpath, "must be an option group object")
                    continue
                self.keys(gpath, group, {"label", "options"})
                self.text(f"{gpath}.label", group.get("label"), 75, plain=True)
                allowed += self.options(f"{gpath}.options", group.get("options"), 1, 100)
            if len(allowed) > 100:
                self.err(f"{path}.option_groups", "more than 100 options in total")
        key = "initial_options" if multi else "initial_option"
        self.initial(f"{path}.{key}", el.get(key), allowed, multi=multi)

    def _el_static_select(self, path: str, el: dict) -> None:
        self._static(path, el, multi=False)

    def _el_multi_static_select(self, path: str, el: dict) -> None:
        self._static(path, el, multi=True)

    def _external(self, path: str, el: dict, key: str) -> None:
        if "min_query_length" in el:
            self.int_range(f"{path}.min_query_length", el["min_query_length"], 0, 1000)
        chosen = el.get(key)
        if chosen is not None:
            for i, opt in enumerate(chosen if isinstance(chosen, list) else [chosen]):
                self.option(f"{path}.{key}[{i}]" if key.endswith("s") else f"{path}.{key}", opt)

    def _el_external_select(self, path: str, el: dict) -> None:
        self._external(path, el, "initial_option")

    def _el_multi_external_select(self, path: str, el: dict) -> None:
        self._external(path, el, "initial_options")

    def _choices(self, path: str, el: dict, key: str, multi: bool) -> None:
        allowed = self.options(f"{path}.options", el.get("options"), 1, 10, mrkdwn=True)
        self.initial(f"{path}.{key}", el.get(key), allowed, multi=multi)

    def _el_checkboxes(self, path: str, el: dict) -> None:
        self._choices(path, el, "initial_options", True)

    def _el_radio_buttons(self, path: str, el: dict) -> None:
        self._choices(path, el, "initial_option", False)

    def _el_datepicker(self, path: str, el: dict) -> None:
        value = el.get("initial_date")
        if value is None:
            return
        try:
            ok = isinstance(value, str) and len(value) == 10 and bool(_dt.date.fromisoformat(value))
        except ValueError:
            ok = False
        if not ok:
            self.err(f"{path}.initial_date", "must be a date in YYYY-MM-DD format")

    def _el_timepicker(self, path: str, el: dict) -> None:
        value = el.get("initial_time")
        if value is not None and not (isinstance(value, str) and _TIME_RE.match(value)):
            self.err(f"{path}.initial_time", "must be a time in HH:mm format")

    def _el_plain_text_input(self, path: str, el: dict) -> None:
        max_len = el.get("max_length")
        min_len = el.get("min_length")
        has_max = self.int_range(f"{path}.max_length", max_len, 1, 3000)
        has_min = self.int_range(f"{path}.min_length", min_len, 0, 3000)
        if has_max and has_min and min_len > max_len:
            self.err(f"{path}.min_length", "greater than max_length")
        self.string(f"{path}.initial_value", el.get("initial_value"), max_len if has_max else 3000)
        self.boolean(f"{path}.multiline", el.get("multiline"))

    def _el_email_text_input(self, path: str, el: dict) -> None:
        self.string(f"{path}.initial_value", el.get("initial_value"), 3000)

    _el_url_text_input = _el_email_text_input

    def _el_number_input(self, path: str, el: dict) -> None:
        decimal = el.get("is_decimal_allowed")
        if not isinstance(decimal, bool):
            self.err(f"{path}.is_decimal_allowed", "is required and must be a boolean")
        for key in ("initial_value", "min_value", "max_value"):
            value = el.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or not _NUMBER_RE.match(value):
                self.err(f"{path}.{key}", "must be a number given as a string")
            elif decimal is False and "." in value:
                self.err(f"{path}.{key}", "must be an integer (is_decimal_allowed is false)")

    def _el_image(self, path: str, el: dict) -> None:
        self.string(f"{path}.alt_text", el.get("alt_text"), 2000, required=True)
        self._image_source(path, el)

    def _image_source(self, path: str, obj: dict) -> None:
        if ("image_url" in obj) == ("slack_file" in obj):
            self.err(path, "needs exactly one of image_url or slack_file")
        self.string(f"{path}.image_url", obj.get("image_url"), 3000)

    # -- blocks -------------------------------------------------------------------------------
    def blocks(self, path: str, blocks: Any, max_blocks: int) -> None:
        if not isinstance(blocks, list):
            self.err(path, "must be a list of blocks")
            return
        if len(blocks) > max_blocks:
            self.err(path, f"more than {max_blocks} blocks ({len(blocks)})")
        for i, block in enumerate(blocks):
            self.block(f"{path}[{i}]", block)

    def block(self, path: str, block: Any) -> None:
        if not isinstance(block, dict):
            self.err(path, "must be a block object")
            return
        kind = block.get("type")
        if kind not in BLOCK_KEYS:
            self.err(path, f"unknown block type {kind!r}")
            return
        self.keys(path, block, BLOCK_KEYS[kind])
        if ACTION_ID_SCOPE != "surface":
            self.action_ids = set()
        self.unique_id(f"{path}.block_id", block.get("block_id"), self.block_ids)
        getattr(self, "_block_" + kind)(path, block)

    def _block_section(self, path: str, block: dict) -> None:
        if block.get("text") is None and block.get("fields") is None:
            self.err(path, "a section needs text or fields")
        self.text(f"{path}.text", block.get("text"), 3000, required=False)
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list) or not fields:
                self.err(f"{path}.fields", "must be a non-empty list of text objects")
            else:
                if len(fields) > 10:
                    self.err(f"{path}.fields", f"more than 10 fields ({len(fields)})")
                for i, field in enumerate(fields):
                    self.text(f"{path}.fields[{i}]", field, 2000)
        if block.get("accessory") is not None:
            self.element(f"{path}.accessory", block["accessory"], ACCESSORY_ELEMENTS, "a section accessory")
        self.boolean(f"{path}.expand", block.get("expand"))

    def _block_divider(self, path: str, block: dict) -> None:
        pass

    def _block_header(self, path: str, block: dict) -> None:
        self.text(f"{path}.text", block.get("text"), 150, plain=True)

    def _block_markdown(self, path: str, block: dict) -> None:
        if self.surface != "message":
            self.err(path, "markdown blocks are only allowed in messages")
        self.string(f"{path}.text", block.get("text"), 12000, required=True)

    def _elements(self, path: str, block: dict, max_items: int) -> list:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.err(f"{path}.elements", "must be a non-empty list")
            return []
        if len(elements) > max_items:
            self.err(f"{path}.elements", f"more than {max_items} elements ({len(elements)})")
        return elements

    def _block_context(self, path: str, block: dict) -> None:
        for i, el in enumerate(self._elements(path, block, 10)):
            epath = f"{path}.elements[{i}]"
            if isinstance(el, dict) and el.get("type") == "image":
                self.element(epath, el, {"image"}, "a context block")
            else:
                self.text(epath, el, 3000)

    def _block_actions(self, path: str, block: dict) -> None:
        for i, el in enumerate(self._elements(path, block, 25)):
            self.element(f"{path}.elements[{i}]", el, ACTIONS_ELEMENTS, "an actions block")

    def _block_input(self, path: str, block: dict) -> None:
        if self.surface == "message":
            self.err(path, "input blocks are only allowed in modals and the Home tab, not in messages")
        self.text(f"{path}.label", block.get("label"), 2000, plain=True)
        self.text(f"{path}.hint", block.get("hint"), 2000, plain=True, required=False)
        self.boolean(f"{path}.optional", block.get("optional"))
        self.boolean(f"{path}.dispatch_action", block.get("dispatch_action"))
        if block.get("element") is None:
            self.err(f"{path}.element", "is required")
        else:
            self.element(f"{path}.element", block["element"], INPUT_ELEMENTS, "an input block")

    def _block_image(self, path: str, block: dict) -> None:
        self.string(f"{path}.alt_text", block.get("alt_text"), 2000, required=True)
        self.text(f"{path}.title", block.get("title"), 2000, plain=True, required=False)
        self._image_source(path, block)

    def _block_rich_text(self, path: str, block: dict) -> None:
        for i, part in enumerate(self._elements(path, block, 10_000)):
            ppath = f"{path}.elements[{i}]"
            if not isinstance(part, dict) or part.get("type") not in _RICH_TEXT_PARTS:
                self.err(ppath, f"must be one of {sorted(_RICH_TEXT_PARTS)}")
            elif not isinstance(part.get("elements"), list):
                self.err(f"{ppath}.elements", "must be a list")


def message_errors(blocks: list | None, text: str | None = None) -> list[str]:
    """Problems Slack would report for a message with these blocks and top-level text."""
    checker = _Checker("message")
    if text is not None and not isinstance(text, str):
        checker.err("text", "must be a string")
    elif text is not None and len(text) > MESSAGE_TEXT_MAX:
        checker.err("text", f"longer than {MESSAGE_TEXT_MAX} characters")
    if blocks is not None:
        checker.blocks("blocks", blocks, MESSAGE_MAX_BLOCKS)
    if not blocks and not text:
        checker.err("message", "needs text or blocks")
    return checker.errors


def view_errors(view: dict) -> list[str]:
    """Problems Slack would report for a modal or Home tab view."""
    if not isinstance(view, dict):
        return ["view: must be a view object"]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return [f"type: must be 'modal' or 'home', not {kind!r}"]
    checker = _Checker(kind)
    checker.keys("", view, MODAL_KEYS if kind == "modal" else HOME_KEYS)
    if "blocks" not in view:
        checker.err("view", "blocks is required")
    else:
        checker.blocks("blocks", view["blocks"], VIEW_MAX_BLOCKS)
    checker.string("private_metadata", view.get("private_metadata"), 3000)
    checker.string("callback_id", view.get("callback_id"), 255)
    checker.string("external_id", view.get("external_id"), 255)
    if kind == "modal":
        checker.text("title", view.get("title"), 24, plain=True)
        checker.text("submit", view.get("submit"), 24, plain=True, required=False)
        checker.text("close", view.get("close"), 24, plain=True, required=False)
        for key in ("clear_on_close", "notify_on_close", "submit_disabled"):
            checker.boolean(key, view.get(key))
        blocks = view.get("blocks") if isinstance(view.get("blocks"), list) else []
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and view.get("submit") is None:
            checker.err("submit", "is required when the modal has input blocks")
    return checker.errors


def is_block_error(message: str) -> bool:
    """True if a problem from view_errors is inside the blocks (else it is the view's shape)."""
    return message.startswith("blocks[")
