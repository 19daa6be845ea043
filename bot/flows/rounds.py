"""A formal pairing round, run by an admin: open it (the form, then the proposal in their DM), review it (pages, drop,
swap), then confirm (both people of every kept pair get an introduction) or cancel; and record mentor training.
A round can form peer circles instead: review (drop a circle), then confirm (each circle's group chat opens with
the kickoff). Either way, everyone in the pool left out gets a DM saying why, with open circles that fit them.
Every step is admin-only and audited by the service; a round, pair or circle id from Slack is only a hint."""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows import boundaries
from bot.flows import circles as circle_flow
from bot.flows.context import Context
from bot.services import program, rounds
from bot.services.errors import Conflict
from bot.services.round_circles import CirclePage
from bot.services.rounds import RoundForm
from messages import rounds as blocks
from models.status import RoundKind

NO_CHANNEL = "Pick the channel whose members are the pool."


def round_form(ctx: Context, team_id: str, user_id: str) -> dict:
    """The "Pairing round" modal (refused for a non-admin, formal pairing off, or a round still waiting for review)."""
    with ctx.db.uow() as session:
        rounds.can_open(session, team_id, user_id, ctx.settings)
        return blocks.round_modal(program.current(session, team_id, ctx.settings).name)


def check_round(ctx: Context, team_id: str, user_id: str, form: RoundForm) -> RoundForm:
    """What can be refused at once, before the slow part: a channel pool without its channel, then what
    `round_form` refuses."""
    if form.pool == "channel" and not form.channel:
        raise Conflict(NO_CHANNEL, field="channel")
    with ctx.db.uow() as session:
        rounds.can_open(session, team_id, user_id, ctx.settings)
    return form


def open_round(ctx: Context, team_id: str, user_id: str, form: RoundForm, channel_members: list[str] | None) -> dict:
    """Solve and store the proposal (it may take seconds); returns the review of its first page for the admin."""
    with ctx.db.uow() as session:
        round_id = rounds.open_round(session, team_id, user_id, ctx.settings, form, channel_members).round.id
    return show_round(ctx, team_id, user_id, round_id)


def show_round(ctx: Context, team_id: str, user_id: str, round_id: object = None, page: object = 0) -> dict:
    """One page of a round's review (the round waiting for review, or else the newest, when no id is given)."""
    with ctx.db.uow() as session:
        shown = rounds.page(session, team_id, user_id, ctx.settings, round_id, page)
        return blocks.circle_round_review(shown) if isinstance(shown, CirclePage) else blocks.round_review(shown)


def swap_pairs(ctx: Context, team_id: str, user_id: str, first: str, second: str) -> dict:
    """Exchange the mentees of two proposed pairs of a round; the review shows what was done."""
    with ctx.db.uow() as session:
        round_id = rounds.swap(session, team_id, user_id, ctx.settings, first, second)[0].round_id
    return blocks.noted(show_round(ctx, team_id, user_id, round_id), blocks.swapped_note(first, second))


@dataclass(frozen=True)
class Dropped:
    pair_id: int
    review: dict  # the page of the review the admin was on


def drop_pair(ctx: Context, team_id: str, user_id: str, pair: object, page: object = 0) -> Dropped:
    """Take a proposed pair out of its round (only a pair of a round of this program still under review)."""
    with ctx.db.uow() as session:
        intro = rounds.drop(session, team_id, user_id, ctx.settings, pair)
        pair_id, round_id = intro.id, intro.round_id
    return Dropped(pair_id, show_round(ctx, team_id, user_id, round_id, page))


def drop_circle(ctx: Context, team_id: str, user_id: str, round_circle: object, page: object = 0) -> dict:
    """Take a proposed circle out of its circles round (only one of this program still under review); returns the
    page of the review the admin was on, with what was done on top."""
    with ctx.db.uow() as session:
        row = rounds.drop_circle(session, team_id, user_id, ctx.settings, round_circle)
        row_id, round_id = row.id, row.round_id
    return blocks.noted(show_round(ctx, team_id, user_id, round_id, page), blocks.dropped_circle_note(row_id))


def confirm_round(ctx: Context, team_id: str, user_id: str, round_id: object = None) -> dict:
    """Confirm a round under review (the one waiting, when no id is given): both people of every kept pair get an
    introduction DM (through the outbox, at Slack's pace), or each kept circle is formed and its group chat opened
    with the kickoff; everyone in the pool left out gets a DM saying why and what they can do. A second confirm is
    refused and sends (forms) nothing. Returns where the round stands."""
    with ctx.db.uow() as session:
        name = program.current(session, team_id, ctx.settings).name
        if rounds.get(session, team_id, user_id, ctx.settings, round_id).kind == RoundKind.CIRCLES:
            confirmed, formed = rounds.confirm_circles(session, team_id, user_id, ctx.settings, round_id)
            for item in formed:
                circle_flow.open_formed_chat(session, team_id, name, item.circle, item.members, item.facilitator,
                                             confirmed.confirmed_at or item.circle.created_at)
        else:
            confirmed = rounds.confirm(session, team_id, user_id, ctx.settings, round_id, blocks)[0]
        boundaries.tell_left_out(session, team_id, name, confirmed)
        round_id = confirmed.id
    return show_round(ctx, team_id, user_id, round_id)


def cancel_round(ctx: Context, team_id: str, user_id: str, round_id: object = None) -> dict:
    """Cancel a round under review (the one waiting, when no id is given): nothing is sent, its pairs are dropped.
    Returns where the round stands."""
    with ctx.db.uow() as session:
        round_id = rounds.cancel(session, team_id, user_id, ctx.settings, round_id).id
    return show_round(ctx, team_id, user_id, round_id)


def mark_trained(ctx: Context, team_id: str, user_id: str, text: str) -> dict:
    """Record that the people mentioned in `text` finished mentor training (those in the program)."""
    with ctx.db.uow() as session:
        people = rounds.mark_trained(session, team_id, user_id, ctx.settings, rounds.mentions(text))
        return blocks.trained([p.slack_user_id for p in people])
