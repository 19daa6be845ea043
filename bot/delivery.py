"""The outbox sender: delivers what `bot.services.outbox` wrote, exactly once.

One row is one Slack side effect. A row is claimed with a lease (and `FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several senders share the work), sent, and marked sent with Slack's ts. When the
outcome of a call is unknown (a timeout, a 5xx, a process killed mid-call) the row stays "sending"
until its lease ends; whoever claims it next first asks Slack whether it already arrived: every
message carries its outbox key in Slack message metadata, so `conversations.history` can tell.

Errors: 429 waits for Retry-After and does not count as an attempt; 5xx and network errors back off
and retry; permanent errors (user gone, channel not found, not in channel, bad blocks) give up with a
log line; a revoked token stops the run and keeps every row for later.

Tenants (issue 14, bot/tenant_routing.py): each row is sent with its tenant's current token (bot/tokens.py:
SLACK_BOT_TOKEN, or in OAuth mode the installation store's, rotated when near expiry and refreshed when Slack says
it expired). A tenant that uninstalled the bot, or whose token Slack refuses, has its rows held (status "held",
not failed) until it installs the bot again; other tenants' rows go on.
"""

from __future__ import annotations

import logging
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from bot import metrics
from bot.db import Database
from bot.pacing import pacer_for
from bot.services import outbox
from bot.settings import Settings
from bot.tenant_routing import TenantRouting
from bot.tokens import Tokens
from models import OutboxMessage
from models.base import utcnow
from models.status import OUTBOX_DONE, OUTBOX_WAITING, OutboxStatus

log = logging.getLogger("mentor_bot.outbox")

METADATA_TYPE = "mentor_bot_outbox"
BATCH = 5  # a killed sender leaves at most this many messages to check with Slack
MAX_ATTEMPTS = 8
MAX_IDLE_WAIT = 30.0  # a drain waits this long at most for the next row to come due
PERMANENT = {
    "user_not_found", "user_disabled", "account_inactive", "cannot_dm_bot", "channel_not_found", "not_in_channel",
    "is_archived", "invalid_blocks", "invalid_arguments", "msg_too_long", "no_text", "restricted_action",
    "message_not_found", "cant_update_message", "edit_window_closed", "messages_tab_disabled", "file_not_found",
    "too_many_attachments", "invalid_metadata_format", "invalid_metadata_schema",
}
STOPS_EVERYTHING = {"invalid_auth", "token_revoked", "token_expired", "not_authed", "missing_scope", "team_access_not_granted"}


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    reconciled: int = 0
    rate_limited: int = 0
    waiting: int = 0
    held: int = 0
    stopped: str | None = None
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        words = f"{self.sent} sent, {self.failed} failed, {self.waiting} waiting"
        if self.reconciled:
            words += f", {self.reconciled} found already delivered"
        if self.rate_limited:
            words += f", {self.rate_limited} rate-limited"
        if self.held:
            words += f", {self.held} held (not installed)"
        if self.stopped:
            words += f" (stopped: {self.stopped})"
        return words


class _RateLimited(Exception):
    def __init__(self, retry_after: float, paced: bool = False):
        self.retry_after = retry_after
        self.paced = paced  # our own pacing, not a 429 from Slack


class _InDoubt(Exception):
    """The call may or may not have reached Slack."""


def make_sender_client(settings: Settings) -> WebClient:
    # No retry handlers: a blind retry after a timeout could post twice. The sender decides.
    return metrics.MeteredWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=15)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 * 2 ** max(attempts - 1, 0), 3600))


