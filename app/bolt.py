"""build_app(settings, db): the Bolt App, wired to a WebClient that talks to SLACK_API_URL."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

import handlers
from bot import logs
from bot.db import Database
from bot.metrics import CountedRateLimitRetry, MeteredWebClient, meter
from bot.settings import Settings
from handlers.common import Deps

log = logging.getLogger("mentor_bot")


def make_client(settings: Settings) -> MeteredWebClient:
    """The app's client: SLACK_BOT_TOKEN in single-token mode; none in OAuth mode (each request gets its tenant's)."""
    return MeteredWebClient(
        token=None if settings.oauth else settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), CountedRateLimitRetry(max_retry_count=2)],
    )


def build_app(settings: Settings, db: Database, *, verify_token: bool = True,
              executor: ThreadPoolExecutor | None = None) -> App:
    """Single-token mode (the default): one SLACK_BOT_TOKEN. OAuth mode (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET,
    SLACK_STATE_SECRET): "Add to Slack" at /slack/install, each tenant's token from the installation store,
    rotated by Bolt's authorize before it expires (see README "Install: one token or OAuth")."""
    settings.require_slack("slack_signing_secret")
    oauth: dict = {}
    if settings.oauth:
        from app.oauth import oauth_settings

        oauth_config = oauth_settings(settings, db)
        oauth = dict(oauth_settings=oauth_config, installation_store=oauth_config.installation_store,
                     installation_store_bot_only=True)
    app = App(
        **oauth,
        name="bolt.py",  # Bolt's default (its caller's file name), found by inspect.stack(): 60-80 ms of every start
        client=make_client(settings),
        signing_secret=settings.slack_signing_secret,
        token_verification_enabled=verify_token,
        listener_executor=executor or ThreadPoolExecutor(max_workers=max(8, settings.web_threads),
                                                         thread_name_prefix="listener"),
        logger=logging.getLogger("mentor_bot.bolt"),
    )

    @app.error
    def on_error(error, body, logger):
        info = logs.describe(body or {})
        logger.error("unhandled error: %s", logs.safe_exception(error), extra=logs.fields(**info, outcome="error"))

    @app.middleware
    def metered_client(context, next):
        meter(context.client)  # Slack API failures in any listener are counted and logged with context
        next()

    handlers.register(app, Deps(settings=settings, db=db))
    return app
