"""Success stories: written by a participant, agreed by the partner they name, approved by an admin, posted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.people import Person
from models.status import StoryStatus, values

STORY_STATUSES = values(StoryStatus)


class Story(Base):
    __tablename__ = "stories"
    __table_args__ = (
        CheckConstraint(f"status IN {STORY_STATUSES}", name="status_known"),
        Index("ix_stories_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="SET NULL"))
    # The partner the story names; they must agree before it can be reviewed.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    partner_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(32))  # Slack user id of the admin
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[Person] = relationship(foreign_keys=[author_id], lazy="joined")
    partner: Mapped[Person | None] = relationship(foreign_keys=[partner_id], lazy="joined")
