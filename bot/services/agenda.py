"""The agenda of a pair's next meeting: the program's template points, the points either partner added (each with
the partner who leads it), and the action items still open from earlier meetings. No Slack here.

A point added stays on the pair's agenda until they log a meeting, which covers it (its meeting and `covered_at`
are set); a planned meeting cancelled and planned again keeps its points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import actions, clock
from bot.services.errors import Conflict, NotAllowed
from bot.services.lookup import by_hint
from bot.services.partnerships import get_for_member
from bot.services.program import DEFAULT_AGENDA
from models import ActionItem, AgendaPoint, Meeting, Partnership, Person, PlannedMeeting, ProgramConfig
from models.agenda import POINT_MAX
from models.status import LIVE_PARTNERSHIP, MeetingPlanStatus

MAX_OPEN_POINTS = 20  # per pair: an agenda, not a backlog
NOT_YOURS = "That planned meeting isn't one of yours, so I can't show or change its agenda."
UPCOMING = (MeetingPlanStatus.PROPOSED, MeetingPlanStatus.PLANNED)


def template(session: Session, team_id: str) -> tuple[str, ...]:
    """The points every agenda starts with: as the admins set them in `/mentor admin`, or the defaults."""
    row = session.get(ProgramConfig, team_id)
    points = row.agenda_template if row is not None else None
    return DEFAULT_AGENDA if points is None else tuple(points)


def plan_for_member(session: Session, team_id: str, slack_user_id: str, plan_id: object
                    ) -> tuple[PlannedMeeting, Partnership, Person]:
    """The planned meeting, if it belongs to a live partnership of the acting person; otherwise NotAllowed (a forged
    or stale id: never trusted)."""
    plan = by_hint(session, PlannedMeeting, plan_id)
    if plan is None or plan.team_id != team_id:
        raise NotAllowed(NOT_YOURS)
    try:
        partnership, me = get_for_member(session, team_id, slack_user_id, plan.partnership_id)
    except NotAllowed:
        raise NotAllowed(NOT_YOURS) from None
    if partnership.status not in LIVE_PARTNERSHIP:
        raise Conflict("That partnership is no longer active, so its meetings have no agenda any more.")
    return plan, partnership, me


def next_plan(session: Session, partnership_id: int, now: datetime) -> PlannedMeeting | None:
    """The pair's next meeting still to come (times proposed, or planned and not started): the one whose agenda
    they are preparing."""
    plans = session.scalars(select(PlannedMeeting).where(
        PlannedMeeting.partnership_id == partnership_id, PlannedMeeting.status.in_(UPCOMING))
        .order_by(PlannedMeeting.starts_at.is_(None), PlannedMeeting.starts_at, PlannedMeeting.id)).all()
    return next((p for p in plans if p.starts_at is None or p.starts_at > now), None)


def open_points(session: Session, partnership_id: int) -> list[AgendaPoint]:
    """The points the pair added that no logged meeting has covered yet, oldest first."""
    return list(session.scalars(
        select(AgendaPoint).where(AgendaPoint.partnership_id == partnership_id, AgendaPoint.meeting_id.is_(None))
        .order_by(AgendaPoint.created_at, AgendaPoint.id)))


@dataclass
class Agenda:
    """What the agenda of one planned meeting shows, for one of its partners (`me`)."""

    plan: PlannedMeeting
    partnership: Partnership
    me: Person
    partner: Person
    template: tuple[str, ...]
    points: list[AgendaPoint]
    items: list[ActionItem]  # open action items of the pair, carried over
    started: bool = False  # its time has come: points for next time go on the next meeting's agenda

    @property
    def can_add(self) -> bool:
        return self.plan.status in UPCOMING and not self.started and len(self.points) < MAX_OPEN_POINTS

    def owner_name(self, person_id: int | None) -> str:
        return next((p.display_name or p.slack_user_id for p in (self.me, self.partner) if p.id == person_id), "")


def agenda(session: Session, team_id: str, slack_user_id: str, plan_id: object) -> Agenda:
    """The agenda of a planned meeting of the acting person (re-checked: never trust the id)."""
    plan, partnership, me = plan_for_member(session, team_id, slack_user_id, plan_id)
    return for_pair(session, partnership, me, plan)


def for_pair(session: Session, partnership: Partnership, me: Person, plan: PlannedMeeting) -> Agenda:
    """The same agenda for a pair already checked (the meeting log form opened from a plan)."""
    if plan.meeting_id is not None:  # held: the points its meeting covered
        points = list(session.scalars(select(AgendaPoint).where(AgendaPoint.meeting_id == plan.meeting_id,
                                                                AgendaPoint.partnership_id == partnership.id)
                                      .order_by(AgendaPoint.created_at, AgendaPoint.id)))
    else:
        points = open_points(session, partnership.id)
    return Agenda(plan=plan, partnership=partnership, me=me, partner=partnership.other(me.id),
                  template=template(session, partnership.team_id), points=points,
                  items=actions.open_items(session, partnership.id),
                  started=plan.starts_at is not None and plan.starts_at <= clock.now())


def topics_text(agenda: Agenda, limit: int = 2000) -> str:
    """The agenda as the meeting log's "Topics" start: one line per template point and added point."""
    lines = [f"- {p}" for p in agenda.template]
    for point in agenda.points:
        owner = agenda.owner_name(point.owner_id)
        lines.append(f"- {point.text}" + (f" ({owner})" if owner else ""))
    text = "\n".join(lines)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class PointForm(BaseModel):
    """A point one partner adds to the agenda: what, and which of the two leads it."""

    plan_id: int
    point: str = Field(min_length=1, max_length=POINT_MAX)
    owner: Literal["me", "partner"]

    @field_validator("point", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return " ".join(value.split()) if isinstance(value, str) else value


def add_point(session: Session, team_id: str, slack_user_id: str, form: PointForm, now: datetime | None = None
              ) -> tuple[AgendaPoint, Agenda]:
    """Put a point on the agenda of a planned meeting (either partner, before the meeting). Returns the point and the
    agenda as it is now."""
    now = now or clock.now()
    plan, partnership, me = plan_for_member(session, team_id, slack_user_id, form.plan_id)
    if plan.status not in UPCOMING:
        raise Conflict("That meeting is no longer coming up, so its agenda is closed. Plan your next meeting to "
                       "start a new agenda.")
    if plan.starts_at is not None and plan.starts_at <= now:
        raise Conflict("That meeting has started already, so its agenda is closed. Points for next time go on the "
                       "agenda of your next planned meeting.")
    if len(open_points(session, partnership.id)) >= MAX_OPEN_POINTS:
        raise Conflict(f"Your agenda already has {MAX_OPEN_POINTS} points: that is plenty for one meeting.")
    owner = me if form.owner == "me" else partnership.other(me.id)
    point = AgendaPoint(team_id=team_id, partnership_id=partnership.id, planned_meeting_id=plan.id, owner_id=owner.id,
                        added_by_id=me.id, text=form.point, created_at=now)
    session.add(point)
    session.flush()
    return point, agenda(session, team_id, slack_user_id, plan.id)


def cover(session: Session, partnership_id: int, meeting: Meeting, now: datetime, plan_id: int | None = None) -> int:
    """A meeting of the pair was logged: the open points of its agenda were covered by it. A point added for another
    meeting still to come (planned, not started) stays open for that one. Returns how many were covered."""
    covered = 0
    for point in open_points(session, partnership_id):
        plan = session.get(PlannedMeeting, point.planned_meeting_id) if point.planned_meeting_id else None
        later = (plan is not None and plan.id != plan_id and plan.status in UPCOMING
                 and (plan.starts_at is None or plan.starts_at > now))
        if not later:
            point.meeting_id, point.covered_at = meeting.id, now
            covered += 1
    session.flush()
    return covered
