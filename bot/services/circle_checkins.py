"""Monthly check-ins for peer circles: who is asked, answering, and closing a month's circle answers.

Every member of an active circle (started, not ended; joined and not left; themselves active) is asked once a month
about each of their circles, in one DM per person and month (bot/flows/checkins.py writes it, a section per
circle). A circle member's answer follows the pairs' anonymity rules (bot/services/checkins.py):
- it is shown to its author only (`for_author`), and may be changed until its month closes;
- when the month closes, circle answers are copied without person or circle to `checkin_answers` (`circle`
  true, in random order) and wiped from the invitations (whether the circle met included); the month's circle
  aggregates (`CheckInPeriod.circle_*`) are written once, then, apart from the pairs' so no report is a
  difference of two others;
- reports show circle figures only over at least k circle answers; free text reaches admins only then.

`checkin_answers` has no column for sessions: a circle answer keeps `minutes` 0 there, and the sessions members
went to are summed in `CheckInPeriod.circle_sessions` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import insert_ignore
from bot.services import checkins
from bot.services.checkins import REMINDER_AFTER
from models import Person
from models.checkins import CircleCheckIn
from models.circles import Circle, CircleMember
from models.status import CircleStatus, PersonStatus

ACTIVE_CIRCLE = (CircleStatus.ACTIVE, CircleStatus.FULL)  # started and meeting (a full circle has started)
MAX_SESSIONS = 31


# -- the answer form ----------------------------------------------------------------------------
class CircleCheckInForm(checkins.AnswerForm):
    sessions: int | None = Field(default=None, ge=0, le=MAX_SESSIONS)

    def problems(self) -> dict[str, str]:
        """What is missing across fields, by field name (empty when the answer can be saved)."""
        errors = {}
        if self.met == "yes":
            if self.sessions is None:
                errors["sessions"] = "How many of its sessions did you go to this month? (0 if none)"
            elif self.sessions > 0 and self.effectiveness is None:
                errors["effectiveness"] = "Please rate how effective the sessions were."
        return errors

    @model_validator(mode="after")
    def _normalise(self) -> CircleCheckInForm:
        if self.met == "no":
            self.sessions, self.effectiveness = 0, None
        elif self.sessions == 0:
            self.effectiveness = None
        return self


# -- opening a month ----------------------------------------------------------------------------
def _live(now: datetime):
    """Conditions of a member who is asked (and reminded): an active person, still in a circle that has started."""
    return (Circle.status.in_(ACTIVE_CIRCLE), Circle.started_at.is_not(None), Circle.started_at < now,
            CircleMember.left_at.is_(None), Person.status == PersonStatus.ACTIVE)


def open_period(session: Session, team_id: str, period: str, now: datetime) -> list[int]:
    """Ask every member of every active circle about `period` (one invitation per circle and person).
    Safe to repeat: returns the person ids with an invitation of the period still unanswered. The period's row
    exists already (bot/services/checkins.py `open_period`)."""
    if checkins.is_closed(session, team_id, period):
        return []
    members = session.execute(
        select(CircleMember.circle_id, CircleMember.person_id)
        .join(Circle, Circle.id == CircleMember.circle_id).join(Person, Person.id == CircleMember.person_id)
        .where(Circle.team_id == team_id, *_live(now))
    ).all()
    rows = [dict(team_id=team_id, period=period, circle_id=circle_id, person_id=person_id, created_at=now,
                 reminders_sent=0) for circle_id, person_id in members]
    for start in range(0, len(rows), 500):
        insert_ignore(session, CircleCheckIn, rows[start:start + 500], ["circle_id", "person_id", "period"])
    return list(session.scalars(
        select(CircleCheckIn.person_id).where(CircleCheckIn.team_id == team_id, CircleCheckIn.period == period,
                                              CircleCheckIn.answered_at.is_(None))
        .group_by(CircleCheckIn.person_id).order_by(CircleCheckIn.person_id)))


def asked_at(session: Session, team_id: str, period: str, now: datetime) -> set[int]:
    """The people with an invitation of the period written at `now` (by this run)."""
    return set(session.scalars(select(CircleCheckIn.person_id).where(
        CircleCheckIn.team_id == team_id, CircleCheckIn.period == period, CircleCheckIn.created_at == now)))


@dataclass
class Part:
    """One circle of a person's check-in DM."""

    checkin_id: int
    goal: str
    answered: bool


@dataclass
class Invitation:
    """What one person's circle check-in DM needs: who is asked, and about which circles."""

    person_id: int
    user_id: str
    period: str
    parts: list[Part] = field(default_factory=list)

    @property
    def unanswered(self) -> int:
        return sum(not p.answered for p in self.parts)


