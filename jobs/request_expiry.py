"""Close partnership requests nobody answered within 14 days, so both people can move on."""

from __future__ import annotations

from bot.services import partnerships
from jobs import JobContext


def run(ctx: JobContext) -> str:
    with ctx.db.uow() as session:
        expired = partnerships.expire_due(session)
    return f"{len(expired)} request(s) expired"
