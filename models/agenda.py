"""A session's structure: the agenda points partners add before a meeting, and the action items they agree on."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

POINT_MAX = 300
ITEM_MAX = 300


class AgendaPoint(Base):
    """A point one partner put on the agenda of the pair's next meeting, with the partner who leads it. It stays
    open (meeting_id NULL) until the pair logs a meeting, which covers it. The program's template points are not
    rows: every agenda starts with them as the admins set them."""

    __tablename__ = "agenda_points"
    __table_args__ = (
        Index("ix_agenda_points_pair", "partnership_id", "meeting_id"),
        Index("ix_agenda_points_team_created", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    planned_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("planned_meetings.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(POINT_MAX))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    covered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActionItem(Base):
    """Something one partner agreed to do, logged with a meeting: open until its owner (or the pair, when they
    log their next meeting) ticks it done. Open items carry over into the next meeting's agenda."""

    __tablename__ = "action_items"
    __table_args__ = (
        Index("ix_action_items_pair", "partnership_id", "done_at"),
        Index("ix_action_items_owner", "owner_id", "done_at"),
        Index("ix_action_items_team_created", "team_id", "created_at"),
        Index("ix_action_items_team_due", "team_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(ITEM_MAX))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
