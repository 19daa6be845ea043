"""Web API methods of the fake (auth, users, conversations, chat, files).

Each handler takes the FakeSlack (its lock is held) and the parsed arguments, returns the
success body without "ok", or raises ApiError with the error name Slack uses.
"""
from __future__ import annotations

import copy
import datetime as _dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from ._core import ApiError
from .blockkit import message_errors

METHODS: dict[str, Callable[[Any, dict], dict]] = {}


def method(name: str):
    def register(fn):
        METHODS[name] = fn
        return fn
    return register


def require(args: dict, *names: str) -> None:
    missing = [n for n in names if args.get(n) in (None, "")]
    if missing:
        raise ApiError("invalid_arguments", [f"missing required field: {n}" for n in missing])


# -- helpers ----------------------------------------------------------------------------------
def user_object(fake, user: dict) -> dict:
    try:
        label = _dt.datetime.now(ZoneInfo(user["tz"])).tzname()
    except Exception:  # unknown zone name: still answer like Slack would
        label = user["tz"]
    name = user["real_name"].lower().replace(" ", ".") or user["id"].lower()
    return {
        "id": user["id"], "team_id": user["team_id"] or fake.team_id, "name": name,
        "deleted": user["deleted"], "color": "9f69e7", "real_name": user["real_name"],
        "tz": user["tz"], "tz_label": label, "tz_offset": user["tz_offset"],
        "is_admin": False, "is_owner": False, "is_primary_owner": False, "is_restricted": False,
        "is_ultra_restricted": False, "is_bot": user["is_bot"], "is_app_user": False, "updated": 1700000000,
        "profile": {
            "real_name": user["real_name"], "real_name_normalized": user["real_name"],
            "display_name": user["display_name"], "display_name_normalized": user["display_name"],
            "title": user["title"], "email": user["email"], "team": user["team_id"] or fake.team_id,
            "image_24": f"https://avatars.example/{user['id']}_24.png",
            "image_48": f"https://avatars.example/{user['id']}_48.png",
            "image_72": f"https://avatars.example/{user['id']}_72.png",
        },
    }


def _check_dm_user(fake, user: dict) -> None:
    if user["is_bot"] or user["id"] == fake.bot_user_id:
        raise ApiError("cannot_dm_bot")
    if user["deleted"]:
        raise ApiError("user_disabled")


def resolve_channel(fake, channel: Any, *, allow_user: bool = True) -> dict:
    """The channel record for a post (user ids mean their DM); checks the bot may post there."""
    if not channel or not isinstance(channel, str):
        raise ApiError("channel_not_found")
    if allow_user and channel[:1] in ("U", "W") and channel not in fake._channels:
        user = fake._users.get(channel)
        if user is None:
            raise ApiError("channel_not_found")
        _check_dm_user(fake, user)
        return fake._channels[fake._ensure_dm(channel)]
    chan = fake._channels.get(channel)
    if chan is None:
        name = channel.lstrip("#")
        chan = next((c for c in fake._channels.values() if c["name"] == name and c["kind"] == "channel"), None)
    if chan is None:
        raise ApiError("channel_not_found")
    if chan["kind"] == "im":
        _check_dm_user(fake, fake._users[chan["user"]])
    if chan["kind"] == "channel" and not chan["bot_member"]:
        raise ApiError("not_in_channel")
    return chan


def is_member(fake, chan: dict, user_id: str) -> bool:
    if chan["kind"] == "im":
        return chan["user"] == user_id
    if chan["members"] is None:  # open channel: every workspace member is in it
        return user_id in fake._users
    return user_id in chan["members"]


def check_message(args: dict, *, current: dict | None = None) -> tuple[str, list]:
    """Validate text/blocks of a message (merged with `current` for chat.update)."""
    text = args.get("text", current["text"] if current else None)
    blocks = args.get("blocks", current["blocks"] if current else None)
    if blocks == "":
        blocks = None
    if text is not None and not isinstance(text, str):
        text = str(text)
    if not text and not blocks and not args.get("attachments"):
        raise ApiError("no_text")
    if text and len(text) > 40_000:
        raise ApiError("msg_too_long")
    errors = [e for e in message_errors(blocks, text) if not e.startswith(("message:", "text:"))]
    if errors:
        raise ApiError("invalid_blocks", errors)
    return text or "", list(blocks or [])


