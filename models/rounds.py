"""Formal pairing: an admin's round over a pool, and introductions (from a round, or of an onboarding buddy)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.people import Person
from models.status import IntroductionKind, IntroductionStatus, RoundCircleStatus, RoundKind, RoundStatus, values

ROUND_STATUSES = values(RoundStatus)
ROUND_ROLES = ("mentor", "mentee")
INTRO_KINDS = values(IntroductionKind)
INTRO_STATUSES = values(IntroductionStatus)
ANSWERS = ("yes", "no")
ROUND_KINDS = values(RoundKind)
ROUND_CIRCLE_STATUSES = values(RoundCircleStatus)


class PairingRound(Base):
    __tablename__ = "pairing_rounds"
    __table_args__ = (
        CheckConstraint(f"status IN {ROUND_STATUSES}", name="status_known"),
        CheckConstraint(f"kind IN {ROUND_KINDS}", name="kind_known"),
        CheckConstraint("circle_size IS NULL OR circle_size BETWEEN 3 AND 8", name="circle_size_range"),
        Index("ix_pairing_rounds_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    pool: Mapped[str] = mapped_column(String(32), default="all")  # "all" or a channel id
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)  # total score, optimum, timings, unmatched
    kind: Mapped[str] = mapped_column(String(8), default=RoundKind.PAIRS.value, server_default="pairs")
    circle_size: Mapped[int | None] = mapped_column(Integer)  # the size of the circles a circles round forms


class RoundMember(Base):
    """A person in a round, as mentor (with how many mentees they take in this round) or mentee."""

    __tablename__ = "round_members"
    __table_args__ = (
        CheckConstraint(f"role IN {ROUND_ROLES}", name="role_known"),
        CheckConstraint("capacity BETWEEN 0 AND 10", name="capacity_range"),
    )

    round_id: Mapped[int] = mapped_column(ForeignKey("pairing_rounds.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(8))
    capacity: Mapped[int] = mapped_column(Integer, default=1)


class Introduction(Base):
    """The bot (or an admin) introduces a giver (mentor, buddy) to a taker (mentee, newcomer).

    A proposal in a round becomes "sent" on confirm; both answer; two yeses make the partnership active.
    """

    __tablename__ = "introductions"
    __table_args__ = (
        CheckConstraint(f"kind IN {INTRO_KINDS}", name="kind_known"),
        CheckConstraint(f"status IN {INTRO_STATUSES}", name="status_known"),
        Index("ix_introductions_round", "round_id", "status"),
        Index("ix_introductions_giver", "giver_id", "status"),
        Index("ix_introductions_taker", "taker_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("pairing_rounds.id", ondelete="CASCADE"))
    giver_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    taker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    giver_answer: Mapped[str | None] = mapped_column(String(8))
    taker_answer: Mapped[str | None] = mapped_column(String(8))
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="SET NULL"))
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    giver: Mapped[Person] = relationship(foreign_keys=[giver_id], lazy="joined")
    taker: Mapped[Person] = relationship(foreign_keys=[taker_id], lazy="joined")


class RoundCircle(Base):
    """A circle a circles round proposes: the skill it gathers around, a one-line reason, its facilitator (someone
    who offers the skill, where the pool has one), and on confirm the circle it became."""

    __tablename__ = "round_circles"
    __table_args__ = (
        CheckConstraint(f"status IN {ROUND_CIRCLE_STATUSES}", name="status_known"),
        Index("ix_round_circles_round", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("pairing_rounds.id", ondelete="CASCADE"))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="SET NULL"))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16), default=RoundCircleStatus.PROPOSED.value)
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circles.id", ondelete="SET NULL"))


class RoundCircleMember(Base):
    """A person a round put in a proposed circle."""

    __tablename__ = "round_circle_members"
    __table_args__ = (Index("ix_round_circle_members_person", "person_id"),)

    round_circle_id: Mapped[int] = mapped_column(ForeignKey("round_circles.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
