"""Who is asking: whether they joined the program and whether they are one of its admins (what `/mentor`'s router
checks before a subcommand runs; every use case still checks again for itself)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, exists, select

from bot.db import Prepared, param
from bot.flows.context import Context
from models import Person, ProgramAdmin, ProgramConfig
from models.status import PersonStatus


@dataclass(frozen=True)
class Access:
    program_name: str
    objective: str
    joined: bool
    admin: bool


def _statement():
    """The program's name and objective, the person's status and whether they were made an admin in Slack: what
    program.current, profiles.current and program.is_admin would read in three (four with the profile's skills)."""
    team, user = param("team", String), param("user", String)
    return select(
        select(ProgramConfig.name).where(ProgramConfig.team_id == team).scalar_subquery().label("name"),
        select(ProgramConfig.objective).where(ProgramConfig.team_id == team).scalar_subquery().label("objective"),
        select(Person.status).where(Person.team_id == team, Person.slack_user_id == user).scalar_subquery().label("status"),
        exists(select(ProgramAdmin.id).where(ProgramAdmin.team_id == team, ProgramAdmin.slack_user_id == user)).label("admin"),
    )


_WHO = Prepared(_statement)  # every command asks this first: one statement, built and compiled once


def access(ctx: Context, team_id: str, user_id: str) -> Access:
    with ctx.db.uow() as session:
        row = _WHO.rows(session, team=team_id, user=user_id)[0]
    admin = bool(user_id) and (user_id in ctx.settings.program_admins or bool(row.admin))
    return Access(program_name=ctx.settings.program_name if row.name is None else row.name,
                  objective=row.objective or "", joined=row.status is not None and row.status != PersonStatus.LEFT,
                  admin=admin)
