"""Formal pairing: `/mentor round` for admins (open a round, review, drop, swap, confirm, cancel; mark mentors
trained), and the Accept / Decline buttons of every introduction (rounds and onboarding buddies)."""

from __future__ import annotations

from bot.services import introductions, outbox, partnerships, program
from handlers import ids
from handlers.blocks import rounds as blocks
from handlers.common import Deps, action_value, deliver_now, guarded, reply, team_of, user_of
from handlers.home import publish_home


def commands(deps: Deps) -> dict:
    """Subcommand name -> handler(ack, body, client, rest), added to /mentor's routes."""
    return {}


def _answer_intro(deps: Deps, body: dict, client, respond, accept: bool) -> None:
    team_id, user_id = team_of(body), user_of(body)
    with deps.db.uow() as session:
        intro = introductions.answer(session, team_id, user_id, action_value(body), accept, deps.settings)
        giver, taker = intro.giver.slack_user_id, intro.taker.slack_user_id
        other = taker if user_id == giver else giver
        status, kind, partnership_id = intro.status, intro.kind, intro.partnership_id
        mine = intro.giver_answer if user_id == giver else intro.taker_answer
        name = _program_name(session, deps, team_id)
    reply(client, body, respond, blocks.intro_answered(other, mine == "yes", status == "accepted"), replace=True)
    deliver_now(deps)
    if status == "accepted" and partnership_id:
        group = client.conversations_open(users=f"{giver},{taker}")["channel"]["id"]
        with deps.db.uow() as session:
            partnerships.set_channel(session, partnership_id, group)
            outbox.enqueue(session, team_id, f"kickoff:{partnership_id}", "kickoff", group,
                           blocks.intro_kickoff(name, kind, giver, taker, partnership_id))
        deliver_now(deps)
    publish_home(client, deps, team_id, giver, taker)


def _program_name(session, deps: Deps, team_id: str) -> str:
    return program.current(session, team_id, deps.settings).name


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.INTRO_ACCEPT))
    @guarded
    def intro_accept(ack, body, client, respond):
        ack()
        _answer_intro(deps, body, client, respond, True)

    @app.action(ids.matcher(ids.INTRO_DECLINE))
    @guarded
    def intro_decline(ack, body, client, respond):
        ack()
        _answer_intro(deps, body, client, respond, False)
