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
    def answering(use_case):
        """A listener for one of the closing summary's controls: any member answers, once, for everyone."""
        def listener(ack, body, respond):
            ack()
            reply(deps, body, respond, use_case(deps, team_of(body), user_of(body), answer_of(body)))
            deliver_now(deps)
        listener.__name__ = use_case.__name__  # (the request's log line names it)
        return guarded(listener)

    app.action(ids.matcher(ids.CIRCLE_RENEW))(answering(flow.renew))
    app.action(ids.matcher(ids.CIRCLE_RENEW_FOR))(answering(flow.renew))
    app.action(ids.matcher(ids.CIRCLE_END))(answering(flow.end))
