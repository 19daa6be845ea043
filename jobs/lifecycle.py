"""participant-lifecycle (daily): people whose pause ran until today are back (they and their partners are told),
and partnerships that reached their planned end get a closing check-in, once, with "Extend 3 months" / "Wrap up"."""

from __future__ import annotations

from bot.flows import lifecycle
from jobs import JobContext


def run(ctx: JobContext) -> str:
    done = lifecycle.run_daily(ctx)
    return f"{done}; delivery: {ctx.deliver()}"
