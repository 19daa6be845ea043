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
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "500k": 500_000}
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


def bytecode_env() -> dict[str, str]:
    """The servers run from compiled bytecode, as an installed package does (pip compiles it on install): kept under
    BENCH_DIR, written by a first start that is not measured (`warm_bytecode`). A checkout run with
    PYTHONDONTWRITEBYTECODE=1 and no bytecode instead compiles 1.3 MB of sources at every start (about 0.5 s of
    CPU); BENCH_BYTECODE=0 measures that."""
    if os.environ.get("BENCH_BYTECODE", "1") == "0":
        return {}
    return {"PYTHONPYCACHEPREFIX": str(Path(os.environ.get("BENCH_DIR", "/tmp/mentor-bench")) / "pycache")}


def warm_bytecode() -> None:
    """Compile what a server imports once, before any start is timed."""
    env = bytecode_env()
    if env:
        env = {k: v for k, v in dict(os.environ, **env).items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run([sys.executable, "-c", "import benchmarks.serve, app.bolt, app.web, app.cli, jobs.scheduler, bot.migrate"],
                       cwd=ROOT, env=env, check=True)


class AppProcess:
    """`benchmarks.serve` in a child process (with `workers` forked processes, or the bare Bolt floor): the
    serving processes whose time and memory we measure."""

    def __init__(self, url: str, api_url: str, *, workers: int = 1, bare: bool = False, admins: str = ""):
        env = dict(os.environ, PROGRAM_ADMINS=admins, **bytecode_env())
        if env.get("PYTHONDONTWRITEBYTECODE") and "PYTHONPYCACHEPREFIX" in env:
            del env["PYTHONDONTWRITEBYTECODE"]
        self.started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks.serve", url, api_url, SECRET, TOKEN,
                                      "--workers", str(workers)] + (["--bare"] if bare else []),
                                     cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, env=env)
        self.port = int(self.proc.stdout.readline())
        self.url = f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """The serving processes: the workers (when forked), else the process itself."""
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            children = []
        return [int(c) for c in children] or [self.proc.pid]

    @staticmethod
    def _status(pid: int, field_: str) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field_ + ":"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def peak_rss_mb(self) -> float:
        """The largest peak RSS of one serving process (a worker, or the single process)."""
        return max(self._status(pid, "VmHWM") for pid in self.pids())

    def rss_mb(self) -> float:
        return max(self._status(pid, "VmRSS") for pid in self.pids())

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


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


def wait_ready(driver: SlackDriver, user: str, started: float, limit: float = 300) -> float:
    """Seconds from the process's start until find answers with suggestions."""
    while True:
        try:
            if "Peers who suit you" in driver.command(user, "find").text:
                return time.monotonic() - started
        except OSError:
            pass
        assert time.monotonic() < started + limit, "find never answered in time"
        time.sleep(0.05)


def bench_commands(row: Row, bare: SlackDriver, driver: SlackDriver, users: list[str], samples: int, tag: str = "") -> None:
    """1. find and help against the floor (the bare Bolt app acking `/mentor`), interleaved one at a time."""
    warm = users[:20]
    _timed_commands(bare, warm, "help")
    _timed_commands(driver, warm, "help")
    _timed_commands(driver, warm, "find")
    floor, noop, find = [], [], []
    for i in range(samples):  # interleaved, so all three see the same machine
        user = users[i % len(users)]
        floor += _timed_commands(bare, [user], "help")
        noop += _timed_commands(driver, [user], "help")
        resp = driver.command(user, "find")
        assert resp.status == 200 and "Peers who suit you" in resp.text, resp.text[:300]
        find.append(resp.elapsed)
    p99 = percentile(floor, 99)
    row.figures[f"find p99 / bare p99{tag}"] = f"**{percentile(find, 99) / p99:.2f}x**"
    row.figures[f"help p99 / bare p99{tag}"] = f"{percentile(noop, 99) / p99:.2f}x"
    row.figures[f"bare / help / find p50 ms{tag}"] = (f"{_ms(percentile(floor, 50))} / {_ms(percentile(noop, 50))} / "
                                                      f"{_ms(percentile(find, 50))}")
    row.figures[f"bare / help / find p99 ms{tag}"] = (f"{_ms(p99)} / {_ms(percentile(noop, 99))} / "
                                                      f"{_ms(percentile(find, 99))}")


def burst(driver: SlackDriver, users: list[str], r: int, clients: int = 50, *,
          texts=("find", "help"), bare: bool = False) -> tuple[float, list[float]]:
    """`clients` commands at once (find and help alternating): (seconds from the start to the last answer, each
    command's latency; a failure counts as too late)."""
    times: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    done = []

    def one(i: int) -> None:
        user = users[(r * clients + i) % len(users)]
        barrier.wait()
        resp = driver.command(user, texts[i % len(texts)])
        ok = resp.status == 200 and (texts[i % len(texts)] != "find" or bare or "Peers who suit you" in resp.text)
        with lock:
            times.append(resp.elapsed if ok else float("inf"))
            done.append(time.monotonic())

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.monotonic()
    for t in threads:
        t.join()
    return max(done) - began, times


