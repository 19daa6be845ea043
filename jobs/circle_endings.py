"""circle-endings (daily): peer circles near their end date get a heads-up in their chat; those that reached it get a
closing summary with "Renew or end?", once; a question nobody answered within 7 days ends the circle. A circle that
never had three people ends at its end date, and its members are told in a DM, once."""

from __future__ import annotations

from bot.flows import circle_endings
from jobs import JobContext


def run(ctx: JobContext) -> str:
    done = circle_endings.run_daily(ctx)
    return f"{done}; delivery: {ctx.deliver()}"
