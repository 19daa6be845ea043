"""Engine, session factory and a unit of work: the only place that knows how to reach the database."""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
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


def _insert(session: Session):
    """The dialect's INSERT with ON CONFLICT (imported when first needed: PostgreSQL's dialect is not needed on SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def insert_ignore(session: Session, model: type, rows: list[dict[str, Any]], key_columns: list[str]) -> int:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL; returns how many rows were new."""
    if not rows:
        return 0
    insert = _insert(session)
    stmt = insert(model).values(rows).on_conflict_do_nothing(index_elements=key_columns) \
        .returning(*model.__table__.primary_key.columns)
    return len(session.execute(stmt).all())  # rowcount is not reliable for multi-row inserts on every driver


def rowcount(result: Any) -> int:
    """How many rows an UPDATE or DELETE changed (a conditional update's "did I win?")."""
    return int(result.rowcount)


def upsert(session: Session, model: type, row: dict[str, Any], key_columns: list[str], *, update: dict[str, Any]) -> None:
    """INSERT … ON CONFLICT (key) DO UPDATE SET `update` on SQLite and PostgreSQL."""
    insert = _insert(session)
    session.execute(insert(model).values(row).on_conflict_do_update(index_elements=key_columns, set_=update))


def param(name: str, type_: Any) -> Any:
    """A value a Prepared statement is run with (by this name)."""
    from sqlalchemy import bindparam

    return bindparam(name, None, type_=type_)


class Prepared:
    """A SELECT that every command runs, built once and compiled once per dialect, then run with its values straight
    through the driver. Through the ORM a statement is built, given a cache key (a walk over the whole expression)
    and looked up on every call: for a large UNION that costs more than the database's answer. Here only the
    values change: the SQL is the one SQLAlchemy compiles, values and results go through the columns' own types (a
    datetime on SQLite, a boolean). For fixed statements only: values by name (`param`), no list whose length varies
    (a constant list of strings or numbers is fine)."""

    def __init__(self, build: Callable[[], Any]):
        self._build = build
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def _for(self, dialect) -> tuple:
        found = self._compiled.get(dialect.name)
        if found is None:
            with self._lock:
                stmt = self._build()
                compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
                defaults = {k: v.value if isinstance(v, Enum) else v for k, v in compiled.construct_params().items()}
                needed = frozenset(k for k, v in defaults.items() if v is None)  # the `param`s
                binds = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)  # (a constant list's items
                         for name, bind in compiled.binds.items() if name in defaults}  # are passed as they are)
                columns = list(stmt.selected_columns)
                results = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
                row = namedtuple("Row", [c.key for c in columns], rename=True)  # type: ignore[misc]
                found = self._compiled[dialect.name] = (
                    compiled.string, compiled.positiontup, defaults, needed,
                    {k: f for k, f in binds.items() if f is not None}, results if any(results) else None, row)
        return found

    def rows(self, session: Session, **values: Any) -> list:
        """The result rows (named tuples: `row.column`), in this session's transaction."""
        sql, positions, defaults, needed, binds, results, row = self._for(session.get_bind().dialect)
        if needed - values.keys():
            raise TypeError(f"values missing: {sorted(needed - values.keys())}")
        if session.autoflush:  # (as the ORM does before a query: what this transaction added is seen)
            session.flush()
        params = {**defaults, **values}
        for name, process in binds.items():
            if params[name] is not None:
                params[name] = process(params[name])
        args = tuple(params[n] for n in positions) if positions else params
        conn = session.connection()
        if conn.dispatch.before_cursor_execute or conn.dispatch.after_cursor_execute:  # (a test counting statements)
            fetched: Any = conn.exec_driver_sql(sql, args)
        else:
            fetched = _fetch(conn, sql, args)
        if results is None:
            return [row(*r) for r in fetched]
        return [row(*(v if f is None else f(v) for f, v in zip(results, r))) for r in fetched]

    def scalars(self, session: Session, **values: Any) -> list:
        """The first column of every row."""
        return [r[0] for r in self.rows(session, **values)]


def _fetch(conn: Any, sql: str, args: Any) -> list:
    """Run a compiled SELECT on the connection's own driver cursor: what `exec_driver_sql` does, less building a
    result object around it (its column metadata, its events), which cost more than SQLite's answer. An error goes
    through SQLAlchemy's own handling, so it is raised as the same DBAPIError and a lost connection is invalidated."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql, args)
        return cursor.fetchall()
    except Exception as exc:
        conn._handle_dbapi_exception(exc, sql, args, cursor, None)
        raise  # (not reached: the line above raises)
    finally:
        cursor.close()


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
