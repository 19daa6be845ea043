"""Monthly check-ins: who is asked, answering, closing a month, and what a closed month says.

Anonymity rules this module keeps:
- an answer is shown to its author only (`for_author`), and may be changed until its month closes;
- when the month closes its answers are copied, without person or partnership, to `checkin_answers`
  in random order and wiped from the invitations; the month's aggregates are computed once, then;
- reports read closed months only (`CheckInPeriod`, see bot/services/digest.py), and show them only over at
  least k answers, so no two reports differ by a single answer;
- free text reaches program admins only once k answers exist for the month, without names.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, TypeVar, cast
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import Row, Table, select, update
from sqlalchemy.orm import Session

from bot.db import insert_ignore, rowcount
from bot.services.errors import Conflict, NotAllowed
from bot.services.lookup import by_hint
from models import CheckIn, CheckInAnswer, CheckInPeriod, Partnership, Person
from models.checkins import CircleCheckIn
from models.status import PartnershipStatus, PersonStatus

REMINDER_AFTER = (timedelta(days=3), timedelta(days=7))
AT_RISK_MONTHS = 2
PAUSE_AFTER_MISSED = 3
MAX_HELP = 1000


# -- periods ------------------------------------------------------------------------------------
def period_of(at: datetime, tz: ZoneInfo) -> str:
    local = at.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


def period_start(period: str, tz: ZoneInfo) -> datetime:
    year, month = (int(part) for part in period.split("-"))
    return datetime.combine(date(year, month, 1), time(0), tzinfo=tz)


def next_period(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def previous_period(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"


def period_end(period: str, tz: ZoneInfo) -> datetime:
    return period_start(next_period(period), tz)


def month_name(period: str) -> str:
    return period_start(period, ZoneInfo("UTC")).strftime("%B %Y")


# -- the answer form ----------------------------------------------------------------------------
class AnswerForm(BaseModel):
    """What a pair's and a circle's check-in answers share."""

    met: Literal["yes", "no"]
    effectiveness: int | None = Field(default=None, ge=1, le=5)
    expectations: Literal["yes", "partly", "no"]
    help: str = Field(default="", max_length=MAX_HELP)

    @field_validator("help", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else ("" if value is None else value)


class CheckInForm(AnswerForm):
    minutes: int | None = Field(default=None, ge=0, le=10000)
    next_meeting_on: date | None = None
    next_not_planned: bool = False

    @field_validator("next_not_planned", mode="before")
    @classmethod
    def _checkbox(cls, value: object) -> object:
        return bool(value) if isinstance(value, list) else bool(value)

    def problems(self, today: date) -> dict[str, str]:
        """What is missing or wrong across fields, by field name (empty when the answer can be saved)."""
        errors = {}
        if self.met == "yes":
            if not self.minutes:
                errors["minutes"] = "How many minutes did you meet this month, in total?"
            if self.effectiveness is None:
                errors["effectiveness"] = "Please rate how effective it was."
        if self.next_meeting_on is None and not self.next_not_planned:
            errors["next_meeting_on"] = "Pick the date of your next meeting, or tick “Not planned yet”."
        elif self.next_meeting_on is not None and not self.next_not_planned and self.next_meeting_on < today:
            errors["next_meeting_on"] = "That date has passed: pick a date from today on, or tick “Not planned yet”."
        return errors

    @model_validator(mode="after")
    def _normalise(self) -> CheckInForm:
        if self.met == "no":
            self.minutes, self.effectiveness = 0, None
        if self.next_not_planned:
            self.next_meeting_on = None
        return self


# -- opening a month ----------------------------------------------------------------------------
def open_period(session: Session, team_id: str, period: str, now: datetime) -> list[int]:
    """Ask both people of every active partnership (who are themselves active) about `period`.
    Safe to repeat: returns the ids of every invitation of the period still unanswered."""
    insert_ignore(session, CheckInPeriod, [dict(team_id=team_id, period=period, opened_at=now, asked=0, answered=0,
                                                met=0, minutes=0, effectiveness_sum=0, effectiveness_n=0,
                                                expected_yes=0, expected_partly=0, expected_no=0)],
                  ["team_id", "period"])
    if session.scalars(select(CheckInPeriod.closed_at).where(CheckInPeriod.team_id == team_id,
                                                             CheckInPeriod.period == period)).one() is not None:
        return []
    rows = []
    pairs = session.execute(
        select(Partnership.id, Partnership.person_a_id, Partnership.person_b_id)
        .where(Partnership.team_id == team_id, Partnership.status == PartnershipStatus.ACTIVE, Partnership.started_at < now)
    ).all()
    active = set(session.scalars(select(Person.id).where(Person.team_id == team_id, Person.status == PersonStatus.ACTIVE)))
    for pid, a, b in pairs:
        for person_id in (a, b):
            if person_id in active:
                rows.append(dict(team_id=team_id, period=period, partnership_id=pid, person_id=person_id,
                                 created_at=now, reminders_sent=0))
    for start in range(0, len(rows), 500):
        insert_ignore(session, CheckIn, rows[start:start + 500], ["partnership_id", "person_id", "period"])
    return list(session.scalars(select(CheckIn.id).where(CheckIn.team_id == team_id, CheckIn.period == period,
                                                         CheckIn.answered_at.is_(None)).order_by(CheckIn.id)))


@dataclass
class Invitation:
    """What a check-in DM needs: who is asked, about whom."""

    checkin_id: int
    period: str
    user_id: str
    partner_user_id: str
    partner_name: str


def invitations(session: Session, checkin_ids: list[int]) -> list[Invitation]:
    out = []
    for start in range(0, len(checkin_ids), 500):
        chunk = checkin_ids[start:start + 500]
        rows = session.execute(
            select(CheckIn.id, CheckIn.period, CheckIn.person_id, Partnership.person_a_id, Partnership.person_b_id)
            .join(Partnership, Partnership.id == CheckIn.partnership_id).where(CheckIn.id.in_(chunk))
        ).all()
        ids = {pid for row in rows for pid in (row[3], row[4])}
        people = {p.id: p for p in session.execute(
            select(Person.id, Person.slack_user_id, Person.display_name).where(Person.id.in_(ids))).all()}
        for cid, period, person_id, a, b in rows:
            other = people[b if person_id == a else a]
            out.append(Invitation(cid, period, people[person_id].slack_user_id, other.slack_user_id,
                                  other.display_name))
    return sorted(out, key=lambda inv: inv.checkin_id)


# -- reminders ----------------------------------------------------------------------------------
def due_reminders(session: Session, team_id: str, period: str, now: datetime) -> list[tuple[int, int]]:
    """(checkin id, reminder number) for every unanswered invitation of an open month whose reminder is due;
    the reminder is counted as sent here, in the same transaction that queues it."""
    if is_closed(session, team_id, period):
        return []
    due = []
    for number, after in enumerate(REMINDER_AFTER, start=1):
        ids = list(session.scalars(
            select(CheckIn.id).join(Person, Person.id == CheckIn.person_id)
            .join(Partnership, Partnership.id == CheckIn.partnership_id)
            .where(CheckIn.team_id == team_id, CheckIn.period == period, CheckIn.answered_at.is_(None),
                   CheckIn.reminders_sent == number - 1, CheckIn.created_at <= now - after,
                   Person.status == PersonStatus.ACTIVE, Partnership.status == PartnershipStatus.ACTIVE)
        ))
        if ids:
            session.execute(update(CheckIn).where(CheckIn.id.in_(ids), CheckIn.reminders_sent == number - 1)
                            .values(reminders_sent=number).execution_options(synchronize_session=False))
            due += [(cid, number) for cid in ids]
    return due


# -- answering ----------------------------------------------------------------------------------
Invite = TypeVar("Invite", CheckIn, CircleCheckIn)


def is_closed(session: Session, team_id: str, period: str) -> bool:
    return session.scalars(select(CheckInPeriod.closed_at).where(CheckInPeriod.team_id == team_id,
                                                                 CheckInPeriod.period == period)).first() is not None


def own(session: Session, model: type[Invite], team_id: str, slack_user_id: str, checkin_id: object, now: datetime,
        tz: ZoneInfo) -> tuple[Invite, Person]:
    """The invitation (a pair's `CheckIn` or a circle's `CircleCheckIn`), if it is the acting person's own and its
    month is still open."""
    checkin = by_hint(session, model, checkin_id)
    person = session.get(Person, checkin.person_id) if checkin is not None else None
    if checkin is None or checkin.team_id != team_id or person is None or person.slack_user_id != slack_user_id:
        raise NotAllowed("That check-in isn't yours.")
    if is_closed(session, team_id, checkin.period) or now >= period_end(checkin.period, tz):
        raise Conflict(f"The {month_name(checkin.period)} check-in has closed. Thank you all the same: "
                       "next month's comes on the 1st.")
    return checkin, person


def record(checkin: CheckIn | CircleCheckIn, form: AnswerForm, now: datetime) -> bool:
    """Write what both kinds of answer share onto the invitation; returns whether it is the first answer."""
    first = checkin.answered_at is None
    if first:  # the first answer's time (response rates as of a date count it from then)
        checkin.answered_at = now
    checkin.met = form.met == "yes"
    checkin.effectiveness = form.effectiveness
    checkin.expectations = form.expectations
    checkin.help = form.help or None
    return first


def for_author(session: Session, team_id: str, slack_user_id: str, checkin_id: object, now: datetime,
               tz: ZoneInfo) -> tuple[CheckIn, Person]:
    """The pair invitation, if it is the acting person's own and its month is still open."""
    return own(session, CheckIn, team_id, slack_user_id, checkin_id, now, tz)


