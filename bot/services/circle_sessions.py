"""A peer circle's sessions: any current member plans one (a time inside every member's working hours, or, when
there is none, the times that suit most of them), moves or cancels it, and logs it afterwards with who came.

One session planned ahead at a time per circle (its row is locked while a session is planned or logged); a planned
session keeps one calendar UID for its whole life and raises its SEQUENCE with every change. Logging the same date
again updates that day's log. Every id that came from Slack is checked against the acting person's own circles,
and only current members of a circle that meets (active or full) may act on it. No Slack here: the messages are
bot/flows/circle_sessions.py's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Annotated

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.db import rowcount
from bot.services import circles, clock, invites, profiles, suggestions
from bot.services.errors import Conflict, DomainError, FormProblems, NotAllowed
from bot.services.lookup import by_hint
from bot.services.planning import UNLOGGED, at_most_max, own_time
from models import Circle, CircleAttendance, CircleSession, Person
from models.status import CircleSessionStatus, CircleStatus

MEETING = (CircleStatus.ACTIVE, CircleStatus.FULL)  # a circle that has started and not ended
NOT_YOURS = "That button or form isn't for one of your circles, so nothing was changed."
NOT_MEETING = "This circle isn't meeting any more, so its sessions can't be planned or logged."
TOO_LONG = "A session can be at most 8 hours (480 minutes) long."
OLDEST_LOG = timedelta(days=366)
FILENAME = "circle-session.ics"
MAX_TOPICS = 2000
Minutes = Annotated[int, Field(ge=1), at_most_max(TOO_LONG)]


# -- forms -------------------------------------------------------------------------------------------------------
class PlanForm(BaseModel):
    """"Plan a session": one suggested time (a token) or a date and a time of one's own (in one's own time zone;
    it wins when given), and the length. `session_id` names the session being moved (a hint, from the metadata)."""

    circle_id: int
    slot: str | None = None
    minutes: Minutes
    custom_date: date | None = None
    custom_time: time | None = None
    session_id: int | None = None

    @field_validator("slot")
    @classmethod
    def _token(cls, value: str | None) -> str | None:
        if value:
            suggestions.from_token(value)  # ValueError: a time the form never offered
        return value or None


class LogForm(BaseModel):
    """"Log a session": the date, the length, what we covered and who came (member ids, checked again)."""

    circle_id: int
    session_id: int | None = None
    held_on: date
    minutes: Minutes
    topics: str = Field(min_length=1, max_length=MAX_TOPICS)
    came: list[int] = Field(default_factory=list, max_length=20)

    @field_validator("topics", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("held_on")
    @classmethod
    def _not_ahead(cls, value: date) -> date:
        # no time zone is more than 14 hours ahead of UTC: a later date is in the future for everyone
        if value > (clock.now() + timedelta(hours=14)).date():
            raise ValueError("The session date can't be in the future.")
        return value

    @field_validator("came", mode="before")
    @classmethod
    def _came(cls, value: object) -> object:
        if value is None or value == []:
            raise ValueError("Tick who came: at least one person.")
        return value


# -- who may act -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    """The acting member and their circle, with its current members."""

    circle: Circle
    me: Person
    members: list[Person]


def for_member(session: Session, team_id: str, slack_user_id: str, circle_id: object) -> Member:
    """The circle, if the acting person is one of its current members and it meets; otherwise a neutral refusal."""
    circle = by_hint(session, Circle, circle_id)
    me = profiles.current(session, team_id, slack_user_id)
    if circle is None or circle.team_id != team_id or me is None:
        raise NotAllowed(NOT_YOURS)
    people = circles.members(session, circle.id)
    if me.id not in {p.id for p in people}:
        raise NotAllowed(NOT_YOURS)
    if circle.status not in MEETING or circle.started_at is None:
        raise Conflict(NOT_MEETING)
    return Member(circle, me, people)


def session_for_member(session: Session, team_id: str, slack_user_id: str, session_id: object
                       ) -> tuple[CircleSession, Member]:
    row = by_hint(session, CircleSession, session_id)
    if row is None or row.team_id != team_id:
        raise NotAllowed(NOT_YOURS)
    return row, for_member(session, team_id, slack_user_id, row.circle_id)


def _lock(session: Session, circle: Circle) -> None:
    """Hold the circle's row until the transaction ends (two members planning or logging at once take turns)."""
    session.execute(update(Circle).where(Circle.id == circle.id).values(status=Circle.status)
                    .execution_options(synchronize_session=False))


