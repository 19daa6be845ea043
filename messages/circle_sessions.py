"""A peer circle's sessions: the "Plan a session" and "Log a session" modals, and what the circle's group chat reads
(the planned session with its buttons, the calendar file, a cancellation, "Did the circle meet?", a log). Times in
the chat are Slack date tokens, so every reader sees their own time zone; a modal shows the reader's zone."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from bot.services.circle_sessions import FILENAME, MAX_TOPICS
from bot.services.suggestions import token
from messages import ids
from messages.common import (
    actions,
    button,
    checkboxes,
    confirm_dialog,
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
    slack_time,
    text_input,
    zone_name,
)
from messages.planning import long_when, short_when


def when(at: datetime, minutes: int) -> str:
    """"Tuesday, January 18th at 10:00–11:00" in each reader's own time zone (Slack renders the tokens), with a
    UTC fallback for clients that can't."""
    end = at + timedelta(minutes=minutes)
    return f"{slack_time(at, '%A %d %B %Y, %H:%M')}–{slack_time(end, '%H:%M', '{time}')}"


# -- buttons ------------------------------------------------------------------------------------------------------
def plan_button(circle_id: int, text: str = "Plan a session", *, primary: bool = False) -> dict:
    return button(text, ids.unique(ids.CSESSION_PLAN, circle_id), circle_id, style="primary" if primary else None)


def log_button(circle_id: int, session_id: int | None = None, text: str = "Log a session") -> dict:
    value = f"{circle_id}:{session_id}" if session_id else str(circle_id)
    return button(text, ids.unique(ids.CSESSION_LOG, value), value)


def start_buttons(circle_id: int, block_id: str) -> dict:
    """"Plan a session" and "Log a session" (on the kickoff and under each of my circles in `/mentor circles`)."""
    return actions(plan_button(circle_id, primary=True), log_button(circle_id), block_id=block_id)


def session_buttons(session_id: int, circle_id: int) -> list[dict]:
    return [
        button("Reschedule", ids.unique(ids.CSESSION_RESCHEDULE, session_id), session_id),
        button("Cancel session", ids.unique(ids.CSESSION_CANCEL, session_id), session_id, style="danger",
               confirm=confirm_dialog("Cancel the session?", "The circle's chat is told, with a cancellation file "
                                      "that takes it out of calendars.", "Cancel session", "Keep it")),
        log_button(circle_id, session_id, "Log this session"),
    ]


# -- planning -----------------------------------------------------------------------------------------------------
@dataclass
class Offered:
    at: datetime
    not_for: list[str] = field(default_factory=list)  # names of the members it doesn't suit


def plan_modal(circle_id: int, goal: str, times: list[Offered], shared: bool, minutes: int, zone: tzinfo, *,
               current: tuple[int, datetime, int] | None = None) -> dict:
    """One suggested time to pick (in the planner's time zone), or a date and a time of one's own, and the length.
    `current`: (session id, time, length) of the session being moved."""
    blocks: list[dict] = []
    if current is not None:
        blocks.append(section(f"The next session of *{esc(cut(goal, 200))}* is planned for "
                              f"*{long_when(current[1], current[2], zone)}*. Pick a new time: the circle's chat is told "
                              "and gets an updated calendar invite."))
    else:
        blocks.append(section(f"Pick a time for the next session of *{esc(cut(goal, 200))}*. It is planned at once: "
                              "the circle's chat gets the time and a calendar invite."))
    if times and not shared:
        blocks.append(section(":warning: No time in the next two weeks is inside every member's working hours. "
                              "These suit most of you; each says whom it doesn't suit. Or give a time of your own."))
    if times:
        opts = []
        for item in times:
            described = option(short_when(item.at, minutes, zone), token(item.at))
            if item.not_for:
                described["description"] = plain("Outside working hours for " + ", ".join(item.not_for), 75)
            opts.append(described)
        blocks.append(input_block("slot", "Suggested times", {"type": "radio_buttons", "action_id": "value",
                                                              "options": opts[:10]}, optional=True,
                                  hint=f"In your time zone ({zone_name(zone)})"
                                       + (", inside every member's working hours." if shared else ".")))
    else:
        blocks.append(section("I found no time that suits the members' working hours in the next two weeks: give a "
                              "date and a time of your own below."))
    blocks += [
        input_block("minutes", "Length in minutes", {
            "type": "number_input", "action_id": "value", "is_decimal_allowed": False, "initial_value": str(minutes),
            "min_value": "1", "max_value": "480"}, hint="The circle's meeting length. At most 480 (8 hours)."),
        context("*None of these fit?* Give a date and a time of your own: it wins over a suggested time."),
        input_block("custom_date", "Another date", datepicker(), optional=True),
        input_block("custom_time", "Another time (your time)", {"type": "timepicker", "action_id": "value"},
                    optional=True),
    ]
    metadata: dict = {"circle_id": circle_id}
    if current is not None:
        metadata["session_id"] = current[0]
    return modal("Move the session" if current else "Plan a session", ids.CSESSION_PLAN_MODAL, blocks,
                 submit="Move it" if current else "Plan it", private_metadata=json.dumps(metadata))


