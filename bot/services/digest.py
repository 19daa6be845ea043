"""The managers' weekly digest: the figures, computed with a bounded number of aggregate queries. No Slack here.

Definitions (what every figure means):

* A week runs from Monday 00:00 to the next Monday 00:00 in the program's time zone (PROGRAM_TIMEZONE).
  A run reports the last complete week before the run time ("this week") against the week before it.
  Figures that are states are taken as of the week's end (Monday 00:00).
* Opted in: people not 'left' who joined before the week's end. New: joined within the week.
* Skills wanted with too few offering: among people not 'left' who joined before the week's end, per skill
  the number of people wanting it and offering it; up to 5 skills with more wanting than offering, ordered
  by (wanted - offered) descending, then by name. (Skills have no history: this is today's profiles.)
* Active partnerships at the week's end: accepted (started_at) before the end, and still active or paused,
  or ended at or after the end. New: accepted within the week.
* Agreements signed: agreement versions with both confirmations, the later one within the week.
  Acknowledged: supervisor acknowledgements made within the week.
* Meetings logged: meetings held (held_on, a date in the program's time zone) within the week;
  hours = sum of minutes / 60, to one decimal.
* Check-in response rate: for the month (YYYY-MM) containing the week's last day (Sunday), the check-ins of
  that month created before the week's end, and of those the ones answered before the week's end. Counts only.
* Pairs that met this month: of the partnerships active at the week's end, the share with at least one
  meeting held from the 1st of that month to the week's last day.
* Average effectiveness and share getting what they expected: from the most recent check-in month closed
  before the week's end (CheckInPeriod aggregates, written once at close), never from an open month, so two
  reports can never be subtracted to reveal one answer. Reported only when at least ANONYMITY_MIN_GROUP (k)
  people answered that month; effectiveness only when at least k rated it, the expectations share only
  when at least k answered that question (share = "yes" among yes/partly/no).
* Partnerships at risk: partnerships active at the week's end flagged at risk (at_risk_since) before it.
  A count, never names. (The flag is cleared when a pair is fine again, so last week's figure counts only
  pairs still flagged now.)
* Stories posted: success stories posted within the week.
* Agenda points added: points partners put on their next meeting's agenda within the week (the program's template
  points are not counted); covered: points whose meeting was logged within the week.
* Action items logged: action items added (with a meeting log) within the week; done: ticked done within the week.
  Completion rate: of the action items due within the week (due date from the first to the last day), the share
  ticked done before the week's end (however early).
* Planned meetings held: planned meetings whose time fell within the week, held = logged; not held = the partners
  said they didn't meet, or nobody logged it (still "planned" once its time has passed). Cancelled ones don't count.
* Good fits: of the answers to the early fit check ("Is this a good fit?") given in the most recent month whose
  counts were written before the week's end (written once, after the month ended: bot/services/fit.py), the share
  that said "Good fit". Shown only when at least k answers were given that month; never an open month.
* Active circles at the week's end: peer circles that started (their group chat opened) before the end and had not
  ended by then (status active or full now, or ended at or after the end). Members in active circles: people who
  joined one of those circles before the end and had not left it by then (someone in two circles counts twice).
* Circle sessions held: circle sessions logged as held (CircleSession status "held") whose date (held_on, in the
  program's time zone) falls within the week; attendances: members marked present at those sessions.
* Circle check-ins: from the same closed month as the pairs' figures, the circle members' answers, aggregated
  apart from the pairs' (CheckInPeriod.circle_*, written once at close): asked and answered are counts; whether
  the circle met, average effectiveness and "got what they expected" only when at least k circle members
  answered (effectiveness and expectations also need k answers to that question). Pairs' and circles' figures
  are never added together, so no figure is a difference of two others.
* Succession: for every active succession plan, knowledge items handed over against all its items, as of the
  run (plans name the retiring person: the digest goes to the managers' channel; no check-in data involved).

Every figure is an aggregate (COUNT / SUM over CASE) in SQL valid on SQLite and PostgreSQL; one team's digest
is about a dozen queries whatever the number of people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select, union_all
from sqlalchemy.orm import Session

from bot.services import clock
from bot.services.fit import FitShare
from bot.services.fit import closed_month as closed_fit_month
from bot.services.succession import Progress as HandoverProgress
from bot.services.succession import progress as handover_progress
from models import (
    ActionItem,
    AgendaPoint,
    Agreement,
    CheckIn,
    CheckInPeriod,
    Meeting,
    Partnership,
    Person,
    PersonSkill,
    PlannedMeeting,
    Skill,
    Story,
    SupervisorAck,
)
from models.circles import Circle, CircleAttendance, CircleMember, CircleSession
from models.status import (
    LIVE_PARTNERSHIP,
    CircleSessionStatus,
    CircleStatus,
    MeetingPlanStatus,
    PersonStatus,
    SkillKind,
    StoryStatus,
)

CHART_WEEKS = 12
MAX_SKILLS = 5
ACTIVE_CIRCLE = (CircleStatus.ACTIVE, CircleStatus.FULL)  # a circle that started and has not ended


# -- weeks and other runs of days ---------------------------------------------------------------
class Days:
    """Whole days [first_day, end_day) in the program's time zone; `start`/`end` are the UTC instants.
    States are taken at `end`; "pairs that met" counts meetings from `met_from` to the last day."""

    first_day: date
    tz_name: str
    if TYPE_CHECKING:  # end_day (exclusive): a field in Span, a property in Week, so read-only here
        @property
        def end_day(self) -> date: ...

    @property
    def last_day(self) -> date:
        return self.end_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day, self.tz_name)

    @property
    def end(self) -> datetime:
        return _midnight(self.end_day, self.tz_name)

    @property
    def period(self) -> str:
        """The check-in month (YYYY-MM) containing the last day."""
        return f"{self.last_day:%Y-%m}"

    @property
    def month_start(self) -> date:
        return self.last_day.replace(day=1)

    @property
    def met_from(self) -> date:
        return self.first_day


@dataclass(frozen=True)
class Week(Days):
    """Monday 00:00 to Monday 00:00 in the program's time zone."""

    first_day: date  # the Monday
    tz_name: str

    @property
    def end_day(self) -> date:  # the next Monday (exclusive)
        return self.first_day + timedelta(days=7)

    @property
    def met_from(self) -> date:  # the digest's "pairs that met this month"
        return self.month_start

    def previous(self, weeks: int = 1) -> Week:
        return Week(self.first_day - timedelta(days=7 * weeks), self.tz_name)


