"""Writing to the outbox: what to send, to whom, under which idempotency key. No Slack here.

`enqueue` is safe to call twice, from two processes at once, or after a crash: a key is written once.
The sender (bot/delivery.py) reads the rows back and talks to Slack.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import insert_ignore, upsert
from bot.services import keys
from models import OutboxMessage
from models.base import utcnow
from models.status import OutboxStatus

# A message's payload: {"text": ..., "blocks": [...]} (a DM when the recipient is a user id, else a channel post);
# {"update": {"channel", "ts"}, "text", "blocks"} edits a message; {"file": {"filename", "title"}, "text"} with
# `attachment` bytes uploads a file (files upload v2). With `after_key`, it goes out only after that message,
# as a reply in its thread, or just after it when the payload says "in_thread": False.


UNDELIVERED = "if_undelivered"  # payload key of the notice for when Slack refuses a message for good

def enqueue(session: Session, team_id: str, key: str, kind: str, recipient: str, message: dict[str, Any], *,
            after_key: str | None = None, attachment: bytes | None = None, not_before: datetime | None = None,
            priority: int = 1, if_undelivered: tuple[str, dict[str, Any]] | None = None) -> bool:
    """Ask for one message to be sent. Returns False when a message with this key was asked for before.

    `if_undelivered` = (Slack user id, message): who is told, and how, if Slack refuses this message for good
    (the person whose action it carries: "I couldn't deliver your request to Bea")."""
    if if_undelivered is not None:
        message = {**message, UNDELIVERED: {"recipient": if_undelivered[0], "message": if_undelivered[1]}}
    row = dict(team_id=team_id, key=key, kind=kind, recipient=recipient, payload=message, after_key=after_key,
               attachment=attachment, status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=not_before or utcnow(),
               created_at=utcnow(), priority=priority)
    return insert_ignore(session, OutboxMessage, [row], ["key"]) == 1


def undelivered(session: Session, row: OutboxMessage) -> bool:
    """The sender gave up on `row`: queue its `if_undelivered` notice (once), in the same transaction."""
    notice = (row.payload or {}).get(UNDELIVERED)
    if not notice:
        return False
    return enqueue(session, row.team_id, keys.undelivered(row.key), "undelivered", notice["recipient"], notice["message"])


def enqueue_many(session: Session, rows: list[dict[str, Any]]) -> int:
    """Many `enqueue`s in one statement (a scheduled fan-out: it yields to messages people wait for);
    each row has team_id, key, kind, recipient, payload."""
    now = utcnow()
    full = [dict(after_key=None, attachment=None, status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=now,
                 created_at=now, priority=0) | row for row in rows]
    total = 0
    for start in range(0, len(full), 500):
        total += insert_ignore(session, OutboxMessage, full[start:start + 500], ["key"])
    return total


def sent(session: Session, key: str) -> OutboxMessage | None:
    """The message with this key, if Slack has it (its channel and ts are then known)."""
    return session.scalars(select(OutboxMessage).where(OutboxMessage.key == key,
                                                       OutboxMessage.status == OutboxStatus.SENT)).first()


GROUP_CHAT_OF = "group_chat_of"  # payload key: this message opens the pair's group chat (a partnership id) ...
# ... the sender then keeps the chat's channel on the partnership, for the pair's later messages

CIRCLE_CHAT_OF = "circle_chat_of"  # payload key: this message opens a peer circle's group chat (a circle id) ...
# ... the sender then keeps the chat's channel on the circle

HOME = "home"  # payload key: publish the recipient's App Home, rendered when it is sent


def _again(session: Session, team_id: str, key: str, kind: str, recipient: str, payload: dict[str, Any]) -> None:
    """Write a coalesced message: one row per key, pending again (with this payload) however often it is asked
    for. A row being sent right now is sent once more, so the last change always reaches Slack."""
    now = utcnow()
    row = dict(team_id=team_id, key=key, kind=kind, recipient=recipient, payload=payload, after_key=None,
               attachment=None, status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=now, created_at=now,
               priority=1)
    upsert(session, OutboxMessage, row, ["key"],
           update=dict(payload=payload, status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=now,
                       lease_until=None, claimed_at=None, last_error=None))


def publish_home(session: Session, team_id: str, *user_ids: str) -> None:
    """Refresh these people's App Home tabs: one pending publish per person, rendered when sent (never stale)."""
    for user_id in dict.fromkeys(u for u in user_ids if u):
        _again(session, team_id, keys.home(team_id, user_id), HOME, user_id, {HOME: True})


def update_message(session: Session, team_id: str, channel: str, ts: str, message: dict[str, Any]) -> None:
    """Edit a message Slack already has (a clicked request, a check-in DM): the last content asked for wins."""
    _again(session, team_id, keys.update(channel, ts), "update", channel,
           {"update": {"channel": channel, "ts": ts}, "text": message.get("text", ""), "blocks": message.get("blocks") or []})


def update_sent(session: Session, team_id: str, key: str, message: dict[str, Any]) -> bool:
    """Edit the message sent under `key` (a clicked question loses its buttons, a DM shows the answer) once Slack
    has it; False, and nothing queued, when Slack never got it."""
    row = sent(session, key)
    if row is None or not row.slack_channel or not row.slack_ts:
        return False
    update_message(session, team_id, row.slack_channel, row.slack_ts, message)
    return True
