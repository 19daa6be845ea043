"""Capture what the bot logs, formatted as production formats it (LOG_FORMAT=json), for tests to read."""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager

from bot import logs


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logs.JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def records(self, **match: object) -> list[dict]:
        """The JSON lines whose fields equal `match`."""
        parsed = [json.loads(line) for line in self.lines]
        return [r for r in parsed if all(r.get(k) == v for k, v in match.items())]


@contextmanager
def capture_logs(level: int = logging.DEBUG):
    """Every log line of the process at `level` and above (payload loggers kept at INFO, as `serve` does)."""
    handler = Captured()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(level)
    logs.quiet_payload_loggers()
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
