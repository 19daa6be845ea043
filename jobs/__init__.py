"""Scheduled jobs: each is a named, idempotent function of (settings, db) that `mentor-bot jobs run NAME` runs once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from jobs import request_expiry


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    cron: str  # crontab syntax, in the program's time zone
    run: Callable[..., str]


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("request-expiry", "Close partnership requests unanswered for 14 days", "15 * * * *", request_expiry.run),
    )
}
