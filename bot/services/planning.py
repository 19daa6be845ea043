"""Planning a pair's next meeting: one partner proposes up to three times, the other picks one, either can move or
cancel it; afterwards it is held (logged) or missed.

A plan's times live in `plan_slots`, numbered by proposal: only the newest proposal's times can be picked, so a pick
of a time that was withdrawn (new times proposed, other times asked for, the meeting cancelled) changes nothing.
Every id that came from Slack is checked against the acting person's own partnerships.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, field_validator
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.db import rowcount
from bot.services import agreements, clock, suggestions
from bot.services.errors import Conflict, FormProblems, NotAllowed
from bot.services.lookup import by_hint
from bot.services.partnerships import get_for_member
from models import Meeting, Partnership, Person, PlannedMeeting, PlanSlot
from models.status import LIVE_PARTNERSHIP, MeetingPlanStatus, PartnershipStatus, SlotStatus

MAX_PICKS = 3
MAX_MINUTES = 480
DEFAULT_MINUTES = 60
UNLOGGED = timedelta(days=7)  # a planned meeting nobody logged this long after its time counts as missed
OPEN_PLAN = (MeetingPlanStatus.PROPOSED, MeetingPlanStatus.PLANNED)
NOT_YOURS = "That button or form doesn't belong to one of your partnerships."
TOO_LONG = "A meeting can be at most 8 hours (480 minutes) long."


def at_most_max(too_long: str) -> AfterValidator:
    """A form's length in minutes no longer than MAX_MINUTES, else `too_long` as the field's error."""
    def check(value: int) -> int:
        if value > MAX_MINUTES:
            raise ValueError(too_long)
        return value
    return AfterValidator(check)


Minutes = Annotated[int, Field(ge=1), at_most_max(TOO_LONG)]


class PlanForm(BaseModel):
    """The "Plan our next meeting" modal: suggested times ticked (as tokens), the length, and optionally a time of
    one's own (a date and a time in one's own time zone)."""

    partnership_id: int
    slots: list[str] = Field(default_factory=list)
    minutes: Minutes
    custom_date: date | None = None
    custom_time: time | None = None

    @field_validator("slots")
    @classmethod
    def _tokens(cls, value: list[str]) -> list[str]:
        for item in value:
            suggestions.from_token(item)  # ValueError: a time the form never offered
        if len(set(value)) > MAX_PICKS:
            raise ValueError(f"Pick at most {MAX_PICKS} times.")
        return list(dict.fromkeys(value))


@dataclass(frozen=True)
class Options:
    """What the planning modal offers one person for one partnership."""

    partnership: Partnership
    me: Person
    partner: Person
    times: list[datetime]
    shared: bool
    minutes: int
    current: PlannedMeeting | None  # the planned (or proposed) meeting being moved, if any


def open_plan(session: Session, partnership_id: int, now: datetime) -> PlannedMeeting | None:
    """The pair's next meeting in the making (times proposed) or planned and still ahead, if there is one (a planned
    meeting whose time has passed waits to be logged: planning the next one starts a new plan)."""
    ahead = or_(PlannedMeeting.status == MeetingPlanStatus.PROPOSED,
                and_(PlannedMeeting.status == MeetingPlanStatus.PLANNED, PlannedMeeting.starts_at > now))
    return session.scalars(select(PlannedMeeting).where(PlannedMeeting.partnership_id == partnership_id, ahead)
                           .order_by(PlannedMeeting.id.desc()).limit(1)).first()


def _live(partnership: Partnership) -> None:
    if partnership.status not in LIVE_PARTNERSHIP:
        raise Conflict("This partnership is not active any more, so there is no meeting to plan.")


def options(session: Session, team_id: str, slack_user_id: str, partnership_id: object,
            now: datetime | None = None) -> Options:
    """The times to offer `slack_user_id` for a meeting with their partner: inside both working hours, from when the
    agreed cadence makes the next meeting due, as long as the agreement says (or the meeting being moved lasts)."""
    now = now or clock.now()
    partnership, me = get_for_member(session, team_id, slack_user_id, partnership_id)
    _live(partnership)
    partner = partnership.other(me.id)
    agreement = agreements.current(session, partnership.id)
    current = open_plan(session, partnership.id, now)
    minutes = current.minutes if current else (agreement.meeting_minutes if agreement else DEFAULT_MINUTES)
    last = session.scalars(select(Meeting.held_on).where(Meeting.partnership_id == partnership.id)
                           .order_by(Meeting.held_on.desc()).limit(1)).first()
    start = suggestions.earliest(now, last, agreement.frequency if agreement else None)
    found = suggestions.suggest(suggestions.hours_of(me), suggestions.hours_of(partner), minutes, start)
    return Options(partnership, me, partner, found.times, found.shared, minutes, current)


def plan_for_member(session: Session, team_id: str, slack_user_id: str, plan_id: object) -> tuple[PlannedMeeting, Person]:
    """The planned meeting, if the acting person is one of its pair; otherwise NotAllowed."""
    plan = by_hint(session, PlannedMeeting, plan_id)
    if plan is None or plan.team_id != team_id:
        raise NotAllowed(NOT_YOURS)
    _partnership, me = get_for_member(session, team_id, slack_user_id, plan.partnership_id)
    return plan, me


def own_time(day: date | None, at: time | None, zone: tzinfo, now: datetime, problems: dict[str, str]) -> datetime | None:
    """A date and a time of one's own (in `zone`) as a UTC instant, or None when neither is given; what is wrong with
    them (one without the other, in the past, more than a year ahead) goes into `problems` by field name."""
    if (day is None) != (at is None):
        problems["custom_time" if at is None else "custom_date"] = "Give both a date and a time."
        return None
    if day is None or at is None:
        return None
    own = suggestions.from_wall_clock(day, at, zone)
    if own <= now:
        problems["custom_time"] = "That time is in the past: pick a time in the future."
    elif own > now + timedelta(days=366):
        problems["custom_date"] = "That is more than a year ahead: pick a nearer date."
    return own


def _times(form: PlanForm, me: Person, now: datetime) -> list[datetime]:
    """The proposed times as UTC instants, each checked: in the future, at most three, at least one."""
    problems: dict[str, str] = {}
    picked = [suggestions.from_token(t) for t in form.slots]
    if any(at <= now for at in picked):
        problems["slots"] = "A time you ticked has passed meanwhile: please pick another."
    own = own_time(form.custom_date, form.custom_time, suggestions.zone_of(me.tz, me.tz_offset), now, problems)
    times = list(dict.fromkeys(picked + ([own] if own is not None else [])))
    if not problems and not times:
        problems["slots"] = "Pick at least one time (or give a time of your own below)."
    if not problems and len(times) > MAX_PICKS:
        problems["slots"] = f"Pick at most {MAX_PICKS} times, counting your own."
    if problems:
        raise FormProblems(problems)
    return sorted(times)


@dataclass(frozen=True)
class Proposed:
    plan: PlannedMeeting
    slots: list[PlanSlot]
    me: Person
    partner: Person
    withdrawn_proposal: int | None  # the earlier proposal whose times were withdrawn (its DM is updated), if any


def propose(session: Session, team_id: str, slack_user_id: str, form: PlanForm, now: datetime | None = None) -> Proposed:
    """Propose up to three times to the partner. A pair has one plan at a time: proposing again replaces the times
    on offer, and for a planned meeting it is a reschedule (the meeting keeps its time until the partner picks)."""
    now = now or clock.now()
    partnership, me = get_for_member(session, team_id, slack_user_id, form.partnership_id)
    _live(partnership)
    times = _times(form, me, now)
    plan = open_plan(session, partnership.id, now)
    if plan is not None:
        _lock(session, plan)
        session.refresh(plan)
    withdrawn = None
    if plan is None:
        plan = PlannedMeeting(team_id=team_id, partnership_id=partnership.id, proposed_by_id=me.id,
                              status=MeetingPlanStatus.PROPOSED, minutes=form.minutes, uid=f"{uuid.uuid4()}@mentor-bot",
                              sequence=0, proposal=1, created_at=now, updated_at=now)
        session.add(plan)
        session.flush()
    else:
        withdrawn = plan.proposal if _withdraw(session, plan) else None
        plan.proposal += 1
        plan.proposed_by_id = me.id
        plan.updated_at = now
        if plan.status == MeetingPlanStatus.PROPOSED:
            plan.minutes = form.minutes
    slots = [PlanSlot(plan_id=plan.id, proposal=plan.proposal, starts_at=at, minutes=form.minutes,
                      status=SlotStatus.OFFERED, created_at=now) for at in times]
    session.add_all(slots)
    session.flush()
    return Proposed(plan, slots, me, partnership.other(me.id), withdrawn)


def _lock(session: Session, plan: PlannedMeeting) -> None:
    """Hold the plan's row until the transaction ends (a row lock on PostgreSQL; SQLite has one writer at a time)."""
    session.execute(update(PlannedMeeting).where(PlannedMeeting.id == plan.id)
                    .values(updated_at=PlannedMeeting.updated_at).execution_options(synchronize_session=False))


