"""The meeting log modal, the partner's notice, and the private journal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from messages import ids
from messages.common import (
    actions,
    button,
    checkboxes,
    context,
    cut,
    datepicker,
    esc,
    input_block,
    mention,
    modal,
    option,
    plain,
    section,
    select,
    slack_time,
    text_input,
)
from models.agenda import ITEM_MAX


@dataclass
class LogPrefill:
    """What a log form opened from a planned meeting starts with."""

    plan_id: int
    held_on: date
    minutes: int
    topics: str
    starts_at: datetime | None = None


@dataclass
class OpenItem:
    """An open action item as the log form lists it: `who` is its owner's name, `pair` the partner's name when the
    person has several partnerships."""

    id: int
    text: str
    who: str
    due_on: date | None
    pair: str = ""


MAX_TICKABLE = 10  # a checkboxes element holds 10 options


def _item_option(item: OpenItem) -> dict:
    facts = [f"{item.who}" if item.who else "", f"due {item.due_on:%d %b}" if item.due_on else "",
             f"with {item.pair}" if item.pair else ""]
    described = option(item.text, item.id)
    described["description"] = plain(" · ".join(f for f in facts if f), 75)
    return described


def _new_item_blocks(n: int, partner: str) -> list[dict]:
    return [
        text_input(f"item_{n}_text", f"Action item {n}", max_length=ITEM_MAX, optional=True,
                   placeholder="Who does what before next time"),
        input_block(f"item_{n}_owner", f"Who does item {n}", select([option("Me", "me"), option(partner, "partner")],
                                                                     placeholder="Pick one of you"), optional=True),
        input_block(f"item_{n}_due", f"Item {n} due by", datepicker(), optional=True),
    ]


def meeting_modal(choices: list[tuple[int, str]], today: date, chosen: int | None = None, *,
                  items: list[OpenItem] | None = None, prefill: LogPrefill | None = None) -> dict:
    """`choices` are (partnership id, partner name); a select appears only when there are several. `items` are the
    open action items to tick; `prefill` the planned meeting the form was opened from."""
    blocks: list[dict] = []
    metadata: dict = {}
    if len(choices) > 1:
        blocks.append(input_block("partnership_id", "Partner", select([option(name, pid) for pid, name in choices],
                                  initial=chosen, placeholder="Who did you meet?")))
        partner = "My partner"
    else:
        metadata["partnership_id"] = choices[0][0]
        blocks.append(section(f"Meeting with *{esc(choices[0][1])}*"))
        partner = choices[0][1] or "My partner"
    if prefill is not None:
        metadata["plan_id"] = prefill.plan_id
        if prefill.starts_at is not None:
            blocks.append(context(f"From your planned meeting of {when(prefill.starts_at)}: check the details, "
                                  "then log it."))
    minutes: dict = {"type": "number_input", "action_id": "value", "is_decimal_allowed": False,
                     "min_value": "1", "max_value": "480"}
    if prefill is not None:
        minutes["initial_value"] = str(prefill.minutes)
    blocks += [
        input_block("held_on", "Date of the meeting", datepicker(prefill.held_on if prefill else today)),
        input_block("minutes", "Length in minutes", minutes, hint="From 1 to 480 minutes."),
        text_input("topics", "Topics we talked about", multiline=True, max_length=2000,
                   initial=prefill.topics if prefill else ""),
    ]
    items = items or []
    if items:
        blocks.append(input_block("done_items", "Action items done", checkboxes(
            [_item_option(i) for i in items[:MAX_TICKABLE]]), optional=True,
            hint="Tick the open items that are done. The others carry over to your next meeting's agenda."))
        if len(items) > MAX_TICKABLE:
            blocks.append(context(f"{len(items) - MAX_TICKABLE} more open items are on your Home tab."))
    blocks.append(section("*New action items* (up to 3): each needs who does it; a due date is optional."))
    for n in range(1, 4):
        blocks += _new_item_blocks(n, partner)
    blocks += [
        text_input("private_note", "Private note", multiline=True, max_length=3000, optional=True,
                   hint="Only you can read this: it goes to your private learning journal."),
        input_block("next_meeting_on", "Next meeting", datepicker(), optional=True),
    ]
    return modal("Log a meeting", ids.MEETING_MODAL, blocks, submit="Log meeting", private_metadata=json.dumps(metadata))


def when(at: datetime) -> str:
    """A moment every reader sees in their own time zone (Slack formats it), with a UTC fallback."""
    return slack_time(at)


def item_line(text: str, who: str, due_on: date | None) -> str:
    """"Draft the slides — Ada, due 20 Jan 2028"."""
    tail = ", ".join(part for part in (who, f"due {due_on:%d %b %Y}" if due_on else "") if part)
    return f"{esc(cut(text, 300))}" + (f" — {esc(tail)}" if tail else "")


def meeting_logged_for_partner(logger_user_id: str, meeting, created: bool, *, added: Sequence[str] = (),
                               ticked: Sequence[str] = (), partnership_id: int | None = None) -> dict:
    """The partner's DM about a meeting log; `added` and `ticked` are the action items' lines (item_line)."""
    verb = "logged" if created else "updated the log of"
    lines = [f"{mention(logger_user_id)} {verb} your meeting of {meeting.held_on:%d %B %Y} ({meeting.minutes} minutes).",
             f"*Topics:* {esc(cut(meeting.topics, 1200))}"]
    if meeting.action_items:
        lines.append(f"*Action items:* {esc(cut(meeting.action_items, 1200))}")
    if added:
        lines.append("*New action items:*\n" + "\n".join(f"• {line}" for line in added[:10]))
    if ticked:
        lines.append("*Done:*\n" + "\n".join(f"• {line}" for line in ticked[:10]))
    if meeting.next_meeting_on:
        lines.append(f"*Next meeting:* {meeting.next_meeting_on:%d %B %Y}")
    text = "\n".join(lines)
    blocks = [section(text)]
    if partnership_id is not None:
        blocks.append(actions(button("Plan our next meeting", ids.unique(ids.PLAN_OPEN, partnership_id), partnership_id),
                              block_id=f"logged_plan_{partnership_id}"))
    return {"text": f"Meeting of {meeting.held_on:%d %B %Y} logged", "blocks": blocks}


def meeting_logged_confirmation(meeting, created: bool, added: int = 0, ticked: int = 0) -> str:
    extra = []
    if added:
        extra.append(f"{added} new action item{'s' if added != 1 else ''}")
    if ticked:
        extra.append(f"{ticked} ticked done")
    items = f" ({', '.join(extra)})" if extra else ""
    return (f"{'Logged' if created else 'Updated'}: your meeting of {meeting.held_on:%d %B %Y}, "
            f"{meeting.minutes} minutes{items}. Your partner has been told.")


def logged_view(confirmation: str, partnership_id: int | None) -> dict:
    """What the log form turns into once saved: the confirmation, and planning the next meeting."""
    blocks = [section(confirmation)]
    if partnership_id is not None:
        blocks.append(actions(button("Plan our next meeting", ids.unique(ids.PLAN_OPEN, partnership_id), partnership_id,
                                     style="primary"), block_id="logged_plan"))
    return modal("Meeting logged", "notice", blocks, submit=None, close="Close")


def no_partnership_to_log() -> dict:
    return {"text": "No partnership to log a meeting for", "blocks": [
        section("You have no active partnership, so there is no meeting to log yet."),
        actions(button("Find a partner", ids.FIND, style="primary"), block_id="log_find"),
    ]}


def journal_message(notes: list) -> dict:
    blocks = [section("*Your private learning journal.* Only you can read it.")]
    if not notes:
        blocks.append(context("No notes yet. Notes you add here or with a logged meeting appear below."))
    for note in notes[:10]:
        blocks.append(section(f"*{note.created_at:%d %B %Y}*\n{esc(cut(note.body, 2800))}"))
    blocks.append(actions(button("Add a note", ids.JOURNAL_ADD, style="primary"), block_id="journal_actions"))
    return {"text": "Your private learning journal", "blocks": blocks}


def journal_modal() -> dict:
    blocks = [text_input("body", "What did you learn?", multiline=True, max_length=3000,
                         hint="Only you can read your journal.")]
    return modal("Journal note", ids.JOURNAL_MODAL, blocks, submit="Save note")
