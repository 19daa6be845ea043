"""weekly-digest: the managers' digest of the last complete week (Monday to Monday in PROGRAM_TIMEZONE) against
the week before, with a 12-week chart, posted to DIGEST_CHANNEL once per team and week (bot/flows/digest.py)."""

from __future__ import annotations

from bot.flows import digest
from jobs import JobContext


def run(ctx: JobContext) -> str:
    written = digest.write_weekly(ctx)
    if not written.skipped:
        ctx.deliver()
    return digest.outcome(ctx, written)
