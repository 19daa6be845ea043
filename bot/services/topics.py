"""Topic sessions: a participant hosts "come learn about X" at a time, for a number of seats; anyone who joined
the program signs up (one to many). No Slack here: handlers and the reminder job render.

A session is `open` until its host cancels it. Seats are enforced in one conditional INSERT (after locking the
session's row on PostgreSQL), so two people racing for the last seat cannot both get it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import CursorResult, and_, delete, exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.services import clock, profiles, program
from bot.services.errors import Conflict, DomainError, NotAllowed
from bot.services.lookup import by_hint
from bot.services.text import OneLine, Paragraph
from bot.settings import Settings
from models import Person, TopicAttendee, TopicSession
from models.base import UTCDateTime
from models.status import PersonStatus, TopicStatus

MAX_TITLE = 150
MAX_DESCRIPTION = 2000
LENGTHS = (15, 30, 45, 60, 90, 120, 180, 240)
MAX_SEATS = 500
MAX_AHEAD = timedelta(days=366)
PAGE = 8
OFF = ("Topic sessions are not part of *{name}* right now. A program admin can switch them on "
       "(`/mentor admin`).")


class TopicForm(BaseModel):
    """The "host a session" modal: `at` is the host's local time of day ("HH:MM")."""

    title: OneLine = Field(min_length=1, max_length=MAX_TITLE)
    description: Paragraph = Field(default="", max_length=MAX_DESCRIPTION)
    day: date
    at: time
    minutes: int = Field(ge=15, le=480)
    seats: int = Field(ge=1, le=MAX_SEATS)

    @field_validator("at", mode="before")
    @classmethod
    def _at(cls, value: object) -> object:
        if value in (None, ""):
            raise ValueError("Pick a time.")
        return value


def zone_of(person: Person) -> tzinfo:
    """The person's time zone as Slack reports it (name first, else the offset, else UTC)."""
    if person.tz:
        try:
            return ZoneInfo(person.tz)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return timezone(timedelta(seconds=person.tz_offset or 0))


def require_on(session: Session, team_id: str, settings: Settings) -> None:
    current = program.current(session, team_id, settings)
    if not current.on("topics"):
        raise DomainError(OFF.format(name=current.name))


def can_host(session: Session, team_id: str, user_id: str, settings: Settings) -> Person:
    """Hosts are participants, and the program must have topic sessions on."""
    require_on(session, team_id, settings)
    return profiles.require(session, team_id, user_id)


def host(session: Session, team_id: str, user_id: str, form: TopicForm, settings: Settings,
         now: datetime | None = None) -> TopicSession:
    """List a new session; the form's day and time are read in the host's own time zone."""
    now = now or clock.now()
    me = can_host(session, team_id, user_id, settings)
    starts = datetime.combine(form.day, form.at, tzinfo=zone_of(me)).astimezone(UTC)
    if starts <= now:
        raise DomainError("Pick a time in the future.", field="at")
    if starts > now + MAX_AHEAD:
        raise DomainError("Pick a day within the next year.", field="day")
    topic = TopicSession(team_id=team_id, host_id=me.id, title=form.title, description=form.description,
                         starts_at=starts, minutes=form.minutes, seats=form.seats, status=TopicStatus.OPEN, created_at=now)
    session.add(topic)
    session.flush()
    return topic


# -- reading ------------------------------------------------------------------------------------------------------

@dataclass
class Listed:
    topic: TopicSession
    host: Person
    taken: int
    going: bool  # the viewer has a seat
    hosting: bool  # the viewer hosts it

    @property
    def left(self) -> int:
        return max(self.topic.seats - self.taken, 0)


@dataclass
class Page:
    items: list[Listed]
    offset: int
    total: int
    joined: bool  # the viewer is in the program (may join)

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


def _taken():
    return (select(func.count()).select_from(TopicAttendee)
            .where(TopicAttendee.session_id == TopicSession.id).correlate(TopicSession).scalar_subquery())


def upcoming(session: Session, team_id: str, user_id: str, settings: Settings, offset: int = 0,
             now: datetime | None = None) -> Page:
    """Open sessions that have not started yet, soonest first, one page from `offset`."""
    now = now or clock.now()
    require_on(session, team_id, settings)
    me = profiles.current(session, team_id, user_id)
    where = and_(TopicSession.team_id == team_id, TopicSession.status == TopicStatus.OPEN, TopicSession.starts_at > now)
    total = session.scalar(select(func.count()).select_from(TopicSession).where(where)) or 0
    offset = max(0, min(int(offset), max(total - 1, 0)))
    offset -= offset % PAGE
    mine = (exists().where(TopicAttendee.session_id == TopicSession.id, TopicAttendee.person_id == me.id)
            if me is not None else literal(False))
    rows = session.execute(
        select(TopicSession, Person, _taken(), mine).join(Person, Person.id == TopicSession.host_id)
        .where(where).order_by(TopicSession.starts_at, TopicSession.id).offset(offset).limit(PAGE)
    ).all()
    items = [Listed(t, h, int(n), bool(going), me is not None and t.host_id == me.id) for t, h, n, going in rows]
    return Page(items, offset, int(total), me is not None)


