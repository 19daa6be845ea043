"""Slack retries an event it thinks was lost; a retry of an event we already took is acknowledged and dropped."""

from __future__ import annotations

import logging

from slack_bolt import BoltResponse

from bot.services import events
from handlers.common import Deps

log = logging.getLogger("mentor_bot.events")


def register(app, deps: Deps) -> None:
    @app.middleware
    def drop_redelivered_events(body, next):
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            with deps.db.uow() as session:
                first = events.first_delivery(session, str(event_id)[:64], body.get("team_id") or "")
            if not first:
                log.info("dropped redelivered event %s", event_id)
                return BoltResponse(status=200, body="")
        return next()
