"""The agreement: write or change it, confirm it, and supervisors' acknowledgement."""

from __future__ import annotations

from bot.flows import agreements
from bot.services.agreements import AgreementForm
from handlers.common import Deps, action_value, deliver_now, guarded, open_view, submit_form, team_of, user_of
from handlers.forms import metadata
from messages import ids


def parse(values: dict) -> AgreementForm:
    return AgreementForm(
        purposes=values.get("purposes") or [],
        goals=values.get("goals") or "",
        boundaries=values.get("boundaries") or "",
        frequency=values.get("frequency"),
        meeting_minutes=values.get("meeting_minutes"),
        end_date=values.get("end_date"),
        confidentiality="yes" in (values.get("confidentiality") or []),
        my_supervisor=values.get("my_supervisor") or None,
        partner_supervisor=values.get("partner_supervisor") or None,
    )


def cmd_agreement(deps: Deps, ack, body, client, rest: str) -> None:
    """`/mentor agreement`: the person's agreements, only for them."""
    ack(response_type="ephemeral", **agreements.overview(deps, team_of(body), user_of(body)))


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.AGREEMENT_WRITE))
    @guarded
    def write(ack, body, client):
        ack()
        open_view(client, body, agreements.agreement_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.action(ids.matcher(ids.AGREEMENT_VIEW))
    @guarded
    def view_one(ack, body, client):
        ack()
        open_view(client, body, agreements.agreement_view(deps, team_of(body), user_of(body), action_value(body)))

    @app.view(ids.AGREEMENT_MODAL)
    @guarded
    def save(ack, body, view):
        team_id, user_id = team_of(body), user_of(body)
        written = submit_form(ack, view, parse,
                              lambda form: agreements.write(deps, team_id, user_id, metadata(view).get("partnership_id"), form),
                              title="Not saved")
        if written is None:
            return
        ack()
        deliver_now(deps)

    @app.action(ids.matcher(ids.AGREEMENT_CONFIRM))
    @guarded
    def confirm(ack, body, client, respond):
        ack()
        confirmed = agreements.confirm(deps, team_of(body), user_of(body), action_value(body))
        container = body.get("container") or {}
        if respond is not None and container.get("type") == "message":
            respond(replace_original=True, **confirmed.message)
        elif container.get("type") == "view" and (body.get("view") or {}).get("callback_id") == ids.AGREEMENT_VIEW_MODAL:
            client.views_update(view_id=container["view_id"], view=confirmed.view)
        deliver_now(deps)

    @app.action(ids.SUPERVISOR_ACK)
    @guarded
    def acknowledge(ack, body, respond):
        ack()
        answered = agreements.acknowledge(deps, team_of(body), user_of(body), action_value(body))
        if respond is not None:
            respond(replace_original=True, **answered)
        deliver_now(deps)
