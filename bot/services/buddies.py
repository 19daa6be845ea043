"""Onboarding buddies: a newcomer (who joined the program's onboarding channel, or whom an admin added) gets a
buddy from their own department for their first 45 days, and both get a short plan on days 1, 7, 14, 30 and 45.

The newcomer's own answer (department and level, in a small form) is their consent: it creates a minimal profile.
The buddy is picked here and introduced through `bot.services.introductions` (both accept, then a "buddy"
partnership runs 45 days). No Slack here: handlers and the buddy-plan job render and send what these return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, field_validator
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.services import boundaries, clock, introductions, partnerships, profiles, program, skills
from bot.services.errors import Conflict
from bot.services.matching import load
from bot.settings import Settings
from models import Introduction, Partnership, Person
from models.status import (
    LIVE_PARTNERSHIP,
    OPEN_PARTNERSHIP,
    IntroductionKind,
    IntroductionStatus,
    PartnershipKind,
    PartnershipStatus,
    PersonStatus,
)

PLAN_DAYS = (1, 7, 14, 30, 45)
BUDDY_DAYS = 45
LATE_GRACE = timedelta(days=14)  # a plan day the job missed (it was down) is still sent this long after
OPEN_INTRO = (IntroductionStatus.PROPOSED, IntroductionStatus.SENT)
OFF = "Onboarding buddies are off in this program. An admin can switch them on with `/mentor admin`."
SCAN = 200  # candidates looked at per query while picking a buddy
USER_ID = re.compile(r"[UW][A-Z0-9]{1,31}")

Outcome = Literal["welcome", "has_buddy", "introduced", "no_buddy"]


class NewcomerForm(BaseModel):
    """The welcome's small form: enough for a buddy from the same department."""

    department: str = Field(min_length=1, max_length=100)
    level: int = Field(ge=1, le=10)

    @field_validator("department", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return " ".join(value.split()) if isinstance(value, str) else value


class AddForm(BaseModel):
    """An admin's "give this person a buddy" (the command's mention, or the modal's person picker: its input is
    "newcomer", the name an error is reported under)."""

    user_id: str = Field(validation_alias=AliasChoices("newcomer", "user_id"))

    @field_validator("user_id", mode="before")
    @classmethod
    def _user(cls, value: object) -> object:
        if not isinstance(value, str) or not USER_ID.fullmatch(value):
            raise ValueError("Pick a person.")
        return value


@dataclass
class Result:
    """What happened for one newcomer, with what the handler needs to tell the people concerned."""

    outcome: Outcome
    program: program.Program
    user_id: str  # the newcomer's Slack id
    person: Person | None = None
    buddy: Person | None = None
    intro: Introduction | None = None
    reason: str = ""
    admins: list[str] = field(default_factory=list)  # told when no buddy is available


def has_buddy(session: Session, person: Person) -> bool:
    """An introduction to a buddy under way, or a buddy partnership still open."""
    return session.scalar(
        select(Introduction.id)
        .outerjoin(Partnership, Partnership.id == Introduction.partnership_id)
        .where(
            Introduction.kind == IntroductionKind.BUDDY,
            Introduction.taker_id == person.id,
            or_(Introduction.status.in_(OPEN_INTRO),
                and_(Introduction.status == IntroductionStatus.ACCEPTED, Partnership.status.in_(LIVE_PARTNERSHIP))),
        )
        .limit(1)
    ) is not None


def channel_joined(session: Session, team_id: str, user_id: str, channel_id: str, settings: Settings) -> Result | None:
    """Someone joined a channel: a Result("welcome") if it is the program's onboarding channel (with onboarding on)
    and they have no buddy yet; None otherwise."""
    prog = program.current(session, team_id, settings)
    if not prog.on("onboarding") or not prog.onboarding_channel or channel_id != prog.onboarding_channel:
        return None
    person = profiles.current(session, team_id, user_id)
    if person is not None and has_buddy(session, person):
        return None
    return Result("welcome", prog, user_id, person)


def admin_add(session: Session, team_id: str, actor: str, form: AddForm, settings: Settings,
              messages: introductions.Messages, now: datetime | None = None) -> Result:
    """An admin gives someone a buddy: a newcomer without a profile gets the welcome and its form; someone with
    a profile (they consented when they made it) is introduced to a buddy now. Admins only; audited."""
    program.require_admin(session, team_id, actor, settings)
    prog = program.current(session, team_id, settings)
    if not prog.on("onboarding"):
        raise Conflict(OFF)
    program.audit(session, team_id, actor, "buddy.add", user=form.user_id)
    person = profiles.current(session, team_id, form.user_id)
    if person is None:
        return Result("welcome", prog, form.user_id)
    return _introduce(session, prog, person, settings, messages, created_by=actor, now=now)


def enroll(session: Session, team_id: str, user_id: str, form: NewcomerForm, settings: Settings,
           now: datetime | None = None) -> Person:
    """The newcomer's answer to the welcome: create (or update) their minimal profile: department and level.
    A full profile keeps its skills and goals; someone who had left is back in the program."""
    now = now or clock.now()
    prog = program.current(session, team_id, settings)
    if not prog.on("onboarding"):
        raise Conflict(OFF)
    person = profiles.get(session, team_id, user_id)
    if person is None:
        person = Person(team_id=team_id, slack_user_id=user_id, joined_at=now, capacity=prog.default_capacity,
                        goals=[], goals_note="")
        session.add(person)
    elif person.status == PersonStatus.LEFT:
        person.status, person.joined_at, person.left_at = PersonStatus.ACTIVE, now, None
    person.department = form.department
    person.department_key = skills.skill_key(form.department)
    person.level = form.level
    person.updated_at = now
    session.flush()
    return person


def find_buddy(session: Session, team_id: str, user_id: str, settings: Settings, messages: introductions.Messages,
               now: datetime | None = None) -> Result:
    """After `enroll` (and the Slack profile mirrored): introduce the newcomer to a buddy, or tell the admins."""
    prog = program.current(session, team_id, settings)
    if not prog.on("onboarding"):
        raise Conflict(OFF)
    person = profiles.require(session, team_id, user_id)
    return _introduce(session, prog, person, settings, messages, now=now)


def _introduce(session: Session, prog: program.Program, person: Person, settings: Settings,
               messages: introductions.Messages, *,
               created_by: str | None = None, now: datetime | None = None) -> Result:
    partnerships.lock_people(session, [person.id])  # a double submit, or an admin add at the same time: one buddy
    if has_buddy(session, person):
        return Result("has_buddy", prog, person.slack_user_id, person)
    if person.status != PersonStatus.ACTIVE:
        raise Conflict(f"{person.display_name or 'They'} paused their participation: a buddy can come when they resume.")
    if load(session, [person.id]).get(person.id, 0) >= person.capacity:
        raise Conflict(f"{person.display_name or 'They'} already {'has' if person.capacity == 1 else 'have'} "
                       f"{person.capacity} partner{'s' if person.capacity != 1 else ''}, the most their profile allows.")
    picked = pick(session, person, now)
    if picked is None:
        return Result("no_buddy", prog, person.slack_user_id, person,
                      admins=program.admins(session, prog.team_id, settings))
    buddy, reason = picked
    intro = introductions.propose(session, team_id=prog.team_id, kind=IntroductionKind.BUDDY, giver_id=buddy.id,
                                  taker_id=person.id, reason=reason, created_by=created_by)
    introductions.send(session, intro, settings, messages, now)
    return Result("introduced", prog, person.slack_user_id, person, buddy, intro, reason)


def after_declines(session: Session, team_id: str, settings: Settings, messages: introductions.Messages,
                   now: datetime | None = None) -> list[tuple[Result, int]]:
    """Newcomers whose buddy declined the introduction (in the last 45 days) and who have no buddy under way: the
    next buddy is introduced, or, with nobody left, the admins are to be told. Returns (result, the declined
    introduction's id: the key of that notice, so each decline brings at most one)."""
    now = now or clock.now()
    prog = program.current(session, team_id, settings)
    if not prog.on("onboarding"):
        return []
    latest = session.execute(
        select(Introduction.taker_id, func.max(Introduction.id))
        .where(Introduction.team_id == team_id, Introduction.kind == IntroductionKind.BUDDY,
               Introduction.status == IntroductionStatus.DECLINED, Introduction.giver_answer == "no",
               Introduction.answered_at >= now - timedelta(days=BUDDY_DAYS))
        .group_by(Introduction.taker_id)
    ).all()
    results = []
    for taker_id, intro_id in latest:
        person = session.get(Person, taker_id)
        if person is None or person.status != PersonStatus.ACTIVE or has_buddy(session, person):
            continue
        if session.scalar(select(Introduction.taker_answer).where(Introduction.id == intro_id)) == "no":
            continue  # the newcomer said no too: they don't want a buddy
        try:
            with session.begin_nested():
                results.append((_introduce(session, prog, person, settings, messages, now=now), intro_id))
        except Conflict:
            continue  # full, or the pick was taken meanwhile: the next run tries again
    return results


def pick(session: Session, newcomer: Person, now: datetime | None = None) -> tuple[Person, str] | None:
    """The buddy: same department, active (not paused), room for one more partner (counting introductions still
    waiting for an answer), no newcomer themselves, nobody who declined this newcomer; the most experienced
    first (highest level), then the longest in the program. Returns (buddy, the reason in one line)."""
    now = now or clock.now()
    skip = _not_for(session, newcomer)
    last: tuple[int, datetime, int] | None = None
    while True:
        query = (
            select(Person)
            .where(Person.team_id == newcomer.team_id, Person.department_key == newcomer.department_key,
                   Person.status == PersonStatus.ACTIVE, Person.id != newcomer.id)
            .order_by(Person.level.desc(), Person.joined_at, Person.id)
            .limit(SCAN)
        )
        if last is not None:  # keyset paging in the same order
            level, joined, pid = last
            query = query.where(or_(Person.level < level, and_(Person.level == level, or_(
                Person.joined_at > joined, and_(Person.joined_at == joined, Person.id > pid)))))
        batch = list(session.scalars(query))
        if not batch:
            return None
        ids = [p.id for p in batch if p.id not in skip]
        busy = load(session, ids)
        waiting = _waiting_intros(session, ids)
        for person in batch:
            if person.id in skip:
                continue
            free = person.capacity - busy.get(person.id, 0) - waiting.get(person.id, 0)
            if free > 0:
                return person, _reason(newcomer, person, free, now)
        last = (batch[-1].level, batch[-1].joined_at, batch[-1].id)


def _not_for(session: Session, newcomer: Person) -> set[int]:
    """People who can't be this newcomer's buddy: open partners, those who declined them, and other newcomers."""
    partners = session.execute(
        select(Partnership.person_a_id, Partnership.person_b_id).where(
            or_(Partnership.person_a_id == newcomer.id, Partnership.person_b_id == newcomer.id),
            Partnership.status.in_(OPEN_PARTNERSHIP))
    ).all()
    declined = session.scalars(select(Introduction.giver_id).where(
        Introduction.kind == IntroductionKind.BUDDY, Introduction.taker_id == newcomer.id,
        Introduction.status == IntroductionStatus.DECLINED))
    newcomers = session.scalars(
        select(Introduction.taker_id)
        .outerjoin(Partnership, Partnership.id == Introduction.partnership_id)
        .where(Introduction.team_id == newcomer.team_id, Introduction.kind == IntroductionKind.BUDDY,
               or_(Introduction.status.in_(OPEN_INTRO),
                   and_(Introduction.status == IntroductionStatus.ACCEPTED, Partnership.status.in_(LIVE_PARTNERSHIP))))
    )
    return ({pid for row in partners for pid in row} | set(declined) | set(newcomers)
            | boundaries.never_with(session, newcomer, departments=False))  # a buddy is from the same department


def _waiting_intros(session: Session, person_ids: list[int]) -> dict[int, int]:
    """Introductions each person was sent (or is about to be) as a giver and has not answered: places promised."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(Introduction.giver_id, func.count()).where(Introduction.giver_id.in_(person_ids),
                                                          Introduction.status.in_(OPEN_INTRO))
        .group_by(Introduction.giver_id)
    ).all()
    return {pid: n for pid, n in rows}


def _reason(newcomer: Person, buddy: Person, free: int, now: datetime) -> str:
    since = buddy.joined_at.astimezone(now.tzinfo) if buddy.joined_at.tzinfo else buddy.joined_at
    return (f"Same department ({buddy.department}); level {buddy.level}, the most experienced there with room for a "
            f"newcomer; in the program since {since:%B %Y}; room for {free} more partner{'s' if free != 1 else ''}.")


# -- the 45-day plan ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanStep:
    """One plan day of one buddy partnership, due now (or missed, and still worth sending)."""

    partnership_id: int
    day: int
    due: date
    buddy: Person
    newcomer: Person
    end: date | None


def plan_due(session: Session, team_id: str, today: date, tz) -> list[PlanStep]:
    """Every plan day of every active buddy partnership that has come (day N is N - 1 days after the start, in the
    program's time zone), up to LATE_GRACE late. The caller writes one outbox message per step and person, keyed
    by partnership and day, so a day is sent once however often the job runs, and a missed day late once."""
    oldest = datetime.combine(today - timedelta(days=BUDDY_DAYS) - LATE_GRACE, datetime.min.time(), tzinfo=tz)
    rows = session.execute(
        select(Partnership, Introduction)
        .join(Introduction, Introduction.partnership_id == Partnership.id)
        .where(Partnership.team_id == team_id, Partnership.kind == PartnershipKind.BUDDY,
               Partnership.status == PartnershipStatus.ACTIVE, Introduction.kind == IntroductionKind.BUDDY,
               Partnership.started_at >= oldest)
        .order_by(Partnership.id)
    ).unique().all()
    steps = []
    for partnership, intro in rows:
        assert partnership.started_at is not None  # the query's `started_at >= oldest`
        start = partnership.started_at.astimezone(tz).date()
        for day in PLAN_DAYS:
            due = start + timedelta(days=day - 1)
            if due <= today and today - due <= LATE_GRACE:
                steps.append(PlanStep(partnership.id, day, due, intro.giver, intro.taker, partnership.planned_end))
    return steps

