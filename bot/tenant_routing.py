"""Which tenant a row of the outbox goes out as, and what happens when a tenant cannot be sent to: the part of
the sender (bot/delivery.py) that knows about installs (issue 14).

Each row is sent with its tenant's current token (bot/tokens.py). A tenant that uninstalled the bot, or whose
token Slack refuses for good, has its rows held (status "held", not failed) until it installs the bot again;
an expired token is refreshed and the row tried again; a missing scope or grant pauses that tenant for a minute.
Other tenants' rows go on meanwhile.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient

from bot.db import Database
from bot.settings import Settings
from bot.tokens import Tokens
from models import OutboxMessage
from models.status import OutboxStatus

log = logging.getLogger("mentor_bot.outbox")

TOKEN_GONE = {"invalid_auth", "token_revoked", "not_authed", "account_inactive"}  # OAuth mode: hold the tenant's rows


class TenantRouting:
    """Mixed into the Sender, which provides `_finish` and `_release` (and the report's `held` count)."""

    settings: Settings
    db: Database
    client: WebClient
    tokens: Tokens | None
    _clients: dict[str, WebClient]
    _paused: set[str]
    _uninstalled: set[str]

    def _finish(self, row_id: int, mine: datetime, **values: object) -> None:  # the Sender's
        raise NotImplementedError

    def _release(self, rows: list, delay: float) -> None:  # the Sender's
        raise NotImplementedError

    def _hold_uninstalled(self) -> int:
        """Hold what was written for tenants that uninstalled the bot (a job's fan-out since, a reminder)."""
        from bot.flows import workspace
        from bot.flows.context import Context

        held, self._uninstalled = workspace.hold_uninstalled(Context(self.settings, self.db))
        return held

    def _use_tenant(self, row: OutboxMessage, in_doubt: bool, previous: datetime | None, mine: datetime,
                    report) -> bool:
        """Point the client at the row's tenant (OAuth mode: its own current token); False when the row was put
        aside instead: held (the tenant is not installed) or given back for later (Slack refused its token)."""
        key = row.team_id
        if key in self._uninstalled:
            self._hold_row(row, in_doubt, mine, report)
            return False
        if key in self._paused:
            self._release([(row.id, in_doubt, previous, mine)], 60.0)
            return False
        if self.tokens is not None:
            if key not in self._clients:
                client = self.tokens.client(key)
                if client is None:  # never installed with "Add to Slack", or its install is gone
                    self._hold_row(row, in_doubt, mine, report)
                    report.held += self._token_gone(key, "not_installed")
                    return False
                self._clients[key] = client
            self.client = self._clients[key]
        return True

    def _hold_row(self, row: OutboxMessage, in_doubt: bool, mine: datetime, report) -> None:
        self._finish(row.id, mine, status=OutboxStatus.HELD, attempts=OutboxMessage.attempts - 1, lease_until=None,
                     held_from=OutboxStatus.SENDING if in_doubt else OutboxStatus.PENDING)
        report.held += 1

    def _token_gone(self, key: str, error: str) -> int:
        """Slack refused the tenant's token for good (or it has no install): hold its rows until it is installed."""
        from bot.flows import workspace
        from bot.flows.context import Context

        log.error("outbox: no usable token for %s (%s); its messages are held until it is installed again", key, error)
        self._uninstalled.add(key)
        self._clients.pop(key, None)
        return workspace.token_refused(Context(self.settings, self.db), key, error)

    def _token_trouble(self, row: OutboxMessage, in_doubt: bool, previous: datetime | None, mine: datetime, error: str,
                       report) -> None:
        """OAuth mode: a token problem is one tenant's, not everyone's. An expired token is refreshed and the row
        tried again; a revoked one holds the tenant's rows; a missing scope or grant pauses the tenant for a while."""
        key, back = row.team_id, [(row.id, in_doubt, previous, mine)]
        assert self.tokens is not None
        if error == "token_expired":
            client = self.tokens.client(key, refresh=True)
            if client is not None:
                log.info("outbox: the token of %s had expired; refreshed", key)
                self._clients[key] = client
                self._release(back, 0.0)
                return
            error = "token_revoked"
        if error in TOKEN_GONE:
            self._release(back, 0.0)
            report.held += self._token_gone(key, error)
            return
        log.error("outbox: Slack refused to send for %s (%s); its messages wait a minute", key, error)
        self._paused.add(key)
        self._release(back, 60.0)
