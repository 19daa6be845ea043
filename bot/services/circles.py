"""Peer circles: 3 to 8 people learning around one goal together, with a cadence and a length like an agreement.
No Slack here: bot/flows/circles.py writes the messages.

A circle is `open` while it gathers people; when its third member arrives it starts (`active`: its group chat
opens with the kickoff), `full` when every seat is taken, `ended` when its last member leaves. A circle counts as
one partnership toward each member's capacity (bot/services/matching.py `load`). Seats are taken after the
circle's row is locked (PostgreSQL) or the write lock is held (SQLite), and one row per circle and person is a
unique constraint: of two people racing for the last seat, one gets it and the other is told it is full.
Matching boundaries hold: nobody joins (or is shown, or invited to) a circle with someone they must never be
matched with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import boundaries, clock, profiles, skills
from bot.services.errors import Conflict, DomainError, NotAllowed
from bot.services.lookup import by_hint
from bot.services.matching import load
from bot.services.text import OneLine
from models import FREQUENCIES, Person
from models.circles import (
    MAX_SIZE,
    MIN_SIZE,
    Circle,
    CircleAttendance,
    CircleInvite,
    CircleMember,
    CircleSession,
    CircleSkill,
)
from models.status import CircleInviteStatus, CircleRole, CircleStatus, PersonStatus, SkillKind

MAX_GOAL = 300
MAX_SKILLS = 5
LENGTHS = (30, 45, 60, 90)  # meeting minutes offered in the form
MONTHS = (1, 2, 3, 4, 6)  # how long a circle runs
CADENCE_WORDS = {"weekly": "every week", "fortnightly": "every two weeks", "monthly": "once a month"}
STARTS_AT = MIN_SIZE  # members a circle needs before its group chat opens
NOT_FOR_YOU = "This circle isn't open to you."  # a boundary, said the same way whatever it is
JOINABLE = (CircleStatus.OPEN, CircleStatus.ACTIVE)


class CircleForm(BaseModel):
    """The "Start a peer circle" modal."""

    goal: OneLine = Field(min_length=1, max_length=MAX_GOAL)
    skills: list[str] = Field(default_factory=list)
    size: int = Field(ge=MIN_SIZE, le=MAX_SIZE)
    frequency: Literal["weekly", "fortnightly", "monthly"]
    minutes: int = Field(ge=15, le=480)
    months: int = Field(ge=1, le=12)
    invite_only: bool = False
    invitees: list[str] = Field(default_factory=list)

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, value: object) -> list[str]:
        text = value if isinstance(value, str) else ", ".join(str(v) for v in value) if isinstance(value, list) else ""
        names = skills.split_skills(text)
        for name in names:
            if len(name) > skills.MAX_SKILL_LENGTH:
                raise ValueError(f'"{name[:20]}…" is too long: keep each skill to {skills.MAX_SKILL_LENGTH} characters.')
        if not names:
            raise ValueError("Name at least one skill the circle learns.")
        if len(names) > MAX_SKILLS:
            raise ValueError(f"Name at most {MAX_SKILLS} skills.")
        return names

    @field_validator("size", mode="before")
    @classmethod
    def _size(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit() and not MIN_SIZE <= int(value) <= MAX_SIZE:
            raise ValueError(f"A circle is {MIN_SIZE} to {MAX_SIZE} people, you included.")
        if isinstance(value, int) and not MIN_SIZE <= value <= MAX_SIZE:
            raise ValueError(f"A circle is {MIN_SIZE} to {MAX_SIZE} people, you included.")
        return value

    @field_validator("frequency", mode="before")
    @classmethod
    def _frequency(cls, value: object) -> object:
        if value not in FREQUENCIES:
            raise ValueError("Pick how often the circle meets: weekly, fortnightly or monthly.")
        return value

    @field_validator("invitees", mode="before")
    @classmethod
    def _invitees(cls, value: object) -> list[str]:
        users = value if isinstance(value, list) else []
        if not all(isinstance(u, str) and u[:1] in ("U", "W") and u.isalnum() and len(u) <= 32 for u in users):
            raise ValueError("Pick people from the list.")
        return list(dict.fromkeys(users))


# -- reading ---------------------------------------------------------------------------------------------------
def _circle(session: Session, team_id: str, circle_id: object) -> Circle:
    circle = by_hint(session, Circle, circle_id)
    if circle is None or circle.team_id != team_id:
        raise NotAllowed("That circle doesn't exist in this workspace.")
    return circle


def members(session: Session, circle_id: int) -> list[Person]:
    """The circle's current members, in the order they joined."""
    return list(session.scalars(
        select(Person).join(CircleMember, CircleMember.person_id == Person.id)
        .where(CircleMember.circle_id == circle_id, CircleMember.left_at.is_(None), Person.status != PersonStatus.LEFT)
        .order_by(CircleMember.joined_at, CircleMember.id)))


