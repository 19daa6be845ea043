"""Use cases tested directly: a real SQLite database at the newest schema (migrated once, copied per test), no
Slack and no HTTP. What a use case writes to the outbox is read back from the outbox table."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from bot import migrate
from bot.db import Database
from bot.flows import Context
from bot.settings import Settings
from models import OutboxMessage

TEAM = "T0TEST"


@pytest.fixture(scope="session")
def _template(tmp_path_factory):
    path = tmp_path_factory.mktemp("flows") / "template.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def ctx(_template, tmp_path):
    path = tmp_path / "db.sqlite3"
    shutil.copy(_template, path)
    settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret="secret", database_url=f"sqlite:///{path}",
                        program_name="Grow Together", _env_file=None)
    context = Context(settings=settings, db=Database(settings.database_url))
    yield context
    context.db.dispose()


def outbox_rows(ctx: Context, kind: str | None = None) -> list[OutboxMessage]:
    """What the use cases asked to send, oldest first."""
    with ctx.db.uow() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list(session.scalars(query))