# -- auth / users -------------------------------------------------------------------------------
@method("auth.test")
def auth_test(fake, a: dict) -> dict:
    from .oauth import auth_test_body  # the calling token's install: a workspace, an org, or the classic token

    return auth_test_body(fake)


@method("users.info")
def users_info(fake, a: dict) -> dict:
    require(a, "user")
    user = fake._users.get(a["user"])
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user_object(fake, user)}


@method("users.profile.get")
def users_profile_get(fake, a: dict) -> dict:
    """The profile with its custom fields ({field id: {"value", "alt"}}), as set by `FakeSlack.set_profile_field`."""
    user = fake._users.get(a.get("user") or "")
    if user is None:
        raise ApiError("user_not_found")
    profile = dict(user_object(fake, user)["profile"])
    profile["fields"] = {k: {"value": v, "alt": ""} for k, v in (user.get("fields") or {}).items()}
    return {"profile": profile}


@method("users.list")
def users_list(fake, a: dict) -> dict:
    members = [user_object(fake, u) for u in fake._users.values()]
    return {"members": members, "cache_ts": 1700000000, "response_metadata": {"next_cursor": ""}}


@method("users.lookupByEmail")
def users_lookup_by_email(fake, a: dict) -> dict:
    require(a, "email")
    for user in fake._users.values():
        if user["email"] and user["email"].lower() == str(a["email"]).lower():
            return {"user": user_object(fake, user)}
    raise ApiError("users_not_found")


# -- conversations ------------------------------------------------------------------------------
@method("conversations.open")
def conversations_open(fake, a: dict) -> dict:
    if a.get("channel"):
        chan = fake._channels.get(a["channel"])
        if chan is None or chan["kind"] == "channel":
            raise ApiError("channel_not_found")
        return {"no_op": True, "already_open": True, "channel": {"id": chan["id"]}}
    if not a.get("users"):
        raise ApiError("users_list_not_supplied")
    ids = list(dict.fromkeys(u.strip() for u in str(a["users"]).split(",") if u.strip()))
    if len(ids) > 8:
        raise ApiError("too_many_users")
    for uid in ids:
        user = fake._users.get(uid)
        if user is None:
            raise ApiError("user_not_found")
        if user["deleted"]:
            raise ApiError("user_disabled")
    if len(ids) == 1:
        _check_dm_user(fake, fake._users[ids[0]])
        existed = ids[0] in fake._dms
        cid = fake._ensure_dm(ids[0])
        body: dict = {"channel": {"id": cid}}
        if existed:
            body.update(no_op=True, already_open=True)
        return body
    return {"channel": {"id": fake._ensure_mpim(ids)}}


def _channel_object(fake, chan: dict) -> dict:
    return {
        "id": chan["id"], "name": chan["name"], "is_channel": chan["kind"] == "channel",
        "is_im": chan["kind"] == "im", "is_mpim": chan["kind"] == "mpim", "is_private": chan["kind"] != "channel",
        "is_member": chan["kind"] != "channel" or chan["bot_member"], "user": chan.get("user"),
    }


@method("conversations.info")
def conversations_info(fake, a: dict) -> dict:
    require(a, "channel")
    chan = fake._channels.get(a["channel"])
    if chan is None:
        raise ApiError("channel_not_found")
    return {"channel": _channel_object(fake, chan)}


@method("conversations.members")
def conversations_members(fake, a: dict) -> dict:
    require(a, "channel")
    chan = fake._channels.get(a["channel"])
    if chan is None:
        raise ApiError("channel_not_found")
    if chan["kind"] == "im":
        members = [chan["user"], fake.bot_user_id]
    elif chan["members"] is None:
        members = [u for u in fake._users if not fake._users[u]["deleted"]]
    else:
        members = sorted(chan["members"]) + ([fake.bot_user_id] if chan["bot_member"] else [])
    return {"members": list(dict.fromkeys(members)), "response_metadata": {"next_cursor": ""}}


# -- chat ---------------------------------------------------------------------------------------
@method("chat.postMessage")
def chat_post_message(fake, a: dict) -> dict:
    chan = resolve_channel(fake, a.get("channel"))
    text, blocks = check_message(a)
    extra = {k: copy.deepcopy(a[k]) for k in ("attachments", "metadata") if a.get(k)}
    msg = fake._store_message(chan["id"], text, blocks, a.get("thread_ts") or None, extra)
    return {"channel": chan["id"], "ts": msg["ts"], "message": fake._public_message(msg)}


