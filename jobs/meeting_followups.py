"""meeting-followups: "Did you meet?" to both partners after a planned meeting; unlogged a week later, it is missed."""

from __future__ import annotations

from bot.flows.planning import send_followups
from jobs import JobContext


def run(ctx: JobContext) -> str:
    done = send_followups(ctx)
    report = ctx.deliver()
    return f"{done.asked} asked \"Did you meet?\", {done.missed} planned meeting(s) now missed; delivery: {report}"
