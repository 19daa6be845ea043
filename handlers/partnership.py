"""Answering a partnership request: accept (opens the pair's group chat), decline, or withdraw."""

from __future__ import annotations

from bot.flows import requests
from handlers.common import Deps, action_value, deliver_now, guarded, team_of, user_of
from messages import ids


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.ACCEPT))
    @guarded
    def accept(ack, body):
        ack()
        requests.accept(deps, team_of(body), user_of(body), action_value(body))
        deliver_now(deps)

    @app.action(ids.matcher(ids.DECLINE))
    @guarded
    def decline(ack, body):
        ack()
        requests.decline(deps, team_of(body), user_of(body), action_value(body))
        deliver_now(deps)

    @app.action(ids.matcher(ids.CANCEL))
    @guarded
    def withdraw(ack, body):
        ack()
        requests.withdraw(deps, team_of(body), user_of(body), action_value(body))
        deliver_now(deps)
