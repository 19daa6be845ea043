"""The test harness: a real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), the real app
served over HTTP on loopback, and a strict fake Slack Web API that the app talks to over HTTP."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import text

from app.bolt import build_app
from app.web import Server, make_wsgi
from bot import migrate, pacing
from bot.db import Database
from bot.services import match_index
from bot.settings import Settings
from models import Base
from tests.fakeslack import FakeSlack, SlackDriver

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
TEAM = "T0TEST"

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


class CountingExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, counting work in flight so a test can wait until the app is idle."""

    def __init__(self) -> None:
        super().__init__(max_workers=16, thread_name_prefix="listener")
        self._busy = 0
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):
        with self._lock:
            self._busy += 1

        def run():
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self._busy -= 1

        return super().submit(run)

    def wait_idle(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._busy == 0:
                    return
            time.sleep(0.01)
        raise AssertionError("the app's listeners did not finish in time")


def _database_url(backend: str, tmp_path_factory) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = os.environ["TEST_DATABASE_URL"]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _database_of_worker(url, worker) if worker else url


def _database_of_worker(url: str, worker: str) -> str:
    """Tests run in parallel workers (pytest-xdist): each gets a PostgreSQL database of its own, named after the
    given one (test -> test_gw0), created on first use."""
    from sqlalchemy.engine import make_url

    from bot.db import normalise_url

    base = make_url(normalise_url(url))
    name = f"{base.database}_{worker}"
    admin = Database(base.render_as_string(hide_password=False))
    try:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _empty_schema(url: str) -> None:
    if url.startswith("postgres"):
        db = Database(url)
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    url = _database_url(request.param, tmp_path_factory)
    _empty_schema(url)
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def fake():
    server = FakeSlack(bot_token=TOKEN, team_id=TEAM, bot_user_id="UBOT")
    server.start()
    yield server
    server.stop()


class Bot:
    """The running app: its URL, its database, its settings."""

    def __init__(self, settings: Settings, db: Database, server: Server, executor: CountingExecutor):
        self.settings, self.db, self.server, self.executor = settings, db, server, executor
        self.url = f"http://127.0.0.1:{server.port}"


@pytest.fixture(scope="session")
def bot(database_url, fake):
    settings = Settings(
        slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.api_url,
        database_url=database_url, program_name="Grow Together", _env_file=None,
        stats_ack_ms=2000,  # figures in the answer itself on a busy CI machine (tests/test_serving.py: the follow-up)
    )
    db = Database(database_url)
    executor = CountingExecutor()
    app = build_app(settings, db, executor=executor)
    server = Server(make_wsgi(app, db), host="127.0.0.1", port=0, threads=8)
    server.start_background()
    yield Bot(settings, db, server, executor)
    server.stop()
    executor.shutdown(wait=True)
    db.dispose()


def _truncate(db: Database) -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if db.url.startswith("postgresql"):
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def slack(bot, fake, request):
    """A clean world for each test: empty tables, a reset fake Slack, and a driver playing Slack's inbound side."""
    bot.executor.wait_idle()
    _truncate(bot.db)
    fake.reset()
    pacing.reset()  # each test starts a fresh minute: the sender's pace is not carried over from earlier tests
    match_index.reset()  # and find's index starts anew: emptied tables reuse ids, which a running program never does
    driver = SlackDriver(bot.url, signing_secret=SECRET, fake=fake, team_id=TEAM)
    yield driver
    bot.executor.wait_idle()
    if not request.node.get_closest_marker("allow_rejections"):
        assert fake.rejected == [], f"Slack rejected calls:\n{fake.summary()}"


def pytest_configure(config):
    config.addinivalue_line("markers", "allow_rejections: the test provokes Slack errors on purpose")
    config.addinivalue_line("markers", "real_clock: the test starts other processes, so it runs on the real clock")


# Every test runs at the same moment, whatever the day: a Wednesday, mid-month, midday in UTC and in London (no
# daylight saving then), so no test can depend on today's date, the time of day, the weekday or the month's length.
# The clock ticks from there; a test may travel further (time_machine) and builds its world inside that clock.
# Tests that start other processes (the CLI, replicas, a killed sender) can't share it: they are marked real_clock,
# and .ci/run's second run, with every process's clock 400 days ahead, shows they don't depend on the date either.
PINNED_NOW = datetime(2028, 1, 12, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned_clock(request):
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(PINNED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def world(slack, fake, bot):
    from tests.world import World

    return World(slack, fake, bot)
