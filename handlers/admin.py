"""`/mentor admin`: the program settings modal (admins only) and `/mentor admin log`, the audit log."""

from __future__ import annotations

from pydantic import ValidationError

from bot.services import program
from bot.services.errors import DomainError
from bot.services.program import ProgramForm
from messages import ids
from messages import admin as blocks
from handlers.common import Deps, guarded, refuse_in_modal, team_of, tell, user_of
from handlers.forms import friendly, state_values


def _jobs():
    from jobs import JOBS

    return JOBS


def admin_view(deps: Deps, team_id: str, user_id: str) -> dict:
    with deps.db.uow() as session:
        program.require_admin(session, team_id, user_id, deps.settings)
        current = program.current(session, team_id, deps.settings)
        admins = program.admins(session, team_id, deps.settings)
    jobs = [(name, job.description, program.schedule(current, deps.settings, name)) for name, job in _jobs().items()]
    return blocks.admin_modal(current, jobs, admins, deps.settings.program_admins, deps.settings.program_timezone)


def parse(values: dict) -> ProgramForm:
    return ProgramForm(
        name=values.get("name") or "",
        objective=values.get("objective") or "",
        digest_channel=values.get("digest_channel"),
        stories_channel=values.get("stories_channel"),
        onboarding_channel=values.get("onboarding_channel"),
        schedules={name: values.get(blocks.cron_block(name)) or "" for name in _jobs()
                   if blocks.cron_block(name) in values},
        anonymity_min_group=values.get("anonymity_min_group"),
        default_length_months=values.get("default_length_months"),
        default_capacity=values.get("default_capacity"),
        program_types=values.get("program_types") or [],
        admins=values.get("admins") or [],
    )


def form_errors(exc: ValidationError) -> dict[str, str]:
    """One message per modal input; a schedule's error goes to that job's line."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = err["loc"]
        if not loc:
            continue
        block_id = blocks.cron_block(str(loc[1])) if loc[0] == "schedules" and len(loc) > 1 else str(loc[0])
        errors.setdefault(block_id, friendly(err))
    return errors


def commands(deps: Deps) -> dict:
    """Subcommand name -> handler(ack, body, client, rest), added to /mentor's routes."""

    def admin(ack, body, client, rest):
        team_id, user_id = team_of(body), user_of(body)
        what = rest.strip().lower()
        if what in ("log", "audit"):
            with deps.db.uow() as session:
                entries = program.audit_log(session, team_id, user_id, deps.settings)
                message = blocks.audit_message(entries)
            return ack(response_type="ephemeral", **message)
        if what:
            return ack(response_type="ephemeral", **blocks.admin_usage())
        view = admin_view(deps, team_id, user_id)  # refuses a non-admin before anything opens
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    return {"admin": admin}


def register(app, deps: Deps) -> None:
    @app.view(ids.ADMIN_MODAL)
    @guarded
    def save(ack, body, view, client):
        try:
            form = parse(state_values(view))
        except ValidationError as exc:
            ack(response_action="errors", errors=form_errors(exc))
            return
        try:
            with deps.db.uow() as session:
                changes = program.update(session, team_of(body), user_of(body), deps.settings, form, _jobs())
                count = len(changes)
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Program settings")
            return
        ack()
        tell(client, body, None, blocks.saved_message(count))
