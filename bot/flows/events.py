"""Slack's event retries: whether an event's effect is already recorded."""

from __future__ import annotations

from bot.flows.context import Context
from bot.services import events


def already_handled(ctx: Context, event_id: str) -> bool:
    with ctx.db.uow() as session:
        return events.seen(session, event_id[:64])
