"""Succession: a retiring person passes what they know to named successors, item by item."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.status import ItemStatus, PlanStatus, values

PLAN_STATUSES = values(PlanStatus)
ITEM_STATUSES = values(ItemStatus)


class SuccessionPlan(Base):
    """People here are Slack users, not participants: retiring people and successors need not opt in."""

    __tablename__ = "succession_plans"
    __table_args__ = (
        CheckConstraint(f"status IN {PLAN_STATUSES}", name="status_known"),
        Index("ix_succession_plans_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    retiring_user_id: Mapped[str] = mapped_column(String(32))
    retire_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    successors: Mapped[list[Successor]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    items: Mapped[list[KnowledgeItem]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="KnowledgeItem.id"
    )


class Successor(Base):
    __tablename__ = "successors"

    plan_id: Mapped[int] = mapped_column(ForeignKey("succession_plans.id", ondelete="CASCADE"), primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)


class KnowledgeItem(Base):
    """Something the retiring person does that is not in their job description, and whether it was handed over."""

    __tablename__ = "knowledge_items"
    __table_args__ = (
        CheckConstraint(f"status IN {ITEM_STATUSES}", name="status_known"),
        UniqueConstraint("plan_id", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    plan_id: Mapped[int] = mapped_column(ForeignKey("succession_plans.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(150))
    detail: Mapped[str] = mapped_column(Text, default="")
    successor_user_id: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")
    added_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(32))