def members_of(session: Session, circle_ids: list[int]) -> dict[int, list[Person]]:
    """The current members of these circles, in one read."""
    out: dict[int, list[Person]] = {}
    for circle_id, person in session.execute(
        select(CircleMember.circle_id, Person).join(Person, Person.id == CircleMember.person_id)
        .where(CircleMember.circle_id.in_(circle_ids), CircleMember.left_at.is_(None), Person.status != PersonStatus.LEFT)
        .order_by(CircleMember.joined_at, CircleMember.id)):
        out.setdefault(circle_id, []).append(person)
    return out


def _count(session: Session, circle_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(CircleMember)
                              .where(CircleMember.circle_id == circle_id, CircleMember.left_at.is_(None))) or 0)


def _membership(session: Session, circle_id: int, person_id: int) -> CircleMember | None:
    return session.scalars(select(CircleMember).where(CircleMember.circle_id == circle_id,
                                                      CircleMember.person_id == person_id)).first()


def facilitator(session: Session, circle: Circle) -> Person | None:
    return session.get(Person, circle.facilitator_id) if circle.facilitator_id else None


def joinable(today: date) -> tuple:
    """A circle people can still join: gathering people or meeting, before its end date, and not waiting for its
    members' "Renew or end?" answer."""
    return Circle.status.in_(JOINABLE), Circle.ends_on > today, Circle.end_asked_at.is_(None)


