"""Answering an introduction (a round's pair, or an onboarding buddy): Accept or Decline in the introduction DM.

When both accept, both are told, their partnership starts and the kickoff opens their group chat; a decline
tells the other person kindly (and a round's admin). A second click changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows.context import Context
from bot.services import introductions, keys, outbox, program
from messages import rounds as blocks
from models.status import IntroductionStatus


@dataclass(frozen=True)
class Answered:
    message: dict  # what replaces the buttons for the person who clicked: where the introduction stands now
    partnership_id: int | None  # the partnership both accepted, if they did


def answer_introduction(ctx: Context, team_id: str, user_id: str, intro_id: object, accept: bool) -> Answered:
    """The giver's or the taker's answer (only theirs: the id from the button is a hint)."""
    with ctx.db.uow() as session:
        intro = introductions.answer(session, team_id, user_id, intro_id, accept, ctx.settings, blocks)
        giver, taker = intro.giver.slack_user_id, intro.taker.slack_user_id
        mine = intro.giver_answer if user_id == giver else intro.taker_answer
        if intro.status == IntroductionStatus.ACCEPTED and intro.partnership_id:  # a double click: written once
            name = program.current(session, team_id, ctx.settings).name
            outbox.enqueue(session, team_id, keys.kickoff(intro.partnership_id), "kickoff", f"{giver},{taker}",
                           {**blocks.intro_kickoff(name, intro.kind, giver, taker, intro.partnership_id),
                            outbox.GROUP_CHAT_OF: intro.partnership_id})
        outbox.publish_home(session, team_id, giver, taker)
        accepted = intro.partnership_id if intro.status == IntroductionStatus.ACCEPTED else None
        return Answered(blocks.intro_answered(taker if user_id == giver else giver, mine, intro.status), accepted)

