"""A peer circle's sessions, as its members use them: plan one (it is planned at once, posted in the circle's group
chat with a calendar invite), move or cancel it, log it with who came; and the job that asks the chat "Did the
circle meet?" after a session, marks unlogged ones missed and cancels the sessions of circles no longer meeting.

`cancel_open` is for other use cases that end a circle: it cancels its planned session in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.flows.context import Context
from bot.services import circle_sessions, circles, clock, keys, outbox, profiles
from bot.services.circle_sessions import LogForm, PlanForm
from bot.services.errors import Conflict
from messages import circle_sessions as blocks
from models import Circle, CircleSession, Person
from models.status import CircleSessionStatus


def _send_invite(session: Session, row: CircleSession, circle: Circle, people: list[Person], after: str, *,
                 cancel: bool = False) -> None:
    """The calendar file of this version of the session, in the circle's chat just after `after`."""
    organizer = circle_sessions.organizer(session, row, people)
    if organizer is None or row.starts_at is None:
        return
    ics = circle_sessions.invite(row, circle.goal, organizer, people, cancel=cancel)
    outbox.enqueue(session, row.team_id, keys.circle_session_invite(row.id, row.sequence), "circle-session-invite",
                   circles.group_chat(session, circle, people), blocks.invite_file(circle.goal, cancel=cancel), after_key=after,
                   attachment=ics)


def _send_cancellation(session: Session, row: CircleSession, circle: Circle, people: list[Person],
                       by: Person | None, when: datetime) -> None:
    """The chat is told the session is cancelled (by a member, or `by` None: the circle no longer meets), with the
    METHOD:CANCEL file; the message that planned it loses its buttons."""
    recipient = circles.group_chat(session, circle, people)
    if not recipient:
        return  # nobody left and no chat known: there is nowhere to say it
    outbox.update_sent(session, row.team_id, keys.circle_session_planned(row.id, row.sequence - 1),
                       blocks.was_cancelled(when, row.minutes))
    key = keys.circle_session_cancelled(row.id, row.sequence)
    outbox.enqueue(session, row.team_id, key, "circle-session-cancelled", recipient,
                   blocks.cancelled(circle.id, when, row.minutes, by.slack_user_id if by else None))
    _send_invite(session, row, circle, people, key, cancel=True)


def cancel_open(session: Session, team_id: str, circle: Circle) -> None:
    """Cancel the circle's planned session (it ends, or no longer meets): a session still ahead leaves calendars
    through a METHOD:CANCEL file (same UID, SEQUENCE raised) in the circle's chat. Call it inside your unit of work,
    before or after the circle's status changes; nothing happens when nothing is planned."""
    _cancel_planned(session, circle)


def _cancel_planned(session: Session, circle: Circle) -> int:
    """Cancel every planned session of the circle; those still ahead are cancelled in the chat, with the file.
    Returns how many were ahead."""
    people = circles.members(session, circle.id)
    ahead = circle_sessions.cancel_planned(session, circle, clock.now())
    for row in ahead:
        assert row.starts_at is not None
        _send_cancellation(session, row, circle, people, None, row.starts_at)
    return len(ahead)


# -- planning ---------------------------------------------------------------------------------------------------
def plan_form(ctx: Context, team_id: str, user_id: str, circle_id: object, session_id: object = None) -> dict:
    """The "Plan a session" modal (or, with `session_id`, moving that session): suggested times in my time zone."""
    with ctx.db.uow() as session:
        found = circle_sessions.options(session, team_id, user_id, circle_id, session_id=session_id)
        me = found.member.me
        offered = [blocks.Offered(s.at, [p.display_name or p.slack_user_id for p in s.not_for]) for s in found.times]
        current = found.current
        # a session planned ahead already: this form moves it (a circle has one planned session ahead at a time)
        moving = (current.id, current.starts_at, current.minutes) if current and current.starts_at else None
        return blocks.plan_modal(found.member.circle.id, found.member.circle.goal, offered, found.shared,
                                 found.minutes, circle_sessions.zone(me), current=moving)


