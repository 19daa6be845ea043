"""Delivery that never sends twice and never drops one: rate limits, Slack errors, a process killed
mid-send, two senders at once on PostgreSQL, and the scheduler's leader and catch-up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from jobs import JOBS
from jobs.scheduler import Leader, Scheduler
from models import JobRun, OutboxMessage
from tests.conftest import SECRET, TOKEN

ROOT = Path(__file__).resolve().parent.parent


def pairs(world, n: int) -> list[str]:
    users = []
    for i in range(n):
        a, b = f"UA{i:03d}", f"UB{i:03d}"
        world.join(a, f"Ann {i}", offers=[f"Skill a{i}"], wants=[f"Skill b{i}"])
        world.join(b, f"Bob {i}", offers=[f"Skill b{i}"], wants=[f"Skill a{i}"])
        world.pair(a, b)
        users += [a, b]
    return users


def checkins_to(fake, user: str) -> list[dict]:
    return [m for m in fake.dms_to(user) if "check-in" in m["text"]]


def assert_exactly_one_each(fake, users: list[str]) -> None:
    counts = {u: len(checkins_to(fake, u)) for u in users}
    assert set(counts.values()) == {1}, counts


def outbox_states(bot, kind: str = "checkin") -> dict[str, int]:
    with bot.db.uow() as session:
        rows = session.scalars(select(OutboxMessage.status).where(OutboxMessage.kind == kind)).all()
    return {s: rows.count(s) for s in set(rows)}


def test_rate_limits_are_waited_out_and_nothing_is_lost(world, slack, fake, bot):
    users = pairs(world, 6)
    fake.set_rate_limit("chat.postMessage", per_minute=4, retry_after=1, window=1.0)
    since = time.time()
    result = world.run_job("monthly-checkins")
    assert "12 sent, 0 failed, 0 waiting" in result and "rate-limited" in result
    assert_exactly_one_each(fake, users)
    assert any(c.status == 429 for c in fake.calls_to("chat.postMessage"))
    # Slack's limit held: never more than 4 posts in any second
    stamps = [c.at for c in fake.calls_to("chat.postMessage", ok=True) if c.at >= since]
    gaps = [later - earlier for earlier, later in zip(stamps, stamps[4:])]
    assert all(gap >= 0.95 for gap in gaps), gaps


def test_slack_errors_retry_give_up_or_stop(world, slack, fake, bot, caplog):
    # The month's check-in goes out on the 5th: its reminders (3 days later) fall in the same month on any day.
    with time_machine.travel(datetime(2026, 11, 5, 10, tzinfo=UTC), tick=True):
        users = pairs(world, 3)
        fake.deactivate_user("UB002")  # a permanent error: logged, given up, the others still go
        fake.fail_next("chat.postMessage", "internal_error", status=500)  # a 5xx: retried, delivered once
        result = world.run_job("monthly-checkins")
        assert "5 sent, 1 failed, 0 waiting" in result
        assert_exactly_one_each(fake, [u for u in users if u != "UB002"])
        assert "gave up on checkin:" in caplog.text and "user_disabled" in caplog.text
        assert outbox_states(bot) == {"sent": 5, "failed": 1}

        # A revoked token stops sending and keeps everything for later
        fake.revoke_token()
        with time_machine.travel(datetime.now(UTC) + timedelta(days=3, hours=1), tick=True):
            result = world.run_job("checkin-reminders")
            assert "stopped: token_revoked" in result and "6 waiting" in result
            fake.restore_token()
            with bot.db.uow() as session:  # the operator fixed the token; the next drain sends the lot
                for row in session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")):
                    row.next_attempt_at = datetime.now(UTC)
            assert "5 sent" in world.run_job("checkin-reminders")
        assert all(len(checkins_to(fake, u)) == 2 for u in users if u != "UB002")


def _job_process(bot, fake, name: str, **env: str) -> subprocess.Popen:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PROGRAM_", "OUTBOX_"))}
    full.update(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.api_url,
                DATABASE_URL=bot.settings.database_url, PROGRAM_NAME="Grow Together", **env)
    return subprocess.Popen([sys.executable, "-m", "app", "jobs", "run", name], env=full, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.real_clock
def test_a_sender_killed_mid_send_is_finished_by_the_next_run(world, slack, fake, bot):
    users = pairs(world, 3)
    # The third DM reaches Slack, but its answer never reaches the sender: it is killed waiting.
    before = len(fake.calls_to("chat.postMessage"))
    release = fake.hang_after("chat.postMessage", 2, seconds=30)
    first = _job_process(bot, fake, "monthly-checkins", OUTBOX_LEASE_SECONDS="1")
    try:
        fake.wait_for(lambda: len(fake.calls_to("chat.postMessage")) >= before + 3, timeout=30)
        time.sleep(0.2)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        release.set()
    assert sum(len(checkins_to(fake, u)) for u in users) == 3, fake.calls_to("chat.postMessage")
    states = outbox_states(bot)  # 2 sent; the one in flight and the rest of its batch are in doubt
    assert states["sent"] == 2 and states["sending"] >= 1 and states["sending"] + states.get("pending", 0) == 4
    with bot.db.uow() as session:
        assert session.scalars(select(JobRun.finished_at).where(JobRun.job == "monthly-checkins")).one() is None

    time.sleep(1.2)  # the dead sender's lease ends
    second = _job_process(bot, fake, "monthly-checkins", OUTBOX_LEASE_SECONDS="1")
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert "6 sent" not in out and "found already delivered" in out, out
    assert_exactly_one_each(fake, users)
    assert outbox_states(bot) == {"sent": 6}


@pytest.mark.skipif("postgresql" not in os.environ.get("TEST_DATABASE_URL", ""), reason="needs PostgreSQL")
@pytest.mark.real_clock
def test_two_senders_at_once_on_postgresql_send_each_dm_once(world, slack, fake, bot):
    if not bot.settings.database_url.startswith("postgres"):
        pytest.skip("this run's database is SQLite")
    users = pairs(world, 10)
    fake.set_latency("chat.postMessage", 0.05)  # keep both senders busy at the same time
    procs = [_job_process(bot, fake, "monthly-checkins") for _ in range(2)]
    outputs = [p.communicate(timeout=90) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert_exactly_one_each(fake, users)
    sent_by = [int(out.split(" sent")[0].rsplit(" ", 1)[-1]) for out, _ in outputs]
    assert sum(sent_by) == 20


def test_one_scheduler_leads_and_missed_fires_are_caught_up(world, slack, fake, bot):
    one, two = Leader(bot.db), Leader(bot.db)
    try:
        assert one.held()
        if bot.db.url.startswith("postgresql"):
            assert not two.held()  # the other replica stands by
            one.release()
            assert two.held()  # ...and takes over when the leader goes away
    finally:
        one.release()
        two.release()

    settings = bot.settings.model_copy(update={"cron_monthly_checkins": "0 10 1 * *"})
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC), tick=True):
        users = pairs(world, 2)  # the world is built inside the clock the test then moves
        scheduler = Scheduler(settings, bot.db)
        scheduler.catch_up()  # first start: the past is not replayed
        assert not any(checkins_to(fake, u) for u in users)
    # The process was down over the 1st of December at 10:00; it starts again on the 2nd.
    with time_machine.travel(datetime(2026, 12, 2, 8, tzinfo=UTC), tick=True):
        ran = Scheduler(settings, bot.db).catch_up()
        assert "monthly-checkins" in ran
        assert Scheduler(settings, bot.db).catch_up() == []  # done: not again
        world.idle()
    assert_exactly_one_each(fake, users)
    with bot.db.uow() as session:
        fires = session.scalars(select(JobRun.trigger).where(JobRun.job == "monthly-checkins")).all()
    assert sorted(fires) == ["baseline", "catch-up"]


@pytest.mark.allow_rejections
def test_news_from_an_action_survives_a_slack_failure(world, slack, fake, bot):
    """Bea accepts while Slack is failing: Ada's news and the pair's kickoff wait in the outbox and arrive
    once each, when Slack is back."""
    from bot.delivery import drain

    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.ask("U1", "U2")
    fake.fail_next("chat.postMessage", "service_unavailable", status=503, times=50)
    slack.click("U2", world.request_message("U2"), "Accept")
    world.idle()
    assert world.partnership("U1", "U2").status == "active"
    assert not [m for m in fake.dms_to("U1") if "accepted your request" in m["text"]]
    fake.clear_failures()  # Slack is back
    drain(bot.settings, bot.db, max_seconds=20)  # what the scheduler does every 10 seconds (it waits out backoffs)
    assert len([m for m in fake.dms_to("U1") if "accepted your request" in m["text"]]) == 1
    assert len(fake.messages(fake.group_dm("U1", "U2"))) == 1


def test_the_scheduler_fires_jobs_on_their_cron_in_the_program_timezone(world, bot):
    settings = bot.settings.model_copy(update={"program_timezone": "Asia/Tokyo", "cron_weekly_digest": "30 9 * * 1"})
    scheduler = Scheduler(settings, bot.db)
    scheduler.start()
    try:
        world.slack.fake.wait_for(lambda: _ledger(bot) == len(JOBS), timeout=10)  # leader at start: a baseline per job
        jobs = {job.id: job for job in scheduler.aps.get_jobs()}
        assert set(jobs) >= {"monthly-checkins", "checkin-reminders", "meeting-nudges", "request-expiry",
                             "success-stories", "weekly-digest", "outbox"}
        digest = jobs["weekly-digest"].next_run_time
        assert (digest.tzname(), digest.weekday(), digest.hour, digest.minute) == ("JST", 0, 9, 30)
    finally:
        scheduler.shutdown()


def _ledger(bot) -> int:
    with bot.db.uow() as session:
        return len(session.scalars(select(JobRun.id).where(JobRun.trigger == "baseline")).all())
