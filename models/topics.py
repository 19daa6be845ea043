"""Topic sessions: a host offers "come learn about X" at a time; others sign up (one to many)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.status import TopicStatus, values

TOPIC_STATUSES = values(TopicStatus)


class TopicSession(Base):
    __tablename__ = "topic_sessions"
    __table_args__ = (
        CheckConstraint(f"status IN {TOPIC_STATUSES}", name="status_known"),
        CheckConstraint("minutes BETWEEN 15 AND 480", name="minutes_range"),
        CheckConstraint("seats BETWEEN 1 AND 500", name="seats_range"),
        Index("ix_topic_sessions_team_starts", "team_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    host_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    seats: Mapped[int] = mapped_column(Integer, default=20)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TopicAttendee(Base):
    __tablename__ = "topic_attendees"

    session_id: Mapped[int] = mapped_column(ForeignKey("topic_sessions.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
