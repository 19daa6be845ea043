"""Shared pieces of the fake: the Call record, the API error type and request parsing."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

# Errors that mean the app broke one of Slack's rules (listed in FakeSlack.rejected).
# Conditions a test sets up on purpose (injected failures, rate limits, revoked tokens,
# deactivated users, channels the bot is not in) are not listed.
APP_MISTAKES = frozenset({
    "invalid_blocks", "invalid_arguments", "invalid_arg_name", "invalid_form_data", "invalid_json",
    "json_not_object", "no_text", "msg_too_long", "unknown_method", "not_authed", "invalid_auth",
    "invalid_trigger_id", "expired_trigger_id", "exchanged_trigger_id", "push_limit_reached",
    "duplicate_external_id", "view_not_found", "channel_not_found", "message_not_found",
    "cannot_dm_bot", "file_not_found", "used_url", "expired_url", "invalid_url", "not_enough_users",
    "too_many_users", "users_list_not_supplied", "invalid_payload", "invalid_view_response",
    "operation_timeout",
})

# Arguments that slack-sdk sends as JSON strings inside form bodies.
JSON_ARGS = ("blocks", "view", "files", "attachments", "metadata")


@dataclass
class Call:
    """One request the fake answered (Web API method, response_url post, or an app ack)."""

    method: str
    args: dict
    ok: bool
    error: str | None
    response: dict
    at: float
    status: int = 200
    injected: bool = False  # failure produced by fail_next / set_rate_limit / revoke_token
    token: str | None = None  # the token the call came with (OAuth tests: which install's, rotated or not)

    def __repr__(self) -> str:
        state = "ok" if self.ok else f"error={self.error}"
        shown = {k: (v if len(repr(v)) < 80 else repr(v)[:77] + "...") for k, v in self.args.items()}
        return f"Call({self.method} {state} {shown})"


class ApiError(Exception):
    """Raised by method handlers; becomes {"ok": false, "error": ...}."""

    def __init__(self, error: str, messages: list[str] | None = None, *, status: int = 200,
                 headers: dict | None = None, extra: dict | None = None, injected: bool = False):
        super().__init__(error)
        self.error = error
        self.messages = messages or []
        self.status = status
        self.headers = headers or {}
        self.extra = extra or {}
        self.injected = injected

    def body(self) -> dict:
        body: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            body["response_metadata"] = {"messages": [f"[ERROR] {m}" for m in self.messages]}
        return body


@dataclass
class Parsed:
    args: dict = field(default_factory=dict)
    token: str | None = None


def _decode_json_args(args: dict) -> None:
    for key in JSON_ARGS:
        value = args.get(key)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                args[key] = json.loads(value)
            except ValueError:
                pass  # left as a string: the validators report it


def _multipart(content_type: str, body: bytes) -> dict:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    args: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        args[name] = payload if part.get_filename() else payload.decode("utf-8", "replace")
    return args


def parse_request(query: str, headers: Any, body: bytes) -> Parsed:
    """Parse a Web API request the way Slack does: query params + JSON, form or multipart body."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    content_type = (headers.get("Content-Type") or "").strip()
    mime = content_type.split(";")[0].strip().lower()
    if body:
        if mime == "application/json":
            try:
                data = json.loads(body.decode("utf-8"))
            except ValueError as exc:
                raise ApiError("invalid_json", [f"body is not valid JSON: {exc}"]) from None
            if not isinstance(data, dict):
                raise ApiError("json_not_object")
            args.update(data)
        elif mime == "multipart/form-data":
            args.update(_multipart(content_type, body))
        else:
            try:
                args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
            except ValueError:
                raise ApiError("invalid_form_data") from None
    _decode_json_args(args)
    token = None
    auth = headers.get("Authorization") or ""
    if auth.lower().startswith("bearer "):
        token = auth[7:].strip()
    body_token = args.pop("token", None)
    if body_token and mime != "application/json":  # Slack ignores a token inside a JSON body
        token = token or body_token
    return Parsed(args=args, token=token)


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)
