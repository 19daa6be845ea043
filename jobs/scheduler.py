"""The scheduler: APScheduler 3 fires each job on its cron setting, in PROGRAM_TIMEZONE.

A schedule an admin sets in Slack (`/mentor admin`) overrides CRON_<JOB>: every process re-reads the
schedules at each leadership check (every 15 seconds) and reschedules the jobs that changed, no restart.

Several processes may run a scheduler (every `serve` replica by default). On PostgreSQL only the
holder of an advisory lock fires cron jobs (the leader); the others stand by and take over when its
connection goes away. On SQLite there is one process, which is always the leader.

Every fire is written to the `job_runs` ledger. A leader that starts after a fire time it missed (the
process was down, or was killed mid-run) finds no finished run for that time and runs it then:
jobs are idempotent for their period, so a repeated run sends nothing twice.

Every process also drains the outbox every few seconds: rows are claimed with SKIP LOCKED, so
senders on several replicas share the work without sending anything twice.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select, text

from bot import logs, metrics
from bot.cron import crontab
from bot.db import Database, insert_ignore
from bot.settings import Settings
from jobs import JOBS, JobContext
from models import JobRun
from models.base import utcnow

log = logging.getLogger("mentor_bot.scheduler")

LEADER_LOCK = 0x6D656E746F73  # any fixed number; distinct from the migration lock
OUTBOX_EVERY = 10  # seconds
LEADER_EVERY = 15  # seconds between attempts to become leader


def trigger(settings: Settings, name: str, line: str | None = None) -> CronTrigger:
    """The job's trigger: its crontab line as admins set it (`line`, see `schedules`), else CRON_<JOB>."""
    return crontab(line or settings.cron(name), settings.tz)


def schedules(settings: Settings, db: Database) -> dict[str, str] | None:
    """Every job's effective crontab line: set in Slack with `/mentor admin`, else CRON_<JOB>. None when the
    database can't be read (the caller keeps what it has)."""
    from bot.services import program

    try:
        with db.uow() as session:
            lines = program.effective_schedules(session, settings, JOBS)
    except Exception as exc:
        log.warning("could not read the job schedules from the database (%s)",
                    type(exc).__name__)
        return None
    for name, line in list(lines.items()):
        try:
            crontab(line)
        except ValueError:
            log.error("job %s: stored schedule %r is not a crontab line; using CRON_%s", name, line,
                      name.upper().replace("-", "_"))
            lines[name] = settings.cron(name)
    return lines


def next_run(settings: Settings, name: str, now: datetime | None = None, line: str | None = None) -> datetime | None:
    now = now or utcnow()
    return trigger(settings, name, line).get_next_fire_time(None, now.astimezone(settings.tz))


def last_fire(settings: Settings, name: str, now: datetime | None = None, line: str | None = None) -> datetime | None:
    """The most recent scheduled time at or before now (looking back up to 45 days)."""
    now = (now or utcnow()).astimezone(settings.tz)
    cron = trigger(settings, name, line)
    probe, last = now - timedelta(days=45), None
    while True:
        fire = cron.get_next_fire_time(last, probe)
        if fire is None or fire > now:
            return last
        last, probe = fire, fire + timedelta(seconds=1)


def run_job(settings: Settings, db: Database, name: str, *, fire_time: datetime | None = None,
            how: str = "manual") -> str:
    """Run one job now, recorded in the ledger. A fire time that already finished is not run again."""
    fire_time = fire_time or utcnow()
    with db.uow() as session:
        insert_ignore(session, JobRun, [dict(job=name, fire_time=fire_time, trigger=how, started_at=utcnow())],
                      ["job", "fire_time"])
        run = session.scalars(select(JobRun).where(JobRun.job == name, JobRun.fire_time == fire_time)).one()
        if run.finished_at is not None and how != "manual":
            return f"already ran at {run.finished_at:%Y-%m-%d %H:%M} UTC"
        run.started_at = utcnow()
    started = time.monotonic()
    try:
        result = JOBS[name].run(JobContext(settings, db))
    except Exception as exc:
        metrics.JOB_RUNS.labels(name, "error").inc()
        log.exception("job %s failed", name, extra=logs.fields(kind="job", id=name, trigger=how, outcome="error",
                                                               duration_ms=round((time.monotonic() - started) * 1000, 1)))
        result = f"failed: {type(exc).__name__}: {exc}"
        with db.uow() as session:
            row = session.scalars(select(JobRun).where(JobRun.job == name, JobRun.fire_time == fire_time)).one()
            row.result = result[:2000]
        raise
    with db.uow() as session:
        row = session.scalars(select(JobRun).where(JobRun.job == name, JobRun.fire_time == fire_time)).one()
        row.finished_at, row.result = utcnow(), result[:2000]
    metrics.JOB_RUNS.labels(name, "ok").inc()
    log.info("job %s (%s): %s", name, how, result, extra=logs.fields(
        kind="job", id=name, trigger=how, outcome="ok", duration_ms=round((time.monotonic() - started) * 1000, 1)))
    return result


