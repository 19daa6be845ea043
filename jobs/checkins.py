"""monthly-checkins (close last month, ask about this one) and checkin-reminders (after 3 and 7 days)."""

from __future__ import annotations

from bot.flows import checkins
from jobs import JobContext


def run_monthly(ctx: JobContext) -> str:
    done = checkins.run_monthly(ctx)
    return f"{done}; delivery: {ctx.deliver()}"


def run_reminders(ctx: JobContext) -> str:
    done = checkins.run_reminders(ctx)
    return f"{done}; delivery: {ctx.deliver()}"
