"""Two `serve` replicas on one PostgreSQL database, behind a load balancer that sends each request anywhere:
double clicks land on both, Slack's event retries land on the other one, and both run the jobs at once.
Nothing may happen twice: no duplicate row, DM or digest."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobs import JOBS
from models import CheckIn, JobRun, OutboxMessage, Partnership
from tests.conftest import SECRET, TEAM, TOKEN
from tests.fakeslack import SlackDriver
from tests.world import World

ROOT = Path(__file__).resolve().parent.parent
DIGEST_CHANNEL = "CDIGEST01"

pytestmark = [pytest.mark.skipif("postgresql" not in os.environ.get("TEST_DATABASE_URL", ""), reason="needs PostgreSQL"),
              pytest.mark.real_clock]  # the replicas are other processes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(bot, fake, **extra: str) -> dict:
    return {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": bot.settings.database_url, "PROGRAM_NAME": "Grow Together", "DIGEST_CHANNEL": DIGEST_CHANNEL,
            "LOG_LEVEL": "WARNING", **extra}


class Replica:
    def __init__(self, bot, fake, tmp_path: Path, name: str):
        self.port = _free_port()
        self.log = open(tmp_path / f"{name}.log", "w+")
        self.proc = subprocess.Popen([sys.executable, "-m", "app", "serve", "--host", "127.0.0.1"],
                                     env=_env(bot, fake, PORT=str(self.port)), cwd=ROOT, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            assert self.proc.poll() is None, self.output()
            assert time.monotonic() < deadline, "replica did not come up"
            time.sleep(0.2)

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> str:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        out = self.output()
        self.log.close()
        return out


class LoadBalancer:
    """Plays Slack behind a round-robin load balancer: each request goes to the next replica."""

    def __init__(self, drivers: list[SlackDriver]):
        self.drivers = drivers
        self._next = itertools.cycle(drivers)
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        with self._lock:
            driver = next(self._next)
        return getattr(driver, name)


class ReplicaWorld(World):
    def idle(self) -> None:
        """The replicas work after their ack: wait until the outbox is drained and Slack has been quiet a moment."""
        deadline = time.monotonic() + 30
        seen = -1
        while time.monotonic() < deadline:
            with self.bot.db.uow() as session:
                waiting = session.scalar(select(func.count()).select_from(OutboxMessage)
                                         .where(OutboxMessage.status.in_(("pending", "sending"))))
            calls = len(self.fake.calls)
            if not waiting and calls == seen:
                return
            seen = calls
            time.sleep(0.3)
        raise AssertionError("the replicas did not settle")


def _jobs_run(bot, fake, name: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "app", "jobs", "run", name], env=_env(bot, fake), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_replicas_never_double_anything(slack, fake, bot, tmp_path):
    if not bot.settings.database_url.startswith("postgres"):
        pytest.skip("replicas share a PostgreSQL database; this run's database is SQLite")
    fake.add_channel(DIGEST_CHANNEL, "mentoring-managers", bot_member=True)
    replicas = [Replica(bot, fake, tmp_path, name) for name in ("one", "two")]
    outputs: list[str] = []
    try:
        for replica in replicas:
            replica.wait_healthy()
        drivers = [SlackDriver(r.url, signing_secret=SECRET, fake=fake, team_id=TEAM) for r in replicas]
        world = ReplicaWorld(LoadBalancer(drivers), fake, bot)

        # Ten people join: each command opens the form on one replica, the submission lands on the other.
        users = [f"UR{i:02d}" for i in range(10)]
        for i, user in enumerate(users):
            mine, theirs = (f"Skill {i}", f"Skill {i ^ 1}")
            world.join(user, f"Person {i}", offers=[mine], wants=[theirs])
        world.idle()

        # Five asks; each Accept is double-clicked, one click reaching each replica at the same moment.
        for i in range(0, 10, 2):
            a, b = users[i], users[i + 1]
            world.ask(a, b)
            request = world.request_message(b)
            barrier = threading.Barrier(2)
            answers = []

            def click(driver, barrier=barrier, answers=answers, b=b, request=request):
                barrier.wait()
                answers.append(driver.click(b, request, "Accept"))

            threads = [threading.Thread(target=click, args=(d,)) for d in drivers]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert all(r.status == 200 for r in answers)
        world.idle()

        # Slack retries an event: the retry reaches the other replica.
        published_before = len(fake.calls_to("views.publish", ok=True))
        first = drivers[0].app_home_opened(users[0])
        retry = drivers[1].event(first.payload["event"], event_id=first.payload["event_id"], retry_num=1,
                                 retry_reason="http_timeout")
        assert first.status == retry.status == 200
        world.idle()
        publishes = [c for c in fake.calls_to("views.publish", ok=True)[published_before:]]
        assert [c.args.get("user_id") for c in publishes] == [users[0]], "the retried event was handled twice"

        # Both replicas' operators run the month's check-ins and the digest at the same moment.
        procs = [_jobs_run(bot, fake, job) for job in ("monthly-checkins", "weekly-digest") for _ in range(2)]
        results = [p.communicate(timeout=120) for p in procs]
        assert all(p.returncode == 0 for p in procs), results
        world.idle()
    finally:
        outputs = [r.stop() for r in replicas]

    for out in outputs:
        assert "Traceback" not in out, out

    with bot.db.uow() as session:
        partnerships = session.scalars(select(Partnership)).all()
        checkins = session.scalar(select(func.count()).select_from(CheckIn))
        baselines = session.scalars(select(JobRun.job).where(JobRun.trigger == "baseline")).all()
    assert len(partnerships) == 5 and {p.status for p in partnerships} == {"active"}
    assert checkins == 10  # one per person and partnership
    # only the leader wrote the scheduler's first-start baseline (one row per job, not one per replica)
    assert sorted(Counter(baselines).values()) == [1] * len(JOBS), baselines

    # What people saw in Slack: one of each.
    for user in users:
        dms = [m["text"] for m in fake.dms_to(user)]
        assert sum("check-in" in t for t in dms) == 1, dms
    asks = [c for c in fake.calls_to("chat.postMessage", ok=True)
            if "would like to be your peer partner" in str(c.args.get("text"))]
    assert len(asks) == 5, [c.args.get("text") for c in asks]
    kickoffs = Counter(c.args.get("channel") for c in fake.calls_to("chat.postMessage", ok=True)
                       if "Welcome to your peer partnership" in str(c.args.get("text")))
    assert len(kickoffs) == 5 and set(kickoffs.values()) == {1}, kickoffs
    digests = [c for c in fake.calls_to("chat.postMessage", ok=True) if c.args.get("channel") == DIGEST_CHANNEL]
    assert len(digests) == 1, [c.args.get("text") for c in digests]