class Leader:
    """Leadership among scheduler processes: a PostgreSQL session advisory lock on a connection of its own."""

    def __init__(self, db: Database):
        self.db = db
        self.postgres = db.url.startswith("postgresql")
        self._conn = None
        self._lock = threading.Lock()

    def held(self) -> bool:
        if not self.postgres:
            return True
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                    if not self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LEADER_LOCK}).scalar():
                        self._conn.close()
                        self._conn = None
                        return False
                    log.info("this process is now the scheduler leader")
                else:
                    self._conn.execute(text("SELECT 1"))
                return True
            except Exception as exc:  # the connection (and with it the lock) is gone
                log.warning("scheduler leadership lost: %s", exc)
                self.release()
                return False

    def release(self) -> None:
        if self._conn is not None:
            try:  # close the database connection itself (not back to the pool): that frees the lock
                self._conn.invalidate()
                self._conn.close()
            except Exception:
                pass
            self._conn = None


class Scheduler:
    """Cron jobs (leader only), catch-up of missed fires, and the outbox drain (everyone)."""

    def __init__(self, settings: Settings, db: Database, *, blocking: bool = False):
        self.settings, self.db = settings, db
        self.leader = Leader(db)
        self._was_leader = False
        kind = BlockingScheduler if blocking else BackgroundScheduler
        self.aps = kind(timezone=settings.tz,
                        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300})
        self.lines = schedules(settings, db) or {name: settings.cron(name) for name in JOBS}
        for name in JOBS:
            self.aps.add_job(self._fire, trigger(settings, name, self.lines[name]), args=[name], id=name, name=name)
        self.aps.add_job(self._drain, "interval", seconds=OUTBOX_EVERY, id="outbox", name="outbox")
        self.aps.add_job(self._check_leader, "interval", seconds=LEADER_EVERY, id="leader", name="leader",
                         next_run_time=datetime.now(settings.tz))

    def start(self) -> None:
        self.aps.start()

    def shutdown(self) -> None:
        if self.aps.running:
            self.aps.shutdown(wait=True)
        self.leader.release()

    def refresh_schedules(self) -> list[str]:
        """Reschedule the jobs whose schedule an admin changed in Slack (every process, so a standby that takes
        over fires on the new schedule too). Returns the names of the rescheduled jobs."""
        lines = schedules(self.settings, self.db)
        changed = [name for name in JOBS if lines is not None and lines[name] != self.lines.get(name)]
        for name in changed:
            self.aps.reschedule_job(name, trigger=trigger(self.settings, name, lines[name]))
            log.info("job %s now runs on %r (was %r)", name, lines[name], self.lines.get(name))
            self.lines[name] = lines[name]
        return changed

    def _check_leader(self) -> None:
        try:
            self.refresh_schedules()
        except Exception:
            log.exception("could not apply changed job schedules")
        leader = self.leader.held()
        if leader and not self._was_leader:
            self.catch_up()
        self._was_leader = leader

    def _fire(self, name: str) -> None:
        if not self.leader.held():
            return
        fire = last_fire(self.settings, name, line=self.lines.get(name)) or utcnow()
        try:
            run_job(self.settings, self.db, name, fire_time=fire, how="schedule")
        except Exception:
            pass  # logged by run_job; the ledger keeps it unfinished, so the next leader start retries

    def _drain(self) -> None:
        from bot.delivery import drain

        try:
            report = drain(self.settings, self.db, max_seconds=OUTBOX_EVERY * 0.8)
            if report.sent or report.failed:
                log.info("outbox: %s", report)
        except Exception:
            log.exception("outbox drain failed")

    def catch_up(self) -> list[str]:
        """Run each job whose latest fire time has no finished run. A job never run before gets a baseline
        row instead: installing the bot does not replay the past."""
        ran = []
        for name in JOBS:
            fire = last_fire(self.settings, name, line=self.lines.get(name))
            if fire is None:
                continue
            with self.db.uow() as session:
                runs = session.scalars(select(JobRun).where(JobRun.job == name)
                                       .order_by(JobRun.fire_time.desc()).limit(5)).all()
                if not runs:
                    insert_ignore(session, JobRun, [dict(job=name, fire_time=fire, trigger="baseline",
                                                         started_at=utcnow(), finished_at=utcnow(),
                                                         result="scheduler first started; earlier fires skipped")],
                                  ["job", "fire_time"])
                    continue
                # An unfinished run is a leader's that died mid-run: only the leader runs cron jobs.
                done = any(r.finished_at is not None and r.fire_time >= fire for r in runs)
            if not done:
                log.info("catching up on %s (missed or interrupted at %s)", name, fire)
                try:
                    run_job(self.settings, self.db, name, fire_time=fire, how="catch-up")
                    ran.append(name)
                except Exception:
                    pass
        return ran
