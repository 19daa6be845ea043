"""Structured logs: one line per handled request or event, per job run and per outbox send.

`LOG_FORMAT=json` (the default of `serve`, `socket` and `scheduler`) writes one JSON object a line:
`ts`, `level`, `logger`, `msg` and the line's fields (`team`, `user`, `kind`, `id`, `outcome`,
`duration_ms`, Slack `method` and `error`, ...). `text` writes the same fields as `key=value` after the
message.

What never reaches a log line: form input and check-in answers (a request line names the form's
callback id, never its values; an exception is rendered without its message where that message can
quote input: validation errors, SQL parameters), free text after a subcommand, and Slack tokens
(redacted wherever they appear). slack-bolt and slack-sdk log whole payloads at DEBUG and SQLAlchemy
logs SQL parameters at INFO, so they stay quiet even when `LOG_LEVEL=DEBUG`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# Who and what the current listener serves; Slack API errors logged while it runs carry it.
_request: ContextVar[dict[str, str] | None] = ContextVar("mentor_bot_request", default=None)

TOKEN = re.compile(r"\bx(?:ox[abprse]|app)-[A-Za-z0-9-]+")
_SUBCOMMAND = re.compile(r"^[a-z][a-z-]{0,23}$")
# Loggers that write payloads or SQL parameters below this level, whatever LOG_LEVEL says.
PAYLOAD_LOGGERS = {"slack_bolt": logging.INFO, "slack_sdk": logging.INFO, "mentor_bot.bolt": logging.INFO,
                   "sqlalchemy.engine": logging.WARNING, "sqlalchemy.pool": logging.WARNING}


def fields(**values: Any) -> dict[str, Any]:
    """`extra=` for a structured line: log.info("msg", extra=fields(team=..., outcome=...))."""
    return {"fields": {k: v for k, v in values.items() if v is not None}}


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def describe(body: Any) -> dict[str, str]:
    """kind (command, action, view, event, other), id (subcommand, action_id, callback_id, event type),
    team and user of an incoming Slack payload, without any of its free text. Any shape, even a hostile one."""
    body = _dict(body)
    kind, ident = "other", ""
    if body.get("command"):
        kind = "command"
        words = _str(body.get("text"), 100).split() or ["help"]
        sub = words[0].lower()
        ident = f"{_str(body.get('command'), 32)} {sub if _SUBCOMMAND.match(sub) else '?'}"
    elif body.get("type") == "block_actions":
        kind = "action"
        actions = body.get("actions") if isinstance(body.get("actions"), list) else []
        ident = _str(_dict(actions[0] if actions else None).get("action_id"), 80)
    elif body.get("type") in ("view_submission", "view_closed"):
        kind = "view"
        ident = _str(_dict(body.get("view")).get("callback_id"), 80)
    elif body.get("type") == "event_callback":
        kind = "event"
        ident = _str(_dict(body.get("event")).get("type"), 80)
    team = body.get("team_id") or _dict(body.get("team")).get("id") or _dict(body.get("user")).get("team_id")
    user = body.get("user_id") or _dict(body.get("user")).get("id") or _dict(body.get("event")).get("user")
    return {"kind": kind, "id": ident, "team": _str(team, 32), "user": _str(user, 32)}


def bind(info: dict[str, str]):
    """Make `info` the context of log lines written in this thread until `unbind(token)`."""
    return _request.set(info)


def unbind(token) -> None:
    _request.reset(token)


def context() -> dict[str, str]:
    return dict(_request.get() or {})


def safe_exception(exc: BaseException) -> str:
    """An exception's type and a message that cannot quote user input."""
    from pydantic import ValidationError
    from sqlalchemy.exc import StatementError

    name = type(exc).__name__
    if isinstance(exc, ValidationError):
        where = ", ".join(f"{'.'.join(map(str, e['loc'])) or '?'}:{e['type']}" for e in exc.errors(include_input=False))
        return f"{name}: {where}"
    if isinstance(exc, StatementError):  # its message carries the SQL parameters
        orig = exc.orig
        first = str(orig).strip().splitlines()[0] if orig is not None and str(orig).strip() else ""
        return f"{name} ({type(orig).__name__}): {first}"[:500]
    return f"{name}: {exc}"[:500]


def _exception_text(record: logging.LogRecord) -> str | None:
    if not record.exc_info or not record.exc_info[1]:
        return None
    exc = record.exc_info[1]
    frames = "".join(traceback.format_tb(exc.__traceback__)[-8:])
    return f"Traceback (most recent call last):\n{frames}{safe_exception(exc)}"


class _Formatter(logging.Formatter):
    def _parts(self, record: logging.LogRecord) -> tuple[str, dict[str, Any], str | None]:
        values = {**context(), **(getattr(record, "fields", None) or {})}
        return TOKEN.sub("xox?-[redacted]", record.getMessage()), values, _exception_text(record)


class JsonFormatter(_Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message, values, exc = self._parts(record)
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "msg": message, **values,
        }
        if exc:
            line["exception"] = exc
        return TOKEN.sub("xox?-[redacted]", json.dumps(line, default=str, ensure_ascii=False))


class TextFormatter(_Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message, values, exc = self._parts(record)
        when = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%d %H:%M:%S")
        extra = "".join(f" {k}={v}" for k, v in values.items())
        text = f"{when} {record.levelname} {record.name} {message}{extra}"
        return TOKEN.sub("xox?-[redacted]", text + (f"\n{exc}" if exc else ""))


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else TextFormatter()


def quiet_payload_loggers() -> None:
    """slack-bolt and slack-sdk log request and response bodies at DEBUG, SQLAlchemy statements with their
    parameters at INFO: never let them, even at LOG_LEVEL=DEBUG."""
    for name, floor in PAYLOAD_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < floor:
            logger.setLevel(floor)


def setup(level: str, log_format: str) -> None:
    """The process's logging: one handler on stderr in `log_format` (json or text) at `level`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(log_format))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if level.upper() != "DEBUG":  # APScheduler says "Running job …" every 10 s at INFO
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    quiet_payload_loggers()