class Sender(TenantRouting):
    def __init__(self, settings: Settings, db: Database, client: WebClient | None = None):
        self.settings, self.db = settings, db
        self.client = client or make_sender_client(settings)
        self.tokens = Tokens(settings, db) if settings.oauth else None
        self._clients: dict[str, WebClient] = {}  # tenant -> client with its current token, for this run
        self._paused: set[str] = set()  # tenants whose token Slack refused in this run
        self._uninstalled: set[str] = set()
        self.lease = timedelta(seconds=settings.outbox_lease_seconds)
        self.postgres = db.url.startswith("postgresql")
        self.pacer = pacer_for(settings)

    # -- claiming ---------------------------------------------------------------------------------
    @staticmethod
    def _free():
        """Not waiting for another message to go first."""
        parent = aliased(OutboxMessage)
        parent_done = exists().where(parent.key == OutboxMessage.after_key,
                                     parent.status.in_(OUTBOX_DONE))
        return or_(OutboxMessage.after_key.is_(None), parent_done)

    def _due(self, now: datetime):
        return and_(
            or_(and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
                and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until <= now)),
            self._free(),
        )

    def _claim(self, limit: int) -> list[tuple[int, bool, datetime | None, datetime]]:
        """Take up to `limit` due rows; returns (id, in_doubt, previous claim time, my claim time)."""
        now = utcnow()
        with self.db.uow() as session:
            query = select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.claimed_at).where(self._due(now)) \
                .order_by(OutboxMessage.priority.desc(), OutboxMessage.id).limit(limit)
            if self.postgres:
                query = query.with_for_update(skip_locked=True, of=OutboxMessage)
            claimed = []
            for row_id, status, previous in session.execute(query).all():
                done = session.execute(
                    update(OutboxMessage).where(OutboxMessage.id == row_id, self._due(now))
                    .values(status=OutboxStatus.SENDING, lease_until=now + self.lease, claimed_at=now,
                            attempts=OutboxMessage.attempts + 1)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if done:
                    claimed.append((row_id, status == OutboxStatus.SENDING, previous, now))
            return claimed

    def _finish(self, row_id: int, mine: datetime, **values: object) -> None:
        with self.db.uow() as session:
            session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.SENDING,
                                            OutboxMessage.claimed_at == mine)
                .values(**values).execution_options(synchronize_session=False)
            )

    def _drop(self, row_id: int, mine: datetime) -> None:
        """Delete a row this sender holds (unless it was asked for again meanwhile: then it is pending again)."""
        with self.db.uow() as session:
            session.execute(delete(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.SENDING,
                                                        OutboxMessage.claimed_at == mine)
                            .execution_options(synchronize_session=False))

    def _give_up(self, row: OutboxMessage, mine: datetime, error: str) -> None:
        """Failed for good; the person whose action it carried is told (its `if_undelivered` notice)."""
        if (row.payload or {}).get(outbox.HOME):
            return self._drop(row.id, mine)
        with self.db.uow() as session:
            done = session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.SENDING,
                                            OutboxMessage.claimed_at == mine)
                .values(status=OutboxStatus.FAILED, last_error=error, lease_until=None)
                .execution_options(synchronize_session=False)
            ).rowcount
            if done:
                outbox.undelivered(session, row)

    def _load(self, row_id: int) -> tuple[OutboxMessage, str | None, bool]:
        """The row, the ts of the message it follows, and whether that message failed for good."""
        with self.db.uow() as session:
            row = session.get(OutboxMessage, row_id)
            thread_ts, orphan = None, False
            if row.after_key:
                parent_status, thread_ts = session.execute(select(OutboxMessage.status, OutboxMessage.slack_ts).where(
                    OutboxMessage.key == row.after_key)).one()
                orphan = parent_status != OutboxStatus.SENT
            session.expunge(row)
            return row, thread_ts, orphan

    # -- the loop ---------------------------------------------------------------------------------
    def drain(self, *, max_seconds: float = 900.0, max_messages: int | None = None, patient: bool = True) -> DrainReport:
        """Send everything due (or the first `max_messages`, most urgent first); wait out rate limits and
        short backoffs within `max_seconds` (not at all when not `patient`: what is not due is left for later)."""
        report = DrainReport()
        report.held = self._hold_uninstalled()
        deadline = time.monotonic() + max_seconds
        handled = 0
        while True:
            if max_messages is not None and handled >= max_messages:
                break
            batch = self._claim(BATCH if max_messages is None else min(BATCH, max_messages - handled))
            handled += len(batch)
            if not batch:
                if not patient:
                    break
                wait = self._seconds_to_next_due()
                if wait is None or wait > MAX_IDLE_WAIT or time.monotonic() + wait > deadline:
                    break  # later work (or another sender's in-flight rows) is left to the next drain
                time.sleep(max(wait, 0.05))
                continue
            for index, (row_id, in_doubt, previous, mine) in enumerate(batch):
                try:
                    self._process(row_id, in_doubt, previous, mine, report)
                except _RateLimited as limited:
                    report.rate_limited += not limited.paced
                    self._release([b for b in batch[index:]], limited.retry_after)
                    if not patient or time.monotonic() + limited.retry_after > deadline:
                        report.waiting = self._waiting()
                        return report
                    time.sleep(limited.retry_after)
                    break
                except _Stop as stop:
                    self._release(batch[index:], 60.0)
                    report.stopped = stop.error
                    report.waiting = self._waiting()
                    return report
        report.waiting = self._waiting()
        return report

    def _release(self, rows: list, delay: float) -> None:
        """Give claimed rows back untouched (not an attempt), due again after `delay` seconds."""
        at = utcnow() + timedelta(seconds=delay)
        for row_id, in_doubt, _previous, mine in rows:
            values = dict(attempts=OutboxMessage.attempts - 1, lease_until=at)
            if in_doubt:  # still unknown whether it arrived: keep it in doubt, reclaimable at `at`
                values["claimed_at"] = _previous
            else:
                values.update(status=OutboxStatus.PENDING, next_attempt_at=at)
            self._finish(row_id, mine, **values)

    def _seconds_to_next_due(self) -> float | None:
        with self.db.uow() as session:
            nxt = session.scalars(select(OutboxMessage.next_attempt_at).where(OutboxMessage.status == OutboxStatus.PENDING,
                                                                              self._free())
                                  .order_by(OutboxMessage.next_attempt_at).limit(1)).first()
            lease = session.scalars(select(OutboxMessage.lease_until).where(OutboxMessage.status == OutboxStatus.SENDING)
                                    .order_by(OutboxMessage.lease_until).limit(1)).first()
        times = [t for t in (nxt, lease) if t is not None]
        if not times:
            return None
        return max((min(times) - utcnow()).total_seconds(), 0.0)

    def _waiting(self) -> int:
        with self.db.uow() as session:
            return session.scalar(select(func.count(OutboxMessage.id)).where(
                OutboxMessage.status.in_(OUTBOX_WAITING))) or 0

    # -- one row ----------------------------------------------------------------------------------
    def _process(self, row_id: int, in_doubt: bool, previous: datetime | None, mine: datetime,
                 report: DrainReport) -> None:
        row, thread_ts, orphan = self._load(row_id)
        if row.status != OutboxStatus.SENDING or row.claimed_at != mine:
            return  # put aside meanwhile (its tenant's token was refused while this batch waited)
        if not self._use_tenant(row, in_doubt, previous, mine, report):
            return
        started = time.monotonic()
        if orphan:  # what it belongs to never reached Slack (e.g. a chart without its digest)
            log.warning("outbox: dropped %s: the message it follows (%s) was not delivered", row.key, row.after_key)
            report.failed += 1
            metrics.outbox_send(row, "cancelled", started, "after_not_delivered")
            self._finish(row_id, mine, status=OutboxStatus.CANCELLED, last_error="the message it follows was not delivered",
                         lease_until=None)
            return
        try:
            if in_doubt:
                found = self._already_delivered(row, previous or row.created_at, thread_ts)
                if found is not None:
                    report.reconciled += 1
                    report.sent += 1
                    metrics.outbox_send(row, "reconciled", started)
                    self._finish(row_id, mine, status=OutboxStatus.SENT, sent_at=utcnow(), slack_channel=found[0],
                                 slack_ts=found[1], lease_until=None, attachment=None)
                    return
            channel, ts = self._send(row, thread_ts, mine)
        except _RateLimited:
            raise
        except _InDoubt as exc:
            self._retry_later(row, mine, str(exc), report, in_doubt=True)
            return
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            status = exc.response.status_code
            if status == 429 or error == "ratelimited":
                headers = exc.response.headers
                raise _RateLimited(float(headers.get("Retry-After") or headers.get("retry-after") or 1)) from None
            if error in STOPS_EVERYTHING and self.tokens is not None:
                return self._token_trouble(row, in_doubt, previous, mine, error, report)
            if error in STOPS_EVERYTHING:
                log.error("outbox: Slack refused the token (%s); sending stops until it is fixed", error)
                raise _Stop(error) from None
            if status >= 500:
                self._retry_later(row, mine, error, report, in_doubt=True)
            elif error in PERMANENT:
                log.warning("outbox: gave up on %s to %s: %s", row.key, row.recipient, error)
                report.failed += 1
                report.errors.append(f"{row.key}: {error}")
                metrics.outbox_send(row, "failed", started, error)
                self._give_up(row, mine, error)
            else:
                self._retry_later(row, mine, error, report, in_doubt=False)
            return
        report.sent += 1
        metrics.outbox_send(row, "sent", started)
        if (row.payload or {}).get(outbox.HOME):  # a publish leaves nothing worth keeping (nor the person's id)
            self._drop(row_id, mine)
            return
        # a file's bytes (someone's data export, a CSV) are not kept once Slack has them
        self._finish(row_id, mine, status=OutboxStatus.SENT, sent_at=utcnow(), slack_channel=channel, slack_ts=ts,
                     lease_until=None, last_error=None, attachment=None)
        self._remember_chat(row.payload or {})

    def _remember_chat(self, payload: dict) -> None:
        """A message that opened a group chat (a pair's kickoff, a peer circle's): the chat exists now, so keep
        its channel on the partnership or the circle, for their later messages."""
        from bot.flows import circles, requests
        from bot.flows.context import Context

        owners = {outbox.GROUP_CHAT_OF: requests.remember_group_chat, outbox.CIRCLE_CHAT_OF: circles.remember_chat}
        for key, remember in owners.items():
            if payload.get(key):
                remember(Context(self.settings, self.db), int(payload[key]))

    def _retry_later(self, row: OutboxMessage, mine: datetime, error: str, report: DrainReport, *, in_doubt: bool) -> None:
        attempts = row.attempts  # the claim counted this attempt already
        if attempts >= MAX_ATTEMPTS:
            log.warning("outbox: gave up on %s to %s after %d attempts: %s", row.key, row.recipient, attempts, error)
            report.failed += 1
            metrics.outbox_send(row, "failed", None, error)
            self._give_up(row, mine, error)
            return
        report.retried += 1
        metrics.outbox_send(row, "retry", None, error)
        at = utcnow() + _backoff(attempts)
        log.info("outbox: %s to %s will be retried (%s)", row.key, row.recipient, error)
        if in_doubt:  # stay "sending": the next claim first checks whether it arrived
            self._finish(row.id, mine, lease_until=at, last_error=error)
        else:
            self._finish(row.id, mine, status=OutboxStatus.PENDING, next_attempt_at=at, last_error=error, lease_until=None)

    def _call(self, method: str, **kwargs):
        try:
            return getattr(self.client, method.replace(".", "_"))(**kwargs)
        except SlackApiError:
            raise
        except (OSError, TimeoutError) as exc:  # URLError, timeouts, resets: it may have arrived
            raise _InDoubt(f"{type(exc).__name__}: {exc}") from None

    def _send(self, row: OutboxMessage, thread_ts: str | None, mine: datetime) -> tuple[str | None, str | None]:
        payload = dict(row.payload)
        if "update" in payload:
            target = payload["update"]
            self._call("chat.update", channel=target["channel"], ts=target["ts"], text=payload.get("text", ""),
                       blocks=payload.get("blocks") or [])
            return target["channel"], target["ts"]
        if payload.get(outbox.HOME):
            from bot.flows.context import Context
            from bot.flows.home import render_home

            view = render_home(Context(self.settings, self.db), row.team_id, row.recipient)
            self._call("views.publish", user_id=row.recipient, view=view)
            return None, None
        if "file" in payload:
            return self._upload(row, payload, thread_ts, mine)
        args = dict(channel=self._channel(row, mine), text=payload.get("text", ""),
                    metadata={"event_type": METADATA_TYPE, "event_payload": {"key": row.key}})
        if payload.get("blocks"):
            args["blocks"] = payload["blocks"]
        if thread_ts and payload.get("in_thread", True):
            args["thread_ts"] = thread_ts
        wait = self.pacer.take(urgent=row.priority > 0)
        if wait:
            raise _RateLimited(wait, paced=True)
        resp = self._call("chat.postMessage", **args)
        return resp.get("channel"), resp.get("ts")

    def _channel(self, row: OutboxMessage, mine: datetime, *, need_id: bool = False) -> str:
        """Where the message goes: a channel id as it is; a person ("U1") as it is for a message (Slack opens the DM)
        but opened first for a file; people ("U1,U2") opened as their group chat. Remembered on the row."""
        if row.slack_channel:
            return row.slack_channel
        recipient = row.recipient
        if "," not in recipient and not (need_id and recipient[:1] in ("U", "W")):
            return recipient
        channel = self._call("conversations.open", users=recipient)["channel"]["id"]
        self._finish(row.id, mine, slack_channel=channel)
        row.slack_channel = channel
        return str(channel)

    def _upload(self, row: OutboxMessage, payload: dict, thread_ts: str | None, mine: datetime) -> tuple[str | None, str | None]:
        """Files upload v2: get an upload URL, send the bytes, complete the upload into the channel."""
        spec, data = payload["file"], row.attachment or b""
        try:
            got = self.client.files_getUploadURLExternal(filename=spec["filename"], length=len(data))
        except (OSError, TimeoutError) as exc:
            raise _InDoubt(str(exc)) from None  # no file was shared yet; nothing to find, retried as new
        file_id = got["file_id"]
        self._finish(row.id, mine, file_id=file_id)
        request = urllib.request.Request(got["upload_url"], data=data, method="POST",
                                         headers={"Content-Type": "application/octet-stream"})
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                resp.read()
        except OSError as exc:
            raise _InDoubt(f"upload failed: {exc}") from None
        channel = self._channel(row, mine, need_id=True)
        complete = dict(files=[{"id": file_id, "title": spec.get("title") or spec["filename"]}], channel_id=channel)
        if payload.get("text"):
            complete["initial_comment"] = payload["text"]
        if thread_ts and payload.get("in_thread", True):
            complete["thread_ts"] = thread_ts
        self._call("files.completeUploadExternal", **complete)
        return channel, None

    # -- was it delivered after all? ----------------------------------------------------------------
    def _already_delivered(self, row: OutboxMessage, since: datetime, thread_ts: str | None) -> tuple[str, str | None] | None:
        payload = row.payload
        if "update" in payload or payload.get(outbox.HOME):
            return None  # an edit, or a Home publish, is safe to repeat
        if "file" in payload:
            if not row.file_id:
                return None
            try:
                info = self.client.files_info(file=row.file_id)["file"]
            except SlackApiError as exc:
                if exc.response.get("error") == "file_not_found":
                    return None
                raise
            shared = set(info.get("channels") or []) | set(info.get("groups") or []) | set(info.get("ims") or [])
            target = row.slack_channel or row.recipient
            return (target, None) if target in shared else None
        channel = row.slack_channel or row.recipient
        if channel[:1] in ("U", "W"):
            channel = self._call("conversations.open", users=channel)["channel"]["id"]
        oldest = f"{(since - timedelta(minutes=5)).timestamp():.6f}"
        if thread_ts and payload.get("in_thread", True):
            resp = self.client.conversations_replies(channel=channel, ts=thread_ts, oldest=oldest,
                                                     include_all_metadata=True, limit=200)
        else:
            resp = self.client.conversations_history(channel=channel, oldest=oldest, include_all_metadata=True,
                                                     limit=200)
        for message in resp.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == METADATA_TYPE and (meta.get("event_payload") or {}).get("key") == row.key:
                return channel, message.get("ts")
        return None


class _Stop(Exception):
    def __init__(self, error: str):
        self.error = error


def drain(settings: Settings, db: Database, *, max_seconds: float = 900.0, max_messages: int | None = None,
          patient: bool = True, client: WebClient | None = None) -> DrainReport:
    return Sender(settings, db, client).drain(max_seconds=max_seconds, max_messages=max_messages, patient=patient)
