"""Slack retries an event it thinks was lost; a retry of an event whose effect is already recorded is acknowledged
and dropped here. The effect itself records the event id in its own transaction (`events.first_delivery` inside the
use case), so a process that dies before its commit leaves the retry to do the work."""

from __future__ import annotations

import logging

from slack_bolt import BoltResponse

from bot.flows import events, workspace
from handlers.common import Deps, team_of

log = logging.getLogger("mentor_bot.events")


def register(app, deps: Deps) -> None:
    @app.middleware
    def drop_redelivered_events(body, next):
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            if events.already_handled(deps, str(event_id)):
                log.info("dropped redelivered event %s", event_id)
                return BoltResponse(status=200, body="")
        return next()

    @app.event("app_uninstalled")
    def uninstalled(body):
        """The bot was removed: its data stays, its messages wait (held) until it is installed again."""
        workspace.uninstalled(deps, team_of(body), event_id=body.get("event_id"))

    @app.event("tokens_revoked")
    def revoked(body, event):
        """Someone revoked the bot's token: as an uninstall, until it is installed again (a user token alone is
        not the bot's)."""
        if (event.get("tokens") or {}).get("bot"):
            workspace.uninstalled(deps, team_of(body), tokens_only=True, event_id=body.get("event_id"))
