"""Introductions: the program (a formal round, or an onboarding buddy) introduces a giver (mentor, buddy) to a
taker (mentee, newcomer). Proposed, then sent (a DM to each with Accept / Decline), then two yeses make an active
partnership of the introduction's kind; one no declines it. Messages go through the outbox, worded by the caller's `Messages`."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db import rowcount
from bot.services import boundaries, clock, keys, outbox, partnerships, program
from bot.services.errors import Conflict, NotAllowed
from bot.services.lookup import by_hint
from bot.services.matching import load
from bot.settings import Settings
from models import Introduction, PairingRound, Person
from models.status import IntroductionKind, IntroductionStatus, PersonStatus

NOT_YOURS = "That introduction isn't one of yours."


class Messages(Protocol):
    """How an introduction's DMs are worded ({"text", "blocks"}); `messages.rounds` is the one in use.
    The service decides who is told what and when; the caller says in which words."""

    def introduction(self, program_name: str, intro: Introduction, me: Person, other: Person) -> dict: ...

    def intro_declined(self, other_user_id: str) -> dict: ...

    def intro_declined_for_admin(self, round_id: int | None, giver_user_id: str, taker_user_id: str) -> dict: ...

    def intro_accepted(self, kind: str, other_user_id: str) -> dict: ...


def propose(session: Session, *, team_id: str, kind: str, giver_id: int, taker_id: int, reason: str,
            score: float = 0.0, round_id: int | None = None, created_by: str | None = None) -> Introduction:
    """A proposed introduction (nothing is sent yet); `send` sends it."""
    if kind not in tuple(IntroductionKind):
        raise ValueError(kind)
    if giver_id == taker_id:
        raise Conflict("Someone can't be introduced to themselves.")
    intro = Introduction(team_id=team_id, kind=kind, giver_id=giver_id, taker_id=taker_id, reason=reason[:2000],
                         score=float(score), round_id=round_id, created_by=created_by,
                         status=IntroductionStatus.PROPOSED)
    session.add(intro)
    session.flush()
    return intro


def free_places(session: Session, people: list[Person], *, waiting: bool = False) -> dict[int, int]:
    """How many more partnerships each person can take: their profile capacity minus open partnerships (and,
    with `waiting`, minus introductions sent to them that nobody has settled yet)."""
    ids = [p.id for p in people]
    counts = load(session, ids)
    if waiting:
        for start in range(0, len(ids), 5000):
            chunk = ids[start:start + 5000]
            for column in (Introduction.giver_id, Introduction.taker_id):
                for person_id, n in session.execute(
                    select(column, func.count()).where(Introduction.status == IntroductionStatus.SENT, column.in_(chunk))
                    .group_by(column)
                ):
                    counts[person_id] = counts.get(person_id, 0) + n
    return {p.id: max(0, p.capacity - counts.get(p.id, 0)) for p in people}


def send(session: Session, intro: Introduction, settings: Settings, messages: Messages,
         now: datetime | None = None) -> None:
    """proposed -> sent: both are told, each by a DM naming the other, the reason, and Accept / Decline."""
    _, skipped = send_many(session, [intro], settings, messages, now)
    if skipped:
        raise Conflict(skipped[0][1])
    session.refresh(intro)


def send_many(session: Session, intros: list[Introduction], settings: Settings, messages: Messages,
              now: datetime | None = None) -> tuple[list[Introduction], list[tuple[Introduction, str]]]:
    """`send` for many (a confirmed round): both people must be active and the giver must still have room.
    Returns (sent, [(not sent, why)]); what is not sent stays proposed."""
    now = now or clock.now()
    if not intros:
        return [], []
    places = free_places(session, list({i.giver_id: i.giver for i in intros}.values()))
    blocked = boundaries.pairs_among(session, intros[0].team_id,
                                     list({p.id: p for i in intros for p in (i.giver, i.taker)}.values()))
    apart = boundaries.separate_departments(session, intros[0].team_id)
    sent, skipped = [], []
    for intro in intros:
        idle = next((p for p in (intro.giver, intro.taker) if p.status != PersonStatus.ACTIVE), None)
        if intro.status != IntroductionStatus.PROPOSED:
            skipped.append((intro, f"This introduction was already {intro.status}."))
        elif ((min(intro.giver_id, intro.taker_id), max(intro.giver_id, intro.taker_id)) in blocked
              or (apart and intro.kind != IntroductionKind.BUDDY and intro.giver.department_key == intro.taker.department_key)):
            skipped.append((intro, "These two can't be matched: a matching boundary (reporting line, private list or "
                                   "program rule) stands between them."))
        elif idle is not None:
            skipped.append((intro, f"{idle.display_name or 'Someone in this pair'} isn't active in the program right now."))
        elif places[intro.giver_id] <= 0:
            skipped.append((intro, f"{intro.giver.display_name or 'The mentor'} has no room for another partner right now."))
        else:
            sent.append(intro)
    if not sent:
        return sent, skipped
    for start in range(0, len(sent), 1000):
        session.execute(update(Introduction).where(Introduction.id.in_([i.id for i in sent[start:start + 1000]]),
                                                   Introduction.status == IntroductionStatus.PROPOSED)
                        .values(status=IntroductionStatus.SENT, sent_at=now).execution_options(synchronize_session=False))
    name = program.current(session, sent[0].team_id, settings).name
    rows = []
    for intro in sent:
        for me, other in ((intro.giver, intro.taker), (intro.taker, intro.giver)):
            rows.append(dict(team_id=intro.team_id, key=keys.introduction(intro.id, me.id), kind="introduction",
                             recipient=me.slack_user_id, payload=messages.introduction(name, intro, me, other),
                             priority=0 if intro.round_id else 1))
    outbox.enqueue_many(session, rows)
    return sent, skipped


def _mine(session: Session, team_id: str, user_id: str, intro_id: object) -> tuple[Introduction, Person]:
    intro = by_hint(session, Introduction, intro_id)
    if intro is None or intro.team_id != team_id:
        raise NotAllowed(NOT_YOURS)
    for person in (intro.giver, intro.taker):
        if person.slack_user_id == user_id and person.team_id == team_id:
            return intro, person
    raise NotAllowed(NOT_YOURS)


def answer(session: Session, team_id: str, user_id: str, intro_id: object, accept: bool, settings: Settings,
           messages: Messages, now: datetime | None = None) -> Introduction:
    """The giver's or the taker's answer. A second click changes nothing; two yeses start the partnership
    (`intro.partnership_id`), a no declines it. Both, and for a round its admin, are told through the outbox."""
    now = now or clock.now()
    intro, me = _mine(session, team_id, user_id, intro_id)
    if intro.status in (IntroductionStatus.PROPOSED, IntroductionStatus.DROPPED):
        raise Conflict("This introduction hasn't been sent, so there is nothing to answer yet.")
    if intro.status != IntroductionStatus.SENT:
        return intro  # already settled: a double click, or a late one
    column = Introduction.giver_answer if me.id == intro.giver_id else Introduction.taker_answer
    said = rowcount(session.execute(
        update(Introduction).where(Introduction.id == intro.id, Introduction.status == IntroductionStatus.SENT,
                                   column.is_(None))
        .values({column.key: "yes" if accept else "no"}).execution_options(synchronize_session=False)
    ))
    session.refresh(intro)
    if said != 1:
        return intro  # this person answered before
    other = intro.taker if me.id == intro.giver_id else intro.giver
    blocks = messages
    if not accept:
        if _settle(session, intro, IntroductionStatus.DECLINED, now):
            outbox.enqueue(session, team_id, keys.intro_declined(intro.id, other.id), "introduction", other.slack_user_id,
                           blocks.intro_declined(me.slack_user_id))
            admin = _round_admin(session, intro)
            if admin:
                outbox.enqueue(session, team_id, keys.intro_declined(intro.id, "admin"), "introduction", admin,
                               blocks.intro_declined_for_admin(intro.round_id, intro.giver.slack_user_id,
                                                               intro.taker.slack_user_id))
        return intro
    if intro.giver_answer == "yes" and intro.taker_answer == "yes":
        length = program.current(session, team_id, settings).default_length_months
        partnership = partnerships.start_introduced(session, intro.giver, intro.taker, intro.kind, length, now,
                                                    tz=settings.tz)
        if _settle(session, intro, IntroductionStatus.ACCEPTED, now, partnership_id=partnership.id):
            for person, partner in ((intro.giver, intro.taker), (intro.taker, intro.giver)):
                outbox.enqueue(session, team_id, keys.intro_accepted(intro.id, person.id), "introduction",
                               person.slack_user_id, blocks.intro_accepted(intro.kind, partner.slack_user_id))
    return intro


def _settle(session: Session, intro: Introduction, status: IntroductionStatus, now: datetime, **values: object) -> bool:
    moved = rowcount(session.execute(
        update(Introduction).where(Introduction.id == intro.id, Introduction.status == IntroductionStatus.SENT)
        .values(status=status, answered_at=now, **values).execution_options(synchronize_session=False)
    ))
    session.refresh(intro)
    return moved == 1


def _round_admin(session: Session, intro: Introduction) -> str | None:
    if intro.kind != IntroductionKind.FORMAL or intro.round_id is None:
        return intro.created_by if intro.kind == IntroductionKind.FORMAL else None
    pairing_round = session.get(PairingRound, intro.round_id)
    return pairing_round.created_by if pairing_round else None
