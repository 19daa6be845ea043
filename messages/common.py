"""Small Block Kit helpers that keep every text inside Slack's limits."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

Block = dict[str, Any]

SECTION_MAX = 3000
BUTTON_MAX = 75
OPTION_MAX = 75
TITLE_MAX = 24


def cut(text: str, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def esc(text: str | None) -> str:
    """Escape user-written text for mrkdwn so it can't ping channels or forge links."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, limit: int = SECTION_MAX) -> dict:
    return {"type": "plain_text", "text": cut(text, limit) or " ", "emoji": True}


def md(text: str, limit: int = SECTION_MAX) -> dict:
    return {"type": "mrkdwn", "text": cut(text, limit) or " "}


def section(text: str, *, block_id: str | None = None, accessory: dict | None = None) -> Block:
    block: Block = {"type": "section", "text": md(text)}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def note(text: str) -> dict:
    """A message of one section: its text is also the notification's."""
    return {"text": text, "blocks": [section(text)]}


def fields(*pairs: tuple[str, str]) -> Block:
    return {"type": "section", "fields": [md(f"*{k}*\n{v}", 2000) for k, v in pairs[:10]]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, 150)}


def context(text: str) -> Block:
    return {"type": "context", "elements": [md(text)]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: object = None, *, style: str | None = None, confirm: dict | None = None) -> dict:
    element: dict[str, Any] = {"type": "button", "text": plain(text, BUTTON_MAX), "action_id": action_id}
    if value is not None:
        element["value"] = cut(str(value), 2000)
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def confirm_dialog(title: str, text: str, yes: str, no: str = "Cancel") -> dict:
    return {"title": plain(title, 100), "text": plain(text, 300), "confirm": plain(yes, 30), "deny": plain(no, 30)}


def actions(*elements: dict, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def option(text: str, value: object) -> dict:
    return {"text": plain(text, OPTION_MAX), "value": cut(str(value), 150)}


def modal(title: str, callback_id: str, blocks: list[Block], *, submit: str | None = "Save",
          close: str = "Cancel", private_metadata: str = "") -> dict:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, TITLE_MAX),
        "close": plain(close, TITLE_MAX),
        "blocks": blocks[:100],
    }
    if submit:
        view["submit"] = plain(submit, TITLE_MAX)
    if private_metadata:
        view["private_metadata"] = private_metadata[:3000]
    return view


def text_input(block_id: str, label: str, *, multiline: bool = False, max_length: int = 3000, initial: str = "",
               optional: bool = False, hint: str | None = None, placeholder: str | None = None) -> Block:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value", "multiline": multiline,
                               "max_length": max_length}
    if initial:
        element["initial_value"] = cut(initial, max_length)
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return input_block(block_id, label, element, optional=optional, hint=hint)


def input_block(block_id: str, label: str, element: dict, *, optional: bool = False, hint: str | None = None) -> Block:
    block: Block = {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element,
                    "optional": optional}
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def select(options: list[dict], *, initial: object = None, placeholder: str = "Choose") -> dict:
    element: dict[str, Any] = {"type": "static_select", "action_id": "value", "options": options[:100],
                               "placeholder": plain(placeholder, 150)}
    chosen = [o for o in options if o["value"] == str(initial)] if initial is not None else []
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def checkboxes(options: list[dict], initial: list[str] | None = None) -> dict:
    element: dict[str, Any] = {"type": "checkboxes", "action_id": "value", "options": options[:10]}
    chosen = [o for o in options if o["value"] in (initial or [])]
    if chosen:
        element["initial_options"] = chosen
    return element


def datepicker(initial: object = None) -> dict:
    element: dict[str, Any] = {"type": "datepicker", "action_id": "value"}
    if initial:
        element["initial_date"] = str(initial)
    return element


def mention(slack_user_id: str) -> str:
    return f"<@{slack_user_id}>"


def who(name: str | None, slack_user_id: str) -> str:
    """A person as text: their name in bold (readable anywhere) and a mention (a link to their Slack profile)."""
    return f"*{esc(name)}* ({mention(slack_user_id)})" if name else mention(slack_user_id)


def zone_name(zone: tzinfo) -> str:
    """A time zone as people know it ("Europe/London"), for a "your time zone" hint."""
    return getattr(zone, "key", None) or str(zone)


def slack_time(at: datetime, fallback: str = "%d %B %Y %H:%M", shown: str = "{date_long_pretty} at {time}") -> str:
    """A moment every reader sees in their own time zone (Slack formats the `shown` token), with `fallback` (a strftime
    format, then " UTC") for clients that can't."""
    return f"<!date^{int(at.timestamp())}^{shown}|{at.strftime(fallback)} UTC>"


def bullet_sections(title: str, lines: list[str]) -> list[dict]:
    """Bulleted lines under a bold title, in as many sections as Slack's 3,000 characters per section need."""
    out, text = [], f"*{title}*"
    for line in lines:
        bullet = f"\n• {line}"
        if len(text) + len(bullet) > SECTION_MAX:
            out.append(section(text))
            text = f"*{title} (continued)*"
        text += bullet
    return [*out, section(text)]
