"""The HTTP face: POST /slack/events (Bolt), GET /healthz and GET /metrics (Prometheus), as one WSGI app
served by waitress.

Hostile load stays cheap: a body larger than MAX_BODY_BYTES is refused with 413 from its Content-Length,
before a byte of it is read (waitress answers it in its I/O loop, and `_measured` again for any other
server); a request whose headers and body have not all arrived BODY_TIMEOUT seconds after its first byte
is dropped; and an unsigned request is answered 401 from its raw bytes, before anything parses it or
touches the database."""

from __future__ import annotations

import hashlib
import hmac
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

# Slack's requests are a few kilobytes; the largest it can send is a modal's view_submission (at most 100
# blocks and their typed values, form-encoded), well under 1 MiB. Anything larger is not Slack.
MAX_BODY_BYTES = 1024 * 1024
# Slack sends a whole request at once and gives up on our answer after 3 s: a request still arriving after
# this long is someone holding a connection open.
BODY_TIMEOUT = 10.0
SIGNATURE_MAX_AGE = 5 * 60  # seconds, as Bolt: an older (or future) timestamp is a replay


def make_wsgi(app: App, db: Database):
    from app import ack_wait

    ack_wait.install()  # Slack hears the ack when it is given, not at Bolt's next 10 ms poll
    bolt = SlackRequestHandler(app, path="/slack/events")
    secret = getattr(app, "_signing_secret", None)
    verify = _signature_check(secret.encode()) if isinstance(secret, str) and secret else None

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
            return _measured(bolt, environ, start_response, verify)
        if path in ("/slack/install", "/slack/oauth_redirect") and app.oauth_flow is not None:  # OAuth mode only
            if method != "GET":
                return respond(start_response, "405 Method Not Allowed", {"error": "GET only"})
            return bolt(environ, start_response)  # Bolt's "Add to Slack" page, and the install's completion
        return respond(start_response, "404 Not Found", {"error": "not found"})

    return wsgi


def _signature_check(secret: bytes):
    """A function telling whether a raw body carries Slack's signature (HMAC-SHA256 of `v0:timestamp:body`
    with the signing secret, the timestamp within five minutes): bytes only, nothing parsed."""

    def signed(environ, raw: bytes) -> bool:
        stamp, signature = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "", environ.get("HTTP_X_SLACK_SIGNATURE") or ""
        if not stamp.isdigit() or not signature.startswith("v0=") or abs(time.time() - int(stamp)) > SIGNATURE_MAX_AGE:
            return False
        expected = "v0=" + hmac.new(secret, b"v0:" + stamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)

    return signed


def _length(environ) -> int:
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _read(environ, verify=None) -> tuple[str, bool | None]:
    """Read the body (and put it back for Bolt): the request's kind (command, action, view, event or other),
    and whether it is a body Slack could have sent (None: it is not signed, refuse it unread). Bolt parses a
    body before it checks the signature and fails on one that is not a JSON object or a form (with a JSON
    object as its `payload`)."""
    length = _length(environ)
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    if not raw:
        return "other", True  # Bolt answers it (401)
    if verify is not None and not raw.startswith(b"ssl_check=") and not verify(environ, raw):
        return "other", None  # (Slack's certificate check is Bolt's to answer)
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


def _refuse(start, status: str, error: str) -> list[bytes]:
    body = json.dumps({"error": error}).encode()
    start(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _measured(bolt, environ, start_response, verify=None):
    """Bolt's answer to Slack, counted by kind and HTTP status, timed; anything but a 200 is logged. A body
    larger than Slack sends is refused unread (413), an unsigned one unparsed (401), one Slack could not have
    sent (400), each without a traceback."""
    started, seen = time.monotonic(), {}

    def start(status: str, headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

    if _length(environ) > MAX_BODY_BYTES:
        kind, result = "other", _refuse(start, "413 Payload Too Large", "request body too large")
    else:
        kind, well_formed = _read(environ, verify)
        if well_formed is None:
            result = _refuse(start, "401 Unauthorized", "invalid request")
        elif well_formed:
            result = bolt(environ, start)
        else:
            result = _refuse(start, "400 Bad Request", "malformed request")
    seconds = time.monotonic() - started
    status = seen.get("status", 500)
    metrics.observe_http(kind, status, seconds)
    if status != 200:
        log.warning("answered Slack %s", status, extra=logs.fields(kind=kind, http_status=status,
                                                                   duration_ms=round(seconds * 1000, 1)))
    return result


class Server:
    """waitress on a port (or on a socket already listening, shared by worker processes), in this thread
    (`serve`) or a background one (tests, benchmarks). waitress reads every request whole in its I/O thread
    before a worker thread sees it: so a body over MAX_BODY_BYTES is refused from its Content-Length (413),
    and a request still arriving `body_timeout` seconds after its first byte is dropped, neither holding a
    worker thread."""

    def __init__(self, wsgi, host: str = "127.0.0.1", port: int = 0, threads: int = 8, *, sock=None,
                 body_timeout: float = BODY_TIMEOUT):
        from waitress.server import create_server

        where = {"sockets": [sock]} if sock is not None else {"host": host, "port": port}
        self._server = create_server(wsgi, threads=threads, ident="mentor-bot", channel_timeout=30,
                                     max_request_body_size=MAX_BODY_BYTES + 1,  # (waitress refuses from this size on)
                                     recv_bytes=64 * 1024,  # a body in a few reads, not a hundred (a flood's cost)
                                     # a body up to the cap stays in memory (waitress spools one over 512 KiB to a
                                     # temporary file by default: written, then read back, for each unsigned one)
                                     inbuf_overflow=MAX_BODY_BYTES + 1,
                                     cleanup_interval=max(0.2, min(2.0, body_timeout / 2)), **where)
        _drop_slow_requests(self._server, body_timeout)
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


def _drop_slow_requests(server, body_timeout: float) -> None:
    """Make waitress close a connection whose request (headers and body) began arriving more than
    `body_timeout` seconds ago and is still incomplete: its idle timeout alone never fires for a client that
    sends a byte every few seconds."""
    from waitress.channel import HTTPChannel
    from waitress.parser import HTTPRequestParser

    class TimedParser(HTTPRequestParser):
        def __init__(self, adj):
            super().__init__(adj)
            self.begun = time.monotonic()

    class Channel(HTTPChannel):
        parser_class = TimedParser

    idle_check = server.maintenance

    def maintenance(now: float) -> None:
        idle_check(now)
        cutoff = time.monotonic() - body_timeout
        for channel in list(server.active_channels.values()):
            request = channel.request
            if request is not None and not request.completed and getattr(request, "begun", cutoff) < cutoff:
                channel.will_close = True
                log.warning("dropped a request still arriving after %.0f s", body_timeout,
                            extra=logs.fields(kind="other", outcome="slow_body"))

    server.channel_class = Channel
    server.maintenance = maintenance
