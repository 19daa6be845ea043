"""One settings class, read from the environment and `.env` (every field is documented in .env.example)."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
OAUTH_SETTINGS = ("slack_client_id", "slack_client_secret", "slack_state_secret")


class SettingsError(Exception):
    """A missing or malformed setting; the message names it in one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    # OAuth mode (issue 14): set all three to install with "Add to Slack" (any number of workspaces, or an
    # Enterprise Grid org) instead of one SLACK_BOT_TOKEN. See README "Install: one token or OAuth".
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_state_secret: str | None = None
    slack_redirect_uri: str | None = None  # https://<host>/slack/oauth_redirect; unset: the one set in the app config
    slack_token_rotation_minutes: int = Field(default=120, ge=1, le=720)  # refresh a rotating token this early
    slack_oauth_state_seconds: int = Field(default=600, ge=60, le=3600)  # how long an "Add to Slack" link is good
    database_url: str = "sqlite:///mentor-bot.sqlite3"
    port: int = Field(default=3000, ge=1, le=65535)
    program_admins: Annotated[list[str], NoDecode] = []
    program_name: str = "Peer Mentoring"
    web_threads: int = Field(default=16, ge=1, le=256)
    web_concurrency: int = Field(default=1, ge=1, le=64)  # worker processes of `serve` (issue 13): one per core
    # How long `/mentor stats` waits for its figures before it answers "working out the figures" (they follow)
    stats_ack_ms: int = Field(default=250, ge=0, le=2500)
    log_level: str = "INFO"
    log_format: Literal["json", "text"] | None = None  # None: json for serve/socket/scheduler, text otherwise
    # The id of the Slack profile custom field that names a person's manager (e.g. Xf012ABCDEF); unset: not read
    slack_manager_field_id: str | None = Field(default=None, pattern=r"^X[A-Za-z0-9]{2,30}$")

    # The program's rhythm (issue 3): where and when the scheduled jobs run and post.
    program_timezone: str = "UTC"
    anonymity_min_group: int = Field(default=5, ge=2, le=1000)
    stories_channel: str | None = None
    digest_channel: str | None = None
    scheduler_enabled: bool = True
    outbox_lease_seconds: int = Field(default=120, ge=1, le=3600)
    outbox_messages_per_minute: int = Field(default=600, ge=0, le=100_000)
    cron_monthly_checkins: str = "0 10 1 * *"
    cron_checkin_reminders: str = "30 10 * * *"
    cron_meeting_nudges: str = "0 9 * * *"
    cron_request_expiry: str = "15 * * * *"
    cron_success_stories: str = "0 11 * * 2,4"
    cron_weekly_digest: str = "0 8 * * 1"
    cron_topic_reminders: str = "30 9 * * *"
    cron_participant_lifecycle: str = "45 8 * * *"
    cron_buddy_plan: str = "15 9 * * *"
    cron_fit_check: str = "0 10 * * *"
    cron_recognition_post: str = "0 11 2 * *"
    cron_meeting_followups: str = "20 * * * *"
    cron_circle_followups: str = "25 * * * *"
    cron_circle_endings: str = "50 8 * * *"

    @field_validator("program_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name (like Europe/Berlin or UTC)") from None
        return value

    @field_validator("slack_manager_field_id", mode="before")
    @classmethod
    def _field_id(cls, value: object) -> object:
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator("stories_channel", "digest_channel", mode="before")
    @classmethod
    def _channel_id(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip() or None
        if value is not None and (str(value)[:1] not in ("C", "G") or not str(value).isalnum()):
            raise ValueError(f"{value!r} is not a Slack channel id (like C012ABCDEF; the name will not do)")
        return value

    @field_validator(
        "cron_monthly_checkins", "cron_checkin_reminders", "cron_meeting_nudges", "cron_request_expiry",
        "cron_success_stories", "cron_weekly_digest", "cron_topic_reminders",
        "cron_participant_lifecycle", "cron_buddy_plan", "cron_fit_check", "cron_recognition_post",
        "cron_meeting_followups", "cron_circle_endings", "cron_circle_followups",
    )
    @classmethod
    def _crontab(cls, value: str) -> str:
        from bot.cron import crontab

        try:
            crontab(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a crontab line (minute hour day month weekday): {exc}") from None
        return value

    def cron(self, job_name: str) -> str:
        return getattr(self, "cron_" + job_name.replace("-", "_"))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.program_timezone)

    @field_validator("program_admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("program_admins")
    @classmethod
    def _check_admin_ids(cls, value: list[str]) -> list[str]:
        for user_id in value:
            if user_id[:1] not in ("U", "W") or not user_id.isalnum():
                raise ValueError(f"{user_id!r} is not a Slack user id (like U012ABCDEF)")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_client_id", "slack_client_secret", "slack_state_secret", "slack_redirect_uri",
                     mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return (value.strip() or None) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _oauth_all_or_nothing(self) -> Settings:
        given = [name for name in OAUTH_SETTINGS if getattr(self, name)]
        if given and len(given) < len(OAUTH_SETTINGS):
            missing = next(name for name in OAUTH_SETTINGS if not getattr(self, name))
            raise ValueError(f"OAuth mode needs {', '.join(n.upper() for n in OAUTH_SETTINGS)}: "
                             f"{missing.upper()} is missing")
        return self

    @property
    def oauth(self) -> bool:
        """Installed with "Add to Slack" (tokens per workspace or org, from the database), not one SLACK_BOT_TOKEN."""
        return all(getattr(self, name) for name in OAUTH_SETTINGS)

    def require_slack(self, *also: str) -> None:
        """What talking to Slack needs: one bot token, or the OAuth settings (then tokens come from installs)."""
        self.require(*(() if self.oauth else ("slack_bot_token",)), *also)

    def require(self, *names: str) -> None:
        """Stop with one clear line when a setting a command needs is missing."""
        for name in names:
            if not getattr(self, name):
                raise SettingsError(f"setting {name.upper()} is missing: set it in the environment or in .env")


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a malformed value raises SettingsError naming the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        if not err["loc"]:  # a rule over several settings (OAuth mode)
            raise SettingsError(str(err["msg"]).removeprefix("Value error, ")) from None
        name = str(err["loc"][0]).upper()
        raise SettingsError(f"setting {name} is malformed: {err['msg']}") from None