def _withdraw(session: Session, plan: PlannedMeeting) -> int:
    """Withdraw the times of the plan's newest proposal that are still on offer; returns how many."""
    return rowcount(session.execute(
        update(PlanSlot).where(PlanSlot.plan_id == plan.id, PlanSlot.status == SlotStatus.OFFERED)
        .values(status=SlotStatus.WITHDRAWN).execution_options(synchronize_session=False)))


def offered(session: Session, plan: PlannedMeeting, now: datetime | None = None) -> list[PlanSlot]:
    """The times of the plan's newest proposal still on offer (and, given `now`, still ahead), in order."""
    query = select(PlanSlot).where(PlanSlot.plan_id == plan.id, PlanSlot.proposal == plan.proposal,
                                   PlanSlot.status == SlotStatus.OFFERED)
    if now is not None:
        query = query.where(PlanSlot.starts_at > now)
    return list(session.scalars(query.order_by(PlanSlot.starts_at)))


@dataclass(frozen=True)
class Picked:
    plan: PlannedMeeting
    me: Person
    partner: Person  # who proposed the times
    moved: bool  # the meeting had a time already: this is its update


def pick(session: Session, team_id: str, slack_user_id: str, slot_id: object, now: datetime | None = None) -> Picked:
    """The partner picks one of the proposed times: the meeting is planned at it (or moved to it) and the other times
    are withdrawn. A time withdrawn meanwhile, passed, already picked, or of another pair changes nothing."""
    now = now or clock.now()
    slot = by_hint(session, PlanSlot, slot_id)
    if slot is None or slot.plan.team_id != team_id:
        raise NotAllowed(NOT_YOURS)
    plan = slot.plan
    partnership, me = get_for_member(session, team_id, slack_user_id, plan.partnership_id)
    _lock(session, plan)  # two picks at once take turns; the second reads what the first did
    session.refresh(plan)
    session.refresh(slot)
    when = slot.starts_at
    if plan.proposed_by_id == me.id and slot.proposal == plan.proposal:
        raise Conflict("You proposed these times: your partner picks one of them.")
    if slot.status == SlotStatus.PICKED:
        raise Conflict("That time is already picked: the meeting is planned.")
    if plan.status not in OPEN_PLAN:
        raise Conflict("This meeting was cancelled or has happened, so its times can't be picked any more.")
    if slot.status != SlotStatus.OFFERED or slot.proposal != plan.proposal:
        raise Conflict("That time was withdrawn (new times were proposed, or other times asked for). "
                       "Nothing was changed.")
    if when <= now:
        raise Conflict("That time has passed. Ask for other times.")
    _live(partnership)
    won = rowcount(session.execute(update(PlanSlot).where(PlanSlot.id == slot.id, PlanSlot.status == SlotStatus.OFFERED)
                                   .values(status=SlotStatus.PICKED).execution_options(synchronize_session=False)))
    if not won:  # a double click, or two clicks at once: the first one planned it
        raise Conflict("That time is already picked: the meeting is planned.")
    _withdraw(session, plan)
    moved = plan.status == MeetingPlanStatus.PLANNED
    if moved:
        plan.sequence += 1
    else:  # who proposed the first picked time organizes the calendar event for good (an update keeps its organizer)
        plan.organizer_id = plan.proposed_by_id
    plan.status, plan.starts_at, plan.minutes, plan.updated_at = MeetingPlanStatus.PLANNED, when, slot.minutes, now
    session.flush()
    return Picked(plan, me, partnership.other(me.id), moved)


