"""The program as it runs now: settings from the environment, overridden by what admins set in Slack;
who the admins are; and the audit log every admin action writes to."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.errors import NotAllowed
from bot.settings import Settings
from models import AuditEntry, ProgramAdmin, ProgramConfig

NOT_ADMIN = "Only the program's admins can do that. Ask one of them (`/mentor help` lists them) if you need it done."


@dataclass(frozen=True)
class Program:
    """What every service and message needs to know about the program; read it with `current()`."""

    team_id: str
    name: str
    objective: str
    digest_channel: str | None
    stories_channel: str | None
    onboarding_channel: str | None
    anonymity_min_group: int
    default_length_months: int
    default_capacity: int
    types: frozenset[str]
    schedules: dict[str, str] = field(default_factory=dict)

    def on(self, program_type: str) -> bool:
        return program_type in self.types


DEFAULT_LENGTH_MONTHS = 6
DEFAULT_CAPACITY = 2


def current(session: Session, team_id: str, settings: Settings) -> Program:
    row = session.get(ProgramConfig, team_id)

    def pick(column: str, default):
        value = getattr(row, column, None) if row is not None else None
        return default if value is None else value

    return Program(
        team_id=team_id,
        name=pick("name", settings.program_name),
        objective=pick("objective", ""),
        digest_channel=pick("digest_channel", settings.digest_channel),
        stories_channel=pick("stories_channel", settings.stories_channel),
        onboarding_channel=pick("onboarding_channel", None),
        anonymity_min_group=pick("anonymity_min_group", settings.anonymity_min_group),
        default_length_months=pick("default_length_months", DEFAULT_LENGTH_MONTHS),
        default_capacity=pick("default_capacity", DEFAULT_CAPACITY),
        types=frozenset(pick("program_types", ["peer"])),
        schedules=dict(pick("schedules", {})),
    )


def config_row(session: Session, team_id: str) -> ProgramConfig:
    """The team's config row, created (empty: every value from the environment) the first time."""
    row = session.get(ProgramConfig, team_id)
    if row is None:
        row = ProgramConfig(team_id=team_id, schedules={}, program_types=["peer"])
        session.add(row)
        session.flush()
    return row


def admins(session: Session, team_id: str, settings: Settings) -> list[str]:
    """Slack user ids of every admin: those in PROGRAM_ADMINS, then those added in Slack."""
    added = session.scalars(
        select(ProgramAdmin.slack_user_id).where(ProgramAdmin.team_id == team_id).order_by(ProgramAdmin.id)
    ).all()
    return list(dict.fromkeys([*settings.program_admins, *added]))


def is_admin(session: Session, team_id: str, user_id: str, settings: Settings) -> bool:
    if not user_id:
        return False
    if user_id in settings.program_admins:
        return True
    return session.scalar(
        select(ProgramAdmin.id).where(ProgramAdmin.team_id == team_id, ProgramAdmin.slack_user_id == user_id)
    ) is not None


def require_admin(session: Session, team_id: str, user_id: str, settings: Settings) -> None:
    """Every admin action starts here, in the service, so a forged request meets the same check."""
    if not is_admin(session, team_id, user_id, settings):
        raise NotAllowed(NOT_ADMIN)


def audit(session: Session, team_id: str, actor_user_id: str, action: str, **detail) -> AuditEntry:
    """Record an admin action in the same transaction as the change it describes."""
    entry = AuditEntry(team_id=team_id, actor_user_id=actor_user_id, action=action, detail=detail)
    session.add(entry)
    return entry
