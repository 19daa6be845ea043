"""weekly_digest (placeholder until its service lands)."""

from __future__ import annotations

from jobs import JobContext


def run(ctx: JobContext) -> str:
    return "nothing yet"
