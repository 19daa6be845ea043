"""circle-followups: "Did the circle meet?" in a circle's chat after a planned session; unlogged a week later, it is
missed; the planned sessions of circles no longer meeting are cancelled."""

from __future__ import annotations

from bot.flows.circle_sessions import send_followups
from jobs import JobContext


def run(ctx: JobContext) -> str:
    done = send_followups(ctx)
    report = ctx.deliver()
    return (f"{done.asked} circle(s) asked \"Did the circle meet?\", {done.missed} session(s) now missed, "
            f"{done.cancelled} cancelled (circle no longer meeting); delivery: {report}")
