"""Who is asking: whether they joined the program and whether they are one of its admins (what `/mentor`'s router
checks before a subcommand runs; every use case still checks again for itself)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows.context import Context
from bot.services import profiles, program


@dataclass(frozen=True)
class Access:
    program_name: str
    objective: str
    joined: bool
    admin: bool


def access(ctx: Context, team_id: str, user_id: str) -> Access:
    with ctx.db.uow() as session:
        prog = program.current(session, team_id, ctx.settings)
        return Access(program_name=prog.name, objective=prog.objective,
                      joined=profiles.current(session, team_id, user_id) is not None,
                      admin=program.is_admin(session, team_id, user_id, ctx.settings))
