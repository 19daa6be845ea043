"""Program settings (admins only): the `/mentor admin` modal, saving it (every change audited), and the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows.context import Context
from bot.services import program, schedules
from bot.services.program import ProgramForm
from messages import admin as blocks


def settings_form(ctx: Context, team_id: str, user_id: str) -> dict:
    """The settings modal an admin sees, filled with the program as it runs now (every job with its schedule);
    a non-admin is refused before anything opens."""
    with ctx.db.uow() as session:
        program.require_admin(session, team_id, user_id, ctx.settings)
        current = program.current(session, team_id, ctx.settings)
        admins = program.admins(session, team_id, ctx.settings)
    jobs = [(job.name, job.description, program.schedule(current, ctx.settings, job.name)) for job in schedules.SCHEDULED]
    return blocks.admin_modal(current, jobs, admins, ctx.settings.program_admins, ctx.settings.program_timezone)


@dataclass(frozen=True)
class Saved:
    changes: int  # how many audit entries the save wrote (0: nothing changed)


def save_settings(ctx: Context, team_id: str, user_id: str, form: ProgramForm) -> Saved:
    """An admin saved the modal: what changed is written, with one audit entry per change (admins only)."""
    with ctx.db.uow() as session:
        return Saved(changes=len(program.update(session, team_id, user_id, ctx.settings, form)))


def audit_log(ctx: Context, team_id: str, user_id: str) -> dict:
    """The latest admin actions, newest first, as the admin sees them (admins only)."""
    with ctx.db.uow() as session:
        return blocks.audit_message(program.audit_log(session, team_id, user_id, ctx.settings))