def ask_other_times(session: Session, team_id: str, slack_user_id: str, plan_id: object,
                    now: datetime | None = None) -> tuple[PlannedMeeting, Person, Person]:
    """None of the proposed times suit the partner: they are withdrawn and the proposer is asked for others.
    Returns (plan, me, the proposer)."""
    plan, me = plan_for_member(session, team_id, slack_user_id, plan_id)
    if plan.status not in OPEN_PLAN or plan.proposed_by_id == me.id or not offered(session, plan):
        raise Conflict("These times are no longer on offer, so there is nothing to ask about. Nothing was changed.")
    _withdraw(session, plan)
    plan.updated_at = now or clock.now()
    return plan, me, plan.partnership.other(me.id)


@dataclass(frozen=True)
class Cancelled:
    plan: PlannedMeeting
    me: Person
    partner: Person
    had_time: bool  # it was planned (calendars have it): a cancellation invite goes out
    proposal: int


def cancel(session: Session, team_id: str, slack_user_id: str, plan_id: object, now: datetime | None = None) -> Cancelled:
    """Either partner cancels the planned (or proposed) meeting; a meeting in calendars gets SEQUENCE+1 so the
    cancellation supersedes the invite."""
    now = now or clock.now()
    plan, me = plan_for_member(session, team_id, slack_user_id, plan_id)
    if plan.status == MeetingPlanStatus.CANCELLED:
        raise Conflict("This meeting is already cancelled.")
    if plan.status not in OPEN_PLAN:
        raise Conflict("This meeting has happened (or was missed), so it can't be cancelled.")
    had_time = plan.status == MeetingPlanStatus.PLANNED
    if had_time and plan.starts_at is not None and plan.starts_at <= now:
        raise Conflict("This meeting's time has passed, so it can't be cancelled. Did you meet? Log it, or say you didn't.")
    won = rowcount(session.execute(update(PlannedMeeting).where(PlannedMeeting.id == plan.id,
                                                                PlannedMeeting.status == plan.status)
                                   .values(status=MeetingPlanStatus.CANCELLED, sequence=plan.sequence + int(had_time),
                                           updated_at=now).execution_options(synchronize_session=False)))
    if not won:
        raise Conflict("This meeting is already cancelled.")
    _withdraw(session, plan)
    session.refresh(plan)
    return Cancelled(plan, me, plan.partnership.other(me.id), had_time, plan.proposal)


