"""Monthly check-ins. Answers are anonymous.

`CheckIn` is the invitation one person gets for one partnership and month. While the month is open it
holds that person's answer, so they can change it; only they are ever shown it. When the month closes,
answers move to `CheckInAnswer`, which has no person and no partnership, and the invitation keeps only
whether it was answered and whether they met (what "at risk" needs). `CheckInPeriod` keeps the month's
aggregates, computed once at close: reports read those, so no two reports differ by one answer.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

EXPECTATIONS = ("yes", "partly", "no")


class CheckInPeriod(Base):
    __tablename__ = "checkin_periods"
    __table_args__ = (UniqueConstraint("team_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM in the program's time zone
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Aggregates, written once when the period closes.
    asked: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    met: Mapped[int] = mapped_column(Integer, default=0)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    effectiveness_sum: Mapped[int] = mapped_column(Integer, default=0)
    effectiveness_n: Mapped[int] = mapped_column(Integer, default=0)
    expected_yes: Mapped[int] = mapped_column(Integer, default=0)
    expected_partly: Mapped[int] = mapped_column(Integer, default=0)
    expected_no: Mapped[int] = mapped_column(Integer, default=0)
    # Circle members' answers, kept apart from the pairs' (each part is reported only over at least k answers).
    circle_asked: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    circle_answered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    circle_met: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    circle_sessions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    circle_effectiveness_sum: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    circle_effectiveness_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    circle_expected_yes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    circle_expected_partly: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    circle_expected_no: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CheckIn(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("partnership_id", "person_id", "period"),
        CheckConstraint("effectiveness BETWEEN 1 AND 5", name="effectiveness_range"),
        CheckConstraint("minutes BETWEEN 0 AND 10000", name="minutes_range"),
        CheckConstraint(f"expectations IN {EXPECTATIONS}", name="expectations_known"),
        Index("ix_checkins_team_period", "team_id", "period"),
        Index("ix_checkins_person", "person_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met: Mapped[bool | None] = mapped_column()
    # The answer itself: cleared when the period closes (moved, unattributed, to checkin_answers).
    minutes: Mapped[int | None] = mapped_column(Integer)
    next_meeting_on: Mapped[date | None] = mapped_column(Date)
    effectiveness: Mapped[int | None] = mapped_column(Integer)
    expectations: Mapped[str | None] = mapped_column(String(8))
    help: Mapped[str | None] = mapped_column(Text)


class CircleCheckIn(Base):
    """The monthly check-in one circle member gets for one circle and month (one DM per member per month, whatever
    the number of circles: each circle is a section of it). Like `CheckIn`, it holds the answer only while the month
    is open; at close the answer moves, unattributed, to `CheckInAnswer` with `circle` true."""

    __tablename__ = "circle_checkins"
    __table_args__ = (
        UniqueConstraint("circle_id", "person_id", "period"),
        CheckConstraint("effectiveness BETWEEN 1 AND 5", name="effectiveness_range"),
        CheckConstraint("sessions BETWEEN 0 AND 31", name="sessions_range"),
        CheckConstraint(f"expectations IN {EXPECTATIONS}", name="expectations_known"),
        Index("ix_circle_checkins_team_period", "team_id", "period"),
        Index("ix_circle_checkins_person", "person_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met: Mapped[bool | None] = mapped_column()
    sessions: Mapped[int | None] = mapped_column(Integer)  # sessions they went to this month
    effectiveness: Mapped[int | None] = mapped_column(Integer)
    expectations: Mapped[str | None] = mapped_column(String(8))
    help: Mapped[str | None] = mapped_column(Text)


class CheckInAnswer(Base):
    """One answer of a closed period, with nothing that says whose it was."""

    __tablename__ = "checkin_answers"
    __table_args__ = (Index("ix_checkin_answers_period", "team_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))
    circle: Mapped[bool] = mapped_column(default=False, server_default=false())  # a circle member's answer
    met: Mapped[bool] = mapped_column()
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    effectiveness: Mapped[int | None] = mapped_column(Integer)
    expectations: Mapped[str | None] = mapped_column(String(8))
    help: Mapped[str | None] = mapped_column(Text)
