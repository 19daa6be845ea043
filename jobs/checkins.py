"""monthly-checkins and checin-reminders (placeholder until the check-in service lands)."""

from __future__ import annotations

from jobs import JobContext


def run_monthly(ctx: JobContext) -> str:
    return "nothing yet"


def run_reminders(ctx: JobContext) -> str:
    return "nothing yet"