def answer(session: Session, team_id: str, slack_user_id: str, checkin_id: object, form: CheckInForm,
           now: datetime, tz: ZoneInfo) -> tuple[CheckIn, bool]:
    """Save (or change) the person's own answer; returns (invitation, first time)."""
    checkin, _person = for_author(session, team_id, slack_user_id, checkin_id, now, tz)
    first = record(checkin, form, now)
    checkin.minutes = form.minutes or 0
    checkin.next_meeting_on = form.next_meeting_on
    if checkin.met:  # meeting again: whatever "at risk" said, it no longer holds
        session.execute(update(Partnership).where(Partnership.id == checkin.partnership_id)
                        .values(at_risk_since=None).execution_options(synchronize_session=False))
    return checkin, first


def partner_name(session: Session, checkin: CheckIn) -> tuple[str, str]:
    """(name, Slack id) of the partner the invitation is about."""
    partnership = session.get_one(Partnership, checkin.partnership_id)
    other = partnership.other(checkin.person_id)
    return other.display_name, other.slack_user_id


# -- closing a month ----------------------------------------------------------------------------
@dataclass
class Closed:
    period: str
    answered: int
    asked: int
    help_texts: list[str] = field(default_factory=list)  # only when answered >= k, shuffled
    at_risk: list[int] = field(default_factory=list)  # partnership ids newly at risk
    paused: list[int] = field(default_factory=list)  # person ids paused for missing check-ins