# -- changing ----------------------------------------------------------------------------------------------------
def _lock(session: Session, circle: Circle) -> None:
    """Hold the circle's row until the transaction ends, so two people taking its last seat take turns."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Circle.id).where(Circle.id == circle.id).with_for_update())
    else:  # SQLite: the first write takes the database's one write lock
        session.execute(update(Circle).where(Circle.id == circle.id).values(status=Circle.status)
                        .execution_options(synchronize_session=False))


def _check_capacity(session: Session, me: Person) -> None:
    from bot.services.partnerships import lock_people

    lock_people(session, [me.id])
    if load(session, [me.id]).get(me.id, 0) >= me.capacity:
        raise Conflict(f"You already have {me.capacity} partnership{'s' if me.capacity != 1 else ''} (a circle counts as "
                       "one), the most your profile allows. Raise your limit in your profile first.")


def _offers_any(person: Person, circle: Circle) -> bool:
    offers = {ps.skill_id for ps in person.skills if ps.kind == SkillKind.OFFER}
    return any(cs.skill_id in offers for cs in circle.skills)


def create(session: Session, team_id: str, user_id: str, form: CircleForm, now: datetime | None = None
           ) -> tuple[Circle, list[Person]]:
    """Start a circle with its organiser as the first member; returns it and the people invited (invite-only)."""
    now = now or clock.now()
    me = profiles.require(session, team_id, user_id)
    if me.status != PersonStatus.ACTIVE:
        raise Conflict("Resume your participation first (`/mentor resume`), then start a circle.")
    if form.invite_only and len(form.invitees) < STARTS_AT - 1:
        raise DomainError(f"Pick the people you invite: at least {STARTS_AT - 1}, as a circle starts with {STARTS_AT} "
                          "(or make the circle open to everyone).", field="invitees")
    if len(form.invitees) > form.size - 1:
        raise DomainError(f"A circle of {form.size} has room for {form.size - 1} people besides you.", field="invitees")
    guests: list[Person] = []
    if form.invitees:
        found = {p.slack_user_id: p for p in session.scalars(
            select(Person).where(Person.team_id == team_id, Person.slack_user_id.in_(form.invitees)))}
        never = boundaries.never_with(session, me, departments=False)
        for uid in form.invitees:
            person = found.get(uid)
            if uid == user_id:
                raise DomainError("You're in the circle already: pick the others.", field="invitees")
            if person is None or person.status != PersonStatus.ACTIVE:
                raise DomainError("Someone you picked isn't taking part in the program right now.", field="invitees")
            if person.id in never:
                raise DomainError("Someone you picked can't be invited to your circle.", field="invitees")
            guests.append(person)
    _check_capacity(session, me)
    today = clock.local_today(me.tz, me.tz_offset)
    circle = Circle(team_id=team_id, goal=form.goal, size=form.size, frequency=form.frequency,
                    meeting_minutes=form.minutes, starts_on=today, ends_on=clock.add_months(today, form.months),
                    invite_only=form.invite_only, status=CircleStatus.OPEN, organiser_id=me.id,
                    facilitator_id=None, created_at=now)
    circle.skills = [CircleSkill(skill_id=s.id) for s in skills.get_or_create(session, team_id, form.skills)]
    session.add(circle)
    session.flush()
    session.refresh(circle)
    if _offers_any(me, circle):
        circle.facilitator_id = me.id
    session.add(CircleMember(circle_id=circle.id, person_id=me.id, joined_at=now,
                             role=CircleRole.FACILITATOR if circle.facilitator_id == me.id else CircleRole.ORGANISER))
    for guest in guests:
        session.add(CircleInvite(circle_id=circle.id, person_id=guest.id, created_at=now))
    session.flush()
    return circle, guests


@dataclass
class Joined:
    circle: Circle
    person: Person
    members: list[Person]  # everyone in it now, the new member included
    started: bool  # this arrival started the circle: its group chat opens with the kickoff
    late: bool  # the circle had started before: its chat moves to a new one with everyone
    at: datetime  # when they joined


def join(session: Session, team_id: str, user_id: str, circle_id: object, now: datetime | None = None) -> Joined:
    """Take a seat in a circle (an invite-only one only with an invitation). Boundaries and capacity hold; the last
    seat goes to one person only."""
    now = now or clock.now()
    me = profiles.require(session, team_id, user_id)
    circle = _circle(session, team_id, circle_id)
    if me.status != PersonStatus.ACTIVE:
        raise Conflict("Resume your participation first (`/mentor resume`), then join a circle.")
    invite = session.scalars(select(CircleInvite).where(CircleInvite.circle_id == circle.id,
                                                        CircleInvite.person_id == me.id)).first()
    if circle.invite_only and (invite is None or invite.status == CircleInviteStatus.DECLINED):
        raise NotAllowed("This circle is by invitation only.")
    _lock(session, circle)
    session.refresh(circle)
    mine_now = _membership(session, circle.id, me.id)
    if mine_now is not None and mine_now.left_at is None:
        raise Conflict("You're already in this circle.")
    if circle.status == CircleStatus.ENDED:
        raise Conflict("This circle has ended.")
    if circle.end_asked_at is not None:
        raise Conflict("This circle is about to end: its members are deciding whether to renew it, so it takes nobody "
                       "new now. `/mentor circles` shows others, or start your own with `/mentor circle`.")
    if circle.ends_on <= clock.local_today(me.tz, me.tz_offset, now):
        raise Conflict(f"This circle reached its end date ({circle.ends_on:%d %B %Y}), so it takes nobody new. "
                       "`/mentor circles` shows others, or start your own with `/mentor circle`.")
    people = members(session, circle.id)
    if circle.status == CircleStatus.FULL or len(people) >= circle.size:
        raise Conflict(f"Sorry, this circle is full: all {circle.size} places are taken. "
                       "`/mentor circles` shows others, or start your own with `/mentor circle`.")
    never = boundaries.never_with(session, me, departments=False)
    if any(p.id in never for p in people):
        raise NotAllowed(NOT_FOR_YOU)
    _check_capacity(session, me)
    facilitates = circle.facilitator_id is None and _offers_any(me, circle)
    role = CircleRole.FACILITATOR if facilitates else CircleRole.MEMBER
    if mine_now is not None:  # coming back after leaving
        mine_now.left_at, mine_now.joined_at, mine_now.role = None, now, role
    else:
        try:
            with session.begin_nested():
                session.add(CircleMember(circle_id=circle.id, person_id=me.id, joined_at=now, role=role))
                session.flush()
        except IntegrityError:
            raise Conflict("You're already in this circle.") from None
    if facilitates:
        circle.facilitator_id = me.id
    if invite is not None:
        invite.status, invite.answered_at = CircleInviteStatus.ACCEPTED, now
    count = _count(session, circle.id)
    started = circle.started_at is None and count >= STARTS_AT
    late = circle.started_at is not None
    if started:
        circle.started_at = now
    if count >= circle.size:
        circle.status = CircleStatus.FULL
    elif circle.started_at is not None:
        circle.status = CircleStatus.ACTIVE
    session.flush()
    return Joined(circle, me, members(session, circle.id), started, late, now)


def decline_invite(session: Session, team_id: str, user_id: str, circle_id: object,
                   now: datetime | None = None) -> tuple[Circle, Person]:
    """"No thanks" to an invitation (only the invited person can answer; the organiser is not told)."""
    now = now or clock.now()
    me = profiles.require(session, team_id, user_id)
    circle = _circle(session, team_id, circle_id)
    invite = session.scalars(select(CircleInvite).where(CircleInvite.circle_id == circle.id,
                                                        CircleInvite.person_id == me.id)).first()
    if invite is None:
        raise NotAllowed("This invitation isn't yours.")
    if invite.status != CircleInviteStatus.INVITED:
        raise Conflict("You already answered this invitation.")
    invite.status, invite.answered_at = CircleInviteStatus.DECLINED, now
    return circle, me


@dataclass
class Left:
    circle: Circle
    person: Person
    members: list[Person]  # who is still in it
    at: datetime  # when they left


def leave(session: Session, team_id: str, user_id: str, circle_id: object, now: datetime | None = None) -> Left:
    """Leave a circle: its seat opens again; the last one out ends it."""
    now = now or clock.now()
    me = profiles.require(session, team_id, user_id)
    circle = _circle(session, team_id, circle_id)
    _lock(session, circle)
    session.refresh(circle)
    membership = _membership(session, circle.id, me.id)
    if membership is None or membership.left_at is not None:
        raise Conflict("You're not in this circle.")
    membership.left_at = now
    if circle.facilitator_id == me.id:
        circle.facilitator_id = None
    session.flush()
    _settle(session, [circle.id], now)
    session.flush()
    return Left(circle, me, members(session, circle.id), now)


def group_chat(session: Session, circle: Circle, people: list[Person]) -> str:
    """Where the circle's group chat is, as an outbox recipient: its channel once known (read from the message
    that opened it, then kept), else its members' user ids for the sender to open the chat."""
    if circle.channel_id:
        return circle.channel_id
    if circle.chat_key:
        from bot.services import outbox

        sent = outbox.sent(session, circle.chat_key)
        if sent is not None and sent.slack_channel:
            circle.channel_id = sent.slack_channel
            return sent.slack_channel
    return ",".join(p.slack_user_id for p in people)


