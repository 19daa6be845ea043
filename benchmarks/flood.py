"""7. Hostile load: signed commands while the server is flooded with oversized, slow and unsigned requests.

First signed commands alone (help and find alternating, one at a time), then the same while, at the same
time, OVERSIZED clients keep announcing 50 MB bodies and pushing bytes until refused, SLOW clients keep
connections open trickling a body a byte a second, and UNSIGNED clients post bodies just under the cap
with a wrong signature. The signed commands' p99 beside their p99 alone, how much the serving processes'
peak memory grew, and whether every signed command was answered.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time

from benchmarks.generate import TEAM
from benchmarks.run import SECRET, TOKEN, AppProcess, Row, _ms, percentile, prepare, wait_ready, warm_bytecode
from tests.fakeslack import FakeSlack, SlackDriver

OVERSIZED, SLOW, UNSIGNED = 8, 24, 8  # clients of each kind at once
ANNOUNCED = 50 * 1024 * 1024


def _signed(driver: SlackDriver, users: list[str], samples: int) -> tuple[list[float], int]:
    times, lost = [], 0
    for i in range(samples):
        text = "find" if i % 2 else "help"
        resp = driver.command(users[i % len(users)], text)
        if resp.status != 200 or (text == "find" and "Peers who suit you" not in resp.text):
            lost += 1
        times.append(resp.elapsed)
    return times, lost


class Flood:
    """The hostile clients, each kind in its own threads, until stopped; what the server answered them."""

    def __init__(self, port: int):
        self.port, self.stop, self.lock = port, threading.Event(), threading.Lock()
        self.seen: dict[str, int] = {}
        self.threads = ([threading.Thread(target=self._oversized, daemon=True) for _ in range(OVERSIZED)]
                        + [threading.Thread(target=self._slow, daemon=True) for _ in range(SLOW)]
                        + [threading.Thread(target=self._unsigned, daemon=True) for _ in range(UNSIGNED)])

    def count(self, what: str) -> None:
        with self.lock:
            self.seen[what] = self.seen.get(what, 0) + 1

    def _head(self, length: int, signature: str = "v0=" + "0" * 64) -> bytes:
        return (f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"X-Slack-Request-Timestamp: {int(time.time())}\r\nX-Slack-Signature: {signature}\r\n"
                f"Content-Length: {length}\r\n\r\n").encode()

    def _oversized(self) -> None:
        chunk = b"payload=" + b"x" * 65528
        while not self.stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
                    sock.sendall(self._head(ANNOUNCED))
                    sent = 0
                    while sent < ANNOUNCED and not self.stop.is_set():
                        sock.sendall(chunk)  # until the server refuses and closes
                        sent += len(chunk)
                    self.count("oversized: sent whole")
            except OSError:
                self.count("oversized: refused")

    def _slow(self) -> None:
        while not self.stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
                    sock.sendall(self._head(1000) + b"payload=")
                    while not self.stop.is_set():
                        time.sleep(1)
                        sock.sendall(b"x")  # a byte a second: never idle, never done
            except OSError:
                self.count("slow: dropped")

    def _unsigned(self) -> None:
        body = b"payload=" + b"%7B%22a%22%3A" * 70_000  # 910 KB: under the cap, looks like a form, wrong signature
        while not self.stop.is_set():
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("POST", "/slack/events", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                             "X-Slack-Request-Timestamp": str(int(time.time())),
                                                             "X-Slack-Signature": "v0=" + "0" * 64})
                self.count(f"unsigned: {conn.getresponse().status}")
                conn.close()
            except OSError:
                self.count("unsigned: failed")

    def run(self, stop, results) -> None:
        for t in self.threads:
            t.start()
        stop.wait()
        self.stop.set()
        for t in self.threads:
            t.join(timeout=15)
        results.put(dict(self.seen))


def _flood_process(port: int, stop, results) -> None:
    Flood(port).run(stop, results)


class Flooding:
    """The flood in a process of its own (its threads must not slow down the client that times the signed
    commands: they would share its interpreter lock)."""

    def __init__(self, port: int):
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.stop, self.results = ctx.Event(), ctx.Queue()
        self.proc = ctx.Process(target=_flood_process, args=(port, self.stop, self.results), daemon=True)
        self.seen: dict[str, int] = {}

    def __enter__(self) -> Flooding:
        self.proc.start()
        time.sleep(3)  # everyone at it
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.seen = self.results.get(timeout=60)
        self.proc.join(timeout=30)


def bench_flood(backend: str, size: str, log, *, workers: int = 2, samples: int = 300) -> Row:
    row = Row(backend, f"flood {size}, {workers} workers")
    url, db, org = prepare(backend, size, log, True)  # the org the sizes part left, if it has this size
    db.dispose()
    fake = FakeSlack(bot_token=TOKEN, team_id=TEAM, bot_user_id="UBOT").start()
    warm_bytecode()
    app = AppProcess(url, fake.api_url, workers=workers)
    try:
        driver = SlackDriver(app.url, signing_secret=SECRET, fake=fake, team_id=TEAM, timeout=30)
        users = org.user_ids[:: max(1, len(org.user_ids) // 400)]
        wait_ready(driver, users[0], app.started)
        _signed(driver, users, 40)  # warm
        alone, lost_alone = _signed(driver, users, samples)
        before = {pid: app._status(pid, "VmHWM") for pid in app.pids()}
        with Flooding(app.port) as flood:
            flooded, lost = _signed(driver, users, samples)
        seen = flood.seen
        after = {pid: app._status(pid, "VmHWM") for pid in app.pids()}
        growth = max(after[pid] - before.get(pid, after[pid]) for pid in after)
        ratio = percentile(flooded, 99) / percentile(alone, 99)
        row.figures.update({
            "signed p99 flooded / alone": f"**{ratio:.2f}x**",
            "signed p50/p99 ms alone": f"{_ms(percentile(alone, 50))} / {_ms(percentile(alone, 99))}",
            "signed p50/p99 ms flooded": f"{_ms(percentile(flooded, 50))} / {_ms(percentile(flooded, 99))}",
            "peak RSS growth MB (per worker, most)": f"**{growth:.0f}**",
            "signed lost": f"**{lost + lost_alone}** of {2 * samples}",
            "hostile requests answered": ", ".join(f"{k} {v}" for k, v in sorted(seen.items())),
        })
        log(f"  flood: {row.figures}")
    finally:
        app.stop()
        fake.stop()
    return row
