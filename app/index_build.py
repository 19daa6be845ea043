"""find's index built in a short-lived process of its own, for `mentor-bot serve` (bot/services/match_index.py).

A serving process that starts where a team has no fresh snapshot of its index would read every person and skill
row itself: at 100,000 people that peaks 50-60 MB higher than loading a snapshot, and a process keeps its peak
(glibc hands little of it back, and `serve --workers` would fork it). Instead `builder(url)` hands load_all a
Builder, which runs

    python -m app.index_build        (the request as JSON on stdin: {"url": ..., "teams": [...], "log": [...]})

which imports the models and the index only (not Bolt, not the handlers), builds each team's index, saves its
snapshot and exits; the serving process then loads the snapshots as any later start does and catches up. At a
first start `mentor-bot serve` starts it as soon as the database is reachable, before it imports the app, so the
build runs on another core meanwhile.

Replicas starting together on one database would each build the same teams: each build holds a lock for its team
(PostgreSQL: an advisory lock; SQLite: a file lock beside the database), and a build that got the lock after another
finds that one's snapshot fresh and builds nothing.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger("mentor_bot.index_build")

BUILD_TIMEOUT = 900.0  # seconds the serving process waits for the build before it builds in-process itself
_LOCK_SALT = "mentor-bot find index "  # (PostgreSQL advisory lock keys are process-wide: this one is ours)


def builder(url: str, log_level: str = "INFO", log_format: str = "json") -> Builder | None:
    """What `mentor-bot serve` gives find's index (None for an in-memory SQLite database, which no other process
    sees: the index is built in-process then)."""
    if url.startswith("sqlite") and _sqlite_path(url) is None:
        return None
    return Builder(url, log_level, log_format)


class Builder:
    """`build(team_ids)` (what match_index.load_all calls): these teams' snapshots built and saved by another process;
    raises if that fails (load_all builds in-process then). `start(team_ids)` starts one sooner, without waiting:
    at a first start, while this process is still importing the app, on another core."""

    def __init__(self, url: str, log_level: str, log_format: str):
        self._request = {"url": url, "log": [log_level, log_format]}
        self._started: tuple[set[str], subprocess.Popen] | None = None
        self._lock = threading.Lock()

    def start(self, team_ids: list[str]) -> None:
        with self._lock:
            if self._started is None and team_ids:
                self._started = (set(team_ids), self._spawn(team_ids))

    def __call__(self, team_ids: list[str]) -> None:
        with self._lock:
            started, self._started = self._started, None
        if started is not None:
            teams, proc = started
            self._wait(proc)
            team_ids = [team_id for team_id in team_ids if team_id not in teams]
        if team_ids:
            self._wait(self._spawn(team_ids))

    def _spawn(self, team_ids: list[str]) -> subprocess.Popen:
        root = str(Path(__file__).resolve().parent.parent)  # (where `app` is, whatever the working directory)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
        proc = subprocess.Popen([sys.executable, "-m", "app.index_build"], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, env=env, text=True)
        assert proc.stdin is not None
        with proc.stdin:  # the URL (maybe with a password) on stdin, not in the command line that `ps` shows
            proc.stdin.write(json.dumps({**self._request, "teams": team_ids}))
        return proc

    @staticmethod
    def _wait(proc: subprocess.Popen) -> None:
        try:
            code = proc.wait(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"the index build took longer than {BUILD_TIMEOUT:.0f} s") from None
        if code != 0:
            raise RuntimeError(f"the index build exited with {code}")


def main() -> int:
    """The separate process: build and save each team's snapshot (unless another process just did), then exit."""
    import gc

    gc.disable()  # a short life that allocates a few hundred thousand objects and frees them all at exit
    request = json.loads(sys.stdin.read())
    from bot import logs
    from bot.db import Database
    from bot.services import match_index

    logs.setup(*request["log"])
    db = Database(request["url"])
    try:
        for team_id in request["teams"]:
            started = time.monotonic()
            with _build_lock(db, team_id):
                built = match_index.save_built(db, team_id)
            log.info("match index: %s %s in %.1f s (peak memory %s)", team_id,
                     "built and saved" if built else "already saved by another process", time.monotonic() - started,
                     _peak_rss())
    except Exception:
        log.exception("match index: the separate build failed")
        return 1
    finally:
        db.dispose()
    return 0


@contextmanager
def _build_lock(db, team_id: str) -> Iterator[None]:
    """One build of a team at a time across processes on this database (released if the process dies)."""
    if db.url.startswith("postgresql"):
        import hashlib

        from sqlalchemy import text

        key = int.from_bytes(hashlib.sha256((_LOCK_SALT + team_id).encode()).digest()[:8], "big", signed=True)
        with db.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()  # (a session lock: no transaction stays open while the build runs)
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
        return
    path = _sqlite_path(db.url)
    if path is None:
        yield
        return
    import fcntl

    with open(f"{path}.find-build.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL (None: in memory, or not SQLite)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    return None if path in ("", ":memory:") else path


def _peak_rss() -> str:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return f"{int(line.split()[1]) // 1024} MB"
    except OSError:
        pass
    return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
