"""FakeSlack: a strict, in-process Slack Web API served over real HTTP on loopback.

The app under test points ``SLACK_API_URL`` (``WebClient(base_url=...)``) at ``fake.api_url``.
Besides ``/api/<method>`` the server answers ``/respond/<id>`` (response_url posts) and
``/upload/v1/<file_id>`` (files upload v2). All state sits behind one lock; ``wait_for``
blocks on a condition variable that every recorded call notifies.

A workspace starts with the bot user and the channel ``C0GENERAL`` (#general, every user is a
member, the bot is *not*: posting there answers ``not_in_channel`` until a test calls
``fake.add_channel("C0GENERAL", "general", bot_member=True)``).
"""
from __future__ import annotations

import collections
import copy
import json
import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from . import history as _history  # noqa: F401  (registers conversations.history/replies, files.info)
from . import views as _views  # importing it registers the views.* methods
from ._core import ApiError, Call, parse_request
from ._inspect import Inspection
from .api import METHODS
from .oauth import OAuthSide
from .responses import handle_response_url, handle_upload, record_ack


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeSlack/1.0"

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        status, headers, payload = self.server.fake._route(parts.path, parts.query, self.headers, body)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST


class FakeSlack(Inspection, OAuthSide):
    """A fake Slack workspace. See the package docstring for an overview."""

    RESPONSE_URL_MAX_POSTS = 5

    def __init__(self, bot_token: str = "xoxb-test", team_id: str = "T0TEST", bot_user_id: str = "UBOT", *,
                 bot_id: str = "B0BOT", app_id: str = "A0APP", team_domain: str = "mentor-test",
                 general_channel: str | None = "C0GENERAL"):
        self.bot_token, self.team_id, self.bot_user_id = bot_token, team_id, bot_user_id
        self.bot_id, self.app_id, self.team_domain = bot_id, app_id, team_domain
        self.general_channel = general_channel
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.reset()

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fakeslack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if not self._server:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def reset(self) -> None:
        """Forget everything recorded or configured (the server keeps running)."""
        with self._lock:
            self.trigger_ttl = 3.0
            self.response_url_ttl = 30 * 60.0
            self._seq, self._ts = 0, 1700000000_000000
            self._calls: list[Call] = []
            self._users: dict[str, dict] = {}
            self._channels: dict[str, dict] = {}
            self._dms: dict[str, str] = {}
            self._mpims: dict[frozenset, str] = {}
            self._messages: dict[str, list[dict]] = {}
            self._ephemerals: list[dict] = []
            self._responses: list[dict] = []
            self._response_urls: dict[str, dict] = {}
            self._views: dict[str, dict] = {}
            self._stacks: dict[str, list[str]] = {}
            self._homes: dict[str, str] = {}
            self._external: dict[str, str] = {}
            self._triggers: dict[str, dict] = {}
            self._files: dict[str, dict] = {}
            self._limits: dict[str, dict] = {}
            self._failures: dict[str, list[tuple[str, int]]] = {}
            self._hangs: dict[str, dict] = {}
            self._latency: dict[str, float] = {}
            self._token_error: str | None = None
            self._oauth_reset()
            self.add_user(self.bot_user_id, "mentor-bot", is_bot=True)
            if self.general_channel:
                self.add_channel(self.general_channel, "general", members=None, bot_member=False)

    # -- workspace setup --------------------------------------------------------------------------
    def add_user(self, user_id: str, real_name: str, title: str = "", tz: str = "Europe/London",
                 tz_offset: int = 0, deleted: bool = False, is_bot: bool = False, team_id: str | None = None,
                 *, email: str | None = None, display_name: str | None = None) -> dict:
        """Add (or replace) a workspace member."""
        with self._lock:
            user = {"id": user_id, "real_name": real_name, "title": title, "tz": tz, "tz_offset": tz_offset,
                    "deleted": deleted, "is_bot": is_bot, "team_id": team_id, "email": email,
                    "display_name": display_name if display_name is not None else real_name.split(" ")[0]}
            self._users[user_id] = user
            return dict(user)

    def set_profile_field(self, user_id: str, field_id: str, value: str) -> None:
        """A custom profile field (users.profile.get shows it), e.g. the workspace's manager field."""
        with self._lock:
            self._users[user_id].setdefault("fields", {})[field_id] = value

    def deactivate_user(self, user_id: str) -> None:
        with self._lock:
            self._users[user_id]["deleted"] = True

    def add_channel(self, channel_id: str, name: str, members: list[str] | None = None,
                    bot_member: bool = True) -> dict:
        """A public/private channel. members=None means every workspace member is in it."""
        with self._lock:
            chan = {"id": channel_id, "name": name, "kind": "channel", "bot_member": bot_member,
                    "members": None if members is None else set(members)}
            self._channels[channel_id] = chan
            self._messages.setdefault(channel_id, [])
            return dict(chan)

    def revoke_token(self, error: str = "token_revoked") -> None:
        """From now on every call answers `error` (e.g. token_revoked, account_inactive)."""
        with self._lock:
            self._token_error = error

    def set_rate_limit(self, method: str, per_minute: int, retry_after: int | None = 1, window: float = 60.0) -> None:
        """Allow `per_minute` calls per sliding `window` seconds (workspace-wide); beyond: HTTP 429 + Retry-After.
        retry_after=None answers, like Slack, the whole seconds until the window has room again."""
        with self._lock:
            self._limits[method] = {"per_minute": per_minute, "retry_after": retry_after, "window": window,
                                    "hits": collections.deque()}

    def clear_rate_limit(self, method: str | None = None) -> None:
        with self._lock:
            self._limits.clear() if method is None else self._limits.pop(method, None)

    def fail_next(self, method: str, error: str = "internal_error", status: int = 500, times: int = 1) -> None:
        """The next `times` calls to `method` fail with HTTP `status` (200 → ok:false + error)."""
        with self._lock:
            self._failures.setdefault(method, []).extend([(error, status)] * times)

    def clear_failures(self) -> None:
        """Forget the failures fail_next queued and not yet used."""
        with self._lock:
            self._failures.clear()

    def restore_token(self) -> None:
        with self._lock:
            self._token_error = None

    def set_latency(self, method: str, seconds: float) -> None:
        """Every call to `method` takes this long to answer (held outside the lock, like a slow network)."""
        with self._lock:
            self._latency[method] = seconds

    def hang_after(self, method: str, calls: int, seconds: float = 30.0) -> threading.Event:
        """After `calls` more answered calls to `method`, the next ones take effect in Slack but their
        HTTP answer is held back for `seconds` (or until the returned event is set): the moment a
        client crashes or times out not knowing whether its message arrived."""
        with self._lock:
            release = threading.Event()
            self._hangs[method] = {"left": calls, "seconds": seconds, "release": release}
            return release

    def new_trigger_id(self, user_id: str | None = None) -> str:
        """A trigger_id valid for `trigger_ttl` seconds and one use; views open for `user_id`."""
        with self._lock:
            return _views.new_trigger(self, user_id)

    def new_response_url(self, user_id: str | None = None, channel_id: str | None = None, *,
                         message_ts: str | None = None, ephemeral_id: str | None = None) -> str:
        """A response_url; message_ts/ephemeral_id name the message replace_original acts on."""
        with self._lock:
            rid = self._new_id("R")
            origin = ("message", channel_id, message_ts) if message_ts else (
                ("ephemeral", ephemeral_id) if ephemeral_id else None)
            url = f"{self.base_url}/respond/{rid}"
            self._response_urls[rid] = {"url": url, "user": user_id, "channel": channel_id, "origin": origin,
                                        "posts": [], "created": time.monotonic()}
            return url

    def record_ack(self, kind: str, user_id: str, channel_id: str | None, body: Any,
                   response_url: str | None = None) -> dict | None:
        """Called by the driver with a command's ack body: validates it and shows it to the user."""
        with self._lock:
            return record_ack(self, kind, user_id, channel_id, body, response_url)

    # -- internals used by the method handlers (lock held) ----------------------------------------
    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{self._next_seq():08d}"

    def _new_hash(self) -> str:
        return f"1700000000.{self._next_seq():08x}"

    def _next_ts(self) -> str:
        # Like Slack's: the epoch time of the message, unique within the workspace.
        self._ts = max(self._ts + 100, int(time.time() * 1_000_000))
        return f"{self._ts // 1_000_000}.{self._ts % 1_000_000:06d}"

    def _ensure_dm(self, user_id: str) -> str:
        if user_id not in self._dms:
            cid = self._new_id("D")
            self._dms[user_id] = cid
            self._channels[cid] = {"id": cid, "name": cid, "kind": "im", "user": user_id, "bot_member": True,
                                   "members": {user_id}}
            self._messages[cid] = []
        return self._dms[user_id]

    def _ensure_mpim(self, user_ids: list[str]) -> str:
        key = frozenset(u for u in user_ids if u != self.bot_user_id)
        if key not in self._mpims:
            cid = self._new_id("G")
            self._mpims[key] = cid
            self._channels[cid] = {"id": cid, "name": "mpdm-" + "--".join(sorted(key)) + "-1", "kind": "mpim",
                                   "bot_member": True, "members": set(key)}
            self._messages[cid] = []
        return self._mpims[key]

    def _store_message(self, channel: str, text: str, blocks: list, thread_ts: str | None, extra: dict) -> dict:
        msg = {"type": "message", "ts": self._next_ts(), "channel": channel, "text": text,
               "blocks": copy.deepcopy(blocks), "thread_ts": thread_ts, "user": self.bot_user_id,
               "bot_id": self.bot_id, "app_id": self.app_id, "team": self.team_id, **extra}
        self._messages.setdefault(channel, []).append(msg)
        return msg

    def _public_message(self, msg: dict) -> dict:
        return {k: copy.deepcopy(v) for k, v in msg.items() if k != "channel" and v is not None}

    def _find_message(self, channel: str, ts: str) -> dict | None:
        return next((m for m in self._messages.get(channel, []) if m["ts"] == ts), None)

    def _add_ephemeral(self, user_id: str, channel: str | None, text: str, blocks: list, *, source: str,
                       thread_ts: str | None = None) -> dict:
        eph = {"id": self._new_id("E"), "ts": self._next_ts(), "user": user_id, "channel": channel, "text": text,
               "blocks": copy.deepcopy(blocks), "thread_ts": thread_ts, "source": source, "is_ephemeral": True}
        self._ephemerals.append(eph)
        return eph

    def _record(self, call: Call) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    # -- HTTP routing -----------------------------------------------------------------------------
    def _route(self, path: str, query: str, headers: Any, body: bytes) -> tuple[int, dict, bytes]:
        if path.startswith("/api/"):
            return self._api(path[len("/api/"):], query, headers, body)
        if path.startswith("/respond/"):
            return handle_response_url(self, path[len("/respond/"):], body)
        if path.startswith("/upload/v1/"):
            return handle_upload(self, path[len("/upload/v1/"):], body)
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def _api(self, name: str, query: str, headers: Any, body: bytes) -> tuple[int, dict, bytes]:
        status, extra_headers, injected, args, token = 200, {}, False, {}, None
        with self._lock:
            try:
                parsed = parse_request(query, headers, body)
                args, token = parsed.args, parsed.token
                if name not in METHODS:
                    raise ApiError("unknown_method")
                self._authenticate(name, parsed.token, headers, args)  # the classic token, an install's, or the app
                self._check_reach(args)
                self._check_injected(name)
                response, error = {"ok": True, **METHODS[name](self, args)}, None
            except ApiError as exc:
                response, error = exc.body(), exc.error
                status, extra_headers, injected = exc.status, exc.headers, exc.injected
            self._record(Call(name, args, error is None, error, response, time.time(), status, injected, token))
            hang = self._hangs.get(name) if error is None else None
            if hang is not None:
                hang["left"] -= 1
        if hang is not None and hang["left"] < 0:
            hang["release"].wait(hang["seconds"])
        if self._latency.get(name):
            time.sleep(self._latency[name])
        headers_out = {"Content-Type": "application/json; charset=utf-8", **extra_headers}
        return status, headers_out, json.dumps(response).encode("utf-8")

    def _check_injected(self, name: str) -> None:
        pending = self._failures.get(name)
        if pending:
            error, status = pending.pop(0)
            raise ApiError(error, status=status, injected=True)
        limit = self._limits.get(name)
        if limit:
            now, hits = time.monotonic(), limit["hits"]
            while hits and now - hits[0] >= limit["window"]:
                hits.popleft()
            if len(hits) >= limit["per_minute"]:
                retry_after = limit["retry_after"]
                if retry_after is None:
                    retry_after = max(1, math.ceil(limit["window"] - (now - hits[0])))
                raise ApiError("ratelimited", status=429, headers={"Retry-After": str(retry_after)}, injected=True)
            hits.append(now)

