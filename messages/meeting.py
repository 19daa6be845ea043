"""The meeting log modal, the partner's notice, and the private journal."""

from __future__ import annotations

import json
from datetime import date

from messages import ids
from messages.common import (
    actions,
    button,
    context,
    cut,
    datepicker,
    esc,
    input_block,
    mention,
    modal,
    option,
    section,
    select,
    text_input,
)


def meeting_modal(choices: list[tuple[int, str]], today: date, chosen: int | None = None) -> dict:
    """`choices` are (partnership id, partner name); a select appears only when there are several."""
    blocks: list[dict] = []
    metadata: dict = {}
    if len(choices) > 1:
        blocks.append(input_block("partnership_id", "Partner", select([option(name, pid) for pid, name in choices],
                                  initial=chosen, placeholder="Who did you meet?")))
    else:
        metadata["partnership_id"] = choices[0][0]
        blocks.append(section(f"Meeting with *{esc(choices[0][1])}*"))
    blocks += [
        input_block("held_on", "Date of the meeting", datepicker(today)),
        input_block("minutes", "Length in minutes", {
            "type": "number_input", "action_id": "value", "is_decimal_allowed": False,
            "min_value": "1", "max_value": "480",
        }, hint="From 1 to 480 minutes."),
        text_input("topics", "Topics we talked about", multiline=True, max_length=2000),
        text_input("action_items", "Action items", multiline=True, max_length=2000, optional=True,
                   placeholder="Who does what before next time"),
        text_input("private_note", "Private note", multiline=True, max_length=3000, optional=True,
                   hint="Only you can read this: it goes to your private learning journal."),
        input_block("next_meeting_on", "Next meeting", datepicker(), optional=True),
    ]
    return modal("Log a meeting", ids.MEETING_MODAL, blocks, submit="Log meeting", private_metadata=json.dumps(metadata))


def meeting_logged_for_partner(logger_user_id: str, meeting, created: bool) -> dict:
    verb = "logged" if created else "updated the log of"
    lines = [f"{mention(logger_user_id)} {verb} your meeting of {meeting.held_on:%d %B %Y} ({meeting.minutes} minutes).",
             f"*Topics:* {esc(cut(meeting.topics, 1200))}"]
    if meeting.action_items:
        lines.append(f"*Action items:* {esc(cut(meeting.action_items, 1200))}")
    if meeting.next_meeting_on:
        lines.append(f"*Next meeting:* {meeting.next_meeting_on:%d %B %Y}")
    text = "\n".join(lines)
    return {"text": f"Meeting of {meeting.held_on:%d %B %Y} logged", "blocks": [section(text)]}


def meeting_logged_confirmation(meeting, created: bool) -> str:
    return (f"{'Logged' if created else 'Updated'}: your meeting of {meeting.held_on:%d %B %Y}, "
            f"{meeting.minutes} minutes. Your partner has been told.")


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
