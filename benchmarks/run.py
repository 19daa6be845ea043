"""The benchmark runner: a fresh database per (backend, size), the synthetic org, the real app in its own
process over HTTP, the strict fake Slack, and a table of figures. See benchmarks/README (in the main README)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from benchmarks.generate import TEAM, Org, generate
from bot import migrate
from bot.db import Database
from bot.settings import Settings
from models import Person
from tests.conftest import _empty_schema
from tests.fakeslack import FakeSlack, SlackDriver

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
ROOT = Path(__file__).resolve().parent.parent
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
FANOUT_LIMIT = 600  # chat.postMessage per minute, workspace-wide, in the fake


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def database_url(backend: str, name: str, *, reuse: bool = False) -> str:
    if backend == "sqlite":
        path = Path(os.environ.get("BENCH_DIR", "/tmp/mentor-bench")) / f"{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            if not reuse:
                Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    return os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")


def existing_org(db: Database, people: int) -> Org | None:
    """The org a previous run left (`--reuse`, for development), if it has this size."""
    try:
        with db.uow() as session:
            users = list(session.scalars(select(Person.slack_user_id).where(Person.team_id == TEAM,
                                                                            Person.status == "active")
                                         .order_by(Person.id)))
            total = session.scalar(select(func.count()).select_from(Person).where(Person.team_id == TEAM))
    except Exception:
        return None
    return Org(TEAM, people, users) if total == people else None


def fresh_database(url: str) -> Database:
    """An empty database at the newest schema (PostgreSQL: the schema dropped, as the tests do)."""
    _empty_schema(url)
    migrate.upgrade(url)
    return Database(url)


def analyze(db: Database) -> None:
    """What a live database has from autovacuum: planner statistics (and, on PostgreSQL, a visibility map
    for index-only scans)."""
    if db.url.startswith("postgresql"):
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        return
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))


class AppProcess:
    """`benchmarks.serve` in a child process: the serving process whose time and memory we measure."""

    def __init__(self, url: str, api_url: str):
        self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks.serve", url, api_url, SECRET, TOKEN],
                                     cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline())
        self.url = f"http://127.0.0.1:{self.port}"

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@dataclass
class Row:
    backend: str
    size: str
    figures: dict[str, str] = field(default_factory=dict)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _timed_commands(driver: SlackDriver, users: list[str], text_: str) -> list[float]:
    times = []
    for user in users:
        resp = driver.command(user, text_)
        assert resp.status == 200, resp.text
        times.append(resp.elapsed)
    return times


def bench_commands(row: Row, driver: SlackDriver, users: list[str], samples: int) -> None:
    """1. find against the no-op (`/mentor help`: the same HTTP, signature check, routing and one profile read)."""
    warm = users[:20]
    _timed_commands(driver, warm, "help")
    _timed_commands(driver, warm, "find")
    noop, find = [], []
    for i in range(samples):  # interleaved, so both see the same machine
        user = users[i % len(users)]
        noop += _timed_commands(driver, [user], "help")
        resp = driver.command(user, "find")
        assert resp.status == 200 and "Peers who suit you" in resp.text, resp.text[:300]
        find.append(resp.elapsed)
    row.figures["no-op p50/p99 ms"] = f"{_ms(percentile(noop, 50))} / {_ms(percentile(noop, 99))}"
    row.figures["find p50/p99 ms"] = f"{_ms(percentile(find, 50))} / {_ms(percentile(find, 99))}"
    ratio = percentile(find, 99) / percentile(noop, 99)
    row.figures["find/no-op p99"] = f"{ratio:.2f}x"


def bench_concurrent_acks(row: Row, driver: SlackDriver, users: list[str], rounds: int, clients: int = 50) -> None:
    """2. 50 slash commands at once (find and help alternating), `rounds` times: ack latency p99."""
    times: list[float] = []
    lock = threading.Lock()
    for r in range(rounds):
        barrier = threading.Barrier(clients)

        def one(i: int, r: int = r, barrier: threading.Barrier = barrier) -> None:
            user = users[(r * clients + i) % len(users)]
            barrier.wait()
            resp = driver.command(user, "find" if i % 2 == 0 else "help")
            with lock:
                times.append(resp.elapsed if resp.status == 200 else float("inf"))  # a failure counts as too late

        threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    row.figures[f"ack p99 ms ({clients} at once)"] = f"{_ms(percentile(times, 99))}"


def bench_digest(row: Row, db: Database, settings: Settings) -> None:
    """4. the weekly digest's figures (bot.services.digest.compute) over the whole year of data."""
    from bot.services import digest

    week = digest.report_week(datetime.now(UTC), ZoneInfo(settings.program_timezone))
    times = []
    for _ in range(5):
        with db.uow() as session:
            started = time.perf_counter()
            result = digest.compute(session, TEAM, week, k=settings.anonymity_min_group)
            times.append(time.perf_counter() - started)
    assert result.this.people > 0
    row.figures["digest ms (first / median)"] = f"{_ms(times[0])} / {_ms(sorted(times)[2])}"


