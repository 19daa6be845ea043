"""Bring a database to the newest schema with Alembic (used by `serve`, `db upgrade` and the tests).

Every start of `serve` asks for head. When the database is there already (every start but the first after a
release), one SELECT of `alembic_version` against the head read from the scripts' headers answers it: Alembic,
its environment and every migration module are loaded only when there is something to do (or the scripts are
not one plain line of revisions, which this quick reading does not try to follow)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text

import migrations
from bot.db import make_engine, normalise_url

SCRIPT_LOCATION = str(Path(migrations.__file__).parent)
# Any fixed number: the PostgreSQL advisory lock that lets one process migrate while the others wait.
MIGRATION_LOCK = 0x6D656E746F72  # "mentor"
_HEADER = re.compile(r"^(revision|down_revision|branch_labels|depends_on)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)
_QUOTED = re.compile(r"""^(['"])([^'"]+)\1$""")


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def scripts_head() -> str | None:
    """The newest revision, read from the migration scripts' headers without importing them; None unless they
    form one line (each names one revision and at most one revision before it; no branches, no dependencies)."""
    revisions: dict[str, str | None] = {}
    for path in sorted(Path(SCRIPT_LOCATION, "versions").glob("*.py")):
        found = dict(_HEADER.findall(path.read_text(encoding="utf-8")))
        if found.get("branch_labels", "None") != "None" or found.get("depends_on", "None") != "None":
            return None
        revision, before = _QUOTED.match(found.get("revision", "")), found.get("down_revision", "")
        down = _QUOTED.match(before)
        if revision is None or (down is None and before != "None") or revision.group(2) in revisions:
            return None
        revisions[revision.group(2)] = down.group(2) if down else None
    heads = set(revisions) - set(revisions.values())
    return heads.pop() if len(heads) == 1 else None


def current_revisions(url: str) -> list[str] | None:
    """What the database's `alembic_version` holds (None: no such table, or the database did not answer)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception:  # no table yet (a new database), or none reachable: Alembic's upgrade says which
        return None
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate to `revision`. On PostgreSQL, replicas starting together take turns: the first migrates,
    the others then find the schema at head and do nothing. A database at head already is left as it is after
    one read (see the module's docstring)."""
    if revision == "head":
        head = scripts_head()
        if head is not None and current_revisions(url) == [head]:
            return
    from alembic import command

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
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head
