"""fit-check (daily): "Is this a good fit?" to each partner after the pair's first logged meeting (or 21 days in),
once more after the next meeting for someone still deciding; and the counts of every month that ended, once."""

from __future__ import annotations

from bot.flows import fit
from jobs import JobContext


def run(ctx: JobContext) -> str:
    done = fit.run_daily(ctx)
    return f"{done}; delivery: {ctx.deliver()}"
