"""recognition-post (monthly): thank, in the stories channel, the people who opted in and kept their agreed cadence
for the last three months (nobody else is named; with nobody to thank, nothing is posted)."""

from __future__ import annotations

from bot.flows import recognition
from jobs import JobContext


def run(ctx: JobContext) -> str:
    done = recognition.post_monthly(ctx)
    return f"{done}; delivery: {ctx.deliver()}"
