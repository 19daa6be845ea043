"""A peer circle's end date, as its members live it: the daily job (`circle-endings`) posts a heads-up in the
circle's chat a few days before, then on the day the closing summary with "Renew or end?"; any member answers for
everyone (Renew for 3 months, Renew for…, End the circle) and the chat is told; nobody answering within
ANSWER_DAYS ends it. A circle that never started (fewer than three) ends at its end date, each member told in a DM.
An ended circle's planned session is cancelled and everyone's Home refreshes (the circle no
longer takes a place toward their partners at once).

The answer edits the question in place (its buttons give way to who answered); a second click, or another member's
after the first, is told who answered and changes nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from bot.flows import circle_sessions
from bot.flows.context import Context
from bot.services import circle_endings, circles, clock, keys, outbox, profiles, program
from bot.services.circle_endings import ANSWER_DAYS, Answer, Summary
from messages import circle_endings as blocks
from models import Circle, Person


def _close_question(session: Session, team_id: str, asked_about_key: str, program_name: str, s: Summary,
                    outcome: str) -> None:
    """The question in the chat loses its buttons and says what happened (once Slack has it)."""
    outbox.update_sent(session, team_id, asked_about_key, blocks.question_answered(program_name, s, outcome))


def _ended(session: Session, ctx: Context, circle: Circle, members: list[Person], by: Person | None,
           asked_about_key: str) -> None:
    """What ending a circle at its end date does, whoever ended it: the planned session is cancelled, the chat gets
    the closing line and the question its outcome, and every member's Home refreshes."""
    team_id = circle.team_id
    name = program.current(session, team_id, ctx.settings).name
    circle_sessions.cancel_open(session, team_id, circle)  # it meets no more: its planned session is cancelled
    user_id = by.slack_user_id if by is not None else None
    outbox.enqueue(session, team_id, keys.circle_ended(circle.id, by.id if by is not None else None), "circle-ended",
                   circles.group_chat(session, circle, members), blocks.ended(user_id), priority=1 if by else 0)
    _close_question(session, team_id, asked_about_key, name, circle_endings.summary(session, circle),
                    blocks.ended_outcome(user_id))
    outbox.publish_home(session, team_id, *(p.slack_user_id for p in members))


# -- a member answers -------------------------------------------------------------------------------------------
def renew(ctx: Context, team_id: str, user_id: str, raw: object) -> dict:
    """"Renew for 3 months" (or the months picked under "Renew for…"): the end date moves, the chat is told, the
    question shows who renewed it. Returns what the member who clicked sees."""
    with ctx.db.uow() as session:
        done: Answer = circle_endings.renew(session, team_id, user_id, raw)
        circle, until = done.circle, done.renewed_until
        assert until is not None  # renewing sets it
        name = program.current(session, team_id, ctx.settings).name
        outbox.enqueue(session, team_id, keys.circle_renewed(circle.id, circle.renewals, done.me.id), "circle-renewed",
                       circles.group_chat(session, circle, done.members),
                       blocks.renewed(circle, user_id, done.months, until))
        _close_question(session, team_id, keys.circle_end_ask(circle.id, done.asked_about), name,
                        circle_endings.summary(session, circle), blocks.renewed_outcome(user_id, until))
        outbox.publish_home(session, team_id, *(p.slack_user_id for p in done.members))
        return blocks.you_renewed(until)


def end(ctx: Context, team_id: str, user_id: str, raw: object) -> dict:
    """"End the circle": it ends for everyone, the chat gets the closing line. Returns what the clicker sees."""
    with ctx.db.uow() as session:
        done = circle_endings.end(session, team_id, user_id, raw)
        _ended(session, ctx, done.circle, done.members, done.me, keys.circle_end_ask(done.circle.id, done.asked_about))
        return blocks.you_ended()


# -- the daily job ----------------------------------------------------------------------------------------------
def run_daily(ctx: Context, now: datetime | None = None) -> str:
    """For every started circle: a heads-up a few days before its end date (once per end date); on the day (in the
    program's time zone), the closing summary with "Renew or end?" (once); a question nobody answered within
    ANSWER_DAYS ends the circle with the closing line. A circle that never started (fewer than three) ends on its end
    date, and each of its members is told so in a DM, once. Returns what was done."""
    now = now or clock.now()
    tz = ctx.settings.tz
    today = now.astimezone(tz).date()
    deadline = today + timedelta(days=ANSWER_DAYS)  # the day a question asked today ends the circle unanswered
    asked_before = datetime.combine(today - timedelta(days=ANSWER_DAYS - 1), time.min, tzinfo=tz)  # asked 7+ days ago
    warned = asked = ended = lapsed = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            for circle in circle_endings.ending_soon(session, team_id, today):
                chat = circles.group_chat(session, circle, circles.members(session, circle.id))
                warned += outbox.enqueue(session, team_id, keys.circle_ends_soon(circle.id, circle.ends_on),
                                         "circle-ends-soon", chat, blocks.heads_up(circle, today), priority=0)
        with ctx.db.uow() as session:
            name = program.current(session, team_id, ctx.settings).name
            for circle in circle_endings.reaching_end(session, team_id, today, now):
                s = circle_endings.summary(session, circle)
                asked += outbox.enqueue(session, team_id, keys.circle_end_ask(circle.id, circle.ends_on),
                                        "circle-end-ask", circles.group_chat(session, circle, s.members),
                                        blocks.end_question(name, s, deadline), priority=0)
        with ctx.db.uow() as session:
            for circle in circle_endings.unanswered(session, team_id, asked_before, now):
                ended += 1
                _ended(session, ctx, circle, circles.members(session, circle.id), None,
                       keys.circle_end_ask(circle.id, circle.ends_on))
        with ctx.db.uow() as session:
            for circle, people in circle_endings.never_started(session, team_id, today, now):
                lapsed += 1
                for person in people:
                    outbox.enqueue(session, team_id, keys.circle_never_started(circle.id, person.id),
                                   "circle-never-started", person.slack_user_id, blocks.never_started(circle), priority=0)
                outbox.publish_home(session, team_id, *(p.slack_user_id for p in people))
    return (f"{warned} circle(s) told their end is near, {asked} circle(s) asked to renew or end, "
            f"{ended} circle(s) ended unanswered, {lapsed} circle(s) ended without enough people to start")
