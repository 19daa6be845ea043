"""Planned meetings: the times one partner proposed, the one the other picked, and the calendar event they share."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.partnerships import Partnership
from models.status import MeetingPlanStatus, SlotStatus, values

PLAN_STATUSES = values(MeetingPlanStatus)
SLOT_STATUSES = values(SlotStatus)


class PlannedMeeting(Base):
    """One meeting a pair planned. `starts_at` is set once a time is picked; `uid` names the calendar event for its
    whole life (an update keeps it and raises `sequence`; a cancel sends METHOD:CANCEL with the same uid).
    `proposal` counts the sets of times proposed for it: only the newest set can be picked."""

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
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))  # the event's ORGANIZER
    status: Mapped[str] = mapped_column(String(16), default=MeetingPlanStatus.PROPOSED)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    uid: Mapped[str] = mapped_column(String(128), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    proposal: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    partnership: Mapped[Partnership] = relationship(lazy="joined")


class PlanSlot(Base):
    """One time proposed for a planned meeting (in UTC; each reader sees it in their own time zone)."""

    __tablename__ = "plan_slots"
    __table_args__ = (
        CheckConstraint(f"status IN {SLOT_STATUSES}", name="status_known"),
        CheckConstraint("minutes BETWEEN 1 AND 480", name="minutes_range"),
        Index("ix_plan_slots_plan", "plan_id", "proposal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("planned_meetings.id", ondelete="CASCADE"))
    proposal: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer)  # the length proposed with it (the meeting's, once picked)
    status: Mapped[str] = mapped_column(String(16), default=SlotStatus.OFFERED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[PlannedMeeting] = relationship(lazy="joined")
