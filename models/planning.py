"""Planned meetings: the times one partner proposed, the one the other picked, and the calendar event they share."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.status import PlanStatus

PLAN_STATUSES = tuple(s.value for s in PlanStatus)


class PlannedMeeting(Base):
    """One meeting a pair planned. `starts_at` is set once a time is picked; `uid` names the calendar event for its
    whole life (an update keeps it and raises `sequence`; a cancel sends METHOD:CANCEL with the same uid)."""

    __tablename__ = "planned_meetings"
    __table_args__ = (
        CheckConstraint(f"status IN {PLAN_STATUSES}", name="status_known"),
        CheckConstraint("minutes BETWEEN 1 AND 480", name="minutes_range"),
        Index("ix_planned_meetings_pair", "partnership_id", "status"),
        Index("ix_planned_meetings_team_starts", "team_id", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.PROPOSED)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    uid: Mapped[str] = mapped_column(String(128), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
