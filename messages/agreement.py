"""The agreement modal, the agreement as the pair reads it, and the supervisor's summary."""

from __future__ import annotations

import json
from datetime import date

from bot.services.agreements import FREQUENCY_WORDS, MEETING_LENGTHS, status_words
from bot.services.profiles import GOALS
from messages import ids
from messages.common import (
    actions,
    button,
    checkboxes,
    context,
    datepicker,
    divider,
    esc,
    header,
    input_block,
    mention,
    modal,
    note,
    option,
    section,
    select,
    text_input,
)


def agreement_modal(partnership_id: int, partner_name: str, current, my_side_is_a: bool, default_end: date, *,
                    default_months: int = 6) -> dict:
    """Draft (empty) or propose changes (prefilled with the current version)."""
    mine = (current.supervisor_a if my_side_is_a else current.supervisor_b) if current else None
    theirs = (current.supervisor_b if my_side_is_a else current.supervisor_a) if current else None
    partner = esc(partner_name) or "your partner"
    blocks = [
        section(f"Your agreement with *{partner}*: what your partnership is for and how you'll work. "
                "Your partner confirms it or proposes changes."),
        input_block("purposes", "Purpose of the partnership",
                    checkboxes([option(text, key) for key, text in GOALS.items()], current.purposes if current else [])),
        text_input("goals", "Our goals", multiline=True, max_length=1500, initial=current.goals if current else "",
                   placeholder="What each of us wants to learn or achieve"),
        text_input("boundaries", "Boundaries: what is off limits", multiline=True, max_length=1500, optional=True,
                   initial=current.boundaries if current else "",
                   hint="Topics you won't discuss, times you can't meet, anything you keep out of it."),
        input_block("frequency", "How often we meet",
                    select([option(text, key) for key, text in FREQUENCY_WORDS.items()],
                           initial=current.frequency if current else "fortnightly")),
        input_block("meeting_minutes", "How long each meeting lasts",
                    select([option(f"{n} minutes", n) for n in MEETING_LENGTHS],
                           initial=current.meeting_minutes if current else 45)),
        input_block("end_date", "Partnership ends on", datepicker(current.end_date if current else default_end),
                    hint=f"The program suggests {default_months} month{'s' if default_months != 1 else ''}. "
                         "You can extend it later."),
        input_block("confidentiality", "Confidentiality", checkboxes(
            [option("We keep what we share confidential", "yes")], ["yes"] if current and current.confidentiality else []
        )),
        input_block("my_supervisor", "My supervisor", _user_select(mine), optional=True,
                    hint="They'll be asked to acknowledge the agreement. "
                         "They see the purpose, cadence and dates, never your notes."),
        input_block("partner_supervisor", f"{partner_name or 'Partner'}'s supervisor"[:2000], _user_select(theirs),
                    optional=True),
    ]
    title = "Change agreement" if current else "Our agreement"
    return modal(title, ids.AGREEMENT_MODAL, blocks, submit="Save and share",
                 private_metadata=json.dumps({"partnership_id": partnership_id}))


def _user_select(initial: str | None) -> dict:
    element = {"type": "users_select", "action_id": "value", "placeholder": {"type": "plain_text", "text": "Choose a person"}}
    if initial:
        element["initial_user"] = initial
    return element


def agreement_text(agreement, partnership) -> str:
    purposes = ", ".join(GOALS[p] for p in agreement.purposes if p in GOALS)
    lines = [
        f"*Purpose:* {purposes}",
        f"*Goals:*\n{esc(agreement.goals)}",
        f"*Off limits:* {esc(agreement.boundaries) or 'nothing stated'}",
        f"*Meetings:* {FREQUENCY_WORDS[agreement.frequency].lower()}, {agreement.meeting_minutes} minutes",
        f"*Until:* {agreement.end_date:%d %B %Y}",
        "*Confidential:* yes" if agreement.confidentiality else "*Confidential:* not agreed",
    ]
    supervisors = [(p, s) for p, s in ((partnership.person_a, agreement.supervisor_a),
                                       (partnership.person_b, agreement.supervisor_b)) if s]
    if supervisors:
        lines.append("*Supervisors:* " + ", ".join(f"{mention(s)} for {mention(p.slack_user_id)}" for p, s in supervisors))
    return "\n".join(lines)[:3000]


