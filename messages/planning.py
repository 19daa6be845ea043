"""Planning a meeting: the modal of suggested times, the partner's pick, the confirmation with its calendar file,
the cancellation, and "Did you meet?". Every time is shown in the reader's own time zone."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, tzinfo

from bot.services import invites
from bot.services.suggestions import token
from messages import ids
from messages.common import (
    actions,
    button,
    checkboxes,
    confirm_dialog,
    context,
    datepicker,
    esc,
    input_block,
    modal,
    option,
    section,
    who,
    zone_name,
)


def short_when(at: datetime, minutes: int, zone: tzinfo) -> str:
    """"Tue 14 Mar, 09:00–10:00" in the reader's time zone (fits a button with " (your time)")."""
    start = at.astimezone(zone)
    end = (at + timedelta(minutes=minutes)).astimezone(zone)
    return f"{start:%a} {start.day} {start:%b}, {start:%H:%M}–{end:%H:%M}"


def long_when(at: datetime, minutes: int, zone: tzinfo) -> str:
    """"Tuesday 14 March, 09:00–10:00 (your time, Europe/London)"."""
    start = at.astimezone(zone)
    end = (at + timedelta(minutes=minutes)).astimezone(zone)
    return f"{start:%A} {start.day} {start:%B}, {start:%H:%M}–{end:%H:%M} (your time, {zone_name(zone)})"


def plan_button(partnership_id: int, text: str = "Plan our next meeting", *, primary: bool = False) -> dict:
    return button(text, ids.unique(ids.PLAN_OPEN, partnership_id), partnership_id, style="primary" if primary else None)


def plan_modal(partnership_id: int, partner_name: str, times: list[datetime], shared: bool, minutes: int,
               zone: tzinfo, *, current: tuple[datetime, int] | None = None) -> dict:
    """Pick up to three of the suggested times (shown in the proposer's time zone), or give one's own, and the length.
    `current`: the planned meeting's (time, length) when this is a reschedule."""
    partner = esc(partner_name) or "your partner"
    blocks: list[dict] = []
    if current is not None:
        blocks.append(section(f"Your meeting with *{partner}* is planned for *{long_when(current[0], current[1], zone)}*. "
                              f"Pick new times: when {partner} picks one, the meeting moves and both calendars update."))
    else:
        blocks.append(section(f"Pick up to three times for your next meeting with *{partner}*. {partner} picks one, "
                              "and you both get a calendar invite."))
    if not shared:
        blocks.append(section(f":warning: You and {partner} have no working hours in common in the next two weeks. "
                              "The times below are outside working hours for at least one of you (between 07:00 and "
                              "21:00 for both); or give a time of your own."))
    if times:
        options = [option(short_when(at, minutes, zone), token(at)) for at in times]
        blocks.append(input_block("slots", "Times that suit you (pick up to three)", checkboxes(options), optional=True,
                                  hint=f"In your time zone ({zone_name(zone)}), inside both your working hours "
                                       "(set yours in your profile)." if shared else
                                       f"In your time zone ({zone_name(zone)})."))
    blocks += [
        input_block("minutes", "Length in minutes", {
            "type": "number_input", "action_id": "value", "is_decimal_allowed": False, "initial_value": str(minutes),
            "min_value": "1", "max_value": "480",
        }, hint="From your agreement, if you have one. At most 480 (8 hours)."),
        context("*None of these fit?* Give a date and a time of your own"
                + (" (outside working hours is fine)." if not shared else ".")),
        input_block("custom_date", "Another date", datepicker(), optional=True),
        input_block("custom_time", "Another time (your time)", {"type": "timepicker", "action_id": "value"},
                    optional=True),
    ]
    return modal("Reschedule" if current else "Plan a meeting", ids.PLAN_MODAL, blocks, submit="Send to partner",
                 private_metadata=json.dumps({"partnership_id": partnership_id}))


def proposed_notice(partner_name: str, count: int) -> str:
    return (f"Sent: {count} time{'s' if count != 1 else ''} to {esc(partner_name) or 'your partner'}. "
            "When they pick one, you both get a calendar invite.")


def proposal(proposer_name: str, proposer_id: str, plan_id: int, slots: list[tuple[int, datetime]], minutes: int,
             zone: tzinfo, *, moving: tuple[datetime, int] | None = None) -> dict:
    """To the partner: one button per proposed time (in their own time zone), and "Ask for other times"."""
    person = who(proposer_name, proposer_id)
    if moving is not None:
        intro = (f"{person} would like to move your meeting of *{long_when(moving[0], moving[1], zone)}*. "
                 f"Pick a new time ({minutes} minutes):")
    else:
        intro = f"{person} proposes times for your next meeting ({minutes} minutes). Pick the one that suits you:"
    buttons = [button(f"{short_when(at, minutes, zone)} (your time)", ids.unique(ids.PLAN_PICK, slot_id), slot_id,
                      style="primary" if i == 0 else None) for i, (slot_id, at) in enumerate(slots)]
    return {"text": f"{proposer_name or 'Your partner'} proposes times for your next meeting", "blocks": [
        section(intro),
        actions(*buttons, block_id=f"plan_pick_{plan_id}"),
        actions(button("Ask for other times", ids.unique(ids.PLAN_OTHER, plan_id), plan_id),
                block_id=f"plan_other_{plan_id}"),
        context(f"Times in your time zone ({zone_name(zone)}). Both of you get a calendar invite once you pick."),
    ]}


def proposal_closed(text: str) -> dict:
    """What a proposal DM becomes once it is answered or withdrawn (its buttons go)."""
    return {"text": text, "blocks": [section(text)]}


