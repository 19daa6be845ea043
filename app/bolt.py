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
    return MeteredWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), CountedRateLimitRetry(max_retry_count=2)],
    )


def build_app(settings: Settings, db: Database, *, verify_token: bool = True,
              executor: ThreadPoolExecutor | None = None) -> App:
    settings.require("slack_bot_token", "slack_signing_secret")
    app = App(
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
