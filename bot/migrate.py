"""Bring a database to the newest schema with Alembic (used by `serve`, `db upgrade` and the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

import migrations
from bot.db import make_engine, normalise_url

SCRIPT_LOCATION = str(Path(migrations.__file__).parent)
# Any fixed number: the PostgreSQL advisory lock that lets one process migrate while the others wait.
MIGRATION_LOCK = 0x6D656E746F72  # "mentor"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate to `revision`. On PostgreSQL, replicas starting together take turns: the first migrates,
    the others then find the schema at head and do nothing."""
    cfg = alembic_config(url)
    if not normalise_url(url).startswith("postgresql"):
        command.upgrade(cfg, revision)
        return
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            conn.commit()
            try:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                conn.commit()
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                conn.commit()
    finally:
        engine.dispose()


def is_at_head(engine) -> bool:
    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head
