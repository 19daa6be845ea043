"""When Slack or the database fails: the person is told, the failure is logged with its context and
counted, what can be retried is, a retried event has no second effect, and the bot recovers by itself."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import create_engine, make_url, select, text

from app.bolt import build_app
from app.web import Server, make_wsgi
from bot import migrate
from bot.db import Database
from handlers.common import DB_DOWN, SORRY
from models import OutboxMessage, Person
from tests.conftest import SECRET, TEAM, CountingExecutor
from tests.fakeslack import SlackDriver
from tests.logcapture import capture_logs

pytestmark = pytest.mark.allow_rejections


def answers(fake, user: str) -> list[str]:
    """What the person was told through the command's response_url."""
    return [r.get("text") or "" for r in fake.responses(user)]


def people(bot) -> int:
    with bot.db.uow() as session:
        return len(session.scalars(select(Person.id)).all())


@pytest.mark.parametrize("error, status", [
    ("internal_error", 500), ("service_unavailable", 503), ("ratelimited", 429), ("user_not_found", 200),
    ("channel_not_found", 200), ("not_in_channel", 200), ("account_inactive", 200),
])
def test_a_form_slack_would_not_open_gets_an_apology_and_a_log_line_with_context(slack, fake, bot, world, error, status):
    fake.add_user("U1", "Ada")
    fake.fail_next("views.open", error, status=status, times=3)  # a 429 is retried twice (Retry-After), then given up
    with capture_logs() as logs:
        response = slack.command("U1", "join")
        world.idle()
    assert response.status == 200 and response.elapsed < 3
    fake.wait_for(lambda: SORRY in answers(fake, "U1"))
    assert fake.open_modal("U1") is None and people(bot) == 0
    calls = 3 if error == "ratelimited" else 1  # a 429 is waited out twice, each one logged and counted
    failures = logs.records(logger="mentor_bot.slack", method="views.open")
    assert len(failures) == calls
    for failed in failures:
        assert failed["error"] == error and failed["team"] == TEAM and failed["user"] == "U1"
        assert failed["kind"] == "command" and failed["id"] == "/mentor join"
    [request] = logs.records(logger="mentor_bot.requests")
    assert request["outcome"] == "slack_error" and request["user"] == "U1"
    assert "Traceback" not in logs.text
    assert len(fake.calls_to("views.open")) == calls


def test_one_rate_limit_is_waited_out_and_the_form_opens(slack, fake, world):
    fake.add_user("U1", "Ada")
    fake.fail_next("views.open", "ratelimited", status=429)
    with capture_logs() as logs:
        slack.command("U1", "join")
        world.idle()
    assert fake.open_modal("U1")["callback_id"] == "profile_submit"
    assert answers(fake, "U1") == []
    [limited] = logs.records(logger="mentor_bot.slack", method="views.open")  # waited out, still counted
    assert limited["error"] == "ratelimited" and limited["user"] == "U1"


@pytest.mark.parametrize("error", ["token_revoked", "invalid_auth"])
def test_a_revoked_token_still_gets_the_person_an_answer_and_keeps_messages_for_later(world, slack, fake, bot, error):
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=UTC), tick=True):  # the whole test moves forward from here
        world.join("U1", "Ada", offers=["Python"], wants=["Go"])
        world.join("U2", "Bea", offers=["Go"], wants=["Python"])
        world.pair("U1", "U2")
        fake.revoke_token(error)
        with capture_logs() as logs:
            slack.command("U1", "profile")
            world.idle()
            fake.wait_for(lambda: SORRY in answers(fake, "U1"))  # response_url needs no token
            with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=True):
                result = world.run_job("monthly-checkins")
    assert f"stopped: {error}" in result and "2 waiting" in result
    assert logs.records(logger="mentor_bot.slack", method="views.open", error=error, user="U1")
    assert logs.records(logger="mentor_bot.slack", method="chat.postMessage", error=error)
    fake.restore_token()
    with time_machine.travel(datetime(2026, 12, 1, 10, 5, tzinfo=UTC), tick=True):
        with bot.db.uow() as session:  # the operator fixed the token; the next drain sends what waited
            for row in session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")):
                row.next_attempt_at = datetime.now(UTC)
        assert "2 sent" in world.run_job("monthly-checkins")
    for user in ("U1", "U2"):
        assert len([m for m in fake.dms_to(user) if "check-in" in m["text"]]) == 1


