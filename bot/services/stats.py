"""Program statistics for admins (`/mentor stats`): the weekly digest's figures for any period, plus the figures
a program manager tracks over time, and the same one row per month for the CSV export. No Slack here.

Every figure is an aggregate query (COUNT / SUM over CASE, or GROUP BY a month index), valid on SQLite and
PostgreSQL: one report is about twenty queries whatever the number of people. Days are in the program's
time zone (PROGRAM_TIMEZONE); a period is whole days [first day, last day], today at the latest.

Definitions, beyond the digest's (bot/services/digest.py, read "week" as "period"):

* Sign-ups: people who joined in the period and have not left (the digest's "new"). Of them, *can mentor*:
  offers at least one skill; *wants a mentor*: wants at least one skill. Someone who does both counts in
  both. (Skills have no history: this is today's profile of the people who joined then.)
* Sessions booked: meetings held in the period whose log planned a next meeting, plus topic sessions created
  in the period. Sessions completed: meetings held in the period, plus topic sessions marked held that
  started in the period.
* Goals logged: agreement versions written in the period with goals (a new version counts again).
  Action items logged: action items added in the period (the digest's), plus meetings held in the period whose log
  lists action items as free text (logs written before action items were items). Done, the completion rate over
  the items due in the period, agenda points and planned meetings held or not: as in the digest.
* Partnerships started: accepted in the period. Ended: ended in the period, for whatever reason.
  Completed: of those, the ones that ran to their planned end date (the agreement's end date) or past it.
* Check-ins: only closed months (their figures were fixed once when they closed), the months that overlap
  the period. Asked and answered are counts of invitations; whether pairs met, average effectiveness and
  "got what they expected" are shown only when at least k (ANONYMITY_MIN_GROUP, or the admin's setting)
  people answered that month; effectiveness and expectations also need k answers to that question.
  No individual answer is ever read here.
* Peer circles (the digest's definitions): active circles and their members at the period's end, circle sessions
  held in the period (and members present at them). Circle check-ins: the circle members' part of the same closed
  months, counted apart from the pairs' (never added together), shown only when at least k circle members
  answered that month.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, select, true
from sqlalchemy.orm import Session

from bot.services import digest, program
from bot.services.errors import DomainError
from bot.settings import Settings
from models import Agreement, CheckInPeriod, Meeting, Partnership, Person, PersonSkill, TopicSession
from models.status import PartnershipStatus, PersonStatus, SkillKind, TopicStatus

DEFAULT_DAYS = 30
MAX_MONTHS = 60  # a period spans at most five years of months
MONTHS_PER_QUERY = 12
PERIOD_EXAMPLES = "`/mentor stats` (the last 30 days), `/mentor stats last 90d`, `/mentor stats 2026-Q3`, " \
                  "`/mentor stats 2026-10`, `/mentor stats 2026-01-01 2026-03-31`"


class BadPeriod(DomainError):
    """The period the admin typed cannot be read; the message says why and shows the grammar."""

    def __init__(self, why: str):
        super().__init__(f"{why} Try {PERIOD_EXAMPLES}; add `csv` before the period for the CSV file.")


# -- periods ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """Whole days from `first_day` to `last_day` included, in the program's time zone."""

    first_day: date
    last_day: date

    @property
    def end_day(self) -> date:
        return self.last_day + timedelta(days=1)

    @property
    def text(self) -> str:
        """The period in the grammar, by its dates (what the Export button carries)."""
        return f"{self.first_day} {self.last_day}"

    def months(self) -> list[tuple[date, date]]:
        """The period cut at the start of each month: (first day, end day exclusive), oldest first."""
        out, day = [], self.first_day
        while day < self.end_day:
            next_month = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
            out.append((day, min(next_month, self.end_day)))
            day = next_month
        return out


_DAY = r"(\d{4})-(\d{2})-(\d{2})"


def _day(y: str, m: str, d: str) -> date:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise BadPeriod(f"`{y}-{m}-{d}` is not a date.") from None


