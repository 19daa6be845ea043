"""The HTTP face: POST /slack/events (Bolt) and GET /healthz, as one WSGI app served by waitress."""

from __future__ import annotations

import json
import logging
import threading

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

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
        if path == "/slack/events":
            if method != "POST":
                return respond(start_response, "405 Method Not Allowed", {"error": "POST only"})
            return bolt(environ, start_response)
        return respond(start_response, "404 Not Found", {"error": "not found"})

    return wsgi


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
