"""Participants, their profiles and the skills they offer and want."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.status import PersonStatus, SkillKind, values

PERSON_STATUSES = values(PersonStatus)
SKILL_KINDS = values(SkillKind)


class Person(Base):
    """Someone who opted in. Name, title and timezone mirror their Slack profile."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("team_id", "slack_user_id"),
        CheckConstraint("capacity BETWEEN 1 AND 5", name="capacity_range"),
        CheckConstraint("level BETWEEN 1 AND 10", name="level_range"),
        CheckConstraint(f"status IN {PERSON_STATUSES}", name="status_known"),
        Index("ix_people_team_status", "team_id", "status"),
        Index("ix_people_team_updated", "team_id", "updated_at"),  # what changed since: find's skill index
        Index("ix_people_team_joined", "team_id", "joined_at", "status"),  # the digest counts people from it alone
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    tz: Mapped[str | None] = mapped_column(String(64))
    tz_offset: Mapped[int | None] = mapped_column(Integer)  # seconds east of UTC
    department: Mapped[str] = mapped_column(String(100))
    department_key: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer, default=2)
    cross_department: Mapped[bool] = mapped_column(default=True)
    reverse_mentoring: Mapped[bool] = mapped_column(default=False)
    goals: Mapped[list[str]] = mapped_column(JSON, default=list)
    goals_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="active")
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_reason: Mapped[str | None] = mapped_column(String(32))  # "missed-checkins", "own choice", ...
    paused_until: Mapped[date | None] = mapped_column(Date)  # NULL while paused: "until I resume"
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Formal programs pick mentors by these: the person's own say, and the admin's record of training.
    leadership_interest: Mapped[bool] = mapped_column(default=False, server_default=false())
    mentor_trained: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Named in the monthly thank-you post (recognition) only with this consent, from the profile form.
    recognition_opt_in: Mapped[bool] = mapped_column(default=False, server_default=false())
    self_assessment: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")  # criterion -> 1..5
    # Working hours, in the person's own Slack time zone (planning suggests meeting times inside them):
    # minutes after local midnight, and the weekdays as digits (0 = Monday ... 6 = Sunday).
    work_start_minutes: Mapped[int] = mapped_column(Integer, default=9 * 60, server_default="540")
    work_end_minutes: Mapped[int] = mapped_column(Integer, default=17 * 60, server_default="1020")
    work_days: Mapped[str] = mapped_column(String(7), default="01234", server_default="01234")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    skills: Mapped[list[PersonSkill]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )

    def skill_names(self, kind: str) -> list[str]:
        return sorted((ps.skill.name for ps in self.skills if ps.kind == kind), key=str.lower)


class Skill(Base):
    """A skill as the team spells it; `key` folds case and spacing so "Python " and "PYTHON" are one skill."""

    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(80))


class PersonSkill(Base):
    __tablename__ = "person_skills"
    __table_args__ = (
        CheckConstraint(f"kind IN {SKILL_KINDS}", name="kind_known"),
        Index("ix_person_skills_skill_kind", "skill_id", "kind"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)

    person: Mapped[Person] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship(lazy="joined")