def planned_notice(at: datetime, minutes: int, zone: tzinfo, *, moved: bool) -> str:
    verb = "Moved" if moved else "Planned"
    return (f"{verb}: *{long_when(at, minutes, zone)}*. I've posted it in the circle's chat with a calendar invite"
            + (" (it updates the one you have)." if moved else "."))


def planned(session_id: int, circle_id: int, goal: str, at: datetime, minutes: int, by_user_id: str, *,
            moved_from: datetime | None = None) -> dict:
    """In the circle's chat: the session's time (in each reader's time zone) and its buttons."""
    if moved_from is not None:
        head = f"*Session moved* by {mention(by_user_id)}: now *{when(at, minutes)}*."
        short = "Circle session moved"
    else:
        head = f"*Next session planned* by {mention(by_user_id)}: *{when(at, minutes)}*."
        short = "Circle session planned"
    return {"text": f"{short}: {goal[:100]}", "blocks": [
        section(f"{head}\n{esc(cut(goal, 300))} · {minutes} minutes"),
        actions(*session_buttons(session_id, circle_id), block_id=f"csession_{session_id}"),
        context("The time shows in your own time zone. The calendar invite follows: open the file to add it to Google "
                "Calendar, Outlook or Apple Calendar" + (" (it moves the event you have)." if moved_from else ".")),
    ]}


def replaced(text: str) -> dict:
    """What an earlier chat message becomes once it no longer holds (its buttons go)."""
    return {"text": text, "blocks": [section(text)]}


def moved_away(at: datetime, minutes: int) -> dict:
    return replaced(f"This session was moved to {when(at, minutes)}: see below.")


def was_cancelled(at: datetime, minutes: int) -> dict:
    return replaced(f"This session ({when(at, minutes)}) was cancelled: see below.")


def invite_file(goal: str, *, cancel: bool = False) -> dict:
    """The payload of the calendar file (files upload v2 through the outbox), just after its message."""
    what = "Cancellation" if cancel else "Calendar invite"
    return {"file": {"filename": FILENAME, "title": f"{what}: peer circle session"[:100]},
            "text": f"{what} for your calendar (.ics): {cut(goal, 80)}", "in_thread": False}


def cancelled(circle_id: int, at: datetime, minutes: int, by_user_id: str | None) -> dict:
    """In the chat: the session is cancelled (by a member, or because the circle no longer meets)."""
    if by_user_id:
        text = (f"{mention(by_user_id)} cancelled the session of *{when(at, minutes)}*. Open the file below to take it "
                "out of your calendar.")
        return {"text": "Circle session cancelled", "blocks": [
            section(text), actions(plan_button(circle_id, "Plan another session"), block_id=f"csession_gone_{circle_id}")]}
    text = (f"The circle is no longer meeting, so the session of *{when(at, minutes)}* is cancelled. Open the file "
            "below to take it out of your calendar.")
    return {"text": "Circle session cancelled", "blocks": [section(text)]}