def skill_ids(session: Session, circle: Circle) -> list[int]:
    return [cs.skill_id for cs in circle.skills]


def export(session: Session, me: Person) -> list[dict]:
    """My circle memberships for my data export (the circle's goal and my part in it; no one else's data)."""
    rows = session.execute(
        select(Circle, CircleMember).join(CircleMember, CircleMember.circle_id == Circle.id)
        .where(CircleMember.person_id == me.id).order_by(CircleMember.joined_at, CircleMember.id)).all()
    came: dict[int, list[dict]] = {}  # the logged sessions I came to, by circle (topics only where I logged them)
    for s in session.scalars(select(CircleSession).join(CircleAttendance, CircleAttendance.session_id == CircleSession.id)
                             .where(CircleAttendance.person_id == me.id).order_by(CircleSession.held_on, CircleSession.id)):
        came.setdefault(s.circle_id, []).append({
            "held_on": s.held_on.isoformat() if s.held_on else None, "minutes": s.minutes, "status": s.status,
            "i_logged_it": s.logged_by_id == me.id, "topics": s.topics if s.logged_by_id == me.id else None})
    return [{"goal": c.goal, "skills": c.skill_names(), "frequency": c.frequency, "meeting_minutes": c.meeting_minutes,
             "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat(), "status": c.status,
             "my_role": m.role, "joined_at": m.joined_at.isoformat(),
             "left_at": m.left_at.isoformat() if m.left_at else None, "started_it": c.organiser_id == me.id,
             "sessions_i_came_to": came.get(c.id, [])}
            for c, m in rows]