def bench_size(backend: str, size: str, *, samples: int, rounds: int, log, reuse: bool = False) -> Row:
    row = Row(backend, size)
    url = database_url(backend, f"bench-{size}", reuse=reuse)
    org = existing_org(Database(url), SIZES[size]) if reuse else None
    if org is not None:
        migrate.upgrade(url)
        db = Database(url)
        log(f"  reusing the {size} org left in {url}")
    else:
        db = fresh_database(url)
        started = time.perf_counter()
        org = generate(db.engine, SIZES[size])
        log(f"  generated {size} on {backend} in {time.perf_counter() - started:.1f} s: {org.rows}")
    analyze(db)
    fake = FakeSlack(bot_token=TOKEN, team_id=TEAM, bot_user_id="UBOT").start()
    app = AppProcess(url, fake.api_url)
    try:
        driver = SlackDriver(app.url, signing_secret=SECRET, fake=fake, team_id=TEAM, timeout=30)
        users = org.user_ids[:: max(1, len(org.user_ids) // 400)]
        ready = time.monotonic()
        while "Peers who suit you" not in driver.command(users[0], "find").text:  # the index builds as the app starts
            assert time.monotonic() < ready + 120, "find never answered in time"
            time.sleep(0.2)
        log(f"  find ready {time.monotonic() - ready:.1f} s after start")
        bench_commands(row, driver, users, samples)
        log(f"  commands: {row.figures}")
        bench_concurrent_acks(row, driver, users, rounds)
        settings = Settings(slack_bot_token=TOKEN, slack_signing_secret=SECRET, database_url=url, _env_file=None)
        bench_digest(row, db, settings)
        row.figures["server peak RSS MB"] = f"{app.peak_rss_mb():.0f}"
        log(f"  all: {row.figures}")
    finally:
        app.stop()
        fake.stop()
        db.dispose()
    return row


# -- 3. the monthly check-in fan-out --------------------------------------------------------------
def bench_fanout(backend: str, people: int, log) -> Row:
    """Everyone in one active partnership; the monthly-checkins job asks all of them; the fake Slack allows
    FANOUT_LIMIT chat.postMessage a minute (workspace-wide, 429 + Retry-After beyond)."""
    from jobs.scheduler import run_job
    from models import OutboxMessage

    row = Row(backend, f"fan-out {people:,}")
    url = database_url(backend, f"fanout-{people}")
    db = fresh_database(url)
    generate(db.engine, people, pairs_only=True, seed=11)
    analyze(db)
    fake = FakeSlack(bot_token=TOKEN, team_id=TEAM, bot_user_id="UBOT").start()
    for n in range(people):
        fake.add_user(f"U{n:09d}", f"Person {n:06d}")
    fake.set_rate_limit("chat.postMessage", FANOUT_LIMIT, retry_after=None)
    settings = Settings(slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.api_url,
                        database_url=url, program_name="Grow Together", _env_file=None)
    try:
        started = time.monotonic()
        log(f"  fan-out to {people:,} people at {FANOUT_LIMIT}/min on {backend}: "
            f"about {people / FANOUT_LIMIT:.0f} min")
        result = run_job(settings, db, "monthly-checkins")
        from bot.delivery import drain

        while True:
            report = drain(settings, db, max_seconds=900)
            if report.waiting == 0 or report.stopped:
                break
        elapsed = time.monotonic() - started
        posts = fake.calls_to("chat.postMessage", ok=True)
        limited = [c for c in fake.calls_to("chat.postMessage", ok=False) if c.error == "ratelimited"]
        per_user = {}
        for n in range(people):
            per_user[n] = len(fake.dms_to(f"U{n:09d}"))
        duplicates = sum(1 for v in per_user.values() if v > 1)
        lost = sum(1 for v in per_user.values() if v == 0)
        with db.uow() as session:
            unsent = session.scalar(select(func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.status != "sent")) or 0
        rate = len(posts) / (elapsed / 60)
        row.figures.update({
            "messages": f"{len(posts):,}", "minutes": f"{elapsed / 60:.1f}",
            "rate /min (share of limit)": f"{rate:.0f} ({rate / FANOUT_LIMIT:.0%})",
            "429 answers": str(len(limited)), "conversations.open": str(len(fake.calls_to("conversations.open"))),
            "duplicates": str(duplicates), "lost": str(lost + unsent),
        })
        log(f"  job: {result}")
        log(f"  fan-out: {row.figures}")
    finally:
        fake.stop()
        db.dispose()
    return row


def table(rows: list[Row]) -> str:
    """A Markdown table per kind of row (sizes, fan-out)."""
    out = []
    for kind in ("size", "fan-out", "pairing"):
        chosen = [r for r in rows if (r.size.split()[0] if r.size.split()[0] in ("fan-out", "pairing") else "size") == kind]
        if not chosen:
            continue
        columns = list(dict.fromkeys(k for r in chosen for k in r.figures))
        out.append("| backend | " + ("people" if kind == "size" else "run") + " | " + " | ".join(columns) + " |")
        out.append("|" + " --- |" * (len(columns) + 2))
        for r in chosen:
            out.append(f"| {r.backend} | {r.size} | " + " | ".join(r.figures.get(c, "") for c in columns) + " |")
        out.append("")
    return "\n".join(out)


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

