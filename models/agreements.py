"""The pair's written agreement (versioned) and supervisors' acknowledgements."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.partnerships import Partnership

FREQUENCIES = ("weekly", "fortnightly", "monthly")


class Agreement(Base):
    """One version of a pair's agreement. The newest version is the current one; it holds when both confirmed."""

    __tablename__ = "agreements"
    __table_args__ = (
        UniqueConstraint("partnership_id", "version"),
        CheckConstraint(f"frequency IN {FREQUENCIES}", name="frequency_known"),
        CheckConstraint("meeting_minutes BETWEEN 15 AND 480", name="minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    goals: Mapped[str] = mapped_column(Text)
    boundaries: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[str] = mapped_column(String(16))
    meeting_minutes: Mapped[int] = mapped_column(Integer)
    end_date: Mapped[date] = mapped_column(Date)
    confidentiality: Mapped[bool] = mapped_column(default=False)
    supervisor_a: Mapped[str | None] = mapped_column(String(32))  # Slack user id of person A's supervisor
    supervisor_b: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_a_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_b_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partnership: Mapped[Partnership] = relationship(lazy="joined")
    acknowledgements: Mapped[list[SupervisorAck]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def confirmed(self) -> bool:
        return self.confirmed_a_at is not None and self.confirmed_b_at is not None


class SupervisorAck(Base):
    """A supervisor asked to acknowledge an agreed version; `acknowledged_at` is set when they do."""

    __tablename__ = "supervisor_acks"
    __table_args__ = (UniqueConstraint("agreement_id", "supervisor_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    supervisor_user_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    dm_ts: Mapped[str | None] = mapped_column(String(32))

    agreement: Mapped[Agreement] = relationship(back_populates="acknowledgements")
