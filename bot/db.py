"""Engine, session factory and a unit of work: the only place that knows how to reach the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "savepoint")
        def _begin_before_savepoint(conn, _name):
            # pysqlite opens its transaction lazily, before the first INSERT/UPDATE/DELETE. A SAVEPOINT issued
            # before any of them starts a transaction of its own, and its RELEASE commits it: a unit of work
            # that refused afterwards would keep those rows. Open the transaction first, so a rollback undoes all.
            raw = conn.connection.dbapi_connection
            if not raw.in_transaction:
                raw.execute("BEGIN")

        return engine
    # A database that does not answer (host down, packets dropped) must not hold a listener past Slack's 3 s:
    # connecting gives up after 2 s, and the person gets an apology instead of a timeout.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"connect_timeout": 2})


def insert_ignore(session: Session, model: type, rows: list[dict[str, Any]], key_columns: list[str]) -> int:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL; returns how many rows were new."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(model).values(rows).on_conflict_do_nothing(index_elements=key_columns) \
        .returning(*model.__table__.primary_key.columns)
    return len(session.execute(stmt).all())  # rowcount is not reliable for multi-row inserts on every driver


def rowcount(result: Any) -> int:
    """How many rows an UPDATE or DELETE changed (a conditional update's "did I win?")."""
    return int(result.rowcount)


def upsert(session: Session, model: type, row: dict[str, Any], key_columns: list[str], *, update: dict[str, Any]) -> None:
    """INSERT … ON CONFLICT (key) DO UPDATE SET `update` on SQLite and PostgreSQL."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).values(row).on_conflict_do_update(index_elements=key_columns, set_=update))


class Database:
    """Owns the engine and hands out units of work (one transaction each)."""

    def __init__(self, url: str):
        self.url = normalise_url(url)
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def uow(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        self.engine.dispose()
