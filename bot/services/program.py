"""The program as it runs now: settings from the environment, overridden by what admins set in Slack;
who the admins are; and the audit log every admin action writes to."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, field_validator
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.services import schedules
from bot.services.errors import DomainError, NotAllowed
from bot.settings import Settings
from models import AuditEntry, ProgramAdmin, ProgramConfig
from models.program import PROGRAM_TYPES

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
    agenda_template: tuple[str, ...] = ()  # the points every meeting's agenda starts with

    def on(self, program_type: str) -> bool:
        return program_type in self.types


DEFAULT_LENGTH_MONTHS = 6
DEFAULT_AGENDA = ("Since last time", "What I want to learn today", "Next steps")
AGENDA_MAX_POINTS = 10
AGENDA_POINT_MAX = 150
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
        agenda_template=tuple(pick("agenda_template", DEFAULT_AGENDA)),
    )


def types_on(session: Session, team_id: str) -> frozenset[str]:
    """The program types switched on (admins set them in Slack; no environment setting applies), for services
    that have no Settings at hand: `types_on(...)` is `current(...).types`."""
    row = session.get(ProgramConfig, team_id)
    return frozenset(row.program_types if row is not None and row.program_types is not None else ["peer"])


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


# -- changing the program (admins only) ---------------------------------------------------------------------------

MAX_NAME = 80  # program_config.name is String(80)
MAX_OBJECTIVE = 500
MAX_LENGTH_MONTHS = 36
AUDIT_SHOWN = 20


def _crontab(value: str) -> str:
    from bot.cron import crontab

    value = " ".join((value or "").split())
    try:
        crontab(value)
    except ValueError as exc:
        raise ValueError(f"Not a crontab line (minute hour day month weekday): {exc}") from None
    return value


def _channel(value: object) -> object:
    if isinstance(value, str):
        value = value.strip() or None
    if value is not None and not re.fullmatch(r"[CG][A-Z0-9]{2,31}", str(value)):
        raise ValueError("Pick a channel.")
    return value


def _user_ids(value: object) -> object:
    users = value if isinstance(value, list) else []
    for user_id in users:
        if not isinstance(user_id, str) or not re.fullmatch(r"[UW][A-Z0-9]{2,31}", user_id):
            raise ValueError("Pick people from the list.")
    return list(dict.fromkeys(users))


def _agenda_lines(value: object) -> object:
    """The admin's "one point per line" text as points: blank lines dropped, spaces tidied."""
    if isinstance(value, str):
        points = [" ".join(line.split()) for line in value.splitlines()]
        value = [p for p in points if p]
    if isinstance(value, (list, tuple)):
        if len(value) > AGENDA_MAX_POINTS:
            raise ValueError(f"Keep the template to {AGENDA_MAX_POINTS} points, one per line.")
        if any(not isinstance(p, str) or len(p) > AGENDA_POINT_MAX for p in value):
            raise ValueError(f"Keep each point to {AGENDA_POINT_MAX} characters, one point per line.")
        return tuple(value)
    return value


Channel = Annotated[str | None, BeforeValidator(_channel)]
Crontab = Annotated[str, AfterValidator(_crontab)]