def reschedule_form(ctx: Context, team_id: str, user_id: str, session_id: object) -> dict:
    """"Reschedule" on a planned session: the same modal, for moving it."""
    with ctx.db.uow() as session:
        row, member = circle_sessions.session_for_member(session, team_id, user_id, session_id)
        if row.status != CircleSessionStatus.PLANNED or row.starts_at is None:
            raise Conflict("This session was cancelled or has happened: use Plan a session for a new one.")
        if row.starts_at <= clock.now():
            raise Conflict("This session's time has passed, so it can't be moved. Did the circle meet? Log it; and use "
                           "Plan a session for the next one.")
        circle_id, row_id = member.circle.id, row.id
    return plan_form(ctx, team_id, user_id, circle_id, row_id)


def plan(ctx: Context, team_id: str, user_id: str, form: PlanForm) -> str:
    """Plan (or move) the circle's next session: the chat gets its time and the calendar invite (an update, same UID
    and a higher SEQUENCE, when it moves; the earlier message loses its buttons). Returns what the planner sees."""
    with ctx.db.uow() as session:
        done = circle_sessions.plan(session, team_id, user_id, form)
        row, member = done.row, done.member
        circle, people = member.circle, member.members
        assert row.starts_at is not None
        if done.old_sequence is not None:
            outbox.update_sent(session, team_id, keys.circle_session_planned(row.id, done.old_sequence),
                               blocks.moved_away(row.starts_at, row.minutes))
            outbox.update_sent(session, team_id, keys.circle_session_ask(row.id, done.old_sequence),
                               blocks.moved_away(row.starts_at, row.minutes))
        key = keys.circle_session_planned(row.id, row.sequence)
        outbox.enqueue(session, team_id, key, "circle-session-planned", circles.group_chat(session, circle, people),
                       blocks.planned(row.id, circle.id, circle.goal, row.starts_at, row.minutes, user_id,
                                      moved_from=done.moved_from))
        _send_invite(session, row, circle, people, key)
        outbox.publish_home(session, team_id, *(p.slack_user_id for p in people))
        return blocks.planned_notice(row.starts_at, row.minutes, circle_sessions.zone(member.me),
                                     moved=done.moved_from is not None)


def cancel(ctx: Context, team_id: str, user_id: str, session_id: object) -> None:
    """A member cancels the planned session: the chat is told, with the METHOD:CANCEL file (same UID)."""
    with ctx.db.uow() as session:
        row, member = circle_sessions.cancel(session, team_id, user_id, session_id)
        assert row.starts_at is not None
        _send_cancellation(session, row, member.circle, member.members, member.me, row.starts_at)
        outbox.publish_home(session, team_id, *(p.slack_user_id for p in member.members))


def didnt_meet(ctx: Context, team_id: str, user_id: str, session_id: object) -> None:
    """"We didn't meet": the session counts as missed; "Did the circle meet?" says so, with Plan a session."""
    with ctx.db.uow() as session:
        row, member = circle_sessions.didnt_meet(session, team_id, user_id, session_id)
        said = blocks.didnt_meet(member.circle.id, user_id, row.starts_at, row.minutes)
        if not outbox.update_sent(session, team_id, keys.circle_session_ask(row.id, row.sequence), said):
            outbox.enqueue(session, team_id, keys.circle_session_missed(row.id), "circle-session-missed",
                           circles.group_chat(session, member.circle, member.members), said)


# -- logging ----------------------------------------------------------------------------------------------------
def _log_hint(value: object) -> tuple[str, str | None]:
    """A "Log a session" button's value: "<circle id>" or "<circle id>:<session id>" (hints only)."""
    raw = str(value or "")
    circle_id, _, session_id = raw.partition(":")
    return circle_id, session_id or None


