"""Meeting reminders and nudges: which pairs meet tomorrow, and which have gone quiet past their cadence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services import clock, planning
from models import Agreement, Meeting, Partnership, PlannedMeeting
from models.status import PartnershipStatus

CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 31}
DEFAULT_CADENCE = "monthly"  # for pairs without an agreement yet
GRACE = timedelta(days=3)


@dataclass
class Quiet:
    partnership: Partnership
    last: date  # last meeting, or the start of the partnership
    frequency: str
    days: int
    interval: int  # how many agreed intervals have passed: one nudge each


def meeting_tomorrow(session: Session, team_id: str, today: date, zone: tzinfo | None = None,
                     now: datetime | None = None) -> list[tuple[Partnership, date, PlannedMeeting | None]]:
    """Active pairs who meet tomorrow (in the program's time zone `zone`): a planned meeting then, or, for pairs with
    no planned meeting ahead, the next date their latest logged meeting named."""
    tomorrow = today + timedelta(days=1)
    found: list[tuple[Partnership, date, PlannedMeeting | None]] = []
    if zone is not None:
        found = [(plan.partnership, tomorrow, plan) for plan in planning.planned_on(session, team_id, tomorrow, zone)]
    planned = planning.with_plans(session, team_id, now or clock.now())
    latest = (select(Meeting.partnership_id, func.max(Meeting.held_on).label("held_on"))
              .where(Meeting.team_id == team_id).group_by(Meeting.partnership_id).subquery())
    rows = session.scalars(
        select(Partnership).join(latest, latest.c.partnership_id == Partnership.id)
        .join(Meeting, (Meeting.partnership_id == latest.c.partnership_id) & (Meeting.held_on == latest.c.held_on))
        .where(Partnership.team_id == team_id, Partnership.status == PartnershipStatus.ACTIVE,
               Meeting.next_meeting_on == tomorrow)
    ).unique().all()
    return found + [(p, tomorrow, None) for p in rows if p.id not in planned]


def gone_quiet(session: Session, team_id: str, today: date) -> list[Quiet]:
    """Active pairs whose last meeting is longer ago than their agreed cadence (plus a few days' grace)."""
    last_meeting = (select(Meeting.partnership_id, func.max(Meeting.held_on).label("last"))
                    .where(Meeting.team_id == team_id).group_by(Meeting.partnership_id).subquery())
    newest = (select(Agreement.partnership_id, func.max(Agreement.version).label("version"))
              .where(Agreement.team_id == team_id).group_by(Agreement.partnership_id).subquery())
    rows = session.execute(
        select(Partnership, last_meeting.c.last, Agreement.frequency)
        .outerjoin(last_meeting, last_meeting.c.partnership_id == Partnership.id)
        .outerjoin(newest, newest.c.partnership_id == Partnership.id)
        .outerjoin(Agreement, (Agreement.partnership_id == newest.c.partnership_id)
                   & (Agreement.version == newest.c.version))
        .where(Partnership.team_id == team_id, Partnership.status == PartnershipStatus.ACTIVE)
    ).unique().all()
    quiet = []
    planned = planning.with_plans(session, team_id, clock.now())  # a meeting in the calendar is not gone quiet
    for partnership, last, frequency in rows:
        if partnership.id in planned:
            continue
        frequency = frequency if frequency in CADENCE_DAYS else DEFAULT_CADENCE
        since = last or partnership.started_at.date()
        days = (today - since).days
        cadence = CADENCE_DAYS[frequency]
        if days > cadence + GRACE.days:
            quiet.append(Quiet(partnership, since, frequency, days, days // cadence))
    return quiet
