"""A peer circle at its end date: "Renew for 3 months", the "Renew for…" select and "End the circle" on the closing
summary in the circle's chat. Any current member may answer, once, for everyone; the use case checks it."""

from __future__ import annotations

from bot.flows import circle_endings as flow
from handlers.common import Deps, deliver_now, guarded, reply, team_of, user_of
from messages import ids


def answer_of(body: dict) -> str | None:
    """The clicked button's value, or the picked option's ("<circle>:<question>:<months>"), unchecked."""
    action = (body.get("actions") or [{}])[0]
    picked = action.get("selected_option") or {}
    value = picked.get("value") if picked else action.get("value")
    return value if isinstance(value, str) else None


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.CIRCLE_RENEW))
    @guarded
    def renew(ack, body, respond):
        ack()
        reply(deps, body, respond, flow.renew(deps, team_of(body), user_of(body), answer_of(body)))
        deliver_now(deps)

    @app.action(ids.matcher(ids.CIRCLE_RENEW_FOR))
    @guarded
    def renew_for(ack, body, respond):
        ack()
        reply(deps, body, respond, flow.renew(deps, team_of(body), user_of(body), answer_of(body)))
        deliver_now(deps)

    @app.action(ids.matcher(ids.CIRCLE_END))
    @guarded
    def end(ack, body, respond):
        ack()
        reply(deps, body, respond, flow.end(deps, team_of(body), user_of(body), answer_of(body)))
        deliver_now(deps)
