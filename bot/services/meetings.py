"""Logging meetings, and the private learning journal."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import clock
from bot.services.errors import Conflict, DomainError
from bot.services.partnerships import get_for_member
from models import JournalNote, Meeting, Partnership, Person
from models.status import LIVE_PARTNERSHIP

OLDEST_LOG = timedelta(days=366)


class MeetingForm(BaseModel):
    partnership_id: int
    held_on: date
    minutes: int = Field(ge=1, le=480)
    topics: str = Field(min_length=1, max_length=2000)
    action_items: str = Field(default="", max_length=2000)
    private_note: str = Field(default="", max_length=3000)
    next_meeting_on: date | None = None

    @field_validator("topics", "action_items", "private_note", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


def log(session: Session, team_id: str, slack_user_id: str, form: MeetingForm, today: date,
        now: datetime | None = None) -> tuple[Meeting, Partnership, bool]:
    """Record a meeting; the same pair and date again updates it. Returns (meeting, partnership, created)."""
    now = now or clock.now()
    partnership, me = get_for_member(session, team_id, slack_user_id, form.partnership_id)
    if partnership.status not in LIVE_PARTNERSHIP:
        raise Conflict("This partnership is not active, so meetings can't be logged for it.")
    if form.held_on > today:
        raise DomainError("The meeting date can't be in the future.", field="held_on")
    if form.held_on < today - OLDEST_LOG:
        raise DomainError("That date is more than a year ago.", field="held_on")
    if form.next_meeting_on is not None and form.next_meeting_on <= form.held_on:
        raise DomainError("The next meeting comes after this one: pick a later date.", field="next_meeting_on")
    fields = dict(minutes=form.minutes, topics=form.topics, action_items=form.action_items,
                  next_meeting_on=form.next_meeting_on, logged_by_id=me.id, updated_at=now)
    meeting, created = _upsert(session, partnership, form.held_on, fields, now)
    if form.private_note:
        session.add(JournalNote(team_id=me.team_id, person_id=me.id, partnership_id=partnership.id, meeting_id=meeting.id,
                                body=form.private_note, created_at=now))
    session.flush()
    return meeting, partnership, created


def _upsert(session: Session, partnership: Partnership, held_on: date, fields: dict, now: datetime) -> tuple[Meeting, bool]:
    def existing() -> Meeting | None:
        return session.scalars(
            select(Meeting).where(Meeting.partnership_id == partnership.id, Meeting.held_on == held_on)
        ).first()

    meeting = existing()
    if meeting is None:
        try:
            with session.begin_nested():
                meeting = Meeting(team_id=partnership.team_id, partnership_id=partnership.id, held_on=held_on,
                                  created_at=now, **fields)
                session.add(meeting)
                session.flush()
            return meeting, True
        except IntegrityError:  # the partner logged the same date at the same moment
            meeting = existing()
    for key, value in fields.items():
        setattr(meeting, key, value)
    return meeting, False  # type: ignore[return-value]


def last_and_next(session: Session, partnership_id: int, today: date) -> tuple[Meeting | None, date | None]:
    last = session.scalars(
        select(Meeting).where(Meeting.partnership_id == partnership_id).order_by(Meeting.held_on.desc()).limit(1)
    ).first()
    upcoming = None
    if last is not None and last.next_meeting_on and last.next_meeting_on >= today:
        upcoming = last.next_meeting_on
    return last, upcoming


class NoteForm(BaseModel):
    body: str = Field(min_length=1, max_length=3000)

    @field_validator("body", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


def add_note(session: Session, person: Person, form: NoteForm, now: datetime | None = None) -> JournalNote:
    note = JournalNote(team_id=person.team_id, person_id=person.id, body=form.body, created_at=now or clock.now())
    session.add(note)
    session.flush()
    return note


def recent_notes(session: Session, person: Person, limit: int = 10) -> list[JournalNote]:
    return list(session.scalars(
        select(JournalNote).where(JournalNote.person_id == person.id)
        .order_by(JournalNote.created_at.desc(), JournalNote.id.desc()).limit(limit)
    ))
