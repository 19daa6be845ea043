"""Matching boundaries as people use them: `/mentor boundaries` (my manager, my private don't-suggest list), the
manager Slack's profile names, the admins' "Matching rules", and the DMs that make sure nobody is silently left out
(after a formal round, and after several requests in a row came to nothing)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.context import Context
from bot.services import boundaries, circle_fit, keys, left_out, matching, outbox, profiles, program
from bot.services.boundaries import BoundariesForm, Mine, RulesForm
from bot.services.errors import DomainError
from messages import boundaries as blocks
from models import PairingRound, Person
from models.status import PersonStatus

SUGGESTED = 3  # people with room offered after a streak of requests that came to nothing


def boundaries_form(ctx: Context, team_id: str, user_id: str) -> dict:
    """The "Matching boundaries" modal, filled with what the person set (joined people only)."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        own = boundaries.mine(session, me)
        return blocks.boundaries_modal(program.current(session, team_id, ctx.settings).name, own.manager,
                                       own.slack_manager, own.dont_suggest)


def save_boundaries(ctx: Context, team_id: str, user_id: str, form: BoundariesForm) -> Mine:
    """Save my manager and my private list: from now on find, requests, rounds and buddies keep to them."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        return boundaries.save_mine(session, me, form)


def mirror_slack_manager(ctx: Context, team_id: str, user_id: str, manager: str | None) -> None:
    """Keep the manager Slack's profile names (read when the person saves their profile or opens Home)."""
    with ctx.db.uow() as session:
        me = profiles.get(session, team_id, user_id)
        if me is not None:
            boundaries.mirror_slack_manager(session, me, manager)


def rules_form(ctx: Context, team_id: str, user_id: str) -> dict:
    """The admins' "Matching rules" modal (a non-admin is refused before anything opens)."""
    with ctx.db.uow() as session:
        current = boundaries.rules_for_admin(session, team_id, user_id, ctx.settings)
        return blocks.rules_modal(current.separate_departments, current.pairs)


def save_rules(ctx: Context, team_id: str, user_id: str, form: RulesForm) -> int:
    """An admin saved the rules; each change is audited. Returns how many changed."""
    with ctx.db.uow() as session:
        return boundaries.save_rules(session, team_id, user_id, ctx.settings, form)


# -- nobody silently left out (called inside another use case's unit of work) ----------------------------------
def tell_left_out(session: Session, team_id: str, program_name: str, pairing_round: PairingRound) -> int:
    """After a round is confirmed: each active pool member without a pair gets one DM saying so, why, and what they
    can do, naming nobody. Returns how many were told (a second confirm is refused before this runs; the keys make
    a retry send nothing twice)."""
    told = [p for p in left_out.who(session, pairing_round) if p.active]
    fits = _open_circles_for(session, team_id, [p.person_id for p in told])
    rows = [dict(team_id=team_id, key=keys.left_out(pairing_round.id, p.person_id), kind="left-out",
                 recipient=p.slack_user_id, payload=blocks.left_out_dm(program_name, pairing_round.id, p.role, p.reason,
                                                                      fits.get(p.person_id), pairing_round.kind))
            for p in told]
    if rows:
        outbox.enqueue_many(session, rows)
    pairing_round.summary = dict(pairing_round.summary or {}) | {"told_left_out": len(rows)}
    return len(rows)


def after_missed_request(session: Session, team_id: str, program_name: str, asker: Person) -> bool:
    """After a request of `asker` was declined or expired: at the third in a row (since their last accepted one),
    a DM with people who have room and fit them (find's ranking, boundaries applied), once per streak."""
    streak = left_out.missed_streak(session, asker)
    if streak is None or asker.status != PersonStatus.ACTIVE:
        return False
    first, length = streak
    try:
        suggestions: list | None = matching.find(session, asker).suggestions[:SUGGESTED]
    except DomainError:  # find's index is still being built: the DM points at "Find a partner" instead
        suggestions = None
    fits = _open_circles_for(session, team_id, [asker.id]).get(asker.id)
    return outbox.enqueue(session, team_id, keys.requests_missed(asker.id, first), "requests-missed", asker.slack_user_id,
                          blocks.no_luck_dm(program_name, suggestions, length, fits), priority=0)


def _open_circles_for(session: Session, team_id: str, person_ids: list[int]) -> dict[int, list]:
    """person id -> up to three open circles that fit them (skills they want; nobody across a boundary in them),
    for someone left without a partner. Nothing is read per person when the team has no open circle at all."""
    if not person_ids or not circle_fit.any_open(session, team_id):
        return {}
    people = session.scalars(select(Person).where(Person.id.in_(person_ids)))
    return {p.id: circle_fit.open_for(session, p, limit=SUGGESTED, wanted_only=True) for p in people}
