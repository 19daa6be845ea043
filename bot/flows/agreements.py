"""The pair's agreement: writing a version (or proposing changes), confirming it, and supervisors acknowledging it.

A version is posted in the pair's group chat for the partner to confirm; once both have confirmed, the supervisors
named in it get a DM asking them to acknowledge it, and the group chat hears each step.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows.context import Context
from bot.services import agreements, clock, keys, outbox, partnerships, profiles, program
from bot.services.agreements import AgreementForm
from bot.services.errors import DomainError
from messages import agreement as blocks
from messages.common import mention
from messages.find import not_joined
from models.status import LIVE_PARTNERSHIP


@dataclass(frozen=True)
class Confirmed:
    message: dict  # the agreement message as it is now (for the clicked message)
    view: dict  # the agreement modal as it is now (for the clicked modal)


def overview(ctx: Context, team_id: str, user_id: str) -> dict:
    """`/mentor agreement`: each live partnership's agreement and where it stands (or the invitation to join)."""
    with ctx.db.uow() as session:
        me = profiles.current(session, team_id, user_id)
        if me is None:
            return not_joined()
        live = partnerships.overview(session, me).partnerships
        items = [(p, agreements.current(session, p.id), p.other(me.id).slack_user_id) for p in live]
        return blocks.agreements_overview(items, nothing=not live)


def agreement_form(ctx: Context, team_id: str, user_id: str, partnership_hint: object) -> dict:
    """The agreement modal for one of the person's live partnerships, filled in with the current version."""
    with ctx.db.uow() as session:
        partnership, me = partnerships.get_for_member(session, team_id, user_id, partnership_hint)
        if partnership.status not in LIVE_PARTNERSHIP:
            raise DomainError("This partnership is not active, so its agreement can't change.")
        today = clock.local_today(me.tz, me.tz_offset)
        months = program.current(session, team_id, ctx.settings).default_length_months
        return blocks.agreement_modal(
            partnership.id, partnership.other(me.id).display_name, agreements.current(session, partnership.id),
            me.id == partnership.person_a_id, clock.add_months(today, months), default_months=months,
        )


def agreement_view(ctx: Context, team_id: str, user_id: str, partnership_hint: object) -> dict:
    """The current agreement of one of the person's partnerships, read-only with Confirm when it is their turn."""
    with ctx.db.uow() as session:
        partnership, me = partnerships.get_for_member(session, team_id, user_id, partnership_hint)
        agreement = agreements.current(session, partnership.id)
        if agreement is None:
            raise DomainError("You two have no agreement yet: use *Write our agreement*.")
        return blocks.agreement_view(agreement, partnership, partnership.other(me.id).slack_user_id)


def write(ctx: Context, team_id: str, user_id: str, partnership_hint: object, form: AgreementForm) -> int:
    """Save a new version (confirmed by its author) and post it in the pair's group chat for the partner.
    Returns the new version's id."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        agreement = agreements.draft(session, team_id, user_id, partnership_hint, form,
                                     clock.local_today(me.tz, me.tz_offset))
        partnership = agreement.partnership
        partner = partnership.other(me.id).slack_user_id
        message = blocks.agreement_message(agreement, partnership, intro=(
            f"{mention(user_id)} wrote version {agreement.version} of your agreement. "
            f"{mention(partner)}, please confirm it or propose changes."))
        outbox.enqueue(session, team_id, keys.agreement_draft(agreement.id), "agreement-draft",
                       partnerships.group_chat(session, partnership), message)
        outbox.publish_home(session, team_id, user_id, partner)
        return agreement.id


def confirm(ctx: Context, team_id: str, user_id: str, agreement_hint: object) -> Confirmed:
    """One of the pair confirms the current version. When both have, each supervisor named gets a DM to acknowledge
    it, and the group chat is told. Confirming twice, or an old version, is refused."""
    with ctx.db.uow() as session:
        agreement, complete = agreements.confirm(session, team_id, user_id, agreement_hint)
        partnership = agreement.partnership
        pair = (partnership.person_a.slack_user_id, partnership.person_b.slack_user_id)
        partner = pair[1] if pair[0] == user_id else pair[0]
        if complete:
            name = program.current(session, team_id, ctx.settings).name
            for row in agreement.acknowledgements:
                outbox.enqueue(session, team_id, keys.supervisor_ack(row.id), "supervisor-ack", row.supervisor_user_id,
                               blocks.supervisor_dm(name, agreement, partnership,
                                                    agreements.supervisees(agreement, row.supervisor_user_id), row.id))
            outbox.enqueue(session, team_id, keys.agreement_confirmed(agreement.id), "agreement-confirmed",
                           partnerships.group_chat(session, partnership),
                           blocks.confirmed_notice(bool(agreement.acknowledgements)))
        outbox.publish_home(session, team_id, *pair)
        return Confirmed(blocks.agreement_message(agreement, partnership),
                         blocks.agreement_view(agreement, partnership, partner))


def acknowledge(ctx: Context, team_id: str, user_id: str, ack_hint: object) -> dict:
    """A supervisor named in the agreement acknowledges it (only they may, once): the pair's group chat is told.
    Returns what their DM shows instead of the button."""
    with ctx.db.uow() as session:
        row = agreements.acknowledge(session, team_id, user_id, ack_hint)
        partnership = row.agreement.partnership
        outbox.enqueue(session, row.team_id, keys.agreement_acknowledged(row.id), "agreement-acknowledged",
                       partnerships.group_chat(session, partnership), blocks.acknowledged_notice(user_id))
        outbox.publish_home(session, team_id, partnership.person_a.slack_user_id, partnership.person_b.slack_user_id)
        return blocks.supervisor_acknowledged(agreements.supervisees(row.agreement, user_id))
