"""Peer circles: 3 to 8 people learning around one goal, with a cadence and a length like an agreement, and the
people in them (bot/services/circles.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.agreements import FREQUENCIES
from models.base import Base, UTCDateTime, utcnow
from models.people import Skill
from models.status import CircleInviteStatus, CircleRole, CircleSessionStatus, CircleStatus, values

CIRCLE_STATUSES = values(CircleStatus)
CIRCLE_ROLES = values(CircleRole)
INVITE_STATUSES = values(CircleInviteStatus)
SESSION_STATUSES = values(CircleSessionStatus)
MIN_SIZE, MAX_SIZE = 3, 8


class Circle(Base):
    """One circle. `size` is how many people it takes (its organiser included); `channel_id` is its group chat
    with the bot once Slack has opened it, and `chat_key` the outbox key of the message that opens its current chat
    (a Slack group chat can't take new people, so a later member means a new chat)."""

    __tablename__ = "circles"
    __table_args__ = (
        CheckConstraint(f"size BETWEEN {MIN_SIZE} AND {MAX_SIZE}", name="size_range"),
        CheckConstraint(f"frequency IN {FREQUENCIES}", name="frequency_known"),
        CheckConstraint("meeting_minutes BETWEEN 15 AND 480", name="minutes_range"),
        CheckConstraint(f"status IN {CIRCLE_STATUSES}", name="status_known"),
        CheckConstraint("ends_on > starts_on", name="ends_after_start"),
        Index("ix_circles_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    goal: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[str] = mapped_column(String(16))
    meeting_minutes: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    invite_only: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=CircleStatus.OPEN.value)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    chat_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # its group chat opened with the kickoff
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # its chat was asked "renew or end?"
    renewals: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # the member who answered the newest "renew or end?" (renewed it, or ended it); None when nobody did
    end_answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("pairing_rounds.id", ondelete="SET NULL"))  # formed by a round

    skills: Mapped[list[CircleSkill]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def skill_names(self) -> list[str]:
        return sorted((cs.skill.name for cs in self.skills), key=str.lower)


class CircleSkill(Base):
    """A skill the circle learns (the team's skills table, as people's skills are)."""

    __tablename__ = "circle_skills"
    __table_args__ = (Index("ix_circle_skills_skill", "skill_id"),)

    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True)

    skill: Mapped[Skill] = relationship(lazy="joined")


class CircleMember(Base):
    """A person in a circle: one row per circle and person (leaving sets `left_at`; coming back clears it)."""

    __tablename__ = "circle_members"
    __table_args__ = (
        UniqueConstraint("circle_id", "person_id"),
        CheckConstraint(f"role IN {CIRCLE_ROLES}", name="role_known"),
        Index("ix_circle_members_person", "person_id", "left_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default=CircleRole.MEMBER.value)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CircleInvite(Base):
    """Someone the organiser of an invite-only circle picked: they answer "Join circle" or "No thanks"."""

    __tablename__ = "circle_invites"
    __table_args__ = (
        UniqueConstraint("circle_id", "person_id"),
        CheckConstraint(f"status IN {INVITE_STATUSES}", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=CircleInviteStatus.INVITED.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CircleSession(Base):
    """One session of a circle: planned by any member at a time inside the members' working days (`starts_at`, UTC;
    `uid` names its calendar event for its whole life, `sequence` rises with each change), then logged by any member
    (`held_on`, `minutes`, `topics`, who came in `circle_attendance`). A session logged without a plan has no
    `starts_at`."""

    __tablename__ = "circle_sessions"
    __table_args__ = (
        CheckConstraint(f"status IN {SESSION_STATUSES}", name="status_known"),
        CheckConstraint("minutes BETWEEN 1 AND 480", name="minutes_range"),
        Index("ix_circle_sessions_circle", "circle_id", "status"),
        Index("ix_circle_sessions_team_starts", "team_id", "status", "starts_at"),
        Index("ix_circle_sessions_team_held_on", "team_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=CircleSessionStatus.PLANNED.value)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    uid: Mapped[str] = mapped_column(String(128), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    planned_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    held_on: Mapped[date | None] = mapped_column(Date)
    topics: Mapped[str] = mapped_column(Text, default="")
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the chat was asked "did you meet?"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CircleAttendance(Base):
    """A member who came to a logged session (one row per session and person; absent members have none)."""

    __tablename__ = "circle_attendance"
    __table_args__ = (Index("ix_circle_attendance_person", "person_id"),)

    session_id: Mapped[int] = mapped_column(ForeignKey("circle_sessions.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