def didnt_meet(session: Session, team_id: str, slack_user_id: str, plan_id: object,
               now: datetime | None = None) -> tuple[PlannedMeeting, Person]:
    """"We didn't": the planned meeting is marked missed (a logged meeting is never undone)."""
    now = now or clock.now()
    plan, me = plan_for_member(session, team_id, slack_user_id, plan_id)
    if plan.status == MeetingPlanStatus.HELD:
        raise Conflict("This meeting was logged as held, so it stays that way.")
    if plan.status == MeetingPlanStatus.PLANNED and plan.starts_at is not None and plan.starts_at > now:
        raise Conflict("This meeting hasn't happened yet.")
    if plan.status == MeetingPlanStatus.PLANNED:
        session.execute(update(PlannedMeeting).where(PlannedMeeting.id == plan.id,
                                                     PlannedMeeting.status == MeetingPlanStatus.PLANNED)
                        .values(status=MeetingPlanStatus.MISSED, updated_at=now).execution_options(synchronize_session=False))
        session.refresh(plan)
    return plan, me


def due_followups(session: Session, team_id: str, now: datetime) -> list[PlannedMeeting]:
    """Planned meetings of live pairs that are over (but not long ago): time to ask "Did you meet?"."""
    return list(session.scalars(select(PlannedMeeting).join(Partnership, Partnership.id == PlannedMeeting.partnership_id)
                                .where(PlannedMeeting.team_id == team_id,
                                       PlannedMeeting.status == MeetingPlanStatus.PLANNED,
                                       PlannedMeeting.starts_at <= now, PlannedMeeting.starts_at > now - UNLOGGED,
                                       Partnership.status.in_(LIVE_PARTNERSHIP))
                                .order_by(PlannedMeeting.starts_at)).unique())


