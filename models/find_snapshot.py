"""find's index of one workspace, saved as arrays (bot/services/match_index.py): a process that starts loads it and
catches up with what changed since, instead of reading everyone. Derived data only: dropped whenever someone is
deleted, rebuilt when it is older than a day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class FindSnapshot(Base):
    __tablename__ = "find_snapshots"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    format: Mapped[int] = mapped_column(Integer)  # the layout of `data`: another layout is rebuilt, not read
    people: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[bytes] = mapped_column(LargeBinary)  # numpy .npz
