"""buddy-plan: the onboarding buddy's 45-day plan. On days 1, 7, 14, 30 and 45 of a buddy partnership both people
get what to do (meet, tools, people to know, first project, wrap-up); a day the job missed is sent late, once.
A newcomer whose buddy declined the introduction is introduced to the next one (or the admins are told, once)."""

from __future__ import annotations

from bot.flows.buddies import send_plan
from jobs import JobContext


def run(ctx: JobContext) -> str:
    written = send_plan(ctx)
    report = ctx.deliver() if written else None
    return f"{written} message(s) written" + (f"; delivery: {report}" if report else "")
