"""`/mentor <subcommand>`: one entry point, routed by the registry (handlers/registry.py), which also says who may use
each subcommand: the router refuses the others before the handler runs."""

from __future__ import annotations

import difflib

from bot.flows import access
from bot.services.errors import NotAllowed
from bot.services.program import NOT_ADMIN
from handlers.common import Deps, guarded, team_of, user_of
from handlers.registry import Subcommand, Who, by_name, help_lines
from messages import ids
from messages.help import help_message, not_joined_yet

MAX_TEXT = 500


def _unescape(text: str) -> str:
    """The command is escaped (see app/manifest.py): mentions stay <@U…|name>; typed & < > come back as typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse(text: str | None) -> tuple[str, str]:
    """(subcommand in lower case, the rest as typed) from the command's text, whitespace folded and length capped."""
    folded = _unescape(" ".join((text or "").split())[:MAX_TEXT])
    sub, _, rest = folded.partition(" ")
    return sub.lower(), rest


def help_for(deps: Deps, team_id: str, user_id: str, *, unknown: str | None = None,
             suggestion: str | None = None) -> dict:
    who = access.access(deps, team_id, user_id)
    return help_message(who.program_name, help_lines(), joined=who.joined, objective=who.objective,
                        unknown=unknown, suggestion=suggestion)


def _refusal(deps: Deps, sub: Subcommand, team_id: str, user_id: str) -> dict | None:
    """Who may not use this subcommand: an admin's subcommand is refused (a DomainError, told as every refusal is);
    a participant's, asked by someone who has not joined, gets the way in. None when they may."""
    if sub.who is Who.EVERYONE:
        return None
    who = access.access(deps, team_id, user_id)
    if sub.who is Who.ADMINS and not who.admin:
        raise NotAllowed(NOT_ADMIN)
    if sub.who is Who.PARTICIPANTS and not who.joined:
        return not_joined_yet(who.program_name)
    return None


def register(app, deps: Deps) -> None:
    routes = by_name()

    @app.command(ids.COMMAND)
    @guarded
    def mentor(ack, body, client):
        team_id, user_id = team_of(body), user_of(body)
        name, rest = parse(body.get("text"))
        sub = routes.get(name or "help")
        if sub is None:
            close = difflib.get_close_matches(name, list(routes), n=1, cutoff=0.5)
            return ack(response_type="ephemeral", **help_for(deps, team_id, user_id, unknown=name[:40],
                                                             suggestion=close[0] if close else None))
        if sub.handler is None:
            return ack(response_type="ephemeral", **help_for(deps, team_id, user_id))
        refused = _refusal(deps, sub, team_id, user_id)
        if refused is not None:
            return ack(response_type="ephemeral", **refused)
        return sub.handler(deps, ack, body, client, rest)
