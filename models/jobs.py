"""The ledger of scheduled job runs: which fire time of which job ran, and whether it finished.

A scheduler that starts (or becomes leader) after a missed or interrupted run finds it here and runs it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class JobRun(Base):
    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "fire_time"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    fire_time: Mapped[datetime] = mapped_column(UTCDateTime)  # the scheduled time (or "now" for a manual run)
    trigger: Mapped[str] = mapped_column(String(16), default="schedule")  # schedule, catch-up, manual, baseline
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str | None] = mapped_column(Text)
