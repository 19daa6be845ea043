"""App Home: published when opened (through the outbox, like everything the bot sends after an ack), and its
Help button."""

from __future__ import annotations

from bot.flows import home as flow
from handlers import boundaries
from handlers.commands import help_for
from handlers.common import Deps, deliver_now, guarded, reply, team_of, user_of
from messages import ids


def register(app, deps: Deps) -> None:
    @app.event("app_home_opened")
    @guarded
    def home_opened(body, event, client):
        if event.get("tab", "home") == "home":
            boundaries.mirror_manager(deps, client, team_of(body), event["user"])  # only when SLACK_MANAGER_FIELD_ID is set
            if flow.home_opened(deps, team_of(body), event["user"], body.get("event_id")):
                deliver_now(deps)

    @app.action(ids.HELP)
    @guarded
    def show_help(ack, body, client, respond):
        ack()
        reply(deps, body, respond, help_for(deps, team_of(body), user_of(body)))
