"""The Slack edge: Bolt listeners that parse payloads, call one service, and render the reply."""

from handlers import (
    admin,
    agreement,
    boundaries,
    buddy,
    checkin,
    circle_endings,
    circle_sessions,
    circles,
    commands,
    events,
    find,
    fit,
    home,
    lifecycle,
    meeting,
    partnership,
    planning,
    profile,
    rounds,
    stats,
    story,
    succession,
    topics,
)
from handlers.common import Deps


def register(app, deps: Deps) -> None:
    for module in (events, commands, profile, find, partnership, agreement, meeting, home, checkin, story,
                   admin, stats, lifecycle, rounds, buddy, topics, succession, fit, planning,
                   boundaries, circles, circle_endings, circle_sessions):
        module.register(app, deps)