@dataclass(frozen=True)
class Span(Days):
    """Any run of whole days: an admin's report period, or one month of it."""

    first_day: date
    end_day: date  # exclusive
    tz_name: str


def _midnight(day: date, tz_name: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def report_week(now: datetime, tz: ZoneInfo) -> Week:
    """The last complete week before `now`."""
    today = now.astimezone(tz).date()
    this_monday = today - timedelta(days=today.weekday())
    return Week(this_monday - timedelta(days=7), tz.key)


# -- results ------------------------------------------------------------------------------------
@dataclass
class WeekFigures:
    week: Days  # a Week in the digest; any Span in `figures`
    people: int = 0
    new_people: int = 0
    active_partnerships: int = 0
    new_partnerships: int = 0
    at_risk: int = 0
    agreements_signed: int = 0
    acknowledged: int = 0
    meetings: int = 0
    minutes: int = 0
    pairs_met: int = 0  # of `active_partnerships`, those that met this month
    checkins_asked: int = 0
    checkins_answered: int = 0
    stories: int = 0
    agenda_points: int = 0
    agenda_points_covered: int = 0
    action_items: int = 0
    action_items_done: int = 0
    action_items_due: int = 0
    action_items_due_done: int = 0  # of those due in the period, the ones done before its end
    plans_held: int = 0
    plans_not_held: int = 0
    circles_active: int = 0  # at the span's end
    circle_members: int = 0  # in those circles at the span's end
    circle_sessions: int = 0  # held within the span
    circle_attendances: int = 0  # members present at those sessions

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass
class CircleMonth:
    """The circle members' part of a closed check-in month, under the k-rule (None: not shown)."""

    asked: int
    answered: int
    reportable: bool  # at least k circle members answered
    met_share: float | None  # of the answers, those that said the circle met
    effectiveness: float | None  # average, 1..5
    expected_share: float | None  # "yes" among yes/partly/no


@dataclass
class ClosedMonth:
    """What the most recent closed check-in month may show under the k-rule (None: not enough answers)."""

    period: str
    closed_at: datetime
    answered: int
    reportable: bool
    effectiveness: float | None  # average, 1..5
    effectiveness_n: int
    expected_share: float | None  # 0..1, "yes" among yes/partly/no
    expected_n: int
    circles: CircleMonth | None = None  # the circle members' answers of the month, apart from the pairs'


@dataclass
class SkillGap:
    name: str
    wanted: int
    offered: int


@dataclass
class ChartWeek:
    first_day: date
    meetings: int
    active_partnerships: int


@dataclass
class Digest:
    team_id: str
    this: WeekFigures
    last: WeekFigures
    skills: list[SkillGap]
    closed_this: ClosedMonth | None
    closed_last: ClosedMonth | None
    k: int
    chart: list[ChartWeek] = field(default_factory=list)
    succession: list[HandoverProgress] = field(default_factory=list)  # active plans, as of the run
    fit_this: FitShare | None = None  # the early fit check's last closed month (k-rule applied)
    fit_last: FitShare | None = None  # the same, as last week's digest saw it


# -- queries ------------------------------------------------------------------------------------
def _count(condition) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum(condition, value) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _active_at(end: datetime):
    return and_(Partnership.started_at < end,
                or_(Partnership.status.in_(LIVE_PARTNERSHIP), Partnership.ended_at >= end))


def compute(session: Session, team_id: str, week: Week, *, k: int) -> Digest:
    """All the digest's figures for one team: `week` against the week before, and the 12-week chart."""
    weeks = [week.previous(n) for n in range(CHART_WEEKS - 1, -1, -1)]  # oldest first, `week` last
    this, last = figures(session, team_id, [week, week.previous()])

    # The chart: partnerships active at each of the 12 week ends, and meetings per week (dates in the
    # program's time zone), counted per day (at most 84 rows, read from the (team_id, held_on) index alone).
    row = session.execute(
        select(*[_count(_active_at(w.end)) for w in weeks])
        .where(Partnership.team_id == team_id, Partnership.started_at.is_not(None), Partnership.started_at < week.end,
               or_(Partnership.status.in_(LIVE_PARTNERSHIP), Partnership.ended_at >= weeks[0].end))
    ).one()
    active = [int(v) for v in row]
    per_day = session.execute(
        select(Meeting.held_on, func.count())
        .where(Meeting.team_id == team_id, Meeting.held_on >= weeks[0].first_day, Meeting.held_on < week.end_day)
        .group_by(Meeting.held_on)
    ).all()
    meetings = [0] * CHART_WEEKS
    for held_on, n in per_day:
        meetings[(held_on - weeks[0].first_day).days // 7] += int(n)

    return Digest(
        team_id=team_id, this=this, last=last, k=k,
        skills=skill_gaps(session, team_id, week.end),
        closed_this=closed_month(session, team_id, week.end, k),
        closed_last=closed_month(session, team_id, last.week.end, k),
        chart=[ChartWeek(w.first_day, m, a) for w, m, a in zip(weeks, meetings, active)],
        succession=handover_progress(session, team_id),
        fit_this=closed_fit_month(session, team_id, week.end, k),
        fit_last=closed_fit_month(session, team_id, last.week.end, k),
    )


def _spread(out: list[WeekFigures], row, *names: str) -> None:
    """A row of len(out) columns per name, span by span, into the figures."""
    n = len(out)
    for i, name in enumerate(names):
        for f, value in zip(out, row[i * n:(i + 1) * n]):
            setattr(f, name, int(value))


def figures(session: Session, team_id: str, spans: Sequence[Days]) -> list[WeekFigures]:
    """The per-period figures (everything but skills, closed months and the chart) for each span, as defined
    above with "week" read as "span". One aggregate query per group of figures, whatever the number of spans
    (keep it to a few dozen: every span is a few columns)."""
    out = [WeekFigures(s) for s in spans]
    start, end = min(s.start for s in spans), max(s.end for s in spans)
    first_day, end_day = min(s.first_day for s in spans), max(s.end_day for s in spans)

    # People
    row = session.execute(
        select(*[_count(Person.joined_at < s.end) for s in spans],
               *[_count(and_(Person.joined_at >= s.start, Person.joined_at < s.end)) for s in spans])
        .where(Person.team_id == team_id, Person.status != PersonStatus.LEFT, Person.joined_at < end)
    ).one()
    _spread(out, row, "people", "new_people")

    # Partnerships: active at each span's end, new within it, at risk at its end
    row = session.execute(
        select(*[_count(_active_at(s.end)) for s in spans],
               *[_count(and_(Partnership.started_at >= s.start, Partnership.started_at < s.end)) for s in spans],
               *[_count(and_(_active_at(s.end), Partnership.at_risk_since < s.end)) for s in spans])
        .where(Partnership.team_id == team_id, Partnership.started_at.is_not(None), Partnership.started_at < end,
               or_(Partnership.status.in_(LIVE_PARTNERSHIP), Partnership.ended_at >= start))
    ).one()
    _spread(out, row, "active_partnerships", "new_partnerships", "at_risk")

    # Pairs that met: of those active at the span's end, the ones with a meeting from `met_from` to its last day
    # (one pass over the meetings, grouped per partnership, then joined to the partnerships)
    met = (
        select(Meeting.partnership_id.label("partnership_id"),
               *[func.max(case((and_(Meeting.held_on >= s.met_from, Meeting.held_on < s.end_day), 1), else_=0))
                 .label(f"met_{i}") for i, s in enumerate(spans)])
        .where(Meeting.team_id == team_id, Meeting.held_on >= min(s.met_from for s in spans), Meeting.held_on < end_day)
        .group_by(Meeting.partnership_id)
        .subquery()
    )
    row = session.execute(
        select(*[_count(and_(_active_at(s.end), met.c[f"met_{i}"] == 1)) for i, s in enumerate(spans)])
        .select_from(met).join(Partnership, Partnership.id == met.c.partnership_id)
    ).one()
    _spread(out, row, "pairs_met")

    # Meetings held and their minutes
    def held_in(s: Days):
        return and_(Meeting.held_on >= s.first_day, Meeting.held_on < s.end_day)

    row = session.execute(
        select(*[_count(held_in(s)) for s in spans], *[_sum(held_in(s), Meeting.minutes) for s in spans])
        .where(Meeting.team_id == team_id, Meeting.held_on >= first_day, Meeting.held_on < end_day)
    ).one()
    _spread(out, row, "meetings", "minutes")

    # Agreements signed (the later confirmation) and supervisors' acknowledgements
    signed_at = case((Agreement.confirmed_a_at > Agreement.confirmed_b_at, Agreement.confirmed_a_at),
                     else_=Agreement.confirmed_b_at)
    row = session.execute(
        select(*[_count(and_(signed_at >= s.start, signed_at < s.end)) for s in spans])
        .where(Agreement.team_id == team_id, Agreement.confirmed_a_at < end, Agreement.confirmed_b_at < end,
               or_(Agreement.confirmed_a_at >= start, Agreement.confirmed_b_at >= start))
    ).one()
    _spread(out, row, "agreements_signed")
    acked = SupervisorAck.acknowledged_at
    row = session.execute(
        select(*[_count(and_(acked >= s.start, acked < s.end)) for s in spans])
        .where(SupervisorAck.team_id == team_id, acked >= start, acked < end)
    ).one()
    _spread(out, row, "acknowledged")

    # Check-in response rate (counts only), each span for the month containing its last day
    row = session.execute(
        select(*[_count(and_(CheckIn.period == s.period, CheckIn.created_at < s.end)) for s in spans],
               *[_count(and_(CheckIn.period == s.period, CheckIn.created_at < s.end, CheckIn.answered_at < s.end))
                 for s in spans])
        .where(CheckIn.team_id == team_id, CheckIn.period.in_(sorted({s.period for s in spans})))
    ).one()
    _spread(out, row, "checkins_asked", "checkins_answered")

    # Stories posted
    row = session.execute(
        select(*[_count(and_(Story.posted_at >= s.start, Story.posted_at < s.end)) for s in spans])
        .where(Story.team_id == team_id, Story.status == StoryStatus.POSTED, Story.posted_at >= start, Story.posted_at < end)
    ).one()
    _spread(out, row, "stories")
    _structure(session, team_id, spans, out)
    _circles(session, team_id, spans, out)
    return out


def _circle_active_at(end: datetime):
    return and_(Circle.started_at < end, or_(Circle.status.in_(ACTIVE_CIRCLE), Circle.ended_at >= end))


def _circles(session: Session, team_id: str, spans: Sequence[Days], out: list[WeekFigures]) -> None:
    """Active circles and their members at each span's end, circle sessions held and attendances within it (see the
    definitions): four aggregate queries, whatever the number of people."""
    start, end = min(s.start for s in spans), max(s.end for s in spans)
    first_day, end_day = min(s.first_day for s in spans), max(s.end_day for s in spans)
    live = (Circle.team_id == team_id, Circle.started_at.is_not(None), Circle.started_at < end,
            or_(Circle.status.in_(ACTIVE_CIRCLE), Circle.ended_at >= start))
    row = session.execute(select(*[_count(_circle_active_at(s.end)) for s in spans]).where(*live)).one()
    _spread(out, row, "circles_active")
    row = session.execute(
        select(*[_count(and_(_circle_active_at(s.end), CircleMember.joined_at < s.end,
                             or_(CircleMember.left_at.is_(None), CircleMember.left_at >= s.end))) for s in spans])
        .select_from(CircleMember).join(Circle, Circle.id == CircleMember.circle_id).where(*live)
    ).one()
    _spread(out, row, "circle_members")

    def held_in(s: Days):
        return and_(CircleSession.held_on >= s.first_day, CircleSession.held_on < s.end_day)

    held = (CircleSession.team_id == team_id, CircleSession.held_on >= first_day, CircleSession.held_on < end_day,
            CircleSession.status == CircleSessionStatus.HELD)
    row = session.execute(select(*[_count(held_in(s)) for s in spans]).where(*held)).one()
    _spread(out, row, "circle_sessions")
    row = session.execute(
        select(*[_count(held_in(s)) for s in spans])
        .select_from(CircleAttendance).join(CircleSession, CircleSession.id == CircleAttendance.session_id).where(*held)
    ).one()
    _spread(out, row, "circle_attendances")


def _structure(session: Session, team_id: str, spans: Sequence[Days], out: list[WeekFigures]) -> None:
    """Agenda points, action items and planned meetings (see the definitions): one query per table."""
    start, end = min(s.start for s in spans), max(s.end for s in spans)
    first_day, end_day = min(s.first_day for s in spans), max(s.end_day for s in spans)

    def within(column, s: Days):
        return and_(column >= s.start, column < s.end)

    added, covered = AgendaPoint.created_at, AgendaPoint.covered_at
    row = session.execute(
        select(*[_count(within(added, s)) for s in spans], *[_count(within(covered, s)) for s in spans])
        .where(AgendaPoint.team_id == team_id,
               or_(and_(added >= start, added < end), and_(covered >= start, covered < end)))
    ).one()
    _spread(out, row, "agenda_points", "agenda_points_covered")

    created, done, due = ActionItem.created_at, ActionItem.done_at, ActionItem.due_on

    def due_in(s: Days):
        return and_(due >= s.first_day, due < s.end_day)

    row = session.execute(
        select(*[_count(within(created, s)) for s in spans], *[_count(within(done, s)) for s in spans],
               *[_count(due_in(s)) for s in spans], *[_count(and_(due_in(s), done < s.end)) for s in spans])
        .where(ActionItem.team_id == team_id,
               or_(and_(created >= start, created < end), and_(done >= start, done < end),
                   and_(due >= first_day, due < end_day)))
    ).one()
    _spread(out, row, "action_items", "action_items_done", "action_items_due", "action_items_due_done")

    starts, status = PlannedMeeting.starts_at, PlannedMeeting.status
    not_held = or_(status == MeetingPlanStatus.MISSED, and_(status == MeetingPlanStatus.PLANNED, starts < clock.now()))
    row = session.execute(
        select(*[_count(and_(within(starts, s), status == MeetingPlanStatus.HELD)) for s in spans],
               *[_count(and_(within(starts, s), not_held)) for s in spans])
        .where(PlannedMeeting.team_id == team_id, starts >= start, starts < end)
    ).one()
    _spread(out, row, "plans_held", "plans_not_held")


def skill_gaps(session: Session, team_id: str, end: datetime, limit: int = MAX_SKILLS) -> list[SkillGap]:
    """Skills more people want than offer (people not 'left', joined before `end`), biggest gap first.

    Counted as everyone's skills (from the (skill_id, kind) index alone, no person read) less the skills of
    the few who do not count (left, or joined at or after `end`): not one pass over every person and skill."""
    everyone = (
        select(PersonSkill.skill_id, PersonSkill.kind, func.count().label("n"))
        .join(Skill, Skill.id == PersonSkill.skill_id)
        .where(Skill.team_id == team_id)
        .group_by(PersonSkill.skill_id, PersonSkill.kind)
    )
    not_counted = select(Person.id).where(Person.team_id == team_id,
                                          or_(Person.status == PersonStatus.LEFT, Person.joined_at >= end))
    left_out = (
        select(PersonSkill.skill_id, PersonSkill.kind, (-func.count()).label("n"))
        .where(PersonSkill.person_id.in_(not_counted))
        .group_by(PersonSkill.skill_id, PersonSkill.kind)
    )
    both = union_all(everyone, left_out).subquery()
    gaps = (
        select(both.c.skill_id, _sum(both.c.kind == SkillKind.WANT, both.c.n).label("wanted"),
               _sum(both.c.kind == SkillKind.OFFER, both.c.n).label("offered"))
        .group_by(both.c.skill_id)
        .subquery()
    )
    rows = session.execute(
        select(Skill.name, gaps.c.wanted, gaps.c.offered)
        .join(gaps, gaps.c.skill_id == Skill.id)
        .where(Skill.team_id == team_id, gaps.c.wanted > gaps.c.offered)
        .order_by((gaps.c.wanted - gaps.c.offered).desc(), func.lower(Skill.name), Skill.name)
        .limit(limit)
    ).all()
    return [SkillGap(name, int(w), int(o)) for name, w, o in rows]


def closed_month(session: Session, team_id: str, before: datetime, k: int) -> ClosedMonth | None:
    """The most recent check-in month closed before `before`, with only what the k-rule allows."""
    period = session.scalars(
        select(CheckInPeriod).where(CheckInPeriod.team_id == team_id, CheckInPeriod.closed_at.is_not(None),
                                    CheckInPeriod.closed_at < before)
        .order_by(CheckInPeriod.closed_at.desc(), CheckInPeriod.period.desc()).limit(1)
    ).first()
    return None if period is None else reported(period, k)


def reported(period: CheckInPeriod, k: int) -> ClosedMonth:
    """A closed check-in month with only what the k-rule allows."""
    reportable = period.answered >= k
    expected_n = period.expected_yes + period.expected_partly + period.expected_no
    effectiveness = expected = None
    if reportable and period.effectiveness_n >= k:
        effectiveness = period.effectiveness_sum / period.effectiveness_n
    if reportable and expected_n >= k:
        expected = period.expected_yes / expected_n
    # (a closed month: callers read only periods with closed_at set)
    return ClosedMonth(period=period.period, closed_at=cast(datetime, period.closed_at), answered=period.answered,
                       reportable=reportable, effectiveness=effectiveness, effectiveness_n=period.effectiveness_n,
                       expected_share=expected, expected_n=expected_n, circles=circles_reported(period, k))


def circles_reported(period: CheckInPeriod, k: int) -> CircleMonth:
    """The circle members' answers of a closed month, with only what the k-rule allows (their own k, apart from
    the pairs': a circle figure is never pairs' and circles' answers together)."""
    answered = period.circle_answered or 0
    reportable = answered >= k
    expected_n = (period.circle_expected_yes or 0) + (period.circle_expected_partly or 0) + (period.circle_expected_no or 0)
    effectiveness_n = period.circle_effectiveness_n or 0
    return CircleMonth(
        asked=period.circle_asked or 0, answered=answered, reportable=reportable,
        met_share=(period.circle_met or 0) / answered if reportable else None,
        effectiveness=(period.circle_effectiveness_sum or 0) / effectiveness_n
        if reportable and effectiveness_n >= k else None,
        expected_share=(period.circle_expected_yes or 0) / expected_n if reportable and expected_n >= k else None)