class ProgramForm(BaseModel):
    """What the `/mentor admin` modal submits. Every field is the wanted effective value."""

    name: str = Field(min_length=1, max_length=MAX_NAME)
    objective: str = Field(default="", max_length=MAX_OBJECTIVE)
    digest_channel: Channel = None
    stories_channel: Channel = None
    onboarding_channel: Channel = None
    schedules: dict[str, Crontab] = Field(default_factory=dict)
    anonymity_min_group: int = Field(ge=2, le=1000)
    default_length_months: int = Field(ge=1, le=MAX_LENGTH_MONTHS)
    default_capacity: int = Field(ge=1, le=5)
    program_types: list[str] = Field(default_factory=list)
    admins: Annotated[list[str], BeforeValidator(_user_ids)] = Field(min_length=1)
    agenda_template: Annotated[tuple[str, ...] | None, BeforeValidator(_agenda_lines)] = None  # None: unchanged

    @field_validator("name", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return " ".join(value.split()) if isinstance(value, str) else value

    @field_validator("objective", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return "" if value is None else value.strip() if isinstance(value, str) else value

    @field_validator("program_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in PROGRAM_TYPES]
        if unknown:
            raise ValueError("Pick program types from the list.")
        return [t for t in PROGRAM_TYPES if t == "peer" or t in value]  # peer mentoring is always on


# The Program attribute (and config column) behind each simple field of the form.
SIMPLE_FIELDS = ("name", "objective", "digest_channel", "stories_channel", "onboarding_channel",
                 "anonymity_min_group", "default_length_months", "default_capacity")


def schedule(program: Program, settings: Settings, job_name: str) -> str:
    """The crontab line a job runs on: set in Slack, or CRON_<JOB> from the environment."""
    return program.schedules.get(job_name) or settings.cron(job_name)


def effective_schedules(session: Session, settings: Settings, job_names: Iterable[str]) -> dict[str, str]:
    """The schedule of every job for the scheduler. Jobs run once for every team, so with several workspaces
    the schedule last changed in Slack wins; with none set, CRON_<JOB> applies."""
    job_names = list(job_names)
    rows = session.scalars(select(ProgramConfig).order_by(ProgramConfig.updated_at)).all()
    chosen: dict[str, str] = {}
    for row in rows:
        chosen.update({k: v for k, v in (row.schedules or {}).items() if k in job_names and v})
    return {name: chosen.get(name) or settings.cron(name) for name in job_names}


def _shown(value: object) -> object:
    """A value as the audit log keeps it (JSON)."""
    if isinstance(value, frozenset):
        return [t for t in PROGRAM_TYPES if t in value]
    if isinstance(value, tuple):
        return list(value)
    return value


def update(session: Session, team_id: str, actor: str, settings: Settings, form: ProgramForm) -> list[AuditEntry]:
    """Apply the admin modal: every field whose effective value changes is written, with one audit entry each.
    Admins named in PROGRAM_ADMINS cannot be removed here (they are admins whatever the database says).
    The form may change the schedule of every scheduled job (`schedules.NAMES`)."""
    job_names = schedules.NAMES
    require_admin(session, team_id, actor, settings)
    _check_admins(settings, form.admins)
    before = current(session, team_id, settings)
    row = config_row(session, team_id)
    for name in SIMPLE_FIELDS:
        if getattr(form, name) != getattr(before, name):
            setattr(row, name, getattr(form, name))  # a cleared channel (None) falls back to the environment
    if frozenset(form.program_types) != before.types:
        row.program_types = list(form.program_types)
    if form.agenda_template is not None and form.agenda_template != before.agenda_template:
        row.agenda_template = list(form.agenda_template)
    lines = dict(row.schedules or {})
    for job_name in job_names:
        wanted = form.schedules.get(job_name)
        if wanted is None or wanted == schedule(before, settings, job_name):
            continue
        if wanted == settings.cron(job_name):
            lines.pop(job_name, None)  # back to the environment's setting
        else:
            lines[job_name] = wanted
    row.schedules = lines
    row.updated_by = actor
    after = current(session, team_id, settings)
    entries = []
    for name in (*SIMPLE_FIELDS, "types", "agenda_template"):
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            entries.append(audit(session, team_id, actor, f"program.{name}", old=_shown(old), new=_shown(new)))
    for job_name in job_names:
        old, new = schedule(before, settings, job_name), schedule(after, settings, job_name)
        if old != new:
            entries.append(audit(session, team_id, actor, "program.schedule", job=job_name, old=old, new=new))
    entries += _set_admins(session, team_id, actor, settings, form.admins)
    session.flush()
    return entries


def _check_admins(settings: Settings, wanted: list[str]) -> None:
    kept = [u for u in settings.program_admins if u not in wanted]
    if kept:
        names = ", ".join(kept)
        raise DomainError(f"{names} {'is' if len(kept) == 1 else 'are'} named in the PROGRAM_ADMINS setting and "
                          "stay admins: remove them there (and restart) to take them off.", field="admins")
    if not wanted:
        raise DomainError("The program needs at least one admin.", field="admins")


def _set_admins(session: Session, team_id: str, actor: str, settings: Settings, wanted: list[str]) -> list[AuditEntry]:
    have = set(session.scalars(select(ProgramAdmin.slack_user_id).where(ProgramAdmin.team_id == team_id)))
    entries = []
    for user_id in wanted:
        if user_id not in have and user_id not in settings.program_admins:
            session.add(ProgramAdmin(team_id=team_id, slack_user_id=user_id, added_by=actor))
            entries.append(audit(session, team_id, actor, "admin.add", user=user_id))
    gone = sorted(have - set(wanted))
    if gone:
        session.execute(delete(ProgramAdmin).where(ProgramAdmin.team_id == team_id,
                                                   ProgramAdmin.slack_user_id.in_(gone)))
        entries += [audit(session, team_id, actor, "admin.remove", user=user_id) for user_id in gone]
    return entries


def audit_log(session: Session, team_id: str, actor: str, settings: Settings, limit: int = AUDIT_SHOWN) -> list[AuditEntry]:
    """The latest admin actions, newest first (admins only)."""
    require_admin(session, team_id, actor, settings)
    return list(session.scalars(select(AuditEntry).where(AuditEntry.team_id == team_id)
                                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))
