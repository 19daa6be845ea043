"""The Slack app manifest: what to paste into api.slack.com/apps when creating the app."""

from __future__ import annotations

BOT_SCOPES = [
    "commands",          # /mentor
    "chat:write",        # DMs, group DMs, updates of the bot's own messages
    "im:write",          # conversations.open with one person
    "mpim:write",        # conversations.open with a pair (their group chat with the bot)
    "users:read",        # users.info: name, title and time zone
    "users.profile:read",  # users.profile.get: the manager field, when SLACK_MANAGER_FIELD_ID names it
    "files:write",       # the weekly digest's chart (files upload v2)
    "files:read",        # files.info: did an interrupted upload arrive?
    "im:history",        # conversations.history: did an interrupted DM arrive? (read back by outbox key only)
    "channels:history",  # ... and a post to the stories or digest channel
    "groups:history",    # ... when that channel is private
    "channels:read",     # member_joined_channel: a newcomer in the onboarding channel gets a buddy;
                         # conversations.members: a pairing round's pool can be a channel's members
    "groups:read",       # ... when that channel is private
]
BOT_EVENTS = ["app_home_opened", "member_joined_channel"]
INSTALL_EVENTS = ["app_uninstalled", "tokens_revoked"]  # OAuth mode: hold a tenant's messages when it leaves


REDIRECT_PATH = "/slack/oauth_redirect"  # OAuth mode: where Slack sends the installer back (Bolt completes it)


def redirect_url(base_url: str) -> str:
    return base_url.rstrip("/") + REDIRECT_PATH


def build_manifest(base_url: str, name: str = "mentor-bot", socket_mode: bool = False, *, oauth: bool = False,
                   token_rotation: bool = False) -> dict:
    """The manifest; `oauth`: installable with "Add to Slack" (a redirect URL, org-wide installs on Enterprise
    Grid), `token_rotation`: Slack's expiring tokens (cannot be turned off again in Slack once on)."""
    url = base_url.rstrip("/") + "/slack/events"
    command = {
        "command": "/mentor",
        "description": "Peer mentoring: join, find a partner, agree, log meetings, share stories",
        "usage_hint": "help | join | find [skill] | agreement | log | journal | story | pause | end | admin",
        # Escaped, so `/mentor buddy @ana` arrives as <@U…|ana>: a user id, not a display name to guess from.
        # & < > then arrive as &amp; &lt; &gt;; the /mentor router turns them back.
        "should_escape": True,
    }
    settings: dict = {
        "interactivity": {"is_enabled": True},
        "event_subscriptions": {"bot_events": BOT_EVENTS + (INSTALL_EVENTS if oauth else [])},
        "org_deploy_enabled": oauth,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": oauth and token_rotation,
    }
    if not socket_mode:
        command["url"] = url
        settings["interactivity"]["request_url"] = url
        settings["event_subscriptions"]["request_url"] = url
    return {
        "display_information": {
            "name": name,
            "description": "Runs our peer mentoring program: find a partner, agree, meet, grow.",
            "background_color": "#2c5f2d",
        },
        "features": {
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True, "messages_tab_read_only_enabled": True},
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}, **({"redirect_urls": [redirect_url(base_url)]} if oauth else {})},
        "settings": settings,
    }
