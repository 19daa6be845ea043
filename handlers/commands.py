"""`/mentor <subcommand>`: one entry point, routed to the subcommand's handler."""

from __future__ import annotations

import difflib
from typing import Callable

from bot.services import profiles
from messages import ids
from handlers import admin, buddy, lifecycle, rounds, stats, succession, topics
from handlers.agreement import overview_message
from messages import find as find_blocks
from messages.help import help_message
from messages.meeting import no_partnership_to_log
from handlers.common import Deps, guarded, program_of, team_of, user_of
from handlers.find import find_message
from handlers.meeting import journal_message, log_modal
from handlers.profile import open_profile
from handlers.story import story_command

MAX_TEXT = 500


def _unescape(text: str) -> str:
    """The command is escaped (see app/manifest.py): mentions stay <@U…|name>; typed & < > come back as typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _joined(deps: Deps, body: dict) -> bool:
    with deps.db.uow() as session:
        return profiles.current(session, team_of(body), user_of(body)) is not None


def register(app, deps: Deps) -> None:
    def reply(ack, message: dict) -> None:
        ack(response_type="ephemeral", **message)

    def show_help(ack, body, client, rest):
        prog = program_of(deps, team_of(body))
        reply(ack, help_message(prog.name, joined=_joined(deps, body), objective=prog.objective))

    def profile(ack, body, client, rest):
        ack()
        open_profile(client, deps, body)

    def find(ack, body, client, rest):
        reply(ack, find_message(deps, team_of(body), user_of(body), rest.split()))

    def agreement(ack, body, client, rest):
        if not _joined(deps, body):
            return reply(ack, find_blocks.not_joined())
        reply(ack, overview_message(deps, team_of(body), user_of(body)))

    def log(ack, body, client, rest):
        if not _joined(deps, body):
            return reply(ack, find_blocks.not_joined())
        view = log_modal(deps, team_of(body), user_of(body))
        if view is None:
            return reply(ack, no_partnership_to_log())
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def journal(ack, body, client, rest):
        if not _joined(deps, body):
            return reply(ack, find_blocks.not_joined())
        reply(ack, journal_message(deps, team_of(body), user_of(body)))

    def story(ack, body, client, rest):
        if not _joined(deps, body):
            return reply(ack, find_blocks.not_joined())
        story_command(ack, body, client, deps)

    routes: dict[str, Callable] = {
        "help": show_help, "join": profile, "profile": profile, "edit": profile, "find": find,
        "agreement": agreement, "log": log, "journal": journal, "story": story,
    }
    # Each area's module names its own subcommands (handler(ack, body, client, rest)).
    for module in (admin, stats, lifecycle, rounds, buddy, topics, succession):
        routes.update(module.commands(deps))

    @app.command(ids.COMMAND)
    @guarded
    def mentor(ack, body, client):
        text = _unescape(" ".join((body.get("text") or "").split())[:MAX_TEXT])
        sub, _, rest = text.partition(" ")
        sub = sub.lower()
        if sub in ("", "help"):
            return show_help(ack, body, client, rest)
        handler = routes.get(sub)
        if handler is None:
            close = difflib.get_close_matches(sub, list(routes), n=1, cutoff=0.5)
            return reply(ack, help_message(program_of(deps, team_of(body)).name, joined=_joined(deps, body), unknown=sub[:40],
                                           suggestion=close[0] if close else None))
        return handler(ack, body, client, rest)