# -- reading ------------------------------------------------------------------------------------------------------
def upcoming(session: Session, circle_id: int, now: datetime) -> CircleSession | None:
    """The circle's session planned ahead, if there is one (a planned session whose time has passed waits for its
    log: planning the next one starts a new session)."""
    return session.scalars(select(CircleSession).where(
        CircleSession.circle_id == circle_id, CircleSession.status == CircleSessionStatus.PLANNED,
        CircleSession.starts_at > now).order_by(CircleSession.starts_at).limit(1)).first()


def next_planned(session: Session, circle_ids: list[int], now: datetime) -> dict[int, CircleSession]:
    """Circle id -> its session planned ahead (for the Home tab)."""
    if not circle_ids:
        return {}
    rows = session.scalars(select(CircleSession).where(
        CircleSession.circle_id.in_(circle_ids), CircleSession.status == CircleSessionStatus.PLANNED,
        CircleSession.starts_at > now).order_by(CircleSession.starts_at.desc()))
    return {row.circle_id: row for row in rows}


def zone(person: Person) -> tzinfo:
    return suggestions.zone_of(person.tz, person.tz_offset)


# -- suggesting times ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Suggested:
    at: datetime
    not_for: list[Person]  # members whose working hours it is outside of (empty when it suits everyone)


@dataclass(frozen=True)
class Options:
    """What the "Plan a session" modal offers one member."""

    member: Member
    times: list[Suggested]
    shared: bool  # the times suit every member
    minutes: int
    current: CircleSession | None  # the session being moved, if any


def suggest(people: list[Person], planner: Person, minutes: int, start: datetime,
            days: int = suggestions.SEARCH_DAYS, count: int = suggestions.SUGGESTIONS) -> tuple[list[Suggested], bool]:
    """Up to `count` times inside every member's working hours (spread over the planner's days); when there is none,
    the times inside the working hours of as many members as possible, preferring those inside everyone's waking
    day, each naming whom it doesn't suit."""
    hours = [suggestions.hours_of(p) for p in people]
    mine = suggestions.zone_of(planner.tz, planner.tz_offset)
    common = suggestions.shared_times(hours, minutes, start, days)
    if common:
        return [Suggested(at, []) for at in suggestions.spread(common, mine, count)], True
    scored: dict[datetime, list[int]] = {}
    for at in suggestions.shared_times([], minutes, start, days):  # every half hour in the window
        scored[at] = [i for i, h in enumerate(hours) if not h.fits(at, minutes)]
    if not scored:
        return [], False
    fewest = min(len(out) for out in scored.values())
    best = [at for at, out in scored.items() if len(out) == fewest and len(out) < len(people)]
    awake = [at for at in best if all(h.waking(every_day=True).fits(at, minutes) for h in hours)]
    chosen = suggestions.spread(awake or best, mine, count)
    return [Suggested(at, [people[i] for i in scored[at]]) for at in chosen], False


def options(session: Session, team_id: str, slack_user_id: str, circle_id: object, now: datetime | None = None,
            session_id: object = None) -> Options:
    """The times to offer a member for the circle's next session (or, `session_id`, for moving that one): from when
    the circle's cadence makes it due, as long as the circle meets (or the session being moved lasts)."""
    now = now or clock.now()
    member = for_member(session, team_id, slack_user_id, circle_id)
    current = upcoming(session, member.circle.id, now)
    if session_id is not None and (current is None or str(current.id) != str(session_id)):
        raise Conflict("This session was cancelled or has happened meanwhile: use Plan a session for a new one.")
    minutes = current.minutes if current else member.circle.meeting_minutes
    last = session.scalars(select(CircleSession.held_on).where(
        CircleSession.circle_id == member.circle.id, CircleSession.status == CircleSessionStatus.HELD)
        .order_by(CircleSession.held_on.desc()).limit(1)).first()
    start = suggestions.earliest(now, last, member.circle.frequency)
    times, shared = suggest(member.members, member.me, minutes, start)
    return Options(member, times, shared, minutes, current)