def followup_due(plan: PlannedMeeting, now: datetime) -> bool:
    """Whether the meeting is over (its time plus its length has passed)."""
    return plan.starts_at is not None and plan.starts_at + timedelta(minutes=plan.minutes) <= now


def expire_unlogged(session: Session, team_id: str, now: datetime) -> int:
    """Planned meetings nobody logged within a week of their time count as missed (in the figures too); the times of
    proposals nobody answered until they passed are withdrawn. Returns how many meetings became missed."""
    return rowcount(session.execute(
        update(PlannedMeeting).where(PlannedMeeting.team_id == team_id, PlannedMeeting.status == MeetingPlanStatus.PLANNED,
                                     PlannedMeeting.starts_at <= now - UNLOGGED)
        .values(status=MeetingPlanStatus.MISSED, updated_at=now).execution_options(synchronize_session=False)))


def cancel_for_ended(session: Session, team_id: str, now: datetime) -> list[PlannedMeeting]:
    """The plans of partnerships that ended (or were closed) are cancelled; returns those that were in calendars
    (a time still ahead), with their SEQUENCE raised for the cancellation file."""
    ended = select(Partnership.id).where(Partnership.team_id == team_id, Partnership.status.not_in(LIVE_PARTNERSHIP))
    plans = list(session.scalars(select(PlannedMeeting).where(PlannedMeeting.team_id == team_id,
                                                              PlannedMeeting.status.in_(OPEN_PLAN),
                                                              PlannedMeeting.partnership_id.in_(ended))))
    in_calendars = []
    for plan in plans:
        won = rowcount(session.execute(update(PlannedMeeting).where(PlannedMeeting.id == plan.id,
                                                                    PlannedMeeting.status == plan.status)
                                       .values(status=MeetingPlanStatus.CANCELLED, updated_at=now,
                                               sequence=PlannedMeeting.sequence + 1)
                                       .execution_options(synchronize_session=False)))
        _withdraw(session, plan)
        if won and plan.status == MeetingPlanStatus.PLANNED and plan.starts_at is not None and plan.starts_at > now:
            session.refresh(plan)
            in_calendars.append(plan)
    return in_calendars


def planned_on(session: Session, team_id: str, day: date, zone) -> list[PlannedMeeting]:
    """Planned meetings of active pairs on `day` (in the program's time zone `zone`)."""
    first = datetime.combine(day, time(0), tzinfo=zone)
    last = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return list(session.scalars(select(PlannedMeeting).join(Partnership, Partnership.id == PlannedMeeting.partnership_id)
                                .where(PlannedMeeting.team_id == team_id, PlannedMeeting.status == MeetingPlanStatus.PLANNED,
                                       PlannedMeeting.starts_at >= first, PlannedMeeting.starts_at < last,
                                       Partnership.status == PartnershipStatus.ACTIVE)).unique())


def with_plans(session: Session, team_id: str, now: datetime) -> set[int]:
    """Partnerships with a planned meeting still ahead (their reminders follow it, not a logged next date)."""
    return set(session.scalars(select(PlannedMeeting.partnership_id).where(
        PlannedMeeting.team_id == team_id, PlannedMeeting.status == MeetingPlanStatus.PLANNED,
        PlannedMeeting.starts_at > now)))


def organizer_of(plan: PlannedMeeting) -> tuple[Person, Person]:
    """(organizer, the other partner): who proposed the first picked time organizes the event."""
    p = plan.partnership
    organizer = p.person_b if plan.organizer_id == p.person_b_id else p.person_a
    return organizer, p.other(organizer.id)

