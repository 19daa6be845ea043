"""`/mentor admin`: the program settings modal (admins only) and `/mentor admin log`, the audit log."""

from __future__ import annotations

from bot.flows import admin as flow
from bot.services import schedules
from bot.services.program import ProgramForm
from handlers import boundaries
from handlers.common import Deps, guarded, reply, submit_form, team_of, user_of
from messages import admin as blocks
from messages import ids
from messages.common import note


def parse(values: dict) -> ProgramForm:
    """The modal's values as a form."""
    return ProgramForm(
        name=values.get("name") or "",
        objective=values.get("objective") or "",
        digest_channel=values.get("digest_channel"),
        stories_channel=values.get("stories_channel"),
        onboarding_channel=values.get("onboarding_channel"),
        schedules={name: values.get(blocks.cron_block(name)) or "" for name in schedules.NAMES
                   if blocks.cron_block(name) in values},
        anonymity_min_group=values.get("anonymity_min_group"),
        default_length_months=values.get("default_length_months"),
        default_capacity=values.get("default_capacity"),
        program_types=values.get("program_types") or [],
        admins=values.get("admins") or [],
        agenda_template=values.get("agenda_template") or "",
    )


def _block_of(loc: tuple) -> str:
    """A schedule's error goes on that job's line; every other field's on its own input."""
    return blocks.cron_block(str(loc[1])) if loc[0] == "schedules" and len(loc) > 1 else str(loc[0])


def cmd_admin(deps: Deps, ack, body, client, rest) -> None:
    """`/mentor admin` opens the settings modal; `/mentor admin log` shows the audit log."""
    team_id, user_id = team_of(body), user_of(body)
    what = rest.strip().lower()
    if what in ("log", "audit"):
        return ack(response_type="ephemeral", **flow.audit_log(deps, team_id, user_id))
    if what == "rules":
        return boundaries.cmd_rules(deps, ack, body, client, rest)
    if what:
        return ack(response_type="ephemeral", **blocks.admin_usage())
    view = flow.settings_form(deps, team_id, user_id)  # refuses a non-admin before anything opens
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app, deps: Deps) -> None:
    @app.view(ids.ADMIN_MODAL)
    @guarded
    def save(ack, body, view, client):
        saved = submit_form(ack, view, parse, lambda form: flow.save_settings(deps, team_of(body), user_of(body), form),
                            title="Program settings", block_for=_block_of)
        if saved is None:
            return
        ack()
        reply(deps, body, None, note(blocks.saved_message(saved.changes)))
