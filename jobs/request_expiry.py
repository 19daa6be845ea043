"""Close partnership requests nobody answered within 14 days, so both people can move on."""

from __future__ import annotations

from bot.db import Database
from bot.services import partnerships
from bot.settings import Settings


def run(settings: Settings, db: Database) -> str:
    with db.uow() as session:
        expired = partnerships.expire_due(session)
    return f"{len(expired)} request(s) expired"
