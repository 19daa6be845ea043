"""success-stories: post the next approved story to STORIES_CHANNEL (one per run), and ask pairs who have been
partners for three months for a story. Both go through the outbox, so a repeated run sends nothing twice."""

from __future__ import annotations

from bot.flows import stories
from jobs import JobContext


def run(ctx: JobContext) -> str:
    posting = stories.post_next(ctx)
    prompted = stories.prompt_three_months(ctx)
    report = ctx.deliver()
    if stories.requeue_refused_posts(ctx):  # Slack refused it: it waits, approved, for the next run
        posting += ", but Slack refused it; it will be tried again"
    failed = f" ({'; '.join(report.errors)})" if report.errors else ""
    return f"{posting}; {prompted} story prompt(s) sent; delivery: {report}{failed}"
