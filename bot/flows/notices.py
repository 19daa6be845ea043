"""An answer for the acting person where Slack gave no response_url to answer through (a click on the App Home tab,
a modal): a DM from the bot, sent through the outbox like every other message."""

from __future__ import annotations

from bot.flows.context import Context
from bot.services import clock, keys, outbox


def tell(ctx: Context, team_id: str, user_id: str, message: dict) -> None:
    with ctx.db.uow() as session:
        outbox.enqueue(session, team_id, keys.notice(user_id, clock.now()), "notice", user_id, message)
