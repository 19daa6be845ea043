"""Check-in DMs and the answer modal: pure functions from data to Block Kit."""

from __future__ import annotations

import json
from datetime import date

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
    modal,
    option,
    section,
    select,
    text_input,
    who,
)

EFFECTIVENESS = [("5", "5 · Very effective"), ("4", "4 · Effective"), ("3", "3 · Somewhat"),
                 ("2", "2 · Not very"), ("1", "1 · Not at all")]
EXPECTATIONS = [("yes", "Yes"), ("partly", "Partly"), ("no", "No")]


def _anonymous(k: int) -> str:
    return (f"Your answers are anonymous: nobody else sees them, not your partner, not the program team. "
            f"Reports show only totals over at least {k} people.")


def checkin_message(program: str, month: str, checkin_id: int, partner_name: str, partner_id: str, k: int,
                    reminder: int = 0) -> dict:
    opener = {0: f"*{esc(program)}*: your check-in for *{month}*.",
              1: f"A gentle reminder from *{esc(program)}*: your check-in for *{month}* is still open.",
              2: f"Last reminder from *{esc(program)}*: your check-in for *{month}* closes at the end of the month."}
    text = f"{opener.get(reminder, opener[2])} How is your partnership with {who(partner_name, partner_id)} going?"
    blocks = [
        section(text + " Six quick questions, a minute or two."),
        actions(
            button("We met", ids.unique(ids.CHECKIN_MET, checkin_id), checkin_id, style="primary"),
            button("We didn't meet", ids.unique(ids.CHECKIN_NOT_MET, checkin_id), checkin_id),
            block_id=f"checkin_{checkin_id}",
        ),
        context(_anonymous(k) + f" Open until the end of {month}."),
    ]
    return {"text": f"{program}: your {month} check-in about your partnership with {partner_name or 'your partner'}",
            "blocks": blocks}


def thanks_message(program: str, month: str, checkin_id: int, partner_name: str, partner_id: str, k: int) -> dict:
    blocks = [
        section(f"Thank you! Your *{month}* check-in about {who(partner_name, partner_id)} is saved. "
                f"You can change it until the end of {month}."),
        actions(button("Change my answer", ids.unique(ids.CHECKIN_CHANGE, checkin_id), checkin_id),
                block_id=f"checkin_{checkin_id}"),
        context(_anonymous(k)),
    ]
    return {"text": f"{program}: thank you, your {month} check-in is saved (anonymous)", "blocks": blocks}


def saved_notice(month: str, k: int) -> str:
    """What the check-in modal says once an answer is saved."""
    return (f"Your {month} check-in is saved. It is anonymous: nobody else sees your answer, and reports only show "
            f"totals over at least {k} people. You can change it until the end of {month}.")


