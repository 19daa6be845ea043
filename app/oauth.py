"""OAuth mode (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET set): Bolt's "Add to Slack" flow at
/slack/install and /slack/oauth_redirect, storing installs with slack_sdk's SQLAlchemy stores in our own database
(bot/tokens.py), and telling the program when a tenant is installed (again)."""

from __future__ import annotations

import logging

from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings

from app.manifest import BOT_SCOPES
from bot.db import Database
from bot.flows import workspace
from bot.flows.context import Context
from bot.settings import Settings
from bot.tokens import SignedStateStore, installation_store

log = logging.getLogger("mentor_bot.oauth")

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def oauth_settings(settings: Settings, db: Database) -> OAuthSettings:
    """Bolt's OAuth settings: our stores, the scopes of the manifest, token rotation SLACK_TOKEN_ROTATION_MINUTES
    before expiry."""
    ctx = Context(settings, db)

    def success(args: SuccessArgs):
        install = args.installation
        done = workspace.installed(ctx, team_id=install.team_id, enterprise_id=install.enterprise_id,
                                   is_enterprise_install=bool(install.is_enterprise_install),
                                   name=install.enterprise_name if install.is_enterprise_install else install.team_name,
                                   installer=install.user_id or workspace.SLACK)
        log.info("installed in %s (org-wide: %s): %d held messages resumed, rows moved from %s",
                 done.key, bool(install.is_enterprise_install), done.resumed, ", ".join(done.moved) or "no workspace")
        return args.default.success(args)

    def failure(args: FailureArgs):
        log.warning("OAuth install refused: %s", args.reason)
        return args.default.failure(args)

    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=BOT_SCOPES,
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installation_store(settings, db),
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=settings.slack_token_rotation_minutes,
        state_store=SignedStateStore(settings, db),
        state_expiration_seconds=settings.slack_oauth_state_seconds,
        callback_options=CallbackOptions(success=success, failure=failure),
        logger=logging.getLogger("mentor_bot.bolt.oauth"),
    )