def _settle(session: Session, circle_ids: list[int], now: datetime) -> None:
    """After people went: a circle left empty ends; a full one has a place again."""
    for circle_id in circle_ids:
        circle = session.get(Circle, circle_id)
        if circle is None or circle.status == CircleStatus.ENDED:
            continue
        if _count(session, circle_id) == 0:  # it ended as they left: no "renew or end?" is waiting, none answered
            circle.status, circle.ended_at = CircleStatus.ENDED, now
            circle.end_asked_at = circle.end_answered_by_id = None
        elif circle.status == CircleStatus.FULL:
            circle.status = CircleStatus.ACTIVE if circle.started_at is not None else CircleStatus.OPEN


def _current_circles(session: Session, person_id: int) -> list[int]:
    return list(session.scalars(select(CircleMember.circle_id).where(CircleMember.person_id == person_id,
                                                                     CircleMember.left_at.is_(None))))


def leave_all(session: Session, person_id: int, now: datetime | None = None) -> None:
    """Leaving the program: the person leaves every circle they are in."""
    now = now or clock.now()
    circle_ids = _current_circles(session, person_id)
    session.execute(update(CircleMember).where(CircleMember.person_id == person_id, CircleMember.left_at.is_(None))
                    .values(left_at=now).execution_options(synchronize_session=False))
    session.execute(update(Circle).where(Circle.facilitator_id == person_id).values(facilitator_id=None)
                    .execution_options(synchronize_session=False))
    _settle(session, circle_ids, now)


def forget(session: Session, person_id: int, now: datetime | None = None) -> None:
    """Delete-my-data: the person's memberships and invitations go, and circles no longer name them."""
    now = now or clock.now()
    circle_ids = _current_circles(session, person_id)
    session.execute(delete(CircleMember).where(CircleMember.person_id == person_id))
    session.execute(delete(CircleInvite).where(CircleInvite.person_id == person_id))
    session.execute(update(Circle).where(Circle.facilitator_id == person_id).values(facilitator_id=None)
                    .execution_options(synchronize_session=False))
    session.execute(update(Circle).where(Circle.organiser_id == person_id).values(organiser_id=None)
                    .execution_options(synchronize_session=False))
    session.execute(delete(CircleAttendance).where(CircleAttendance.person_id == person_id))  # sessions I came to
    session.execute(update(CircleSession).where(CircleSession.logged_by_id == person_id)  # the words I logged go
                    .values(topics="", logged_by_id=None).execution_options(synchronize_session=False))
    session.execute(update(CircleSession).where(CircleSession.planned_by_id == person_id).values(planned_by_id=None)
                    .execution_options(synchronize_session=False))
    _settle(session, circle_ids, now)


def cadence(circle: Circle) -> str:
    return f"{CADENCE_WORDS.get(circle.frequency, circle.frequency)}, {circle.meeting_minutes} minutes"



# -- circles a formal round forms (bot/services/round_circles.py) ------------------------------------------------
ROUND_FREQUENCY, ROUND_MINUTES, ROUND_MONTHS = "fortnightly", 60, 3  # a round's circles meet on the form's defaults


def form_from_round(session: Session, team_id: str, round_id: int, skill_id: int | None, goal: str, size: int,
                    people: list[Person], facilitator_id: int | None, now: datetime | None = None) -> Circle:
    """A circle a confirmed round formed: invite-only (its members were chosen together), already started (its
    members are all there: the caller opens its group chat with the kickoff), the facilitator in that role."""
    now = now or clock.now()
    today = now.date()
    circle = Circle(team_id=team_id, goal=goal[:MAX_GOAL], size=max(size, len(people), MIN_SIZE),
                    frequency=ROUND_FREQUENCY, meeting_minutes=ROUND_MINUTES, starts_on=today,
                    ends_on=clock.add_months(today, ROUND_MONTHS), invite_only=True, status=CircleStatus.ACTIVE,
                    organiser_id=None, facilitator_id=facilitator_id, created_at=now, started_at=now, round_id=round_id)
    circle.skills = [CircleSkill(skill_id=skill_id)] if skill_id is not None else []
    session.add(circle)
    session.flush()
    for person in people:
        session.add(CircleMember(circle_id=circle.id, person_id=person.id, joined_at=now,
                                 role=CircleRole.FACILITATOR if person.id == facilitator_id else CircleRole.MEMBER))
    session.flush()
    session.refresh(circle)
    return circle
