"""The Slack edge: Bolt listeners that parse payloads, call one service, and render the reply."""

from handlers import agreement, checkin, commands, events, find, home, meeting, partnership, profile, story
from handlers.common import Deps


def register(app, deps: Deps) -> None:
    for module in (events, commands, profile, find, partnership, agreement, meeting, home, checkin, story):
        module.register(app, deps)