def bench_bursts(row: Row, bare: SlackDriver, driver: SlackDriver, users: list[str], rounds: int, tag: str = "",
                 clients: int = 50) -> None:
    """2. bursts of 50 commands at once, the floor's and mentor-bot's alternating: p99 and commands a second."""
    spans = {"bare": 0.0, "bot": 0.0}
    lat: dict[str, list[float]] = {"bare": [], "bot": []}
    burst(bare, users, 0, clients, bare=True)  # warm both
    burst(driver, users, 0, clients)
    for r in range(rounds):
        for who, d in (("bare", bare), ("bot", driver)):
            span, times = burst(d, users, r + 1, clients, bare=who == "bare")
            spans[who] += span
            lat[who] += times
    rate = {who: rounds * clients / spans[who] for who in spans}
    row.figures[f"burst rate / bare rate{tag}"] = f"**{rate['bot'] / rate['bare']:.2f}**"
    row.figures[f"commands/s in bursts: bot / bare{tag}"] = f"{rate['bot']:.0f} / {rate['bare']:.0f}"
    row.figures[f"burst p99 ms: bot / bare{tag}"] = f"{_ms(percentile(lat['bot'], 99))} / {_ms(percentile(lat['bare'], 99))}"


def bench_stats(row: Row, driver: SlackDriver, admin: str) -> None:
    """6. `/mentor stats` (an admin, the last 30 days, a year of data): how long until Slack has the answer."""
    times = []
    for _ in range(7):
        resp = driver.command(admin, "stats")
        assert resp.status == 200, resp.text[:300]
        times.append(resp.elapsed)
    row.figures["stats ack ms (median / max)"] = f"{_ms(sorted(times)[3])} / {_ms(max(times))}"


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


def prepare(backend: str, size: str, log, reuse: bool) -> tuple[str, Database, Org]:
    url = database_url(backend, f"bench-{size}", reuse=reuse)
    org = existing_org(Database(url), SIZES[size]) if reuse else None
    if org is not None:
        migrate.upgrade(url)
        db = Database(url)
        with db.engine.begin() as conn:  # the first start builds find's index, as on a fresh org
            conn.execute(text("DELETE FROM find_snapshots"))
        log(f"  reusing the {size} org left in {url}")
    else:
        db = fresh_database(url)
        started = time.perf_counter()
        org = generate(db.engine, SIZES[size])
        log(f"  generated {size} on {backend} in {time.perf_counter() - started:.1f} s: {org.rows}")
    analyze(db)
    return url, db, org


def bench_size(backend: str, size: str, *, samples: int, rounds: int, log, reuse: bool = False,
               workers: tuple[int, ...] = (1, 2)) -> Row:
    """Everything at one size: per worker count, the floor and mentor-bot side by side (one at a time, bursts),
    then how soon find is ready, `/mentor stats`, the digest and memory."""
    row = Row(backend, size)
    url, db, org = prepare(backend, size, log, reuse)
    admin = org.user_ids[-1]
    fake = FakeSlack(bot_token=TOKEN, team_id=TEAM, bot_user_id="UBOT").start()
    warm_bytecode()
    try:
        users = org.user_ids[:: max(1, len(org.user_ids) // 400)]
        for n in workers:
            tag = f" ({n}w)"
            floor = AppProcess(url, fake.api_url, workers=n, bare=True)
            app = AppProcess(url, fake.api_url, workers=n, admins=admin)
            try:
                bare = SlackDriver(floor.url, signing_secret=SECRET, fake=fake, team_id=TEAM, timeout=30)
                driver = SlackDriver(app.url, signing_secret=SECRET, fake=fake, team_id=TEAM, timeout=30)
                row.figures[f"find ready s{tag}"] = f"{wait_ready(driver, users[0], app.started):.2f}"
                bench_commands(row, bare, driver, users, samples, tag)
                log(f"  {n} worker(s), one at a time: {row.figures}")
                bench_bursts(row, bare, driver, users, rounds, tag)
                log(f"  {n} worker(s), bursts: {row.figures}")
                row.figures[f"peak RSS MB per worker: bot / bare{tag}"] = f"{app.peak_rss_mb():.0f} / {floor.peak_rss_mb():.0f}"
                if n == workers[-1]:
                    bench_stats(row, driver, admin)
                    row.figures["peak RSS MB after /mentor stats"] = f"{app.peak_rss_mb():.0f}"
            finally:
                app.stop()
                floor.stop()
        settings = Settings(slack_bot_token=TOKEN, slack_signing_secret=SECRET, database_url=url, _env_file=None)
        bench_digest(row, db, settings)
        log(f"  all: {row.figures}")
    finally:
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
    for kind in ("size", "flood", "fan-out", "pairing"):
        chosen = [r for r in rows
                  if (r.size.split()[0] if r.size.split()[0] in ("flood", "fan-out", "pairing") else "size") == kind]
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