def test_permanent_slack_errors_in_a_job_are_given_up_logged_and_the_rest_delivered(world, fake, bot):
    from tests.test_outbox import pairs

    users = pairs(world, 3)
    for error in ("account_inactive", "channel_not_found", "not_in_channel"):
        fake.fail_next("chat.postMessage", error, status=200)
    with capture_logs() as logs:
        result = world.run_job("monthly-checkins")
    assert "3 sent, 3 failed" in result
    failed = logs.records(logger="mentor_bot.outbox.sends", outcome="failed")
    assert sorted(r["error"] for r in failed) == ["account_inactive", "channel_not_found", "not_in_channel"]
    assert {r["recipient"] for r in failed} < set(users) and all(r["id"] == "checkin" for r in failed)
    assert len(logs.records(logger="mentor_bot.slack", method="chat.postMessage")) == 3
    with bot.db.uow() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "failed")).all()
    assert sorted(r.last_error for r in rows) == ["account_inactive", "channel_not_found", "not_in_channel"]


def test_a_retried_event_has_no_second_effect(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    before = len(fake.calls_to("views.publish"))
    fake.set_latency("views.publish", 0.5)  # Slack retries while the first delivery is still being handled
    first = slack.event({"type": "app_home_opened", "user": "U1", "tab": "home", "channel": fake.dm_channel("U1")},
                        event_id="Ev0RETRY1")
    retries = [slack.event({"type": "app_home_opened", "user": "U1", "tab": "home", "channel": fake.dm_channel("U1")},
                           event_id="Ev0RETRY1", retry_num=n, retry_reason="http_timeout") for n in (1, 2, 3)]
    world.idle()
    assert first.status == 200 and all(r.status == 200 for r in retries)
    assert len(fake.calls_to("views.publish")) == before + 1


# -- a second app, with its own settings or database ------------------------------------------------------

class Other:
    """A second app on its own port: its driver, URL, database and listener pool."""

    def __init__(self, driver: SlackDriver, url: str, db: Database, executor: CountingExecutor):
        self.driver, self.url, self.db, self.executor = driver, url, db, executor


@contextmanager
def another_app(bot, fake, database_url: str, *, client_timeout: float | None = None):
    settings = bot.settings.model_copy(update={"database_url": database_url})
    db = Database(database_url)
    executor = CountingExecutor()
    app = build_app(settings, db, executor=executor)
    if client_timeout is not None:
        app.client.timeout = client_timeout
    server = Server(make_wsgi(app, db), host="127.0.0.1", port=0, threads=4)
    server.start_background()
    try:
        url = f"http://127.0.0.1:{server.port}"
        yield Other(SlackDriver(url, signing_secret=SECRET, fake=fake, team_id=TEAM), url, db, executor)
    finally:
        server.stop()
        executor.shutdown(wait=True)
        db.dispose()


def test_a_slack_timeout_is_logged_and_the_person_told(slack, fake, bot):
    fake.add_user("U1", "Ada")
    fake.set_latency("views.open", 1.5)
    with another_app(bot, fake, bot.settings.database_url, client_timeout=0.5) as other, capture_logs() as logs:
        response = other.driver.command("U1", "join")
        other.executor.wait_idle()
    assert response.status == 200
    fake.wait_for(lambda: SORRY in answers(fake, "U1"))
    [failed] = logs.records(logger="mentor_bot.slack", method="views.open")
    assert failed["error"] == "timeout" and failed["user"] == "U1" and failed["id"] == "/mentor join"
    assert logs.records(logger="mentor_bot.requests", outcome="slack_unreachable")


def health(url: str) -> int:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def database_up(url: str) -> float:
    with urllib.request.urlopen(url + "/metrics", timeout=10) as resp:
        line = next(x for x in resp.read().decode().splitlines() if x.startswith("mentor_bot_database_up "))
    return float(line.split()[1])


@contextmanager
def outage(database_url: str, db: Database):
    """The database stops taking connections and drops the open ones (PostgreSQL), or its file cannot be
    opened any more (SQLite: the app's open connections are closed, as a lost volume would break them)."""
    if database_url.startswith("postgres"):
        url = make_url(database_url)
        admin = create_engine(url.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT")
        name = url.database
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
            try:
                yield
            finally:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    else:
        path = make_url(database_url).database
        os.rename(path, path + ".away")
        os.mkdir(path)  # a directory where the file was: nothing can open it
        db.engine.dispose()
        try:
            yield
        finally:
            os.rmdir(path)
            os.rename(path + ".away", path)


def test_a_database_outage_gets_an_apology_then_the_bot_recovers_by_itself(slack, fake, bot, tmp_path):
    url = bot.settings.database_url
    if url.startswith("sqlite"):  # a database of its own, so the session's app keeps its file
        url = f"sqlite:///{tmp_path / 'outage.sqlite3'}"
        migrate.upgrade(url)
    fake.add_user("U1", "Ada")
    fake.add_user("U2", "Bea")
    with another_app(bot, fake, url) as other:
        driver, app_url, executor = other.driver, other.url, other.executor
        assert driver.command("U1", "help").status == 200 and health(app_url) == 200
        driver.command("U2", "join")  # Bea opens the form before the outage and submits it during it
        executor.wait_idle()
        form = fake.open_modal("U2")
        with outage(url, other.db), capture_logs() as logs:
            assert health(app_url) == 503 and database_up(app_url) == 0
            started = time.monotonic()
            response = driver.command("U1", "help")
            assert response.status == 200 and time.monotonic() - started < 3
            executor.wait_idle()
            fake.wait_for(lambda: DB_DOWN in answers(fake, "U1"))
            joined = driver.command("U1", "join")  # a form: not opened, and the person is told
            executor.wait_idle()
            assert joined.status == 200 and fake.open_modal("U1") is None
            fake.wait_for(lambda: answers(fake, "U1").count(DB_DOWN) == 2)
            submitted = driver.submit("U2", form, {"offers": "Go", "wants": "Python", "goals": ["Knowledge gaps"],
                                                   "department": "Sales", "level": "Level 2"})
            assert submitted.status == 200 and not submitted.view_errors
            assert DB_DOWN in json.dumps(fake.open_modal("U2")["blocks"])  # the form itself says so
            home = {"type": "app_home_opened", "user": "U1", "tab": "home", "channel": fake.dm_channel("U1")}
            event = driver.event(home, event_id="Ev0OUTAGE")
            assert event.status >= 500  # not taken: Slack delivers it again later
        assert [r["outcome"] for r in logs.records(logger="mentor_bot.requests")] == ["db_unavailable"] * 3
        assert "Traceback" not in logs.text
        # The database is back: nothing to restart
        assert health(app_url) == 200 and database_up(app_url) == 1
        back = driver.command("U1", "help")
        assert back.status == 200 and "Grow Together" in json.dumps(back.json)
        driver.command("U1", "join")
        executor.wait_idle()
        assert fake.open_modal("U1")["callback_id"] == "profile_submit"
        assert driver.event(home, event_id="Ev0OUTAGE", retry_num=1, retry_reason="http_error").status == 200
        executor.wait_idle()
        assert fake.home("U1") is not None  # the retried event did what the first could not


def test_a_database_that_does_not_answer_at_all_still_gets_an_apology_in_time(slack, fake, bot, request):
    """A PostgreSQL host that accepts connections and then says nothing (a hung server, dropped packets)."""
    import socket
    import threading

    if "postgresql" in request.node.callspec.id:
        pytest.skip("needs no database: run once")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    held, stop = [], threading.Event()

    def accept():
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(silent.accept()[0])
            except OSError:
                pass

    threading.Thread(target=accept, daemon=True).start()
    fake.add_user("U1", "Ada")
    try:
        with another_app(bot, fake, f"postgresql://nobody@127.0.0.1:{silent.getsockname()[1]}/none") as other:
            started = time.monotonic()
            assert health(other.url) == 503 and time.monotonic() - started < 3
            response = other.driver.command("U1", "help")
            assert response.status == 200 and response.elapsed < 3
            other.executor.wait_idle()
            fake.wait_for(lambda: DB_DOWN in answers(fake, "U1"))
    finally:
        stop.set()
        for conn in held:
            conn.close()
        silent.close()
