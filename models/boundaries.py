"""Matching boundaries: whom a person reports to, the people they never want to be matched with, and the
program's own rules. Find, requests, rounds and buddies all read them (bot/services/boundaries.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

LINE_SOURCES = ("profile", "slack")  # named by the person in `/mentor boundaries`, or read from Slack's profile
RULE_KINDS = ("separate-departments", "never-pair")


class ReportingLine(Base):
    """Who a person reports to: the manager they named themselves, or the one their Slack profile names.
    Their direct reports are the people whose row names them."""

    __tablename__ = "reporting_lines"
    __table_args__ = (
        UniqueConstraint("person_id", "source"),
        CheckConstraint(f"source IN {LINE_SOURCES}", name="source_known"),
        Index("ix_reporting_lines_team_manager", "team_id", "manager_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    manager_user_id: Mapped[str] = mapped_column(String(32))  # a Slack user id (they need not be in the program)
    source: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DontSuggest(Base):
    """One entry of a person's private "don't suggest" list. It holds both ways: neither is suggested to, asked
    by, paired or grouped with the other. Only its owner ever sees it."""

    __tablename__ = "dont_suggest"
    __table_args__ = (
        UniqueConstraint("person_id", "other_user_id"),
        Index("ix_dont_suggest_team_other", "team_id", "other_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    other_user_id: Mapped[str] = mapped_column(String(32))  # a Slack user id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MatchingRule(Base):
    """A program-wide rule an admin added: "separate-departments" (nobody is matched within their own
    department; no users), or "never-pair" (these two Slack users, user_a < user_b, are never matched)."""

    __tablename__ = "matching_rules"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "user_a", "user_b"),
        CheckConstraint(f"kind IN {RULE_KINDS}", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))
    user_a: Mapped[str] = mapped_column(String(32), default="")
    user_b: Mapped[str] = mapped_column(String(32), default="")
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
