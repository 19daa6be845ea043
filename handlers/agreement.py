"""The agreement: write or change it, confirm it, and supervisors' acknowledgement."""

from __future__ import annotations

from pydantic import ValidationError

from bot.services import agreements, clock, outbox, partnerships, profiles, program
from bot.services.agreements import AgreementForm
from bot.services.errors import DomainError
from messages import ids
from messages import agreement as blocks
from messages.common import mention, section
from handlers.common import Deps, action_value, deliver_now, guarded, open_view, refuse_in_modal, team_of, user_of
from handlers.forms import field_errors, metadata, state_values
from handlers.home import publish_home


def overview_message(deps: Deps, team_id: str, user_id: str) -> dict:
    with deps.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        live = partnerships.overview(session, me).partnerships
        items = [(p, agreements.current(session, p.id), p.other(me.id).slack_user_id) for p in live]
        return blocks.agreements_overview(items, nothing=not live)


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


def _pair_channel(client, deps: Deps, partnership) -> str:
    if partnership.channel_id:
        return partnership.channel_id
    users = f"{partnership.person_a.slack_user_id},{partnership.person_b.slack_user_id}"
    channel = client.conversations_open(users=users)["channel"]["id"]
    with deps.db.uow() as session:
        partnerships.set_channel(session, partnership.id, channel)
    return channel


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.AGREEMENT_WRITE))
    @guarded
    def write(ack, body, client):
        ack()
        with deps.db.uow() as session:
            partnership, me = partnerships.get_for_member(session, team_of(body), user_of(body), action_value(body))
            if partnership.status not in ("active", "paused"):
                raise DomainError("This partnership is not active, so its agreement can't change.")
            today = clock.local_today(me.tz, me.tz_offset)
            months = program.current(session, team_of(body), deps.settings).default_length_months
            view = blocks.agreement_modal(
                partnership.id, partnership.other(me.id).display_name, agreements.current(session, partnership.id),
                me.id == partnership.person_a_id, clock.add_months(today, months), default_months=months,
            )
        open_view(client, body, view)

    @app.action(ids.matcher(ids.AGREEMENT_VIEW))
    @guarded
    def view_one(ack, body, client):
        ack()
        with deps.db.uow() as session:
            partnership, me = partnerships.get_for_member(session, team_of(body), user_of(body), action_value(body))
            agreement = agreements.current(session, partnership.id)
            if agreement is None:
                raise DomainError("You two have no agreement yet: use *Write our agreement*.")
            view = blocks.agreement_view(agreement, partnership, partnership.other(me.id).slack_user_id)
        open_view(client, body, view)

    @app.view(ids.AGREEMENT_MODAL)
    @guarded
    def save(ack, body, view, client):
        try:
            form = parse(state_values(view))
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc))
            return
        team_id, user_id = team_of(body), user_of(body)
        try:
            with deps.db.uow() as session:
                me = profiles.require(session, team_id, user_id)
                today = clock.local_today(me.tz, me.tz_offset)
                agreement = agreements.draft(session, team_id, user_id, metadata(view).get("partnership_id"), form, today)
                partnership = agreement.partnership
                partner = partnership.other(me.id).slack_user_id
                message = blocks.agreement_message(agreement, partnership, intro=(
                    f"{mention(user_id)} wrote version {agreement.version} of your agreement. "
                    f"{mention(partner)}, please confirm it or propose changes."))
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Not saved")
            return
        ack()
        client.chat_postMessage(channel=_pair_channel(client, deps, partnership), **message)
        publish_home(client, deps, team_id, user_id, partner)

    @app.action(ids.matcher(ids.AGREEMENT_CONFIRM))
    @guarded
    def confirm(ack, body, client, respond):
        ack()
        team_id, user_id = team_of(body), user_of(body)
        with deps.db.uow() as session:
            agreement, complete = agreements.confirm(session, team_id, user_id, action_value(body))
            partnership = agreement.partnership
            pair = (partnership.person_a.slack_user_id, partnership.person_b.slack_user_id)
            partner = pair[1] if pair[0] == user_id else pair[0]
            updated = blocks.agreement_message(agreement, partnership)
            refreshed_view = blocks.agreement_view(agreement, partnership, partner)
            to_notify = [row.id for row in agreement.acknowledgements if row.dm_ts is None] if complete else []
            for row in agreement.acknowledgements:
                if row.id in to_notify:
                    outbox.enqueue(session, team_id, f"supervisor-ack:{row.id}", "supervisor-ack", row.supervisor_user_id,
                                   blocks.supervisor_dm(program.current(session, team_id, deps.settings).name,
                                                        agreement, partnership,
                                                        agreements.supervisees(agreement, row.supervisor_user_id), row.id))
            channel = partnership.channel_id
            if complete and channel:
                text = "Your agreement is confirmed by both of you." + (
                    " Your supervisors have been asked to acknowledge it." if to_notify else "")
                outbox.enqueue(session, team_id, f"agreement-confirmed:{agreement.id}", "agreement-confirmed", channel,
                               {"text": text, "blocks": [section(text)]})
        container = body.get("container") or {}
        if respond is not None and container.get("type") == "message":
            respond(replace_original=True, **updated)
        elif container.get("type") == "view" and (body.get("view") or {}).get("callback_id") == ids.AGREEMENT_VIEW_MODAL:
            client.views_update(view_id=container["view_id"], view=refreshed_view)
        if to_notify or (complete and channel):
            deliver_now(deps)
            with deps.db.uow() as session:
                for ack_id in to_notify:
                    if (sent := outbox.sent(session, f"supervisor-ack:{ack_id}")) is not None:
                        agreements.record_ack_message(session, ack_id, sent.slack_channel, sent.slack_ts)
        publish_home(client, deps, team_id, *pair)

    @app.action(ids.SUPERVISOR_ACK)
    @guarded
    def acknowledge(ack, body, client, respond):
        ack()
        with deps.db.uow() as session:
            ack_row = agreements.acknowledge(session, team_of(body), user_of(body), action_value(body))
            partnership = ack_row.agreement.partnership
            supervisees = agreements.supervisees(ack_row.agreement, user_of(body))
            pair = (partnership.person_a.slack_user_id, partnership.person_b.slack_user_id)
            if partnership.channel_id:
                text = f"{mention(user_of(body))} acknowledged your agreement."
                outbox.enqueue(session, ack_row.team_id, f"agreement-acknowledged:{ack_row.id}", "agreement-acknowledged",
                               partnership.channel_id, {"text": text, "blocks": [section(text)]})
        if respond is not None:
            respond(replace_original=True, **blocks.supervisor_acknowledged(supervisees))
        deliver_now(deps)
        publish_home(client, deps, team_of(body), *pair)
