"""topic-reminders: the day before a topic session, a reminder to everyone with a seat and to its host, once."""

from __future__ import annotations

from bot.flows.topics import send_reminders
from jobs import JobContext


def run(ctx: JobContext) -> str:
    new = send_reminders(ctx)
    report = ctx.deliver()
    return f"{new} topic session reminder(s) written; delivery: {report}"
