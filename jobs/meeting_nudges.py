"""meeting-nudges: a reminder the day before a planned meeting, and a nudge to pairs past their agreed cadence."""

from __future__ import annotations

from bot.flows.nudges import send_meeting_nudges
from jobs import JobContext


def run(ctx: JobContext) -> str:
    nudged = send_meeting_nudges(ctx)
    report = ctx.deliver()
    return f"{nudged.reminders} pair(s) meet tomorrow, {nudged.quiet_pairs} pair(s) past their cadence; delivery: {report}"