# -- planning, moving, cancelling -----------------------------------------------------------------------------------
def _time(form: PlanForm, me: Person, now: datetime) -> datetime:
    """The picked time as a UTC instant: one's own when given, else the suggested one; in the future, within a year."""
    problems: dict[str, str] = {}
    at = own_time(form.custom_date, form.custom_time, zone(me), now, problems)
    if at is None and not problems and form.slot:
        at = suggestions.from_token(form.slot)
        if at <= now:
            problems["slot"] = "That time has passed meanwhile: please pick another."
    elif at is None and not problems:
        problems["slot"] = "Pick a time (or give a date and a time of your own below)."
    if problems:
        raise FormProblems(problems)
    assert at is not None
    return at


@dataclass(frozen=True)
class Planned:
    row: CircleSession
    member: Member
    moved_from: datetime | None  # the time it had before (a reschedule), else None
    old_sequence: int | None  # the version whose message and invite it replaces


def plan(session: Session, team_id: str, slack_user_id: str, form: PlanForm, now: datetime | None = None) -> Planned:
    """Plan the circle's next session at once (no pick step for a group), or move the one planned ahead: same UID,
    SEQUENCE raised."""
    now = now or clock.now()
    member = for_member(session, team_id, slack_user_id, form.circle_id)
    at = _time(form, member.me, now)
    _lock(session, member.circle)
    current = upcoming(session, member.circle.id, now)
    if form.session_id is not None and (current is None or current.id != form.session_id):
        raise Conflict("This session was cancelled or has happened meanwhile. Nothing was changed: use Plan a session "
                       "for a new one.")
    if current is not None and form.session_id is None:  # a form opened before someone else planned it
        raise Conflict("Meanwhile another member planned the next session: it is in the circle's chat. Nothing was "
                       "changed; use Reschedule there if that time doesn't suit.")
    if current is not None:
        if current.starts_at == at and current.minutes == form.minutes:
            raise Conflict("The session is already planned for that time. Nothing was changed.")
        before, old = current.starts_at, current.sequence
        current.starts_at, current.minutes, current.sequence = at, form.minutes, current.sequence + 1
        current.followed_up_at, current.updated_at = None, now
        session.flush()
        return Planned(current, member, before, old)
    row = CircleSession(team_id=team_id, circle_id=member.circle.id, status=CircleSessionStatus.PLANNED, starts_at=at,
                        minutes=form.minutes, uid=f"{uuid.uuid4()}@mentor-bot", sequence=0, planned_by_id=member.me.id,
                        created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return Planned(row, member, None, None)


def cancel(session: Session, team_id: str, slack_user_id: str, session_id: object,
           now: datetime | None = None) -> tuple[CircleSession, Member]:
    """A member cancels the session planned ahead: SEQUENCE+1, so the cancellation supersedes the invite."""
    now = now or clock.now()
    row, member = session_for_member(session, team_id, slack_user_id, session_id)
    _lock(session, member.circle)
    session.refresh(row)
    if row.status == CircleSessionStatus.CANCELLED:
        raise Conflict("This session is already cancelled.")
    if row.status != CircleSessionStatus.PLANNED:
        raise Conflict("This session has happened (or was missed), so it can't be cancelled.")
    if row.starts_at is not None and row.starts_at <= now:
        raise Conflict("This session's time has passed, so it can't be cancelled. Did the circle meet? Log it, or say "
                       "you didn't.")
    _cancel_row(session, row, now)
    return row, member


def _cancel_row(session: Session, row: CircleSession, now: datetime) -> bool:
    won = rowcount(session.execute(update(CircleSession).where(CircleSession.id == row.id,
                                                               CircleSession.status == CircleSessionStatus.PLANNED)
                                   .values(status=CircleSessionStatus.CANCELLED, sequence=CircleSession.sequence + 1,
                                           updated_at=now).execution_options(synchronize_session=False)))
    session.refresh(row)
    return bool(won)


def cancel_planned(session: Session, circle: Circle, now: datetime | None = None) -> list[CircleSession]:
    """Cancel every planned session of the circle (it ended, or is no longer meeting); returns those that were still
    ahead, in calendars, with their SEQUENCE raised for the cancellation file."""
    now = now or clock.now()
    rows = list(session.scalars(select(CircleSession).where(CircleSession.circle_id == circle.id,
                                                            CircleSession.status == CircleSessionStatus.PLANNED)))
    return [row for row in rows if _cancel_row(session, row, now) and row.starts_at is not None and row.starts_at > now]


def not_meeting_with_plans(session: Session, team_id: str) -> list[Circle]:
    """Circles that are no longer meeting (ended, or back to open) but still have a planned session."""
    return list(session.scalars(select(Circle).where(
        Circle.team_id == team_id, Circle.status.not_in(MEETING),
        Circle.id.in_(select(CircleSession.circle_id).where(CircleSession.team_id == team_id,
                                                            CircleSession.status == CircleSessionStatus.PLANNED)))
        .order_by(Circle.id)))


def didnt_meet(session: Session, team_id: str, slack_user_id: str, session_id: object,
               now: datetime | None = None) -> tuple[CircleSession, Member]:
    """"We didn't meet": the planned session is marked missed (a logged session is never undone)."""
    now = now or clock.now()
    row, member = session_for_member(session, team_id, slack_user_id, session_id)
    if row.status == CircleSessionStatus.HELD:
        raise Conflict("This session was logged as held, so it stays that way.")
    if row.status == CircleSessionStatus.CANCELLED:
        raise Conflict("This session was cancelled.")
    if row.status == CircleSessionStatus.PLANNED and row.starts_at is not None and row.starts_at > now:
        raise Conflict("This session hasn't happened yet.")
    if row.status == CircleSessionStatus.MISSED:
        raise Conflict("Already noted: the circle didn't meet that time.")
    won = rowcount(session.execute(update(CircleSession).where(CircleSession.id == row.id,
                                                               CircleSession.status == CircleSessionStatus.PLANNED)
                                   .values(status=CircleSessionStatus.MISSED, updated_at=now)
                                   .execution_options(synchronize_session=False)))
    if not won:
        raise Conflict("Already noted: the circle didn't meet that time.")
    session.refresh(row)
    return row, member


# -- logging ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Logged:
    row: CircleSession
    member: Member
    created: bool  # a first log of that date (False: the log was updated)
    came: int
    was_planned: bool  # the session had been planned (its followup question, if any, is answered)


def _planned_that_day(session: Session, circle_id: int, me: Person, held_on: date) -> CircleSession | None:
    rows = session.scalars(select(CircleSession).where(
        CircleSession.circle_id == circle_id,
        CircleSession.status.in_((CircleSessionStatus.PLANNED, CircleSessionStatus.MISSED)),
        CircleSession.starts_at.is_not(None)).order_by(CircleSession.starts_at))
    return next((r for r in rows if r.starts_at is not None
                 and clock.local_today(me.tz, me.tz_offset, at=r.starts_at) == held_on), None)


def log(session: Session, team_id: str, slack_user_id: str, form: LogForm, now: datetime | None = None) -> Logged:
    """Record a held session with who came; the same circle and date again updates it. A planned session it was
    logged from (or one planned that day) becomes the held one."""
    now = now or clock.now()
    member = for_member(session, team_id, slack_user_id, form.circle_id)
    me, circle = member.me, member.circle
    ids = {p.id for p in member.members}
    if not set(form.came) <= ids:
        raise NotAllowed(NOT_YOURS)
    today = clock.local_today(me.tz, me.tz_offset, at=now)
    if form.held_on > today:
        raise DomainError("The session date can't be in the future.", field="held_on")
    if form.held_on < today - OLDEST_LOG:
        raise DomainError("That date is more than a year ago.", field="held_on")
    planned = None
    if form.session_id is not None:
        planned = by_hint(session, CircleSession, form.session_id)
        if planned is None or planned.circle_id != circle.id:
            raise NotAllowed(NOT_YOURS)
    _lock(session, circle)
    row = session.scalars(select(CircleSession).where(CircleSession.circle_id == circle.id,
                                                      CircleSession.status == CircleSessionStatus.HELD,
                                                      CircleSession.held_on == form.held_on)).first()
    created = row is None
    if row is None and planned is not None and planned.status in (CircleSessionStatus.PLANNED, CircleSessionStatus.MISSED) \
            and planned.starts_at is not None and (planned.starts_at <= now or clock.local_today(
                me.tz, me.tz_offset, at=planned.starts_at) == form.held_on):  # never a session still to come
        row = planned
    if row is None:
        row = _planned_that_day(session, circle.id, me, form.held_on)
    was_planned = row is not None and row.starts_at is not None
    if row is None:
        row = CircleSession(team_id=team_id, circle_id=circle.id, uid=f"{uuid.uuid4()}@mentor-bot", sequence=0,
                            created_at=now)
        session.add(row)
    row.status, row.held_on, row.minutes, row.topics = CircleSessionStatus.HELD, form.held_on, form.minutes, form.topics
    row.logged_by_id, row.updated_at = me.id, now
    session.flush()
    session.execute(delete(CircleAttendance).where(CircleAttendance.session_id == row.id))
    came = sorted(set(form.came))
    session.add_all(CircleAttendance(session_id=row.id, person_id=pid) for pid in came)
    session.flush()
    return Logged(row, member, created, len(came), was_planned)


def attendance(session: Session, session_id: int) -> set[int]:
    return set(session.scalars(select(CircleAttendance.person_id).where(CircleAttendance.session_id == session_id)))


# -- after a session ------------------------------------------------------------------------------------------------
def due_followups(session: Session, team_id: str, now: datetime) -> list[CircleSession]:
    """Planned sessions of meeting circles that are over (not a week ago) and whose chat was not asked yet."""
    rows = session.scalars(select(CircleSession).join(Circle, Circle.id == CircleSession.circle_id).where(
        CircleSession.team_id == team_id, CircleSession.status == CircleSessionStatus.PLANNED,
        CircleSession.followed_up_at.is_(None), CircleSession.starts_at <= now,
        CircleSession.starts_at > now - UNLOGGED, Circle.status.in_(MEETING)).order_by(CircleSession.starts_at))
    return [r for r in rows if r.starts_at is not None and r.starts_at + timedelta(minutes=r.minutes) <= now]


def mark_followed_up(session: Session, row: CircleSession, now: datetime) -> bool:
    """Record that the chat is asked "Did the circle meet?" (once: False when another run did it first)."""
    won = rowcount(session.execute(update(CircleSession).where(CircleSession.id == row.id,
                                                               CircleSession.followed_up_at.is_(None))
                                   .values(followed_up_at=now).execution_options(synchronize_session=False)))
    return bool(won)


def expire_unlogged(session: Session, team_id: str, now: datetime) -> int:
    """Planned sessions nobody logged within a week of their time count as missed. Returns how many."""
    return rowcount(session.execute(
        update(CircleSession).where(CircleSession.team_id == team_id, CircleSession.status == CircleSessionStatus.PLANNED,
                                    CircleSession.starts_at <= now - UNLOGGED)
        .values(status=CircleSessionStatus.MISSED, updated_at=now).execution_options(synchronize_session=False)))


# -- the calendar file ----------------------------------------------------------------------------------------------
def organizer(session: Session, row: CircleSession, people: list[Person]) -> Person | None:
    """Who planned the session organizes its calendar event (a reschedule keeps them); else its first member."""
    planner = session.get(Person, row.planned_by_id) if row.planned_by_id else None
    return planner or (people[0] if people else None)


def invite(row: CircleSession, goal: str, organizer: Person, people: list[Person], *, cancel: bool = False,
           now: datetime | None = None) -> bytes:
    """The .ics file of the session for the circle's chat: one event with every member as attendee, in the organizer's
    time zone (with its VTIMEZONE), a reminder 15 minutes before; `cancel` makes it METHOD:CANCEL of the same UID."""
    if row.starts_at is None:
        raise ValueError("a session without a time has no invite")
    return invites.calendar(invites.Occurrence(row.team_id, row.uid, row.sequence, row.starts_at, row.minutes),
                            organizer, people, zone(organizer), summary=f"Peer circle: {goal[:150]}",
                            description=f"Session of the peer circle \"{goal[:300]}\".", cancel=cancel,
                            now=now or clock.now())
