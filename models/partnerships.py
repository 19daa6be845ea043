"""Partnerships between two people, and the request that starts one."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.people import Person
from models.status import PartnershipKind, PartnershipStatus, values

PARTNERSHIP_STATUSES = values(PartnershipStatus)
OPEN_STATUSES = values(PartnershipStatus)[:3]  # requested, active, paused
_OPEN_SQL = "status IN ('requested', 'active', 'paused')"
PARTNERSHIP_KINDS = values(PartnershipKind)


class Partnership(Base):
    """Two people; `person_a_id < person_b_id` so a pair has one spelling.

    At most one open (requested, active or paused) partnership per pair, enforced by a partial unique index.
    """

    __tablename__ = "partnerships"
    __table_args__ = (
        CheckConstraint("person_a_id < person_b_id", name="ordered_pair"),
        CheckConstraint(f"status IN {PARTNERSHIP_STATUSES}", name="status_known"),
        CheckConstraint(f"kind IN {PARTNERSHIP_KINDS}", name="kind_known"),
        Index(
            "uq_partnerships_open_pair",
            "person_a_id",
            "person_b_id",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
        Index("ix_partnerships_a", "person_a_id", "status"),  # the partial unique index can't serve "a = ? AND status IN (?)"
        Index("ix_partnerships_b", "person_b_id", "status"),
        Index("ix_partnerships_team_status", "team_id", "status"),
        # which partnerships began or ended lately: find's skill index recounts their people's load
        Index("ix_partnerships_team_started", "team_id", "started_at"),
        Index("ix_partnerships_team_ended", "team_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    person_a_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    person_b_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="requested")
    kind: Mapped[str] = mapped_column(String(16), default="peer", server_default="peer")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    planned_end: Mapped[date | None] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel_id: Mapped[str | None] = mapped_column(String(32))  # the pair's group DM with the bot
    at_risk_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set by a closed check-in month
    end_prompted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the closing check-in was sent
    end_prompted_for: Mapped[date | None] = mapped_column(Date)  # the planned end that check-in asked about
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    person_a: Mapped[Person] = relationship(foreign_keys=[person_a_id], lazy="joined")
    person_b: Mapped[Person] = relationship(foreign_keys=[person_b_id], lazy="joined")
    request: Mapped[PartnershipRequest | None] = relationship(back_populates="partnership", lazy="joined")

    def member_ids(self) -> tuple[int, int]:
        return (self.person_a_id, self.person_b_id)

    def other(self, person_id: int) -> Person:
        return self.person_b if person_id == self.person_a_id else self.person_a


class PartnershipRequest(Base):
    """Who asked whom, with what note, until when; the outcome lives in the partnership's status."""

    __tablename__ = "partnership_requests"
    __table_args__ = (Index("ix_requests_to", "to_person_id"), Index("ix_requests_from", "from_person_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), unique=True)
    from_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    to_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    dm_ts: Mapped[str | None] = mapped_column(String(32))

    partnership: Mapped[Partnership] = relationship(back_populates="request")
