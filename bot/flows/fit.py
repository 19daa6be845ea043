"""The early fit check: the daily job that asks, a person's answer, and "End kindly and find someone new".

An answer is shown to its author only: it is never in a message to anyone else, never on a Home tab, and reports
read only closed months' counts (bot/services/fit.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.flows.context import Context
from bot.services import clock, fit, keys, outbox, profiles, program
from messages import fit as blocks
from models.status import LIVE_PARTNERSHIP, FitAnswerKind


@dataclass
class Reply:
    message: dict  # what the clicking person sees in place of the question
    changed: bool  # something was written (deliver now)


def answer(ctx: Context, team_id: str, user_id: str, answer_hint: object, kind: FitAnswerKind) -> Reply:
    """Keep my answer (the first one holds) and answer me privately; "Not a good fit" offers to end kindly."""
    with ctx.db.uow() as session:
        done = fit.answer(session, team_id, user_id, answer_hint, kind)
        given = done.answer.answer
        if not done.changed and (given != FitAnswerKind.NOT_GOOD or done.partnership.status not in LIVE_PARTNERSHIP):
            return Reply(blocks.already_answered(given), False)
        if given == FitAnswerKind.GOOD:
            return Reply(blocks.good(), True)
        if given == FitAnswerKind.DECIDING:
            return Reply(blocks.deciding(done.answer.round), True)
        # "Not a good fit" (a double click shows the same offer again, while the partnership is live)
        if done.partnership.status not in LIVE_PARTNERSHIP:
            return Reply(blocks.already_closed(), True)
        return Reply(blocks.not_good(done.partnership.id, done.partner.display_name), done.changed)


def keep_going(ctx: Context, team_id: str, user_id: str, partnership_hint: object) -> dict:
    """"Keep going for now": nothing changes (the button's partnership must still be mine)."""
    from bot.services.partnerships import get_for_member

    with ctx.db.uow() as session:
        get_for_member(session, team_id, user_id, partnership_hint)
    return blocks.keep_going()


def end_kindly(ctx: Context, team_id: str, user_id: str, partnership_hint: object) -> dict:
    """End the partnership without saying who asked: the partner is told only that it was closed, and both of us
    get "Find a new partner" (fresh `/mentor find` suggestions) and "Thank your partner". Both Home tabs refresh.
    Returns what I see in place of the offer."""
    with ctx.db.uow() as session:
        ended = fit.end_kindly(session, team_id, user_id, partnership_hint)
        p, me, partner = ended.partnership, ended.me, ended.partner
        name = program.current(session, team_id, ctx.settings).name
        if not partner.slack_user_id.startswith("deleted-"):
            outbox.enqueue(session, team_id, keys.fit_closed(p.id, partner.id), "partnership-closed",
                           partner.slack_user_id, blocks.closed_for_partner(name, me.display_name, me.slack_user_id, p.id))
        outbox.publish_home(session, team_id, user_id, partner.slack_user_id)
        return blocks.closed_for_me(partner.display_name, partner.slack_user_id, p.id)


def run_daily(ctx: Context, now: datetime | None = None) -> str:
    """Ask "Is this a good fit?" of everyone due (once each: the question's row is its key), and write the counts of
    every month that ended (once). Returns what was done."""
    now = now or clock.now()
    asked, closed = 0, []
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            name = program.current(session, team_id, ctx.settings).name
            for q in fit.due(session, team_id, now):
                outbox.enqueue(session, team_id, keys.fit_ask(q.answer.id), "fit-question", q.person.slack_user_id,
                               blocks.question(name, q.partner.display_name, q.partner.slack_user_id, q.answer.id,
                                               q.answer.round), priority=0)
                asked += 1
        with ctx.db.uow() as session:
            closed += fit.close_months(session, team_id, ctx.settings.tz, now)
    months = f"; month(s) closed: {', '.join(sorted(set(closed)))}" if closed else ""
    return f"{asked} fit question(s) asked{months}"