def picked_text(when: str) -> str:
    return f"You picked *{when}*. The calendar invite is on its way."


WITHDRAWN = "These times were withdrawn: new times were proposed, or the meeting was cancelled."
ASKED = "You asked for other times. Your partner will propose new ones."


def other_times(partner_name: str, partner_id: str, partnership_id: int) -> dict:
    """To the proposer: none of the times suited the partner."""
    text = f"None of the times you proposed suit {who(partner_name, partner_id)}. Could you propose others?"
    return {"text": f"{partner_name or 'Your partner'} asked for other times", "blocks": [
        section(text), actions(plan_button(partnership_id, "Propose other times", primary=True),
                               block_id=f"plan_again_{partnership_id}")]}


def confirmation(plan_id: int, partner_name: str, partner_id: str, at: datetime, minutes: int, zone: tzinfo, *,
                 moved: bool) -> dict:
    """The meeting is planned (or moved): when, with whom, and the buttons to prepare, move or cancel it."""
    when = long_when(at, minutes, zone)
    verb = "Meeting moved" if moved else "Meeting planned"
    text = (f"*{verb}* with {who(partner_name, partner_id)}: *{when}*.\n"
            "The calendar invite follows: open the file to add it to Google Calendar, Outlook or Apple Calendar"
            + (" (it updates the meeting you have)." if moved else "."))
    return {"text": f"{verb}: {short_when(at, minutes, zone)} with {partner_name or 'your partner'}", "blocks": [
        section(text),
        actions(*meeting_buttons(plan_id), block_id=f"plan_planned_{plan_id}"),
    ]}


def meeting_buttons(plan_id: int) -> list[dict]:
    return [
        button("Agenda", ids.unique(ids.AGENDA_OPEN, plan_id), plan_id),
        button("Reschedule", ids.unique(ids.PLAN_RESCHEDULE, plan_id), plan_id),
        button("Cancel meeting", ids.unique(ids.PLAN_CANCEL, plan_id), plan_id, style="danger",
               confirm=confirm_dialog("Cancel the meeting?", "Your partner is told, and the meeting leaves both "
                                      "calendars once you open the cancellation file.", "Cancel meeting", "Keep it")),
    ]


def invite_file(partner_name: str, *, cancel: bool = False) -> dict:
    """The payload of a calendar file (files upload v2 through the outbox)."""
    what = "Cancellation" if cancel else "Calendar invite"
    return {"file": {"filename": invites.FILENAME, "title": f"{what}: meeting with {partner_name or 'your partner'}"},
            "text": f"{what} for your calendar (.ics).", "in_thread": False}


def summary(a_name: str, b_name: str) -> str:
    """The calendar event's title."""
    return f"Mentoring: {a_name or 'partner'} and {b_name or 'partner'}"


def cancelled(by_me: bool, partner_name: str, partner_id: str, partnership_id: int, when: str | None) -> dict:
    """To each partner: the meeting (or the times on offer) is cancelled; plan another."""
    what = f"your meeting of *{when}*" if when else "the times proposed for your next meeting"
    text = (f"You cancelled {what} with {who(partner_name, partner_id)}." if by_me
            else f"{who(partner_name, partner_id)} cancelled {what}.")
    if when:
        text += " Open the file below to take it out of your calendar."
    return {"text": "Meeting cancelled", "blocks": [
        section(text), actions(plan_button(partnership_id), block_id=f"plan_cancelled_{partnership_id}")]}


def ended(partner_name: str, partner_id: str, when: str) -> dict:
    """The partnership ended: its planned meeting leaves the calendars."""
    text = (f"Your partnership with {who(partner_name, partner_id)} has ended, so your meeting of *{when}* is cancelled. "
            "Open the file below to take it out of your calendar.")
    return {"text": "Meeting cancelled: the partnership ended", "blocks": [section(text)]}


def did_you_meet(plan_id: int, partner_name: str, partner_id: str, at: datetime, minutes: int, zone: tzinfo) -> dict:
    text = f"Did you meet {who(partner_name, partner_id)} on *{long_when(at, minutes, zone)}*?"
    return {"text": f"Did you meet {partner_name or 'your partner'}?", "blocks": [
        section(text),
        actions(button("Log it", ids.unique(ids.LOG_OPEN, f"plan:{plan_id}"), f"plan:{plan_id}", style="primary"),
                button("We didn't", ids.unique(ids.PLAN_MISSED, plan_id), plan_id), block_id=f"plan_met_{plan_id}"),
        context("Logging it keeps your record (and your partner's) up to date; it takes a minute."),
    ]}


def didnt_meet(partnership_id: int, partner_name: str) -> dict:
    text = (f"Noted: you didn't meet {esc(partner_name) or 'your partner'} this time. It happens! "
            "Plan the next meeting while you think of it:")
    return {"text": "Noted: you didn't meet", "blocks": [
        section(text), actions(plan_button(partnership_id, primary=True), block_id=f"plan_missed_{partnership_id}")]}


def choose_partner(choices: list[tuple[int, str]]) -> dict:
    """`/mentor schedule` with several partners: one button each."""
    return {"text": "Plan a meeting with whom?", "blocks": [
        section("Which partner would you like to plan a meeting with?"),
        actions(*[plan_button(pid, f"Plan with {name}"[:75]) for pid, name in choices[:25]], block_id="plan_choose"),
    ]}


def nobody_to_plan_with() -> dict:
    return {"text": "No partnership to plan a meeting for", "blocks": [
        section("You have no active partnership, so there is no meeting to plan yet. Use `/mentor find` to find a "
                "partner.")]}
