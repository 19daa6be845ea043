"""request-expiry: close partnership requests nobody answered within 14 days, and tell both people."""

from __future__ import annotations

from bot.services import outbox, partnerships
from messages import requests as blocks
from jobs import JobContext
from models import Partnership, Person


def run(ctx: JobContext) -> str:
    with ctx.db.uow() as session:
        expired = partnerships.expire_due(session)
        for pid in expired:
            partnership = session.get(Partnership, pid)
            request = partnership.request
            if request is None:
                continue
            asker = session.get(Person, request.from_person_id)
            asked = partnership.other(asker.id)
            outbox.enqueue(session, partnership.team_id, f"request-expired:{pid}", "request-expired",
                           asker.slack_user_id, blocks.expired_for_requester(asked.slack_user_id), priority=0)
            if request.dm_channel and request.dm_ts:  # the request DM loses its buttons
                outbox.enqueue(session, partnership.team_id, f"request-expired-update:{pid}", "request-expired",
                               asked.slack_user_id, {"update": {"channel": request.dm_channel, "ts": request.dm_ts},
                                                     **blocks.request_answered(asker.slack_user_id, "expired")}, priority=0)
    report = ctx.deliver() if expired else None
    return f"{len(expired)} request(s) expired" + (f"; delivery: {report}" if report else "")
