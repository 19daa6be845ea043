"""Hostile load at the HTTP door: bodies larger than Slack sends, bodies that trickle in, unsigned floods.

Each is refused cheaply (413 from the Content-Length before the body is read, a connection dropped once its
request has been arriving too long, 401 from the raw bytes before anything parses them) while signed commands
keep being answered. (The timings under a flood are the benchmark's: `python -m benchmarks --only flood`.)
"""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from urllib.parse import urlencode

from app.web import MAX_BODY_BYTES, Server


def _raw(port: int, head: bytes, body: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(head + body)
    return sock


def _answer(sock: socket.socket) -> bytes:
    """What the server sends back until it closes the connection (b"" when it closes without a word)."""
    got = b""
    while chunk := sock.recv(65536):
        got += chunk
    return got


def _headers(port: int, length: int) -> bytes:
    return (f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"X-Slack-Request-Timestamp: {int(time.time())}\r\nX-Slack-Signature: v0={'0' * 64}\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()


def test_a_body_larger_than_slack_sends_is_refused_with_413_before_it_is_sent(bot, slack, world):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    port = bot.server.port
    sock = _raw(port, _headers(port, 50 * 1024 * 1024), b"payload=")  # announces 50 MB, sends 8 bytes
    with sock:
        answer = _answer(sock)  # the server answers without waiting for the other 50 MB
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # one byte over the cap is refused the same way; the signed command beside it is answered
    with _raw(port, _headers(port, MAX_BODY_BYTES + 1)) as sock:
        assert _answer(sock).startswith(b"HTTP/1.1 413")
    assert slack.command("U1", "help").status == 200  # and a signed command meanwhile is answered


def test_an_unsigned_body_is_refused_unread_and_a_signed_one_just_under_the_cap_is_answered(bot, slack):
    junk = b"payload=" + b"%7B%22a%22%3A" * ((MAX_BODY_BYTES - 100) // 13)  # looks like a form, never valid
    assert slack.post_raw(junk, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64).status == 401
    body = urlencode({"command": "/mentor", "text": "help", "user_id": "U1", "team_id": "T0TEST",
                      "padding": "x" * (MAX_BODY_BYTES - 200)}).encode()
    assert len(body) <= MAX_BODY_BYTES
    assert slack.post_raw(body, "application/x-www-form-urlencoded").status == 200


def test_a_request_that_trickles_in_is_dropped_and_others_are_served_meanwhile():
    def hello(environ, start_response):
        body = json.dumps({"ok": True}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    server = Server(hello, host="127.0.0.1", port=0, threads=1, body_timeout=0.5)
    server.start_background()
    try:
        slow = _raw(server.port, _headers(server.port, 1000), b"payload=%7B")  # 11 of 1,000 bytes, then silence
        # the one worker thread is free all along: a normal request is answered while the slow one hangs
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz", timeout=5) as resp:
            assert resp.status == 200
        slow.settimeout(15)
        with slow:
            assert _answer(slow) == b""  # closed by the server, no answer
    finally:
        server.stop()