def agreement_message(agreement, partnership, *, intro: str | None = None) -> dict:
    """The agreement as both partners see it, with Confirm and Change buttons."""
    blocks = []
    if intro:
        blocks.append(section(intro))
    blocks += [
        header(f"Our agreement (version {agreement.version})"),
        section(agreement_text(agreement, partnership)),
        context(status_words(agreement, partnership)),
    ]
    buttons = []
    if not agreement.confirmed:
        buttons.append(button("Confirm this version", ids.AGREEMENT_CONFIRM, agreement.id, style="primary"))
    buttons.append(button("Propose changes", ids.AGREEMENT_WRITE, partnership.id))
    blocks.append(actions(*buttons, block_id=f"agreement_{agreement.id}"))
    return {"text": f"Agreement, version {agreement.version}: {status_words(agreement, partnership)}", "blocks": blocks}


def agreement_view(agreement, partnership, partner_user_id: str) -> dict:
    """The agreement in a modal (opened from App Home), with the same buttons as in the pair's chat."""
    message = agreement_message(agreement, partnership, intro=f"With {mention(partner_user_id)}:")
    return modal("Our agreement", ids.AGREEMENT_VIEW_MODAL, message["blocks"], submit=None, close="Close",
                 private_metadata=json.dumps({"partnership_id": partnership.id}))


def no_agreement(partnership, partner_user_id: str) -> list[dict]:
    return [
        section(f"You and {mention(partner_user_id)} have no agreement yet."),
        actions(button("Write our agreement", ids.AGREEMENT_WRITE, partnership.id, style="primary"),
                block_id=f"agreement_new_{partnership.id}"),
    ]


def agreements_overview(items: list[tuple], *, nothing: bool) -> dict:
    """`/mentor agreement`: each live partnership's current agreement."""
    if nothing:
        return {"text": "You have no partnership yet", "blocks": [
            section("You have no partnership yet, so there is no agreement to show."),
            actions(button("Find a partner", ids.FIND, style="primary"), block_id="agreement_find"),
        ]}
    blocks: list[dict] = []
    for partnership, agreement, partner_user_id in items[:8]:
        if blocks:
            blocks.append(divider())
        if agreement is None:
            blocks += no_agreement(partnership, partner_user_id)
        else:
            blocks += agreement_message(agreement, partnership, intro=f"With {mention(partner_user_id)}:")["blocks"]
    return {"text": "Your agreements", "blocks": blocks}


def supervisor_dm(program_name: str, agreement, partnership, supervisee_ids: list[str], ack_id: int) -> dict:
    pair = f"{mention(partnership.person_a.slack_user_id)} and {mention(partnership.person_b.slack_user_id)}"
    whose = " and ".join(mention(u) for u in supervisee_ids)
    purposes = ", ".join(GOALS[p] for p in agreement.purposes if p in GOALS)
    started = partnership.started_at.date() if partnership.started_at else agreement.created_at.date()
    blocks = [
        section(f"{pair} have agreed a peer mentoring partnership in *{esc(program_name)}*. "
                f"You're named as the supervisor of {whose}."),
        section(f"*Purpose:* {purposes}\n*Meetings:* {FREQUENCY_WORDS[agreement.frequency].lower()}, "
                f"{agreement.meeting_minutes} minutes\n*From* {started:%d %B %Y} *to* {agreement.end_date:%d %B %Y}"),
        context("What they discuss stays between them. Please acknowledge that you know of it and will protect the time."),
        actions(button("Acknowledge", ids.SUPERVISOR_ACK, ack_id, style="primary"), block_id="supervisor_ack"),
    ]
    return {"text": f"Please acknowledge a peer mentoring agreement for {whose}", "blocks": blocks}


def supervisor_acknowledged(supervisee_ids: list[str]) -> dict:
    text = f"Thank you: you acknowledged the peer mentoring agreement of {' and '.join(mention(u) for u in supervisee_ids)}."
    return {"text": text, "blocks": [section(text)]}


def confirmed_notice(supervisors_asked: bool) -> dict:
    """In the pair's group chat, once both confirmed."""
    return note("Your agreement is confirmed by both of you."
                + (" Your supervisors have been asked to acknowledge it." if supervisors_asked else ""))


def acknowledged_notice(supervisor_user_id: str) -> dict:
    """In the pair's group chat, when a supervisor acknowledged."""
    return note(f"{mention(supervisor_user_id)} acknowledged your agreement.")