def close_period(session: Session, team_id: str, period: str, now: datetime, k: int) -> Closed | None:
    """Close a month once: aggregates, anonymised answers, at-risk pairs, paused people.
    Returns None when it was closed already (by another run or replica)."""
    claimed = rowcount(session.execute(
        update(CheckInPeriod).where(CheckInPeriod.team_id == team_id, CheckInPeriod.period == period,
                                    CheckInPeriod.closed_at.is_(None))
        .values(closed_at=now).execution_options(synchronize_session=False)
    ))
    if claimed != 1:
        return None
    rows = session.scalars(select(CheckIn).where(CheckIn.team_id == team_id, CheckIn.period == period)).all()
    answers: list[dict[str, Any]] = [
        dict(team_id=team_id, period=period, met=bool(r.met), minutes=r.minutes or 0,
             effectiveness=r.effectiveness, expectations=r.expectations, help=r.help)
        for r in rows if r.answered_at is not None]
    texts = store_answers(session, team_id, period, answers, len(rows), k, amount="minutes")
    session.execute(
        update(CheckIn).where(CheckIn.team_id == team_id, CheckIn.period == period)
        .values(minutes=None, next_meeting_on=None, effectiveness=None, expectations=None, help=None)
        .execution_options(synchronize_session=False)
    )
    return Closed(period, len(answers), len(rows), texts, _mark_at_risk(session, team_id, period, now),
                  _pause_silent(session, team_id, period, now))


