"""The HTTP face: POST /slack/events (Bolt), GET /healthz and GET /metrics (Prometheus), as one WSGI app
served by waitress."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import logs, metrics
from bot.db import Database

log = logging.getLogger("mentor_bot.web")


def make_wsgi(app: App, db: Database):
    bolt = SlackRequestHandler(app, path="/slack/events")

    def respond(start_response, status: str, payload: dict) -> list[bytes]:
        body = json.dumps(payload).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def wsgi(environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            if db.ping():
                return respond(start_response, "200 OK", {"status": "ok", "database": "ok"})
            return respond(start_response, "503 Service Unavailable", {"status": "unavailable", "database": "unreachable"})
        if path == "/metrics" and method in ("GET", "HEAD"):
            body = metrics.exposition(db)
            start_response("200 OK", [("Content-Type", "text/plain; version=0.0.4; charset=utf-8"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        if path == "/slack/events":
            if method != "POST":
                return respond(start_response, "405 Method Not Allowed", {"error": "POST only"})
            return _measured(bolt, environ, start_response)
        return respond(start_response, "404 Not Found", {"error": "not found"})

    return wsgi


def _read(environ) -> tuple[str, bool]:
    """Read the body (and put it back for Bolt): the request's kind (command, action, view, event or other),
    and whether it is a body Slack could have sent. Bolt parses a body before it checks the signature and
    fails on one that is not a JSON object or a form (with a JSON object as its `payload`)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    if not raw:
        return "other", True  # Bolt answers it (401)
    try:
        text = raw.decode("utf-8")
        if (environ.get("CONTENT_TYPE") or "").startswith("application/json") or text.startswith("{"):
            body = json.loads(text)
        else:
            form = {k: v[0] for k, v in parse_qs(text).items()}
            body = json.loads(form["payload"]) if "payload" in form else form
    except ValueError:  # not UTF-8, not JSON
        return "other", False
    if not isinstance(body, dict):
        return "other", False
    try:
        return logs.describe(body)["kind"], True
    except Exception:  # naming it must never fail: Bolt answers it
        return "other", True


def _measured(bolt, environ, start_response):
    """Bolt's answer to Slack, counted by kind and HTTP status, timed; anything but a 200 is logged. A body
    Slack could not have sent is refused here (400), without a traceback."""
    (kind, well_formed), started, seen = _read(environ), time.monotonic(), {}

    def start(status: str, headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

    if well_formed:
        result = bolt(environ, start)
    else:
        body = json.dumps({"error": "malformed request"}).encode()
        result = [body]
        start("400 Bad Request", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    seconds = time.monotonic() - started
    status = seen.get("status", 500)
    metrics.observe_http(kind, status, seconds)
    if status != 200:
        log.warning("answered Slack %s", status, extra=logs.fields(kind=kind, http_status=status,
                                                                   duration_ms=round(seconds * 1000, 1)))
    return result


class Server:
    """waitress on a port, in this thread (`serve`) or a background one (tests, benchmarks)."""

    def __init__(self, wsgi, host: str, port: int, threads: int):
        from waitress.server import create_server

        self._server = create_server(wsgi, host=host, port=port, threads=threads, ident="mentor-bot",
                                     channel_timeout=30)
        self.port = self._server.effective_port
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        self._server.run()

    def start_background(self) -> None:
        self._thread = threading.Thread(target=self._server.run, name="web", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.close()
        if self._thread:
            self._thread.join(timeout=5)
