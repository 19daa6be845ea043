"""The fake's non-API endpoints: response_url posts and files upload v2 uploads."""
from __future__ import annotations

import copy
import json
import time
from typing import Any

from ._core import ApiError, Call, truthy
from .api import check_message

_TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def _origin_message(fake, origin: tuple) -> dict | None:
    if origin[0] == "message":
        return fake._find_message(origin[1], origin[2])
    return next((e for e in fake._ephemerals if e["id"] == origin[1]), None)


def _apply(fake, entry: dict, payload: dict) -> dict:
    origin = entry["origin"]
    record = {"user": entry["user"], "channel": entry["channel"], "text": payload.get("text", ""),
              "blocks": copy.deepcopy(payload.get("blocks") or []),
              "response_type": payload.get("response_type") or "ephemeral",
              "replace_original": truthy(payload.get("replace_original")),
              "delete_original": truthy(payload.get("delete_original")),
              "thread_ts": payload.get("thread_ts"), "response_url": entry["url"], "at": time.time()}
    target = _origin_message(fake, origin) if origin else None
    if record["delete_original"]:
        if target is None:
            raise ApiError("message_not_found", ["delete_original: there is no original message"], status=404)
        if origin[0] == "message":
            fake._messages[origin[1]].remove(target)
        else:
            fake._ephemerals.remove(target)
        return record
    try:
        text, blocks = check_message(payload)
    except ApiError as exc:
        exc.status = 400
        raise
    if record["replace_original"] and target is not None:
        target.update(text=text, blocks=copy.deepcopy(blocks))
        record["ephemeral_id" if origin[0] == "ephemeral" else "message_ts"] = target.get("id") or target["ts"]
    elif record["response_type"] == "in_channel" and entry["channel"] in fake._channels:
        record["message_ts"] = fake._store_message(entry["channel"], text, blocks, record["thread_ts"], {})["ts"]
    else:
        eph = fake._add_ephemeral(entry["user"], entry["channel"], text, blocks, source="response_url",
                                  thread_ts=record["thread_ts"])
        eph["response_url"] = entry["url"]
        record["ephemeral_id"] = eph["id"]
        if origin is None:
            entry["origin"] = ("ephemeral", eph["id"])
    return record


def handle_response_url(fake, rid: str, body: bytes) -> tuple[int, dict, bytes]:
    """POST /respond/<id>: at most 5 posts within 30 minutes, Block Kit validated."""
    with fake._lock:
        entry = fake._response_urls.get(rid)
        payload: Any = {}
        try:
            try:
                payload = json.loads(body.decode("utf-8") or "{}")
            except ValueError:
                raise ApiError("invalid_payload", ["the body must be JSON"], status=400) from None
            if not isinstance(payload, dict):
                raise ApiError("invalid_payload", ["the body must be a JSON object"], status=400)
            if entry is None:
                raise ApiError("invalid_url", status=404)
            now = time.monotonic()
            if now - entry["created"] > fake.response_url_ttl:
                raise ApiError("expired_url", status=404)
            if len(entry["posts"]) >= fake.RESPONSE_URL_MAX_POSTS:
                raise ApiError("used_url", status=404)
            record = _apply(fake, entry, payload)
            entry["posts"].append(now)
            fake._responses.append(record)
            status, error, text = 200, None, "ok"
        except ApiError as exc:
            status, error, text = exc.status, exc.error, exc.error
        user = entry["user"] if entry else None
        response = {"ok": error is None, "status": status, "body": text}
        fake._record(Call("response_url", {"url_id": rid, "user": user, **payload}, error is None, error,
                          response, time.time(), status))
    return status, _TEXT, text.encode()


def handle_upload(fake, file_id: str, body: bytes) -> tuple[int, dict, bytes]:
    """POST /upload/v1/<file_id>: stores the raw bytes (no token needed, like Slack's upload URL)."""
    with fake._lock:
        rec = fake._files.get(file_id)
        if rec is None:
            status, error, text = 404, "file_not_found", "file_not_found"
        elif len(body) != rec["length"]:
            status, error = 400, "invalid_arguments"
            text = f"length mismatch: announced {rec['length']} bytes, received {len(body)}"
        else:
            rec["data"] = bytes(body)
            status, error, text = 200, None, f"OK - {len(body)}"
        fake._record(Call("upload", {"file_id": file_id, "bytes": len(body)}, error is None, error,
                          {"ok": error is None, "body": text}, time.time(), status))
    return status, _TEXT, text.encode()


def record_ack(fake, kind: str, user_id: str, channel_id: str | None, body: Any,
               response_url: str | None) -> dict | None:
    """A slash command's ack body is shown to the user like a response_url post."""
    if isinstance(body, str):
        body = {"text": body} if body.strip() else {}
    body = body or {}
    eph, error, response = None, None, {"ok": True}
    if body.get("text") or body.get("blocks"):
        try:
            text, blocks = check_message(body)
            if body.get("response_type") == "in_channel" and channel_id in fake._channels:
                fake._store_message(channel_id, text, blocks, None, {})
            else:
                eph = fake._add_ephemeral(user_id, channel_id, text, blocks, source=kind)
                eph["response_url"] = response_url
                entry = fake._response_urls.get((response_url or "").rsplit("/", 1)[-1])
                if entry and entry["origin"] is None:
                    entry["origin"] = ("ephemeral", eph["id"])
        except ApiError as exc:
            error, response = exc.error, exc.body()
    fake._record(Call(kind, {"user": user_id, **body}, error is None, error, response, time.time()))
    return copy.deepcopy(eph)