def store_answers(session: Session, team_id: str, period: str, answers: list[dict[str, Any]], asked: int, k: int, *,
                  amount: str, prefix: str = "") -> list[str]:
    """Copy a closing month's answers, shuffled, to `checkin_answers` (a `sessions` key stays out: it has no such
    column) and write the month's aggregates once: the pairs' columns, or with `prefix` "circle_" the circles'
    (`amount`: the summed "minutes" or "sessions"). Returns the free texts, only when at least k answered."""
    random.SystemRandom().shuffle(answers)  # ids of checkin_answers say nothing about who answered first
    if answers:  # (a declarative model's table)
        session.execute(cast(Table, CheckInAnswer.__table__).insert(),
                        [{key: v for key, v in a.items() if key != "sessions"} for a in answers])
    expect = [a["expectations"] for a in answers]
    totals = dict(asked=asked, answered=len(answers), met=sum(a["met"] for a in answers),
                  effectiveness_sum=sum(a["effectiveness"] or 0 for a in answers),
                  effectiveness_n=sum(a["effectiveness"] is not None for a in answers),
                  expected_yes=expect.count("yes"), expected_partly=expect.count("partly"), expected_no=expect.count("no"))
    totals[amount] = sum(a[amount] for a in answers)
    session.execute(
        update(CheckInPeriod).where(CheckInPeriod.team_id == team_id, CheckInPeriod.period == period)
        .values({f"{prefix}{name}": value for name, value in totals.items()})
        .execution_options(synchronize_session=False)
    )
    return [a["help"] for a in answers if a["help"]] if len(answers) >= k else []


def _history(session: Session, team_id: str, periods: list[str]) -> Sequence[Row[int, int, str, bool, bool | None]]:
    return session.execute(
        select(CheckIn.partnership_id, CheckIn.person_id, CheckIn.period, CheckIn.answered_at.is_not(None), CheckIn.met)
        .where(CheckIn.team_id == team_id, CheckIn.period.in_(periods))
    ).all()


def _mark_at_risk(session: Session, team_id: str, period: str, now: datetime) -> list[int]:
    """Pairs where, in each of the last two months, both people either did not answer or said they did not meet."""
    periods = [period, previous_period(period)]
    silent: dict[int, dict[str, list[bool]]] = {}
    for pid, _person, per, answered, met in _history(session, team_id, periods):
        silent.setdefault(pid, {}).setdefault(per, []).append(not answered or met is False)
    risky = [pid for pid, by in silent.items()
             if all(len(by.get(p, [])) == 2 and all(by[p]) for p in periods)]
    if not risky:
        return []
    newly = list(session.scalars(select(Partnership.id).where(
        Partnership.id.in_(risky), Partnership.status == PartnershipStatus.ACTIVE, Partnership.at_risk_since.is_(None))))
    if newly:
        session.execute(update(Partnership).where(Partnership.id.in_(newly)).values(at_risk_since=now)
                        .execution_options(synchronize_session=False))
    return newly


def _pause_silent(session: Session, team_id: str, period: str, now: datetime) -> list[int]:
    """People asked in each of the last three months who answered none of them: their participation pauses."""
    periods = [period]
    for _ in range(PAUSE_AFTER_MISSED - 1):
        periods.append(previous_period(periods[-1]))
    asked: dict[int, set[str]] = {}
    answered: set[int] = set()
    for _pid, person_id, per, was_answered, _met in _history(session, team_id, periods):
        asked.setdefault(person_id, set()).add(per)
        if was_answered:
            answered.add(person_id)
    silent = [pid for pid, pers in asked.items() if len(pers) == PAUSE_AFTER_MISSED and pid not in answered]
    if not silent:
        return []
    paused = list(session.scalars(select(Person.id).where(Person.id.in_(silent), Person.status == PersonStatus.ACTIVE)))
    if paused:
        session.execute(update(Person).where(Person.id.in_(paused), Person.status == PersonStatus.ACTIVE)
                        .values(status=PersonStatus.PAUSED, paused_at=now, pause_reason="missed-checkins")
                        .execution_options(synchronize_session=False))
    return paused


def open_periods_before(session: Session, team_id: str, period: str) -> list[str]:
    return list(session.scalars(select(CheckInPeriod.period).where(
        CheckInPeriod.team_id == team_id, CheckInPeriod.period < period, CheckInPeriod.closed_at.is_(None))
        .order_by(CheckInPeriod.period)))