def _find(fake, a: dict) -> tuple[dict, dict]:
    require(a, "ts")
    chan = resolve_channel(fake, a.get("channel"), allow_user=False)
    msg = fake._find_message(chan["id"], a["ts"])
    if msg is None:
        raise ApiError("message_not_found")
    return chan, msg


@method("chat.update")
def chat_update(fake, a: dict) -> dict:
    chan, msg = _find(fake, a)
    text, blocks = check_message(a, current=msg)
    msg.update(text=text, blocks=blocks, edited={"user": fake.bot_user_id, "ts": fake._next_ts()})
    return {"channel": chan["id"], "ts": msg["ts"], "text": text, "message": fake._public_message(msg)}


@method("chat.delete")
def chat_delete(fake, a: dict) -> dict:
    chan, msg = _find(fake, a)
    fake._messages[chan["id"]].remove(msg)
    return {"channel": chan["id"], "ts": msg["ts"]}


@method("chat.postEphemeral")
def chat_post_ephemeral(fake, a: dict) -> dict:
    require(a, "user")
    chan = resolve_channel(fake, a.get("channel"), allow_user=False)
    user = fake._users.get(a["user"])
    if user is None:
        raise ApiError("user_not_found")
    if not is_member(fake, chan, user["id"]):
        raise ApiError("user_not_in_channel")
    text, blocks = check_message(a)
    eph = fake._add_ephemeral(user["id"], chan["id"], text, blocks, source="chat.postEphemeral",
                              thread_ts=a.get("thread_ts") or None)
    return {"message_ts": eph["ts"]}


@method("chat.getPermalink")
def chat_get_permalink(fake, a: dict) -> dict:
    require(a, "channel", "message_ts")
    if fake._find_message(a["channel"], a["message_ts"]) is None:
        raise ApiError("message_not_found")
    link = f"https://{fake.team_domain}.slack.com/archives/{a['channel']}/p{a['message_ts'].replace('.', '')}"
    return {"channel": a["channel"], "permalink": link}


# -- files (upload v2) --------------------------------------------------------------------------
@method("files.getUploadURLExternal")
def files_get_upload_url(fake, a: dict) -> dict:
    require(a, "filename", "length")
    try:
        length = int(a["length"])
    except (TypeError, ValueError):
        length = 0
    if length <= 0:
        raise ApiError("invalid_arguments", ["length must be a positive integer"])
    fid = fake._new_id("F")
    fake._files[fid] = {"id": fid, "filename": a["filename"], "length": length, "data": None,
                        "title": None, "channels": [], "initial_comment": None, "completed": False}
    return {"upload_url": f"{fake.base_url}/upload/v1/{fid}", "file_id": fid}


@method("files.completeUploadExternal")
def files_complete_upload(fake, a: dict) -> dict:
    files = a.get("files")
    if not isinstance(files, list) or not files or not all(isinstance(f, dict) and f.get("id") for f in files):
        raise ApiError("invalid_arguments", ["files must be a JSON list of {id, title}"])
    records = []
    for item in files:
        rec = fake._files.get(item["id"])
        if rec is None:
            raise ApiError("file_not_found", [f"unknown file id {item['id']}"])
        if rec["data"] is None:
            raise ApiError("file_not_found", [f"file {item['id']} was never uploaded to its upload_url"])
        records.append((rec, item))
    channel_ids = [c for c in str(a.get("channels") or "").split(",") if c]
    if a.get("channel_id"):
        channel_ids.insert(0, a["channel_id"])
    chans = [resolve_channel(fake, c, allow_user=False) for c in channel_ids]
    out = []
    for rec, item in records:
        rec.update(title=item.get("title") or rec["filename"], completed=True,
                   channels=[c["id"] for c in chans], initial_comment=a.get("initial_comment"))
        out.append({"id": rec["id"], "name": rec["filename"], "title": rec["title"], "size": len(rec["data"]),
                    "channels": rec["channels"]})
    for chan in chans:
        fake._store_message(chan["id"], a.get("initial_comment") or "", [], a.get("thread_ts") or None,
                            {"files": copy.deepcopy(out)})
    return {"files": out}
