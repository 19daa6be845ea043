"""A peer circle at its end date, in its group chat: the heads-up a few days before, the closing summary with
"Renew or end?" (Renew for 3 months, Renew for…, End the circle), the question once answered, and the lines that say
it was renewed or has ended; and what the member who answered sees."""

from __future__ import annotations

from datetime import date

from bot.services.circle_endings import ANSWER_DAYS, DEFAULT_RENEW_MONTHS, RENEW_MONTHS, Summary, weeks_or_months
from bot.services.circles import cadence
from messages import ids
from messages.common import actions, button, confirm_dialog, context, cut, esc, header, mention, note, option, section, select
from models import Circle

LONG = "%A %d %B %Y"


def _months(n: int) -> str:
    return f"{n} month{'s' if n != 1 else ''}"


def answer_value(circle: Circle, months: int | None = None) -> str:
    """What the question's buttons carry: the circle and which question (its renewals so far), and the months."""
    return f"{circle.id}:{circle.renewals}" + (f":{months}" if months is not None else "")


def heads_up(circle: Circle, today: date) -> dict:
    left = (circle.ends_on - today).days
    text = f"Heads-up: this peer circle ends on {circle.ends_on:{LONG}}"
    return {"text": text, "blocks": [section(
        f"*Heads-up:* our circle *{esc(cut(circle.goal, 300))}* ends on *{circle.ends_on:{LONG}}*, in {left} "
        f"day{'s' if left != 1 else ''}. That day I'll post a summary here and ask whether to renew it or end it; "
        "any of you can answer.")]}


def _summary_blocks(program_name: str, s: Summary) -> list[dict]:
    circle = s.circle
    skills = ", ".join(esc(n) for n in circle.skill_names()) or "none named"
    renewed = f", renewed {'once' if circle.renewals == 1 else f'{circle.renewals} times'}" if circle.renewals else ""
    facts = (f"*What we set out to learn:* {esc(cut(circle.goal, 300))}\n*Skills:* {skills}\n"
             f"*How long it ran:* {circle.starts_on:%d %b %Y} to {circle.ends_on:%d %b %Y} "
             f"({weeks_or_months(circle.starts_on, circle.ends_on)}{renewed}), meeting {cadence(circle)}\n"
             f"*Sessions held:* {s.held}")
    if s.held:
        came = "\n".join(f"• {mention(p.slack_user_id)}: came to {s.came_to(p)} of {s.held} session{'s' if s.held != 1 else ''}"
                         for p in s.members[:8])
        attendance = section(f"*Who came*\n{came}")
    else:
        attendance = section("*Who came:* no session was logged as held, so there is no attendance to show.")
    return [
        header("Our circle reached its end date"),
        section(f"The peer circle *{esc(cut(circle.goal, 300))}* in {esc(program_name)} was planned until "
                f"*{circle.ends_on:{LONG}}*. Here is what it did."),
        section(facts),
        attendance,
        context("Attendance comes from the sessions this circle logged. Check-in answers stay anonymous: they are "
                "never shown here."),
    ]


def end_question(program_name: str, s: Summary, deadline: date) -> dict:
    """The closing summary and "Renew or end?", in the circle's chat."""
    circle = s.circle
    text = f"Our peer circle “{esc(cut(circle.goal, 150))}” reached its end date: renew it or end it?"
    renew_for = {**select([option(f"Renew for {_months(m)}", answer_value(circle, m)) for m in RENEW_MONTHS],
                          placeholder="Renew for…"),
                 "action_id": ids.CIRCLE_RENEW_FOR,
                 "confirm": confirm_dialog("Renew the circle?", "The circle goes on for the months you picked, with "
                                           "everyone in it.", "Renew", "Cancel")}
    return {"text": text, "blocks": [
        *_summary_blocks(program_name, s),
        section(f"*Renew or end?* Any member can answer, once, for everyone. If nobody answers by "
                f"*{deadline:{LONG}}* ({ANSWER_DAYS} days), the circle ends that day."),
        actions(button(f"Renew for {_months(DEFAULT_RENEW_MONTHS)}", ids.CIRCLE_RENEW,
                       answer_value(circle, DEFAULT_RENEW_MONTHS), style="primary"),
                renew_for,
                button("End the circle", ids.CIRCLE_END, answer_value(circle), style="danger",
                       confirm=confirm_dialog("End the circle?", "The circle ends now, for everyone in it.",
                                              "End it", "Keep it")),
                block_id="circle_end_actions"),
    ]}


def question_answered(program_name: str, s: Summary, outcome: str) -> dict:
    """The question once answered: the summary stays, the buttons give way to what happened."""
    text = f"Our peer circle “{esc(cut(s.circle.goal, 150))}” reached its end date: {outcome}"
    return {"text": text, "blocks": [*_summary_blocks(program_name, s), section(f"*{outcome}*")]}


def renewed_outcome(user_id: str, until: date) -> str:
    return f"{mention(user_id)} renewed the circle until {until:{LONG}}."


def ended_outcome(user_id: str | None) -> str:
    if user_id is None:
        return f"Nobody answered within {ANSWER_DAYS} days, so the circle has ended."
    return f"{mention(user_id)} ended the circle."


def renewed(circle: Circle, user_id: str, months: int, until: date) -> dict:
    """In the chat: the circle goes on."""
    text = f"{mention(user_id)} renewed the circle for {_months(months)}: it now runs until {until:{LONG}}."
    return {"text": text, "blocks": [
        section(f"{mention(user_id)} renewed the circle for {_months(months)}: it now runs until *{until:{LONG}}*. "
                f"Keep meeting {cadence(circle)}; I'll ask again then."),
    ]}


def ended(user_id: str | None) -> dict:
    """In the chat: the closing line."""
    why = (f"Nobody answered within {ANSWER_DAYS} days, so this circle has ended." if user_id is None
           else f"{mention(user_id)} ended the circle. This circle has ended.")
    text = (f"{why} Thank you all for learning together! You can start or join another circle with "
            "`/mentor circles`.")
    return {"text": text, "blocks": [section(text)]}


def you_renewed(until: date) -> dict:
    return note(f"You renewed the circle until {until:{LONG}}. I've told everyone in its chat.")


def you_ended() -> dict:
    return note("You ended the circle. I've told everyone in its chat; your place is free for another circle or "
                "partnership (`/mentor circles`, `/mentor find`).")


def never_started(circle: Circle) -> dict:
    """The DM to each member of a circle that reached its end date before it had enough people to start."""
    text = "Your peer circle ended without enough people"
    return {"text": text, "blocks": [section(
        f"Your peer circle *{esc(cut(circle.goal, 300))}* reached its end date ({circle.ends_on:{LONG}}) without "
        "the three people it needs to start, so it has ended. You can start another circle or join one with "
        "`/mentor circles`.")]}