def log_form(ctx: Context, team_id: str, user_id: str, value: object) -> dict:
    """The "Log a session" modal: today (or the planned session's date, length), the members to tick (me ticked)."""
    circle_hint, session_hint = _log_hint(value)
    with ctx.db.uow() as session:
        member = circle_sessions.for_member(session, team_id, user_id, circle_hint)
        me, circle = member.me, member.circle
        today = clock.local_today(me.tz, me.tz_offset)
        held_on, minutes, topics, planned_id, planned_at = today, circle.meeting_minutes, "", None, None
        checked = [me.id]
        if session_hint is not None:
            row, _member = circle_sessions.session_for_member(session, team_id, user_id, session_hint)
            if row.circle_id != circle.id:
                raise Conflict(circle_sessions.NOT_YOURS)
            planned_id, minutes, topics = row.id, row.minutes, row.topics
            if row.starts_at is not None:
                planned_at = row.starts_at
                held_on = min(clock.local_today(me.tz, me.tz_offset, at=row.starts_at), today)
            elif row.held_on is not None:
                held_on = row.held_on
            came = circle_sessions.attendance(session, row.id)
            checked = sorted(came) if came else checked
        attendees = [blocks.Attendee(p.id, p.display_name or p.slack_user_id) for p in member.members]
        return blocks.log_modal(circle.id, circle.goal, attendees, checked, held_on, minutes, topics=topics,
                                session_id=planned_id, planned_at=planned_at)


def log(ctx: Context, team_id: str, user_id: str, form: LogForm) -> str:
    """Log (or correct) a session: the chat gets "Session logged: N of M came"; "Did the circle meet?" says it was
    logged. Returns what the logger sees."""
    with ctx.db.uow() as session:
        done = circle_sessions.log(session, team_id, user_id, form)
        row, member = done.row, done.member
        assert row.held_on is not None
        people = member.members
        came = circle_sessions.attendance(session, row.id)
        came_ids = [p.slack_user_id for p in people if p.id in came]
        outbox.enqueue(session, team_id, keys.circle_session_logged(row.id, clock.now()), "circle-session-logged",
                       circles.group_chat(session, member.circle, people),
                       blocks.logged(user_id, row.held_on, row.minutes, done.came, len(people), came_ids,
                                     created=done.created))
        if done.was_planned:
            held = blocks.held(user_id, done.came, len(people), row.starts_at, row.minutes)
            outbox.update_sent(session, team_id, keys.circle_session_ask(row.id, row.sequence), held)
            outbox.update_sent(session, team_id, keys.circle_session_planned(row.id, row.sequence), held)
        outbox.publish_home(session, team_id, *(p.slack_user_id for p in people))
        return blocks.logged_notice(row.held_on, done.came, len(people), created=done.created)


# -- the job ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FollowedUp:
    asked: int  # circle chats asked "Did the circle meet?"
    missed: int  # planned sessions nobody logged within a week: now missed
    cancelled: int  # sessions planned ahead of circles no longer meeting


def send_followups(ctx: Context, now: datetime | None = None) -> FollowedUp:
    """After a planned session, its circle's chat is asked "Did the circle meet?" once; a week after its time, a
    session nobody logged counts as missed; sessions of circles no longer meeting are cancelled (with the file)."""
    now = now or clock.now()
    asked = missed = cancelled = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            for circle in circle_sessions.not_meeting_with_plans(session, team_id):
                cancelled += _cancel_planned(session, circle)
            missed += circle_sessions.expire_unlogged(session, team_id, now)
            for row in circle_sessions.due_followups(session, team_id, now):
                meets = session.get(Circle, row.circle_id)
                if meets is None or row.starts_at is None or not circle_sessions.mark_followed_up(session, row, now):
                    continue
                people = circles.members(session, meets.id)
                asked += outbox.enqueue(session, team_id, keys.circle_session_ask(row.id, row.sequence),
                                        "circle-session-ask", circles.group_chat(session, meets, people),
                                        blocks.did_we_meet(row.id, meets.id, row.starts_at, row.minutes), priority=0)
    return FollowedUp(asked, missed, cancelled)
