"""Logging meetings, and the private learning journal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import actions, agenda, clock
from bot.services.actions import NEW_ITEMS, NewItem
from bot.services.errors import Conflict, DomainError, FormProblems, NotAllowed
from bot.services.lookup import by_hint
from bot.services.partnerships import get_for_member
from models import ActionItem, JournalNote, Meeting, Partnership, Person, PlannedMeeting
from models.agenda import ITEM_MAX
from models.status import LIVE_PARTNERSHIP, MeetingPlanStatus

OLDEST_LOG = timedelta(days=366)


class MeetingForm(BaseModel):
    """The meeting log form. `plan_id` (from the form's metadata) names the planned meeting it was opened from;
    `done_items` are the open action items ticked done; item_N_* are up to three new action items."""

    partnership_id: int
    held_on: date
    minutes: int = Field(ge=1, le=480)
    topics: str = Field(min_length=1, max_length=2000)
    action_items: str = Field(default="", max_length=2000)  # the free text of forms from before items existed
    private_note: str = Field(default="", max_length=3000)
    next_meeting_on: date | None = None
    plan_id: int | None = None
    done_items: list[int] = Field(default_factory=list, max_length=50)
    item_1_text: str = Field(default="", max_length=ITEM_MAX)
    item_1_owner: Literal["me", "partner"] | None = None
    item_1_due: date | None = None
    item_2_text: str = Field(default="", max_length=ITEM_MAX)
    item_2_owner: Literal["me", "partner"] | None = None
    item_2_due: date | None = None
    item_3_text: str = Field(default="", max_length=ITEM_MAX)
    item_3_owner: Literal["me", "partner"] | None = None
    item_3_due: date | None = None

    @field_validator("topics", "action_items", "private_note", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("item_1_text", "item_2_text", "item_3_text", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return " ".join(value.split()) if isinstance(value, str) else value

    def new_items(self) -> dict[int, NewItem | None]:
        """Row number -> the new action item written there (None: left blank). A row with a text and no owner is a
        field error: an item needs someone to do it."""
        out: dict[int, NewItem | None] = {}
        problems = {}
        for n in range(1, NEW_ITEMS + 1):
            text, owner, due = (getattr(self, f"item_{n}_{part}") for part in ("text", "owner", "due"))
            if not text:
                out[n] = None
            elif owner is None:
                problems[f"item_{n}_owner"] = "Pick who does this item."
            else:
                out[n] = NewItem(text=text, owner=owner, due_on=due)
        if problems:
            raise FormProblems(problems)
        return out


@dataclass
class Logged:
    """A meeting log saved: the meeting, its pair, whether it is new, and what happened to the action items."""

    meeting: Meeting
    partnership: Partnership
    created: bool
    added: list[ActionItem] = field(default_factory=list)
    ticked: list[ActionItem] = field(default_factory=list)
    plan: PlannedMeeting | None = None


def log(session: Session, team_id: str, slack_user_id: str, form: MeetingForm, today: date,
        now: datetime | None = None) -> Logged:
    """Record a meeting; the same pair and date again updates it. The open agenda points count as covered, the
    action items ticked are done and the new ones added; a planned meeting it was logged from (or one planned for
    that day) is held."""
    now = now or clock.now()
    partnership, me = get_for_member(session, team_id, slack_user_id, form.partnership_id)
    if partnership.status not in LIVE_PARTNERSHIP:
        raise Conflict("This partnership is not active, so meetings can't be logged for it.")
    plan = None
    if form.plan_id is not None:
        plan = by_hint(session, PlannedMeeting, form.plan_id)
        if plan is None or plan.team_id != team_id or plan.partnership_id != partnership.id:
            raise NotAllowed("That planned meeting isn't one of this partnership's, so nothing was logged.")
    if form.held_on > today:
        raise DomainError("The meeting date can't be in the future.", field="held_on")
    if form.held_on < today - OLDEST_LOG:
        raise DomainError("That date is more than a year ago.", field="held_on")
    if form.next_meeting_on is not None and form.next_meeting_on <= form.held_on:
        raise DomainError("The next meeting comes after this one: pick a later date.", field="next_meeting_on")
    new = form.new_items()
    actions.check_new(new, form.held_on)
    ticked = actions.ticked_in_log(session, partnership, me, form.done_items)  # all checked before any write
    fields = dict(minutes=form.minutes, topics=form.topics, next_meeting_on=form.next_meeting_on,
                  logged_by_id=me.id, updated_at=now)
    if form.action_items:  # only a form from before action items were items still sends this
        fields["action_items"] = form.action_items
    meeting, created = _upsert(session, partnership, form.held_on, fields, now)
    if form.private_note:
        session.add(JournalNote(team_id=me.team_id, person_id=me.id, partnership_id=partnership.id, meeting_id=meeting.id,
                                body=form.private_note, created_at=now))
    if plan is None:
        plan = _planned_that_day(session, partnership, me, form.held_on)
    if plan is not None and plan.status != MeetingPlanStatus.CANCELLED:
        plan.status, plan.meeting_id, plan.updated_at = MeetingPlanStatus.HELD, meeting.id, now
    agenda.cover(session, partnership.id, meeting, now, plan.id if plan else None)
    added, ticked = actions.record(session, partnership, me, meeting, [i for i in new.values() if i is not None],
                                   ticked, now)
    session.flush()
    return Logged(meeting, partnership, created, added, ticked, plan)


def _planned_that_day(session: Session, partnership: Partnership, me: Person, held_on: date) -> PlannedMeeting | None:
    """The pair's planned meeting on that day (in the person's time zone), if there is one: logging the day's
    meeting from `/mentor log` holds it too."""
    plans = session.scalars(select(PlannedMeeting).where(
        PlannedMeeting.partnership_id == partnership.id,
        PlannedMeeting.status.in_((MeetingPlanStatus.PLANNED, MeetingPlanStatus.MISSED)),
        PlannedMeeting.starts_at.is_not(None)).order_by(PlannedMeeting.starts_at)).all()
    return next((p for p in plans if p.starts_at is not None
                 and clock.local_today(me.tz, me.tz_offset, at=p.starts_at) == held_on), None)


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
