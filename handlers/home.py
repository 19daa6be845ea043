"""App Home: published when opened (through the outbox, like everything the bot sends after an ack)."""

from __future__ import annotations

from bot.flows import home as flow
from bot.services import outbox
from handlers.common import Deps, deliver_now, guarded, program_of, reply, team_of, user_of
from messages import ids
from messages.help import help_message


def publish_home(client, deps: Deps, team_id: str, *user_ids: str) -> None:
    """Transitional: refresh these people's Home tabs. Use cases now ask for it themselves
    (`outbox.publish_home` in their unit of work); this goes once every listener calls a use case."""
    with deps.db.uow() as session:
        outbox.publish_home(session, team_id, *user_ids)
    deliver_now(deps)


def register(app, deps: Deps) -> None:
    @app.event("app_home_opened")
    @guarded
    def home_opened(body, event):
        if event.get("tab", "home") == "home":
            if flow.home_opened(deps, team_of(body), event["user"], body.get("event_id")):
                deliver_now(deps)

    @app.action(ids.HELP)
    @guarded
    def show_help(ack, body, client, respond):
        ack()
        from bot.services import profiles

        with deps.db.uow() as session:
            joined = profiles.current(session, team_of(body), user_of(body)) is not None
        prog = program_of(deps, team_of(body))
        reply(client, body, respond, help_message(prog.name, joined=joined, objective=prog.objective))
