"""The outbox: every message the bot sends on its own schedule, written before it is sent.

A row's `key` names the message (kind, recipient, period), so writing it twice is a no-op; a sender
claims due rows, sends, and records Slack's ts. See bot/delivery.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.status import OutboxStatus, values

OUTBOX_STATUSES = values(OutboxStatus)


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"status IN {OUTBOX_STATUSES}", name="status_known"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    # A Slack user id (sent to their DM with the bot) or a channel id.
    recipient: Mapped[str] = mapped_column(String(32))
    # {"text", "blocks"} for a message; {"update": {"channel", "ts"}, ...} to edit one; {"file": {...}} to upload.
    payload: Mapped[dict] = mapped_column(JSON)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Send only after this other message went out, as a reply in its thread.
    after_key: Mapped[str | None] = mapped_column(String(200))
    # 1: a person just acted and waits for the result; 0: a scheduled fan-out. Higher goes first.
    priority: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    file_id: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    # A held row (its tenant uninstalled the bot): the status it goes back to when the tenant installs again
    # ("sending" when it may have reached Slack already, so the sender asks Slack before sending it again).
    held_from: Mapped[str | None] = mapped_column(String(16))
