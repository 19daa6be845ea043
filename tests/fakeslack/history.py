"""Reading back what was posted: conversations.history / conversations.replies and files.info.

The app's outbox sender uses them to check, after a crash or a timeout, whether a message it may
have sent did arrive (by the outbox key it put in the message's metadata).
"""
from __future__ import annotations

import copy

from ._core import ApiError, truthy
from .api import method, require


def _readable(fake, channel_id: str) -> list[dict]:
    chan = fake._channels.get(channel_id)
    if chan is None:
        raise ApiError("channel_not_found")
    if chan["kind"] == "channel" and not chan["bot_member"]:
        raise ApiError("not_in_channel")
    return fake._messages.get(channel_id, [])


def _shown(fake, msg: dict, a: dict) -> dict:
    out = fake._public_message(msg)
    if not truthy(a.get("include_all_metadata")):
        out.pop("metadata", None)
    return out


def _window(a: dict, messages: list[dict]) -> list[dict]:
    oldest = float(a.get("oldest") or 0)
    latest = float(a.get("latest") or "inf")
    limit = int(a.get("limit") or 100)
    picked = [m for m in messages if oldest < float(m["ts"]) <= latest]
    return list(reversed(picked))[:limit]  # newest first, like Slack


@method("conversations.history")
def conversations_history(fake, a: dict) -> dict:
    require(a, "channel")
    top = [m for m in _readable(fake, a["channel"]) if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
    return {"messages": [_shown(fake, m, a) for m in _window(a, top)], "has_more": False,
            "response_metadata": {"next_cursor": ""}}


@method("conversations.replies")
def conversations_replies(fake, a: dict) -> dict:
    require(a, "channel", "ts")
    messages = _readable(fake, a["channel"])
    parent = next((m for m in messages if m["ts"] == a["ts"]), None)
    if parent is None:
        raise ApiError("thread_not_found")
    thread = [parent] + [m for m in messages if m.get("thread_ts") == a["ts"] and m is not parent]
    return {"messages": [_shown(fake, m, a) for m in reversed(_window(a, thread))], "has_more": False,
            "response_metadata": {"next_cursor": ""}}


@method("files.info")
def files_info(fake, a: dict) -> dict:
    require(a, "file")
    rec = fake._files.get(a["file"])
    if rec is None or not rec["completed"]:
        raise ApiError("file_not_found")
    return {"file": {"id": rec["id"], "name": rec["filename"], "title": rec["title"], "size": len(rec["data"] or b""),
                     "channels": copy.deepcopy(rec["channels"])}}