def invitations(session: Session, team_id: str, period: str, person_ids: list[int]) -> list[Invitation]:
    """Each person's circle check-ins of the period (answered ones too: the DM shows where each stands)."""
    out: dict[int, Invitation] = {}
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start:start + 500]
        rows = session.execute(
            select(CircleCheckIn.id, CircleCheckIn.person_id, CircleCheckIn.answered_at, Circle.goal, Person.slack_user_id)
            .join(Circle, Circle.id == CircleCheckIn.circle_id).join(Person, Person.id == CircleCheckIn.person_id)
            .where(CircleCheckIn.team_id == team_id, CircleCheckIn.period == period, CircleCheckIn.person_id.in_(chunk))
            .order_by(CircleCheckIn.person_id, CircleCheckIn.id)
        ).all()
        for checkin_id, person_id, answered_at, goal, user_id in rows:
            out.setdefault(person_id, Invitation(person_id, user_id, period)).parts.append(
                Part(checkin_id, goal, answered_at is not None))
    return [out[pid] for pid in sorted(out)]


# -- reminders ----------------------------------------------------------------------------------
def due_reminders(session: Session, team_id: str, period: str, now: datetime) -> dict[int, int]:
    """{person id: reminder number} for every person with an unanswered circle check-in of an open month whose
    reminder is due (one reminder per person, the highest due); counted as sent here, in the same transaction that
    queues it."""
    if checkins.is_closed(session, team_id, period):
        return {}
    due: dict[int, int] = {}
    for number, after in enumerate(REMINDER_AFTER, start=1):
        rows = session.execute(
            select(CircleCheckIn.id, CircleCheckIn.person_id)
            .join(Person, Person.id == CircleCheckIn.person_id).join(Circle, Circle.id == CircleCheckIn.circle_id)
            .join(CircleMember, (CircleMember.circle_id == CircleCheckIn.circle_id)
                  & (CircleMember.person_id == CircleCheckIn.person_id))
            .where(CircleCheckIn.team_id == team_id, CircleCheckIn.period == period, CircleCheckIn.answered_at.is_(None),
                   CircleCheckIn.reminders_sent == number - 1, CircleCheckIn.created_at <= now - after, *_live(now))
        ).all()
        if rows:
            session.execute(update(CircleCheckIn)
                            .where(CircleCheckIn.id.in_([r[0] for r in rows]), CircleCheckIn.reminders_sent == number - 1)
                            .values(reminders_sent=number).execution_options(synchronize_session=False))
            due.update({person_id: number for _id, person_id in rows})
    return due


# -- answering ----------------------------------------------------------------------------------
def for_author(session: Session, team_id: str, slack_user_id: str, checkin_id: object, now: datetime,
               tz: ZoneInfo) -> tuple[CircleCheckIn, Person]:
    """The invitation, if it is the acting person's own and its month is still open."""
    return checkins.own(session, CircleCheckIn, team_id, slack_user_id, checkin_id, now, tz)


def answer(session: Session, team_id: str, slack_user_id: str, checkin_id: object, form: CircleCheckInForm,
           now: datetime, tz: ZoneInfo) -> tuple[CircleCheckIn, bool]:
    """Save (or change) the person's own answer about one circle; returns (invitation, first time)."""
    checkin, _person = for_author(session, team_id, slack_user_id, checkin_id, now, tz)
    first = checkins.record(checkin, form, now)
    checkin.sessions = form.sessions or 0
    return checkin, first


def goal_of(session: Session, checkin: CircleCheckIn) -> str:
    return session.get_one(Circle, checkin.circle_id).goal


# -- closing a month ----------------------------------------------------------------------------
@dataclass
class Closed:
    period: str
    answered: int
    asked: int
    help_texts: list[str] = field(default_factory=list)  # only when answered >= k, shuffled


def close_period(session: Session, team_id: str, period: str, k: int) -> Closed:
    """The circle half of closing a month: call it once, in the transaction where bot/services/checkins.py
    `close_period` claimed the month (so it runs exactly once). Aggregates, anonymised answers, wiped invitations."""
    rows = session.scalars(select(CircleCheckIn).where(CircleCheckIn.team_id == team_id,
                                                       CircleCheckIn.period == period)).all()
    answers: list[dict[str, Any]] = [
        dict(team_id=team_id, period=period, circle=True, met=bool(r.met), minutes=0, sessions=r.sessions or 0,
             effectiveness=r.effectiveness, expectations=r.expectations, help=r.help)
        for r in rows if r.answered_at is not None]
    texts = checkins.store_answers(session, team_id, period, answers, len(rows), k, amount="sessions", prefix="circle_")
    session.execute(
        update(CircleCheckIn).where(CircleCheckIn.team_id == team_id, CircleCheckIn.period == period)
        .values(met=None, sessions=None, effectiveness=None, expectations=None, help=None)
        .execution_options(synchronize_session=False)
    )
    return Closed(period, len(answers), len(rows), texts)
