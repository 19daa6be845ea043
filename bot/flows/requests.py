"""Partnership requests: asking someone to partner, their answer (accept, decline), withdrawing, and expiry.

Whoever asks gets nothing in Slack but the "Request sent" notice; the person asked gets a DM with Accept and
Decline. An answer edits that DM (its buttons go) and tells the asker; an accept also opens the pair's group chat
with the kickoff. A request nobody answers expires after 14 days, and both people are told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.flows import boundaries as boundaries_flow
from bot.flows.context import Context
from bot.services import boundaries, keys, outbox, partnerships, profiles, program
from messages import find as find_blocks
from messages import requests as blocks
from models import Partnership, Person


@dataclass(frozen=True)
class Asked:
    partnership_id: int
    target_user_id: str


@dataclass(frozen=True)
class Answered:
    partnership_id: int
    asker_user_id: str
    asked_user_id: str


def ask_form(ctx: Context, team_id: str, user_id: str, person_hint: object) -> dict:
    """The "Ask to partner" modal for the person behind the button (refused if either of them can't partner)."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        target = profiles.participant(session, team_id, person_hint)
        boundaries.require_allowed(session, me, target)  # a forged button: the same neutral words whatever the reason
        return find_blocks.ask_modal(target.id, target.slack_user_id)


def ask(ctx: Context, team_id: str, user_id: str, person_hint: object, note: str) -> Asked:
    """Ask someone to partner: they get the request DM (the asker is told if Slack won't take it), and both
    people's Home tabs show the open request."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        partnership = partnerships.request(session, me, person_hint, note)
        target = partnership.other(me.id).slack_user_id
        assert partnership.request is not None
        message = blocks.request_dm(program.current(session, team_id, ctx.settings).name, me, note, partnership.id,
                                    partnership.request.expires_at)
        outbox.enqueue(session, team_id, keys.request(partnership.id), "request", target, message,
                       if_undelivered=(user_id, blocks.undelivered_for_requester(target)))
        outbox.publish_home(session, team_id, user_id, target)
        return Asked(partnership.id, target)


def _people(partnership: Partnership) -> tuple[Person, Person]:
    """(asker, asked) of a request."""
    assert partnership.request is not None
    asker_id = partnership.request.from_person_id
    asker = partnership.person_a if partnership.person_a_id == asker_id else partnership.person_b
    return asker, partnership.other(asker.id)


def _answered(session: Session, team_id: str, partnership: Partnership, outcome: str) -> Answered:
    """The request DM shows the outcome in place of its buttons; both Home tabs change."""
    asker, asked = _people(partnership)
    if (where := partnerships.request_message(session, partnership)) is not None:
        outbox.update_message(session, team_id, *where, blocks.request_answered(asker.slack_user_id, outcome))
    outbox.publish_home(session, team_id, asker.slack_user_id, asked.slack_user_id)
    return Answered(partnership.id, asker.slack_user_id, asked.slack_user_id)


def accept(ctx: Context, team_id: str, user_id: str, partnership_hint: object) -> Answered:
    """The person asked accepts (only they may): the asker hears the good news, and the pair's group chat opens
    with the kickoff. A second click is refused ("already answered") and sends nothing again."""
    with ctx.db.uow() as session:
        partnership = partnerships.accept(session, team_id, user_id, partnership_hint, tz=ctx.settings.tz)
        asker, asked = _people(partnership)
        outbox.enqueue(session, team_id, keys.request_accepted(partnership.id), "request-answer", asker.slack_user_id,
                       blocks.accepted_for_requester(asked.slack_user_id))
        answered = _answered(session, team_id, partnership, "accepted")
        name = program.current(session, team_id, ctx.settings).name
        outbox.enqueue(session, team_id, keys.kickoff(partnership.id), "kickoff",
                       f"{asker.slack_user_id},{asked.slack_user_id}",
                       {**blocks.kickoff(name, asker.slack_user_id, asked.slack_user_id, partnership.id),
                        outbox.GROUP_CHAT_OF: partnership.id})
        return answered


def remember_group_chat(ctx: Context, partnership_id: int) -> None:
    """Once the kickoff is in Slack, the pair's group chat is known: keep it on the partnership."""
    with ctx.db.uow() as session:
        partnership = session.get(Partnership, partnership_id)
        if partnership is not None:
            partnerships.group_chat(session, partnership)


def decline(ctx: Context, team_id: str, user_id: str, partnership_hint: object) -> Answered:
    """The person asked declines (only they may): the asker is told kindly, with no reason given."""
    with ctx.db.uow() as session:
        partnership = partnerships.decline(session, team_id, user_id, partnership_hint)
        asker, asked = _people(partnership)
        outbox.enqueue(session, team_id, keys.request_declined(partnership.id), "request-answer", asker.slack_user_id,
                       blocks.declined_for_requester(asked.slack_user_id))
        boundaries_flow.after_missed_request(session, team_id, program.current(session, team_id, ctx.settings).name, asker)
        return _answered(session, team_id, partnership, "declined")


def withdraw(ctx: Context, team_id: str, user_id: str, partnership_hint: object) -> Answered:
    """The asker withdraws their open request (only they may): the request DM says so; nobody is messaged."""
    with ctx.db.uow() as session:
        partnership = partnerships.cancel(session, team_id, user_id, partnership_hint)
        return _answered(session, team_id, partnership, "withdrawn by the person who asked")


def expire_requests(ctx: Context, now: datetime | None = None) -> int:
    """The request-expiry job: requests unanswered for 14 days close; the asker is told, and the request DM loses
    its buttons. Returns how many expired."""
    with ctx.db.uow() as session:
        expired = partnerships.expire_due(session, now)
        for pid in expired:
            partnership = session.get(Partnership, pid)
            if partnership is None or partnership.request is None:
                continue
            asker, asked = _people(partnership)
            outbox.enqueue(session, partnership.team_id, keys.request_expired(pid), "request-expired",
                           asker.slack_user_id, blocks.expired_for_requester(asked.slack_user_id), priority=0)
            if (where := partnerships.request_message(session, partnership)) is not None:
                channel, ts = where
                outbox.enqueue(session, partnership.team_id, keys.request_expired_update(pid), "request-expired",
                               asked.slack_user_id, {"update": {"channel": channel, "ts": ts},
                                                     **blocks.request_answered(asker.slack_user_id, "expired")},
                               priority=0)
            boundaries_flow.after_missed_request(session, partnership.team_id,
                                                 program.current(session, partnership.team_id, ctx.settings).name, asker)
        return len(expired)
