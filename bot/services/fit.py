"""The early fit check: "Is this a good fit?" asked privately of each partner after the pair's first logged meeting
(or three weeks in, if nothing was logged), asked once more after the next meeting of someone still deciding; the
answers, which only their author ever sees; a closed month's share of good fits, the only thing reports read; and
"End kindly and find someone new", which ends a partnership without saying who asked for it. No Slack here.

Every change is a unique row or a conditional UPDATE, so a double click, a rerun or two replicas have one effect.
Ids that come back from Slack are hints: every function checks the acting person owns the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from bot.db import rowcount
from bot.services import clock
from bot.services.errors import Conflict, NotAllowed
from bot.services.lookup import by_hint
from bot.services.partnerships import get_for_member, move
from models import Meeting, Partnership, Person
from models.fit import FitAnswer, FitMonth
from models.status import LIVE_PARTNERSHIP, FitAnswerKind, PartnershipKind, PartnershipStatus, PersonStatus

ASK_AFTER = timedelta(days=21)  # asked this long after the start when no meeting was logged
EARLY = timedelta(days=60)  # only partnerships that began this recently are asked (an outage is caught up, old pairs are not)
ROUNDS = (1, 2)
NOT_YOURS = "That button doesn't belong to one of your questions, so nothing changed."


# -- asking -----------------------------------------------------------------------------------------------------
@dataclass
class Question:
    """One "Is this a good fit?" to send: the row that makes it once, the person asked and their partner."""

    answer: FitAnswer
    partnership: Partnership
    person: Person
    partner: Person


def _claim(session: Session, partnership: Partnership, person: Person, round_: int, now: datetime) -> FitAnswer | None:
    """Write the question's row; None when it exists already (asked before, or by a replica just now)."""
    row = FitAnswer(team_id=partnership.team_id, partnership_id=partnership.id, person_id=person.id, round=round_,
                    asked_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def due(session: Session, team_id: str, now: datetime | None = None) -> list[Question]:
    """The questions to send now, each claimed here (sent once):

    * round 1, to each active partner of an active partnership (not an onboarding buddy's) that began in the last
      60 days, once the pair logged a meeting or 21 days after it began;
    * round 2, to someone whose round-1 answer was "Still deciding", once the pair logged a meeting after it."""
    now = now or clock.now()
    pairs = session.scalars(select(Partnership).where(
        Partnership.team_id == team_id, Partnership.status == PartnershipStatus.ACTIVE,
        Partnership.kind != PartnershipKind.BUDDY, Partnership.started_at.is_not(None),
        Partnership.started_at >= now - EARLY).order_by(Partnership.id)).unique().all()
    if not pairs:
        return []
    ids = [p.id for p in pairs]
    met = set(session.scalars(select(Meeting.partnership_id).where(Meeting.partnership_id.in_(ids)).distinct()))
    asked = {(a.partnership_id, a.person_id, a.round): a
             for a in session.scalars(select(FitAnswer).where(FitAnswer.partnership_id.in_(ids)))}
    latest = dict(session.execute(select(Meeting.partnership_id, func.max(Meeting.created_at))
                                  .where(Meeting.partnership_id.in_(ids)).group_by(Meeting.partnership_id)).all())
    out = []
    for p in pairs:
        for person in (p.person_a, p.person_b):
            if person.status != PersonStatus.ACTIVE:
                continue
            first = asked.get((p.id, person.id, 1))
            round_ = None
            if first is None:
                assert p.started_at is not None  # selected above
                if p.id in met or p.started_at + ASK_AFTER <= now:
                    round_ = 1
            elif (first.answer == FitAnswerKind.DECIDING and first.answered_at is not None
                  and (p.id, person.id, 2) not in asked and latest.get(p.id) is not None
                  and _aware(latest[p.id]) > first.answered_at):
                round_ = 2
            if round_ is not None and (row := _claim(session, p, person, round_, now)) is not None:
                out.append(Question(row, p, person, p.other(person.id)))
    return out


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


# -- answering --------------------------------------------------------------------------------------------------
@dataclass
class Answered:
    answer: FitAnswer
    partnership: Partnership
    partner: Person
    changed: bool  # this click gave the answer (False: it was answered before; the first answer holds)


def _mine(session: Session, team_id: str, slack_user_id: str, answer_id: object) -> tuple[FitAnswer, Person]:
    row = by_hint(session, FitAnswer, answer_id)
    person = session.get(Person, row.person_id) if row is not None else None
    if row is None or row.team_id != team_id or person is None or person.slack_user_id != slack_user_id:
        raise NotAllowed(NOT_YOURS)
    return row, person


def answer(session: Session, team_id: str, slack_user_id: str, answer_id: object, kind: FitAnswerKind,
           now: datetime | None = None) -> Answered:
    """Keep my answer to one fit question; the first answer holds (a double click changes nothing)."""
    now = now or clock.now()
    row, me = _mine(session, team_id, slack_user_id, answer_id)
    done = rowcount(session.execute(
        update(FitAnswer).where(FitAnswer.id == row.id, FitAnswer.answer.is_(None))
        .values(answer=kind, answered_at=now).execution_options(synchronize_session=False)))
    session.refresh(row)
    partnership = session.get_one(Partnership, row.partnership_id)
    return Answered(row, partnership, partnership.other(me.id), done == 1)


@dataclass
class EndedKindly:
    partnership: Partnership
    me: Person
    partner: Person


def end_kindly(session: Session, team_id: str, slack_user_id: str, partnership_id: object,
               now: datetime | None = None) -> EndedKindly:
    """End a live partnership I am in, the way every ending goes (a conditional move to "ended"), but without
    recording who ended it: the partner is told only that it was closed. A second click finds it closed."""
    now = now or clock.now()
    partnership, me = get_for_member(session, team_id, slack_user_id, partnership_id)
    if partnership.status not in LIVE_PARTNERSHIP or not move(
            session, partnership, LIVE_PARTNERSHIP, status=PartnershipStatus.ENDED, ended_at=now, ended_by_id=None,
            at_risk_since=None):
        raise Conflict("This partnership is closed already. `/mentor find` shows peers who suit you now.")
    return EndedKindly(partnership, me, partnership.other(me.id))


# -- the closed months' share of good fits (what reports read) ---------------------------------------------------
def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def close_months(session: Session, team_id: str, tz: ZoneInfo, now: datetime | None = None) -> list[str]:
    """Write the aggregate of every ended month not written yet: last month always (even with no answers, so
    reports show the latest month), and earlier months of the last year that have answers. Once written, a month
    never changes. Returns the months written."""
    now = now or clock.now()
    this_month = _month_start(now.astimezone(tz).date())
    last_month = _month_start(this_month - timedelta(days=1))
    since = _utc(_month_start(this_month - timedelta(days=366)), tz)
    answered = session.scalars(select(FitAnswer.answered_at).where(
        FitAnswer.team_id == team_id, FitAnswer.answered_at.is_not(None), FitAnswer.answered_at >= since,
        FitAnswer.answered_at < _utc(this_month, tz))).all()
    periods = {f"{last_month:%Y-%m}"} | {f"{a.astimezone(tz):%Y-%m}" for a in answered if a is not None}
    written = set(session.scalars(select(FitMonth.period).where(FitMonth.team_id == team_id,
                                                                FitMonth.period.in_(periods))))
    out = []
    for period in sorted(periods - written):
        first = date(int(period[:4]), int(period[5:]), 1)
        start, end = _utc(first, tz), _utc(_next_month(first), tz)
        total, good = session.execute(select(
            func.count(), func.coalesce(func.sum(case((FitAnswer.answer == FitAnswerKind.GOOD, 1), else_=0)), 0))
            .where(FitAnswer.team_id == team_id, FitAnswer.answered_at >= start, FitAnswer.answered_at < end)).one()
        try:
            with session.begin_nested():
                session.add(FitMonth(team_id=team_id, period=period, closed_at=now, answers=int(total), good=int(good)))
                session.flush()
        except IntegrityError:  # another run wrote it just now: the first one holds
            continue
        out.append(period)
    return out


@dataclass
class FitShare:
    """A closed month's fit answers, with the share only when the k-rule allows it."""

    period: str
    answers: int
    share: float | None  # good / answers, or None below k answers


def closed_month(session: Session, team_id: str, before: datetime, k: int) -> FitShare | None:
    """The most recent fit month written before `before` (None: none yet)."""
    row = session.scalars(select(FitMonth).where(FitMonth.team_id == team_id, FitMonth.closed_at < before)
                          .order_by(FitMonth.period.desc()).limit(1)).first()
    if row is None:
        return None
    return FitShare(row.period, row.answers, row.good / row.answers if row.answers >= k and row.answers else None)


# -- my data ------------------------------------------------------------------------------------------------------
def export_answers(session: Session, person: Person) -> list[dict]:
    """My own fit answers (nobody else's): partner, round, answer, when asked and answered."""
    other = aliased(Person)
    rows = session.execute(
        select(FitAnswer, other.display_name)
        .join(Partnership, Partnership.id == FitAnswer.partnership_id)
        .join(other, and_(other.id != person.id, or_(other.id == Partnership.person_a_id,
                                                     other.id == Partnership.person_b_id)))
        .where(FitAnswer.person_id == person.id).order_by(FitAnswer.id)).all()
    return [{"partner": name or "(left the program)", "round": a.round, "answer": a.answer,
             "asked_at": a.asked_at.isoformat(), "answered_at": a.answered_at.isoformat() if a.answered_at else None}
            for a, name in rows]


def erase_answers(session: Session, person_id: int) -> None:
    """Delete my fit answers (closed months keep their counts, written before)."""
    session.execute(delete(FitAnswer).where(FitAnswer.person_id == person_id))