def parse_period(text: str, today: date) -> Period:
    """`` (the last 30 days, today included), `last 90d`, `2026-Q3`, `2026-10`, `2026`,
    `2026-01-01 2026-03-31` (both days included). A period ending after today ends today."""
    words = " ".join(text.lower().split())
    if words in ("", "last", "last 30d"):
        first, last = today - timedelta(days=DEFAULT_DAYS - 1), today
    elif m := re.fullmatch(r"last (\d{1,4}) ?(d|days?)", words):
        days = int(m[1])
        if not 1 <= days <= 1830:
            raise BadPeriod("Count from 1 to 1830 days back.")
        first, last = today - timedelta(days=days - 1), today
    elif m := re.fullmatch(r"(\d{4})-?q([1-4])", words):
        year, quarter = int(m[1]), int(m[2])
        first = date(year, 3 * quarter - 2, 1)
        last = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(days=1)
    elif m := re.fullmatch(r"(\d{4})-(\d{2})", words):
        if not 1 <= int(m[2]) <= 12:
            raise BadPeriod(f"`{m[0]}` is not a month.")
        first = date(int(m[1]), int(m[2]), 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif m := re.fullmatch(r"(\d{4})", words):
        first, last = date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    elif m := re.fullmatch(rf"{_DAY}(?: | ?(?:to|-|–|\.\.) ?){_DAY}", words):
        first, last = _day(*m.groups()[:3]), _day(*m.groups()[3:])
        if last < first:
            raise BadPeriod(f"The period ends ({last}) before it starts ({first}).")
    else:
        raise BadPeriod(f"I can't read `{text[:40]}` as a period.")
    if first > today:
        raise BadPeriod(f"That period starts after today ({today}): nothing has happened in it yet.")
    period = Period(first, min(last, today))
    if len(period.months()) > MAX_MONTHS:
        raise BadPeriod(f"A period can span at most {MAX_MONTHS} months.")
    return period


# -- results ------------------------------------------------------------------------------------
@dataclass
class Extra:
    """What the stats add to the digest's figures, for one run of days (see the module's definitions)."""

    signups: int = 0
    can_mentor: int = 0
    wants_mentor: int = 0
    next_meetings_planned: int = 0
    topic_sessions_created: int = 0
    topic_sessions_held: int = 0
    goals_logged: int = 0
    action_items_logged: int = 0
    partnerships_ended: int = 0
    partnerships_completed: int = 0

    def add(self, other: Extra) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Row:
    span: digest.Span
    figures: digest.WeekFigures | None  # None where only the extras were computed (the reply's months)
    extra: Extra

    @property
    def sessions_booked(self) -> int:
        return self.extra.next_meetings_planned + self.extra.topic_sessions_created

    @property
    def action_items_logged(self) -> int:
        """Action items added, plus older meetings whose log lists action items as text."""
        return (self.figures.action_items if self.figures else 0) + self.extra.action_items_logged

    @property
    def sessions_completed(self) -> int:
        meetings = self.figures.meetings if self.figures else 0
        return meetings + self.extra.topic_sessions_held


@dataclass
class CheckInMonth:
    """A closed check-in month under the k-rule: `shown` is the digest's ClosedMonth (its k-rule), `circles` its
    circle members' part (their own k-rule)."""

    period: str
    asked: int
    answered: int
    shown: digest.ClosedMonth
    met_share: float | None  # of the answers, the share that said they met; None below k
    circles: digest.CircleMonth | None = None


@dataclass
class Report:
    team_id: str
    program_name: str
    period: Period
    tz_name: str
    k: int
    total: Row
    months: list[Row]
    skills: list[digest.SkillGap] = field(default_factory=list)
    checkins: list[CheckInMonth] = field(default_factory=list)

    def checkin(self, month: str) -> CheckInMonth | None:
        return next((c for c in self.checkins if c.period == month), None)


# -- queries ------------------------------------------------------------------------------------
def _bucket(column, bounds: list) -> object:
    """The index of the month a value falls in, given the starts of the 2nd, 3rd, ... months."""
    if not bounds:
        return literal(0)
    return case(*[(column < b, i) for i, b in enumerate(bounds)], else_=len(bounds))


def _per_month(session: Session, months: list[Extra], bucket, where: list, **counts) -> None:
    """Count, per month, the rows matching each condition in `counts` (Extra field -> condition)."""
    inner = select(bucket.label("m"), *[case((cond, 1), else_=0).label(name) for name, cond in counts.items()]) \
        .where(*where).subquery()
    rows = session.execute(
        select(inner.c.m, *[func.coalesce(func.sum(inner.c[name]), 0) for name in counts]).group_by(inner.c.m)
    ).all()
    for m, *values in rows:
        for name, value in zip(counts, values):
            setattr(months[int(m)], name, int(value))


def _extras(session: Session, team_id: str, spans: list[digest.Span]) -> list[Extra]:
    """The stats' own figures for each month span (contiguous, oldest first): a query per table."""
    months = [Extra() for _ in spans]
    start, end, first_day, end_day = spans[0].start, spans[-1].end, spans[0].first_day, spans[-1].end_day
    instants, days = [s.start for s in spans[1:]], [s.first_day for s in spans[1:]]
    # Each person who joined in the period, once, with whether they offer and want any skill
    flags = (
        select(Person.joined_at.label("joined_at"),
               func.max(case((PersonSkill.kind == SkillKind.OFFER, 1), else_=0)).label("offers"),
               func.max(case((PersonSkill.kind == SkillKind.WANT, 1), else_=0)).label("wants"))
        .select_from(Person).outerjoin(PersonSkill, PersonSkill.person_id == Person.id)
        .where(Person.team_id == team_id, Person.status != PersonStatus.LEFT, Person.joined_at >= start, Person.joined_at < end)
        .group_by(Person.id, Person.joined_at)
        .subquery()
    )
    _per_month(session, months, _bucket(flags.c.joined_at, instants), [],
               signups=true(), can_mentor=flags.c.offers == 1, wants_mentor=flags.c.wants == 1)
    _per_month(session, months, _bucket(Meeting.held_on, days),
               [Meeting.team_id == team_id, Meeting.held_on >= first_day, Meeting.held_on < end_day],
               next_meetings_planned=Meeting.next_meeting_on.is_not(None),
               action_items_logged=func.trim(Meeting.action_items) != "")
    _per_month(session, months, _bucket(Agreement.created_at, instants),
               [Agreement.team_id == team_id, Agreement.created_at >= start, Agreement.created_at < end],
               goals_logged=func.trim(Agreement.goals) != "")
    _per_month(session, months, _bucket(TopicSession.created_at, instants),
               [TopicSession.team_id == team_id, TopicSession.created_at >= start, TopicSession.created_at < end],
               topic_sessions_created=true())
    _per_month(session, months, _bucket(TopicSession.starts_at, instants),
               [TopicSession.team_id == team_id, TopicSession.status == TopicStatus.HELD, TopicSession.starts_at >= start,
                TopicSession.starts_at < end],
               topic_sessions_held=true())
    _per_month(session, months, _bucket(Partnership.ended_at, instants),
               [Partnership.team_id == team_id, Partnership.status == PartnershipStatus.ENDED, Partnership.ended_at >= start,
                Partnership.ended_at < end],
               partnerships_ended=true(),
               partnerships_completed=and_(Partnership.planned_end.is_not(None),
                                           Partnership.ended_at >= Partnership.planned_end))
    return months


def _checkins(session: Session, team_id: str, periods: list[str], k: int) -> list[CheckInMonth]:
    rows = session.scalars(
        select(CheckInPeriod).where(CheckInPeriod.team_id == team_id, CheckInPeriod.period.in_(periods),
                                    CheckInPeriod.closed_at.is_not(None)).order_by(CheckInPeriod.period)
    ).all()
    out = []
    for row in rows:
        shown = digest.reported(row, k)
        out.append(CheckInMonth(period=row.period, asked=row.asked, answered=row.answered, shown=shown,
                                met_share=row.met / row.answered if shown.reportable else None,
                                circles=shown.circles))
    return out


def _report(session: Session, team_id: str, period: Period, settings: Settings, *, monthly: bool) -> Report:
    tz_name = settings.program_timezone
    current = program.current(session, team_id, settings)
    k = current.anonymity_min_group
    total = digest.Span(period.first_day, period.end_day, tz_name)
    spans = [digest.Span(first, end, tz_name) for first, end in period.months()]
    [whole_figures] = digest.figures(session, team_id, [total])
    month_figures: list = [None] * len(spans)
    if monthly:  # a year of months per call: each query then reads one year of rows, a dozen columns wide
        month_figures = [f for i in range(0, len(spans), MONTHS_PER_QUERY)
                         for f in digest.figures(session, team_id, spans[i:i + MONTHS_PER_QUERY])]
    extras = _extras(session, team_id, spans)
    whole = Extra()
    for extra in extras:
        whole.add(extra)
    return Report(
        team_id=team_id, program_name=current.name, period=period, tz_name=tz_name, k=k,
        total=Row(total, whole_figures, whole),
        months=[Row(s, f, e) for s, f, e in zip(spans, month_figures, extras)],
        skills=digest.skill_gaps(session, team_id, total.end),
        checkins=_checkins(session, team_id, sorted({s.period for s in spans}), k),
    )


# -- what admins ask for ------------------------------------------------------------------------
def admin_period(session: Session, team_id: str, user_id: str, settings: Settings, period_text: str,
                 today: date) -> Period:
    """The period an admin asked for; a non-admin is refused before the period is even read."""
    program.require_admin(session, team_id, user_id, settings)
    return parse_period(period_text, today)


def report(session: Session, team_id: str, user_id: str, settings: Settings, period_text: str, today: date) -> Report:
    """The figures of the period (admins only), and the sign-ups and other extras month by month."""
    period = admin_period(session, team_id, user_id, settings, period_text, today)
    return _report(session, team_id, period, settings, monthly=False)


CSV_COLUMNS = [
    "month", "from", "to", "people_opted_in_at_end", "signups", "signups_can_mentor", "signups_want_mentor",
    "partnerships_active_at_end", "partnerships_started", "partnerships_ended", "partnerships_completed",
    "partnerships_at_risk_at_end", "agreements_signed", "supervisor_acknowledgements", "goals_logged",
    "sessions_booked", "next_meetings_planned", "topic_sessions_created", "sessions_completed", "meetings_held",
    "topic_sessions_held", "meeting_hours", "action_items_logged", "pairs_met", "stories_posted",
    "checkin_month_closed", "checkins_asked", "checkins_answered", "checkins_met_percent",
    "average_effectiveness", "got_expected_percent",
    "agenda_points_added", "agenda_points_covered", "action_items_done", "action_items_due",
    "action_items_due_done", "planned_meetings_held", "planned_meetings_not_held",
    "circles_active_at_end", "circle_members_at_end", "circle_sessions_held", "circle_attendances",
    "circle_checkins_asked", "circle_checkins_answered", "circle_met_percent", "circle_average_effectiveness",
    "circle_got_expected_percent",
]


def _percent(share: float | None) -> str:
    return "" if share is None else f"{100 * share:.0f}"


def _circle_cells(circles: digest.CircleMonth | None) -> list[object]:
    """Asked, answered, met %, effectiveness, expected %: blank where no month closed or the k-rule hides them."""
    if circles is None:
        return ["", "", "", "", ""]
    eff = circles.effectiveness
    return [circles.asked, circles.answered, _percent(circles.met_share), "" if eff is None else f"{eff:.1f}",
            _percent(circles.expected_share)]


def csv_bytes(rep: Report) -> bytes:
    """One row per month of the period (the first and last cut to the period); check-in figures only for
    closed months, and blank where the k-rule hides them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rep.months:
        f, e, s = row.figures, row.extra, row.span
        assert f is not None, "the CSV is written from monthly_report()"
        month = rep.checkin(s.period)
        shown = month.shown if month else None
        effectiveness = shown.effectiveness if shown else None
        writer.writerow([
            s.period, s.first_day, s.last_day, f.people, e.signups, e.can_mentor, e.wants_mentor,
            f.active_partnerships, f.new_partnerships, e.partnerships_ended, e.partnerships_completed, f.at_risk,
            f.agreements_signed, f.acknowledged, e.goals_logged,
            row.sessions_booked, e.next_meetings_planned, e.topic_sessions_created, row.sessions_completed,
            f.meetings, e.topic_sessions_held, f"{f.hours:.1f}", row.action_items_logged, f.pairs_met, f.stories,
            "yes" if month else "no", month.asked if month else "", month.answered if month else "",
            _percent(month.met_share if month else None),
            "" if effectiveness is None else f"{effectiveness:.1f}",
            _percent(shown.expected_share if shown else None),
            f.agenda_points, f.agenda_points_covered, f.action_items_done, f.action_items_due,
            f.action_items_due_done, f.plans_held, f.plans_not_held,
            f.circles_active, f.circle_members, f.circle_sessions, f.circle_attendances,
            *_circle_cells(month.circles if month else None),
        ])
    return out.getvalue().encode("utf-8")


def monthly_report(session: Session, team_id: str, user_id: str, settings: Settings, period_text: str,
                   today: date) -> Report:
    """The report with every month's figures too (what the CSV export writes; admins only)."""
    period = admin_period(session, team_id, user_id, settings, period_text, today)
    return _report(session, team_id, period, settings, monthly=True)


def csv_filename(period: Period) -> str:
    return f"mentoring-stats-{period.first_day}-to-{period.last_day}.csv"