def did_we_meet(session_id: int, circle_id: int, at: datetime, minutes: int) -> dict:
    text = f"Did the circle meet on *{when(at, minutes)}*?"
    return {"text": "Did the circle meet?", "blocks": [
        section(text),
        actions(log_button(circle_id, session_id, "Log it"),
                button("We didn't meet", ids.unique(ids.CSESSION_MISSED, session_id), session_id),
                block_id=f"csession_met_{session_id}"),
        context("Logging it (who came, what you covered) takes a minute; any member can do it."),
    ]}


def didnt_meet(circle_id: int, by_user_id: str, at: datetime | None, minutes: int) -> dict:
    what = f"the session of {when(at, minutes)}" if at else "the session"
    text = f"Noted by {mention(by_user_id)}: the circle didn't meet for {what}. It happens! Plan the next one:"
    return {"text": "Noted: the circle didn't meet", "blocks": [
        section(text), actions(plan_button(circle_id, primary=True), block_id=f"csession_missed_{circle_id}")]}


# -- logging ------------------------------------------------------------------------------------------------------
@dataclass
class Attendee:
    person_id: int
    name: str


def log_modal(circle_id: int, goal: str, members: list[Attendee], checked: list[int], held_on: date, minutes: int, *,
              topics: str = "", session_id: int | None = None, planned_at: datetime | None = None) -> dict:
    """The session log: date, length, what we covered, and who came (the logger ticked)."""
    blocks: list[dict] = [section(f"Session of *{esc(cut(goal, 200))}*")]
    if planned_at is not None:
        blocks.append(context(f"From the session planned for {when(planned_at, minutes)}: check the details, then log "
                              "it."))
    opts = [option(m.name, m.person_id) for m in members[:10]]
    blocks += [
        input_block("held_on", "Date of the session", datepicker(held_on)),
        input_block("minutes", "Length in minutes", {
            "type": "number_input", "action_id": "value", "is_decimal_allowed": False, "initial_value": str(minutes),
            "min_value": "1", "max_value": "480"}, hint="From 1 to 480 minutes."),
        text_input("topics", "What we covered", multiline=True, max_length=MAX_TOPICS, initial=topics),
        input_block("came", "Who came", checkboxes(opts, [str(pid) for pid in checked])),
        context("Logging the same date again updates that day's log. The circle's chat is told how many came."),
    ]
    metadata: dict = {"circle_id": circle_id}
    if session_id is not None:
        metadata["session_id"] = session_id
    return modal("Log a session", ids.CSESSION_LOG_MODAL, blocks, submit="Log session",
                 private_metadata=json.dumps(metadata))


def logged(by_user_id: str, held_on: date, minutes: int, came: int, of: int, came_user_ids: list[str], *,
           created: bool) -> dict:
    """In the chat: "Session logged: 3 of 4 came"."""
    verb = "Session logged" if created else "Session log updated"
    text = f"{verb}: {came} of {of} came"
    who = ", ".join(mention(u) for u in came_user_ids)
    return {"text": text, "blocks": [
        section(f"*{text}* ({held_on:%A %d %B %Y}, {minutes} minutes), logged by {mention(by_user_id)}."
                + (f"\nCame: {who}" if who else "")),
    ]}


def held(by_user_id: str, came: int, of: int, at: datetime | None, minutes: int) -> dict:
    """What the planned session's message (and "Did the circle meet?") become once it is logged (buttons go)."""
    what = f"The session of {when(at, minutes)}" if at else "This session"
    return replaced(f"{what} was held: logged by {mention(by_user_id)}, {came} of {of} came.")


def logged_notice(held_on: date, came: int, of: int, *, created: bool) -> str:
    verb = "Logged" if created else "Updated the log of"
    return f"{verb} the session of {held_on:%d %B %Y}: {came} of {of} came. I've told the circle's chat."


# -- the Home tab -------------------------------------------------------------------------------------------------
def home_next(items: list[tuple[str, datetime, int]], zone: tzinfo) -> list[dict]:
    """Under "Your peer circles": each circle's next planned session, in the reader's time zone."""
    if not items:
        return []
    lines = [f"*{esc(cut(goal, 80))}*: next session {long_when(at, minutes, zone)}" for goal, at, minutes in items[:5]]
    return [context("\n".join(lines))]