def _topic(session: Session, team_id: str, session_id: object) -> TopicSession:
    topic = by_hint(session, TopicSession, session_id)
    if topic is None or topic.team_id != team_id:
        raise NotAllowed("That session doesn't exist in this workspace.")
    return topic


def _still_open(topic: TopicSession, now: datetime) -> None:
    if topic.status == TopicStatus.CANCELLED:
        raise Conflict(f"“{topic.title}” was cancelled by its host.")
    if topic.starts_at <= now:
        raise Conflict(f"“{topic.title}” has already started.")


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def join(session: Session, team_id: str, user_id: str, session_id: object, settings: Settings,
         now: datetime | None = None) -> TopicSession:
    """Take a seat. The seat count and the insert are one statement, after the session's row is locked
    (PostgreSQL; SQLite runs one writer at a time): the last seat goes to one person only."""
    now = now or clock.now()
    require_on(session, team_id, settings)
    me = profiles.require(session, team_id, user_id)
    topic = _topic(session, team_id, session_id)
    _still_open(topic, now)
    if topic.host_id == me.id:
        raise Conflict("You host this session, so your seat is kept for you.")
    session.execute(select(TopicSession.id).where(TopicSession.id == topic.id).with_for_update())
    taken = (select(func.count()).select_from(TopicAttendee).where(TopicAttendee.session_id == topic.id)
             .scalar_subquery())
    seat = select(TopicSession.id, literal(me.id), literal(now, UTCDateTime)).where(
        TopicSession.id == topic.id, TopicSession.status == TopicStatus.OPEN, TopicSession.seats > taken)
    stmt = _insert(session)(TopicAttendee).from_select(["session_id", "person_id", "joined_at"], seat) \
        .on_conflict_do_nothing().returning(TopicAttendee.session_id)
    if session.execute(stmt).all():
        return topic
    session.refresh(topic)
    if session.get(TopicAttendee, (topic.id, me.id)) is not None:
        raise Conflict(f"You already have a seat at “{topic.title}”.")
    _still_open(topic, now)
    raise Conflict(f"Sorry, all {topic.seats} seats at “{topic.title}” are taken.")


def leave(session: Session, team_id: str, user_id: str, session_id: object, settings: Settings,
          now: datetime | None = None) -> TopicSession:
    now = now or clock.now()
    require_on(session, team_id, settings)
    me = profiles.require(session, team_id, user_id)
    topic = _topic(session, team_id, session_id)
    _still_open(topic, now)
    gone = cast(CursorResult, session.execute(
        delete(TopicAttendee).where(TopicAttendee.session_id == topic.id, TopicAttendee.person_id == me.id)))
    if gone.rowcount != 1:
        raise Conflict(f"You don't have a seat at “{topic.title}”.")
    return topic


def attendees(session: Session, topic_id: int) -> list[Person]:
    return list(session.scalars(
        select(Person).join(TopicAttendee, TopicAttendee.person_id == Person.id)
        .where(TopicAttendee.session_id == topic_id, Person.status != PersonStatus.LEFT).order_by(Person.id)
    ).unique())


def cancel(session: Session, team_id: str, user_id: str, session_id: object, settings: Settings,
           now: datetime | None = None) -> tuple[TopicSession, Person, list[Person]]:
    """The host calls the session off; returns it, its host and the people who had a seat (to be told)."""
    now = now or clock.now()
    me = profiles.require(session, team_id, user_id)
    topic = _topic(session, team_id, session_id)
    if topic.host_id != me.id:
        raise NotAllowed("Only the session's host can cancel it.")
    _still_open(topic, now)
    moved = cast(CursorResult, session.execute(
        update(TopicSession).where(TopicSession.id == topic.id, TopicSession.status == TopicStatus.OPEN)
        .values(status=TopicStatus.CANCELLED).execution_options(synchronize_session=False)))
    session.refresh(topic)
    if moved.rowcount != 1:
        raise Conflict(f"“{topic.title}” was already cancelled.")
    return topic, me, attendees(session, topic.id)


# -- the day-before reminder --------------------------------------------------------------------------------------

@dataclass
class Due:
    topic: TopicSession
    host: Person
    person: Person  # who is reminded: an attendee, or the host
    going: int


def reminders_due(session: Session, team_id: str, now: datetime | None = None) -> list[Due]:
    """Who should hear about a session now: its attendees and host, when it starts later today or tomorrow in
    their own time zone. (The caller's outbox key makes it once per person and session.)"""
    now = now or clock.now()
    rows = session.execute(
        select(TopicSession, Person, _taken()).join(Person, Person.id == TopicSession.host_id)
        .where(TopicSession.team_id == team_id, TopicSession.status == TopicStatus.OPEN, TopicSession.starts_at > now,
               TopicSession.starts_at <= now + timedelta(hours=50))
        .order_by(TopicSession.starts_at, TopicSession.id)
    ).all()
    due: list[Due] = []
    for topic, host_person, going in rows:
        for person in [*attendees(session, topic.id), host_person]:
            if person.status == PersonStatus.LEFT:
                continue
            zone = zone_of(person)
            if topic.starts_at.astimezone(zone).date() <= now.astimezone(zone).date() + timedelta(days=1):
                due.append(Due(topic, host_person, person, int(going)))
    return due
