"""request-expiry: close partnership requests nobody answered within 14 days, and tell both people."""

from __future__ import annotations

from bot.flows.requests import expire_requests
from jobs import JobContext


def run(ctx: JobContext) -> str:
    expired = expire_requests(ctx)
    report = ctx.deliver() if expired else None
    return f"{expired} request(s) expired" + (f"; delivery: {report}" if report else "")
