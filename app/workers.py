"""Several worker processes on one port: `mentor-bot serve --workers N` (or WEB_CONCURRENCY=N).

Python threads share one interpreter lock, so one process serves on one core however many threads it has. Here
the parent opens the listening socket and gets everything ready that is the same for every worker (the database
at the newest schema, find's index loaded), then forks N workers. Each accepts from the shared socket with its
own waitress threads; the pages of the index the parent loaded stay shared between them until one changes
(copy-on-write). The parent only watches: a worker that dies is replaced, a worker that cannot start (bad
settings, exit code 2) stops everything, SIGTERM or Ctrl-C stops the workers and waits for them.

Forking is safe because the parent starts no thread and holds no database connection when it forks.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("mentor_bot.workers")

STOP_WAIT = 20.0  # seconds the workers get to finish what they serve after SIGTERM
RESTART_PAUSE = 1.0  # seconds between replacing workers that keep dying
M_ARENA_MAX = -8  # mallopt() parameter (glibc malloc.h)


def tune_memory() -> None:
    """glibc settings for a threaded server that handles arrays as large as the org (find's scores): two
    malloc arenas instead of up to eight per core, each keeping the memory its threads freed. Called before any
    thread starts; a no-op off glibc."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 2)
    except (OSError, AttributeError):
        pass


@contextmanager
def starting() -> Iterator[None]:
    """Start-up without the cyclic garbage collector: importing the app and loading the index allocate hundreds of
    thousands of long-lived objects, and the collector would walk them again and again (a fifth of a start). After
    it they are frozen (`gc.freeze`: never walked again, so no collection in a request pays for them, and a forked
    worker does not copy their pages by touching them), and collection goes on as usual for what comes after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def listen(host: str, port: int) -> socket.socket:
    """The listening socket every worker accepts from (SO_REUSEADDR, a deep backlog for bursts)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=2048)
    sock.setblocking(False)
    return sock


def prefork(workers: int, child: Callable[[int], int]) -> int:
    """Fork `workers` processes, each running `child(number)` and exiting with what it returns; replace one that
    dies; return when all have stopped (0 after SIGTERM or Ctrl-C, 2 when a worker could not start)."""
    running: dict[int, int] = {}  # pid -> worker number
    state = {"stopping": False, "code": 0}

    def spawn(number: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                signal.signal(signal.SIGTERM, _raise_interrupt)
                signal.signal(signal.SIGINT, signal.default_int_handler)
                code = child(number)
            except KeyboardInterrupt:
                code = 0
            except BaseException:
                log.exception("worker %d stopped on an error", number)
            finally:
                logging.shutdown()
                os._exit(code)
        running[pid] = number

    def stop(signum=None, frame=None) -> None:
        state["stopping"] = True
        for pid in list(running):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    for number in range(workers):
        spawn(number)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("serving with %d worker processes (%s)", workers, ", ".join(map(str, running)))
    deadline = None
    try:
        while running:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG if state["stopping"] else 0)
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            if pid == 0:  # stopping: the workers are finishing
                deadline = deadline or time.monotonic() + STOP_WAIT
                if time.monotonic() > deadline:
                    for left in running:
                        os.kill(left, signal.SIGKILL)
                time.sleep(0.05)
                continue
            number = running.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            if state["stopping"]:
                continue
            if code == 2:  # it could not start (settings, Slack refused the token): neither will another
                log.error("worker %d could not start: stopping", number)
                state["code"] = 2
                stop()
                continue
            log.warning("worker %d (pid %d) exited with %s: starting another", number, pid, code)
            time.sleep(RESTART_PAUSE)
            spawn(number)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return state["code"]


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
