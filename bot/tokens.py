"""Each tenant's current bot token, for whoever calls Slack on its own (the outbox sender, jobs).

Single-token mode: SLACK_BOT_TOKEN, for every tenant. OAuth mode: the newest bot token slack_sdk's installation
store keeps for the tenant, in the bot's own database (tables created by our migrations); a rotating token
(Slack's refresh tokens) is refreshed when it expires within SLACK_TOKEN_ROTATION_MINUTES, and at once when
Slack says it has expired, and the refreshed one is saved for every process to use.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.state_store import OAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator

from bot import metrics
from bot.db import Database
from bot.settings import Settings

log = logging.getLogger("mentor_bot.tokens")

FORCE = 10**7  # minutes: "refresh now, whatever the expiry says"
_ROTATING = threading.Lock()  # one refresh at a time in this process (other processes: see `token`)


def installation_store(settings: Settings, db: Database):
    """slack_sdk's store over our database (its tables are ours: migration 0010; it never creates them).
    Imported only in OAuth mode (it needs greenlet)."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

    return SQLAlchemyInstallationStore(client_id=str(settings.slack_client_id), engine=db.engine,
                                       logger=logging.getLogger("mentor_bot.installations"))


class SignedStateStore(OAuthStateStore):
    """The OAuth `state` of "Add to Slack": issued into the database (slack_oauth_states) and signed with
    SLACK_STATE_SECRET; the redirect is accepted only with a state this bot signed and has not used yet
    (a forged, replayed or expired state is refused before anything is installed)."""

    def __init__(self, settings: Settings, db: Database):
        from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

        self._inner = SQLAlchemyOAuthStateStore(expiration_seconds=settings.slack_oauth_state_seconds,
                                                engine=db.engine, logger=logging.getLogger("mentor_bot.oauth"))
        self._secret = str(settings.slack_state_secret).encode()

    @property
    def logger(self) -> logging.Logger:
        return self._inner.logger

    def _sign(self, raw: str) -> str:
        return hmac.new(self._secret, raw.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self, *args, **kwargs) -> str:
        raw = self._inner.issue()
        return f"{raw}.{self._sign(raw)}"

    def consume(self, state: str) -> bool:
        raw, _, signature = (state or "").rpartition(".")
        if not raw or not hmac.compare_digest(signature, self._sign(raw)):
            log.warning("OAuth redirect refused: a state this bot did not sign")
            return False
        return self._inner.consume(raw)


class Tokens:
    """Where the sender gets the token for a tenant (the value rows keep in `team_id`)."""

    def __init__(self, settings: Settings, db: Database):
        self.settings = settings
        self.store = installation_store(settings, db) if settings.oauth else None
        self.rotator = TokenRotator(client_id=str(settings.slack_client_id), client_secret=str(settings.slack_client_secret),
                                    client=WebClient(base_url=settings.slack_api_url, timeout=15)) \
            if settings.oauth else None

    def _find(self, key: str) -> Bot | None:
        assert self.store is not None
        if key.startswith("E"):  # an org-wide install serves the whole org
            bot = self.store.find_bot(enterprise_id=key, team_id=None, is_enterprise_install=True)
            if bot is not None:
                return bot
        bots = self.store.bots
        with self.store.engine.connect() as conn:  # a workspace: inside a Grid org or not, by its team id
            row = conn.execute(bots.select().where(bots.c.client_id == self.store.client_id, bots.c.team_id == key,
                                                 bots.c.bot_token.is_not(None))
                               .order_by(bots.c.installed_at.desc()).limit(1)).mappings().first()
        return self.store.build_bot_entity(row) if row is not None else None

    def token(self, key: str, *, refresh: bool = False) -> str | None:
        """The tenant's bot token now (refreshed first when it is about to expire, or when `refresh`); None when
        the tenant has no install on record (OAuth mode: never installed, uninstalled, revoked)."""
        if not self.settings.oauth:
            return self.settings.slack_bot_token
        with _ROTATING:
            bot = self._find(key)
            if bot is None:
                return None
            assert self.rotator is not None and self.store is not None
            minutes = FORCE if refresh else self.settings.slack_token_rotation_minutes
            try:
                rotated = self.rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=minutes)
            except SlackTokenRotationError as exc:
                fresh = self._find(key)  # another process may have refreshed it a moment ago
                if fresh is not None and fresh.bot_token != bot.bot_token:
                    return fresh.bot_token
                log.error("could not refresh the token of %s: %s", key, exc.api_error.response.get("error"))
                return None if refresh else bot.bot_token
            if rotated is not None:
                self.store.save_bot(rotated)
                log.info("rotated the bot token of %s", key)
                return rotated.bot_token
            return None if refresh else bot.bot_token  # asked to refresh a token that does not rotate: no new one

    def client(self, key: str, *, refresh: bool = False) -> WebClient | None:
        """A Web API client with the tenant's current token (no retry handlers: the sender decides)."""
        token = self.token(key, refresh=refresh)
        if token is None:
            return None
        return metrics.MeteredWebClient(token=token, base_url=self.settings.slack_api_url, timeout=15)