def _radio(options: list[tuple[str, str]], initial: str | None) -> dict:
    opts = [option(label, value) for value, label in options]
    element = {"type": "radio_buttons", "action_id": "value", "options": opts}
    chosen = [o for o in opts if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def _ratings(current: dict, effective: str, effective_hint: str, expected: str) -> list[dict]:
    """The questions both check-in modals end with: how effective, expectations met, anything that would help."""
    return [
        input_block("effectiveness", effective,
                    select([option(label, value) for value, label in EFFECTIVENESS],
                           initial=current.get("effectiveness"), placeholder="1 to 5"),
                    optional=True, hint=effective_hint),
        input_block("expectations", expected, _radio(EXPECTATIONS, current.get("expectations"))),
        text_input("help", "Anything that would help?", multiline=True, max_length=1000, optional=True,
                   initial=current.get("help") or "",
                   hint="Shared with the program team without your name, and only once enough people answered."),
    ]


def checkin_modal(checkin_id: int, month: str, partner_name: str, met: str | None, today: date, k: int,
                  current: dict | None = None) -> dict:
    """`current` is the person's own saved answer (only ever shown to them)."""
    current = current or {}
    not_planned = current.get("answered") and current.get("next_meeting_on") is None
    blocks = [
        section(f"About your partnership with *{esc(partner_name) or 'your partner'}* in *{month}*."),
        input_block("met", "Did you meet this month?", _radio([("yes", "Yes, we met"), ("no", "No, not this month")], met)),
        text_input("minutes", "For how long, in total? (minutes)", max_length=5, optional=True,
                   initial=str(current["minutes"]) if current.get("minutes") else "",
                   hint="All your meetings this month together, e.g. 90. Leave empty if you didn't meet."),
        input_block("next_meeting_on", "When is your next meeting?", datepicker(current.get("next_meeting_on")),
                    optional=True),
        input_block("next_not_planned", "No date yet?",
                    checkboxes([option("Not planned yet", "yes")], ["yes"] if not_planned else []), optional=True),
        *_ratings(current, "How effective was it?", "Only if you met.", "Are you getting what you expected?"),
        context(_anonymous(k)),
    ]
    return modal("Monthly check-in", ids.CHECKIN_MODAL, blocks, submit="Send",
                 private_metadata=json.dumps({"checkin_id": checkin_id}))


def at_risk_message(program: str, partnership_id: int, partner_name: str, partner_id: str) -> dict:
    text = (f"*{esc(program)}*: it looks like you and {who(partner_name, partner_id)} haven't managed to meet for "
            "two months. That happens to every partnership at some point. What would you like to do?")
    blocks = [
        section(text),
        actions(
            button("We're fine", ids.unique(ids.AT_RISK_FINE, partnership_id), partnership_id, style="primary"),
            button("Pause for a while", ids.unique(ids.AT_RISK_PAUSE, partnership_id), partnership_id),
            button("End and find someone new", ids.unique(ids.AT_RISK_END, partnership_id), partnership_id,
                   style="danger", confirm=confirm_dialog(
                       "End this partnership?", f"Your partnership with {cut(partner_name, 100) or 'your partner'} ends "
                       "for both of you, and I'll suggest new partners.", "End it")),
            block_id=f"at_risk_{partnership_id}",
        ),
        context("Your partner gets the same message. Either of you can choose."),
    ]
    return {"text": f"{program}: how is your partnership with {partner_name or 'your partner'} going?", "blocks": blocks}


def at_risk_outcome(choice: str, partnership_id: int, partner_name: str, partner_id: str, by_me: bool) -> dict:
    name = who(partner_name, partner_id)
    texts = {
        "fine": f"Good to hear. Keep going with {name}: log your next meeting with `/mentor log`.",
        "paused": f"Your partnership with {name} is paused: no check-ins or nudges about it until one of you "
                  "resumes it with the button below.",
    }
    text = texts[choice] if by_me else {
        "fine": f"{name} says your partnership is fine. Keep going!",
        "paused": f"{name} paused your partnership for a while: no check-ins or nudges about it until one of you "
                  "resumes it with the button below.",
    }[choice]
    found = [section(text)]
    if choice == "paused":
        found.append(actions(button("Resume our partnership", ids.unique(ids.AT_RISK_FINE, partnership_id),
                                    partnership_id), block_id=f"resume_pair_{partnership_id}"))
    return {"text": text, "blocks": found}


def paused_message(program: str) -> dict:
    text = (f"*{esc(program)}*: you missed the last three monthly check-ins, so I've paused your participation: "
            "no check-ins or reminders, and you won't be suggested in `/mentor find`. Your partnerships and notes "
            "are kept. Resume whenever you like.")
    return {"text": f"{program}: your participation is paused", "blocks": [
        section(text), actions(button("Resume", ids.RESUME, style="primary"), block_id="resume")]}


def _quoted(texts: list[str], room: int) -> list[dict]:
    """The comments as quotes, in sections of at most 3000 characters, at most `room` sections."""
    out: list[dict] = []
    chunk = ""
    for text in texts:
        line = "> " + esc(cut(" ".join(text.split()), 900)) + "\n"
        if len(chunk) + len(line) > 2900:
            out.append(section(chunk))
            chunk = ""
            if len(out) >= room:
                return out
        chunk += line
    if chunk and len(out) < room:
        out.append(section(chunk))
    return out


def help_texts_message(program: str, month: str, answered: int, texts: list[str], circle_answered: int = 0,
                       circle_texts: list[str] | None = None) -> dict:
    """The month's "what would help" comments, pairs' and circles' apart (each part only over k answers)."""
    circle_texts = circle_texts or []
    blocks = []
    if texts:
        blocks.append(section(f"*{esc(program)}*: what would help, in participants' own words ({month}). "
                              f"{len(texts)} comments from {answered} anonymous answers, in random order, without names."))
        blocks += _quoted(texts, 47 - (2 if circle_texts else 0) - len(blocks))
    if circle_texts:
        blocks.append(section(f"*{esc(program)}*: what would help peer circles, in members' own words ({month}). "
                              f"{len(circle_texts)} comments from {circle_answered} anonymous answers, in random "
                              "order, without names."))
        blocks += _quoted(circle_texts, 48 - len(blocks))
    blocks.append(context("Only program admins get this. Please don't try to work out who wrote what."))
    return {"text": f"{program}: what would help ({month}, anonymous)", "blocks": blocks}



# -- peer circles: one DM a month per member, a part per circle ------------------------------------
MAX_CIRCLE_PARTS = 20


def _circle_anonymous(k: int) -> str:
    return (f"Your answers are anonymous: nobody else sees them, not the other members of your circle, not the "
            f"program team. Reports show only totals over at least {k} people.")


def circle_checkin_message(program: str, month: str, parts: list, k: int, reminder: int = 0) -> dict:
    """A member's circle check-in DM: `parts` are bot.services.circle_checkins.Part (checkin_id, goal, answered),
    each with "Answer the check-in", or "Change my answer" once answered (shown to the member only)."""
    opener = {0: f"*{esc(program)}*: your peer circle check-in for *{month}*.",
              1: f"A gentle reminder from *{esc(program)}*: your peer circle check-in for *{month}* is still open.",
              2: f"Last reminder from *{esc(program)}*: your peer circle check-in for *{month}* closes at the end of "
                 "the month."}
    done = all(p.answered for p in parts)
    intro = (f"Thank you! Your *{month}* peer circle check-in is saved. You can change it until the end of {month}."
             if done and not reminder else
             f"{opener.get(reminder, opener[2])} How is your circle going? Five quick questions per circle, a minute "
             "or two.")
    blocks = [section(intro)]
    for part in parts[:MAX_CIRCLE_PARTS]:
        goal = esc(cut(part.goal, 200))
        if part.answered:
            blocks.append(section(f"*{goal}*: thank you, your answer is saved."))
            blocks.append(actions(button("Change my answer", ids.unique(ids.CIRCLE_CHECKIN_CHANGE, part.checkin_id),
                                         part.checkin_id), block_id=f"circle_checkin_{part.checkin_id}"))
        else:
            blocks.append(section(f"*{goal}*: did the circle meet, how many sessions you went to, how it's going."))
            blocks.append(actions(button("Answer the check-in", ids.unique(ids.CIRCLE_CHECKIN_ANSWER, part.checkin_id),
                                         part.checkin_id, style="primary"), block_id=f"circle_checkin_{part.checkin_id}"))
    blocks.append(context(_circle_anonymous(k) + f" Open until the end of {month}."))
    text = (f"{program}: thank you, your {month} peer circle check-in is saved (anonymous)" if done and not reminder
            else f"{program}: your {month} peer circle check-in")
    return {"text": text, "blocks": blocks}


def circle_saved_notice(month: str, goal: str, k: int) -> str:
    """What the circle check-in modal says once an answer is saved."""
    return (f"Your {month} check-in about “{cut(goal, 100)}” is saved. It is anonymous: nobody else sees your answer, "
            f"not the other members, and reports only show totals over at least {k} people. You can change it until "
            f"the end of {month}.")


def circle_checkin_modal(checkin_id: int, month: str, goal: str, k: int, current: dict | None = None) -> dict:
    """`current` is the member's own saved answer (only ever shown to them)."""
    current = current or {}
    met = "yes" if current.get("met") else ("no" if current.get("met") is False else None)
    sessions = current.get("sessions")
    blocks = [
        section(f"About your peer circle *{esc(cut(goal, 200))}* in *{month}*."),
        input_block("met", "Did the circle meet this month?",
                    _radio([("yes", "Yes, the circle met"), ("no", "No, not this month")], met)),
        text_input("sessions", "How many of its sessions did you go to?", max_length=2, optional=True,
                   initial=str(sessions) if current.get("answered") and met == "yes" and sessions is not None else "",
                   hint="A number, 0 if you missed them all. Leave empty if the circle didn't meet."),
        *_ratings(current, "How effective were the sessions?", "Only if you went to at least one.",
                  "Are you getting what you expected from the circle?"),
        context(_circle_anonymous(k)),
    ]
    return modal("Circle check-in", ids.CIRCLE_CHECKIN_MODAL, blocks, submit="Send",
                 private_metadata=json.dumps({"circle_checkin_id": checkin_id}))
