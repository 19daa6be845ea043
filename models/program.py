"""The program itself: its settings as admins set them in Slack, its admins, and the audit log of their changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

PROGRAM_TYPES = ("peer", "reverse", "onboarding", "topics", "succession", "formal")


class ProgramConfig(Base):
    """One row per workspace. A NULL column means "use the setting from the environment"."""

    __tablename__ = "program_config"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(80))
    objective: Mapped[str | None] = mapped_column(Text)
    digest_channel: Mapped[str | None] = mapped_column(String(32))
    stories_channel: Mapped[str | None] = mapped_column(String(32))
    onboarding_channel: Mapped[str | None] = mapped_column(String(32))
    schedules: Mapped[dict] = mapped_column(JSON, default=dict)  # job name -> crontab line
    anonymity_min_group: Mapped[int | None] = mapped_column(Integer)
    default_length_months: Mapped[int | None] = mapped_column(Integer)
    default_capacity: Mapped[int | None] = mapped_column(Integer)
    program_types: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["peer"])
    agenda_template: Mapped[list[str] | None] = mapped_column(JSON)  # NULL: the default points
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(32))


class ProgramAdmin(Base):
    """An admin added in Slack. Admins named in PROGRAM_ADMINS are admins whether or not they have a row."""

    __tablename__ = "program_admins"
    __table_args__ = (UniqueConstraint("team_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    """Who changed what, when: every admin action writes one, in the same transaction as the change."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_team_at", "team_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    actor_user_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
