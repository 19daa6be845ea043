"""A formal pairing round, run by an admin: pick the pool and who counts as a mentor, let `pairing` find the
optimal assignment, review it (drop, swap), then confirm (every kept pair becomes a sent introduction) or cancel.
A round can form peer circles instead of pairs (`round_circles`: grouped by `circle_grouping`, dropped, formed on
confirm). Every step is admin-only and audited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session, lazyload

from bot.db import rowcount
from bot.services import boundaries, clock, introductions, left_out, pairing, program, round_circles
from bot.services.errors import Conflict, NotAllowed, NotFound
from bot.services.lookup import by_hint
from bot.services.profiles import GOALS
from bot.settings import Settings
from models import Introduction, PairingRound, Partnership, Person, RoundCircle, RoundMember
from models.circles import MAX_SIZE, MIN_SIZE
from models.status import IntroductionKind, IntroductionStatus, PersonStatus, RoundKind, RoundStatus

PAGE_SIZE = 20
ANSWERABLE_OR_ANSWERED = (IntroductionStatus.SENT, IntroductionStatus.ACCEPTED, IntroductionStatus.DECLINED)
MAX_ROUND_CAPACITY = 5
CRITERIA = ("leadership", "trained")
SELF_ASSESSMENT = {  # the selection criteria people rate themselves on, 1 to 5
    "listening": "Listening",
    "follow_through": "Follow-through",
    "interpersonal": "Interpersonal skills",
    "feedback": "Giving feedback",
    "time": "Time available",
}
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


class RoundForm(BaseModel):
    """The `/mentor round` modal."""

    pool: str = Field(default="all", pattern=r"^(all|channel)$")
    channel: str | None = Field(default=None, max_length=32)
    criteria: list[str] = Field(default_factory=lambda: ["leadership", "trained"])
    min_level: int = Field(default=1, ge=1, le=10)
    max_per_mentor: int = Field(default=2, ge=1, le=MAX_ROUND_CAPACITY)
    trained: list[str] = Field(default_factory=list, max_length=100)  # Slack user ids to mark as trained first
    kind: RoundKind = RoundKind.PAIRS  # what the round forms: mentoring pairs, or peer circles
    circle_size: int = Field(default=4, ge=MIN_SIZE, le=MAX_SIZE)  # a circles round: people a circle, at most

    @field_validator("criteria")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        if set(value) - set(CRITERIA):
            raise ValueError("Pick from the choices shown.")
        return value

    @field_validator("channel")
    @classmethod
    def _channel_id(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[CG][A-Z0-9]{2,30}", value):
            raise ValueError("Pick a channel.")
        return value or None


OFF = ("Formal pairing rounds are off in this program. An admin can switch them on with `/mentor admin` "
       "(Program types), for when people don't find partners by themselves.")


def _admin(session: Session, team_id: str, user_id: str, settings: Settings) -> None:
    program.require_admin(session, team_id, user_id, settings)


def mark_trained(session: Session, team_id: str, user_id: str, settings: Settings, slack_user_ids: list[str]) -> list[Person]:
    """Record that these people finished mentor training; returns those who are in the program."""
    _admin(session, team_id, user_id, settings)
    wanted = list(dict.fromkeys(slack_user_ids))[:100]
    people = list(session.scalars(select(Person).where(Person.team_id == team_id, Person.slack_user_id.in_(wanted))))
    for person in people:
        person.mentor_trained = True
    if people:
        program.audit(session, team_id, user_id, "round.trained", people=[p.slack_user_id for p in people])
    return people


def mentions(text: str) -> list[str]:
    return _MENTION.findall(text or "")


def can_open(session: Session, team_id: str, user_id: str, settings: Settings) -> None:
    """Refuse at once (before the slow part) a non-admin, formal pairing switched off, or a second round while one
    waits for review."""
    _admin(session, team_id, user_id, settings)
    if not program.current(session, team_id, settings).on("formal"):
        raise Conflict(OFF)
    busy = session.scalar(select(PairingRound.id).where(PairingRound.team_id == team_id,
                                                        PairingRound.status == RoundStatus.PROPOSED))
    if busy is not None:
        raise Conflict(f"Round {busy} is still waiting for review: confirm or cancel it first (`/mentor round show`).")


@dataclass
class Opened:
    round: PairingRound
    mentors: int
    mentees: int


def open_round(session: Session, team_id: str, user_id: str, settings: Settings, form: RoundForm,
               channel_members: list[str] | None = None, now: datetime | None = None) -> Opened:
    """Pick the pool, solve, and store the proposal (pairs as proposed introductions) for the admin to review."""
    now = now or clock.now()
    _admin(session, team_id, user_id, settings)
    if form.pool == "channel" and (not form.channel or channel_members is None):
        raise Conflict("Pick the channel whose members are the pool.", field="channel")
    if form.trained:
        mark_trained(session, team_id, user_id, settings, form.trained)
    can_open(session, team_id, user_id, settings)
    query = select(Person).options(lazyload(Person.skills)).where(Person.team_id == team_id, Person.status == PersonStatus.ACTIVE)
    if form.pool == "channel":
        query = query.where(Person.slack_user_id.in_(channel_members or []))
    people = list(session.scalars(query.order_by(Person.id)))
    if form.kind == RoundKind.CIRCLES:
        return _open_circles(session, team_id, user_id, form, people, now)
    places = introductions.free_places(session, people, waiting=True)

    def is_mentor(p: Person) -> bool:
        return (p.level >= form.min_level and ("leadership" not in form.criteria or p.leadership_interest)
                and ("trained" not in form.criteria or p.mentor_trained))

    mentors = [p for p in people if is_mentor(p) and places[p.id] > 0]
    mentees = [p for p in people if not is_mentor(p) and places[p.id] > 0]
    if not mentors or not mentees:
        raise Conflict(f"This pool has {len(mentors)} mentor(s) with room and {len(mentees)} mentee(s) with room: "
                       "a round needs both. Check who counts as a mentor, or mark mentors trained.")
    capacities = [min(places[p.id], form.max_per_mentor) for p in mentors]
    pairing_round = PairingRound(team_id=team_id, status=RoundStatus.DRAFT,
                                 pool=form.channel if form.pool == "channel" else "all",
                                 created_by=user_id, created_at=now, summary={})
    session.add(pairing_round)
    session.flush()
    members = [dict(round_id=pairing_round.id, person_id=p.id, role="mentor", capacity=c) for p, c in zip(mentors, capacities)]
    members += [dict(round_id=pairing_round.id, person_id=p.id, role="mentee", capacity=1) for p in mentees]
    _insert(session, RoundMember, members)
    _propose(session, pairing_round, mentors, mentees, capacities, now)
    program.audit(session, team_id, user_id, "round.open", round=pairing_round.id, pool=pairing_round.pool,
                  criteria=form.criteria, min_level=form.min_level, max_per_mentor=form.max_per_mentor,
                  mentors=len(mentors), mentees=len(mentees), pairs=pairing_round.summary.get("pairs"))
    return Opened(pairing_round, len(mentors), len(mentees))


def _open_circles(session: Session, team_id: str, user_id: str, form: RoundForm, people: list[Person],
                  now: datetime) -> Opened:
    """A circles round: group the pool (people with room who want a skill) and store the proposed circles."""
    grouped = round_circles.pool(session, people)
    if len(grouped) < MIN_SIZE:
        raise Conflict(f"This pool has {len(grouped)} people with room who want to learn a skill: a circles round "
                       f"needs at least {MIN_SIZE}. Ask people to add skills they want to learn to their profiles.")
    pairing_round = PairingRound(team_id=team_id, status=RoundStatus.DRAFT, kind=RoundKind.CIRCLES,
                                 circle_size=form.circle_size, pool=form.channel if form.pool == "channel" else "all",
                                 created_by=user_id, created_at=now, summary={})
    session.add(pairing_round)
    session.flush()
    _insert(session, RoundMember, [dict(round_id=pairing_round.id, person_id=p.id, role="mentee", capacity=1)
                                   for p in grouped])
    round_circles.propose(session, pairing_round, grouped, form.circle_size, now)
    program.audit(session, team_id, user_id, "round.open", round=pairing_round.id, pool=pairing_round.pool,
                  kind=RoundKind.CIRCLES.value, circle_size=form.circle_size, people=len(grouped),
                  circles=pairing_round.summary.get("circles"))
    return Opened(pairing_round, 0, len(grouped))


def _candidates(session: Session, people: list[Person]) -> tuple[dict[int, pairing.Candidate], dict[int, str]]:
    """Pairing's view of these people (their skills read in one query per 5,000), and the skills' names."""
    skills = round_circles.skills_of(session, people)
    return {p.id: pairing.Candidate(person_id=p.id, offers=skills.offers[p.id], wants=skills.wants[p.id],
                                    goals=frozenset(GOALS.get(g, g).lower() for g in p.goals or []),
                                    department=p.department_key, level=p.level,
                                    tz_offset=p.tz_offset, cross_department=p.cross_department) for p in people}, skills.names


def _previous_pairs(session: Session, team_id: str) -> set[tuple[int, int]]:
    """Everyone who was ever paired, asked, or introduced: a round proposes new pairs only."""
    pairs = {(a, b) for a, b in session.execute(select(Partnership.person_a_id, Partnership.person_b_id)
                                                .where(Partnership.team_id == team_id))}
    pairs |= {(a, b) for a, b in session.execute(select(Introduction.giver_id, Introduction.taker_id).where(
        Introduction.team_id == team_id, Introduction.status.in_(ANSWERABLE_OR_ANSWERED)))}
    return pairs


def _propose(session: Session, pairing_round: PairingRound, mentors: list[Person], mentees: list[Person],
             capacities: list[int], now: datetime) -> None:
    candidates, names = _candidates(session, mentors + mentees)
    previous = _previous_pairs(session, pairing_round.team_id)
    blocked = boundaries.pairs_among(session, pairing_round.team_id, mentors + mentees)
    apart = boundaries.separate_departments(session, pairing_round.team_id)
    mentor_rows, mentee_rows = [candidates[p.id] for p in mentors], [candidates[p.id] for p in mentees]
    solution = pairing.solve(mentor_rows, mentee_rows, capacities, previous | blocked, separate=apart)
    rows = []
    for i, j, score in solution.pairs:
        mentor, mentee = mentors[i], mentees[j]
        rows.append(dict(team_id=pairing_round.team_id, kind=IntroductionKind.FORMAL, round_id=pairing_round.id,
                         giver_id=mentor.id, taker_id=mentee.id, score=round(score, 3), status=IntroductionStatus.PROPOSED,
                         created_by=pairing_round.created_by, created_at=now,
                         reason=pairing.reason(candidates[mentor.id], candidates[mentee.id], names,
                                               mentee.display_name or "the mentee")))
    _insert(session, Introduction, rows)
    pairing_round.summary = solution.summary() | {"mentors": len(mentors), "mentees": len(mentees),
                                                  "capacity": int(sum(capacities)),
                                                  "left_out": left_out.round_reasons(mentor_rows, mentee_rows, solution,
                                                                                     previous, blocked, apart)}
    pairing_round.status, pairing_round.proposed_at = RoundStatus.PROPOSED, now


def _insert(session: Session, model, rows: list[dict]) -> None:
    """Many rows in a few executemany statements (a round has thousands), without the ORM's unit of work."""
    for start in range(0, len(rows), 1000):
        session.execute(model.__table__.insert(), rows[start:start + 1000])


def get(session: Session, team_id: str, user_id: str, settings: Settings, round_id: object = None) -> PairingRound:
    """A round of this team (the one waiting for review, or else the newest, when no id is given)."""
    _admin(session, team_id, user_id, settings)
    if round_id is None:
        found = session.scalars(select(PairingRound).where(PairingRound.team_id == team_id)
                                .order_by((PairingRound.status == RoundStatus.PROPOSED).desc(), PairingRound.id.desc())).first()
        if found is None:
            raise NotFound("There is no pairing round yet. `/mentor round` opens one.")
        return found
    found = by_hint(session, PairingRound, round_id)
    if found is None or found.team_id != team_id:
        raise NotAllowed("That round doesn't belong to this program.")
    return found


@dataclass
class Page:
    round: PairingRound
    pairs: list[Introduction]
    page: int
    pages: int
    kept: int
    dropped: int
    admin_view: dict[int, dict]  # person id -> self-assessment (admins only)
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> how many are (or were) left without a pair


def page(session: Session, team_id: str, user_id: str, settings: Settings, round_id: object = None,
         number: object = 0) -> Page | round_circles.CirclePage:
    """One page of a round's review: its pairs, or its circles (a circles round)."""
    pairing_round = get(session, team_id, user_id, settings, round_id)
    if pairing_round.kind == RoundKind.CIRCLES:
        return round_circles.page(session, pairing_round, number)
    live = ((IntroductionStatus.PROPOSED,) if pairing_round.status in (RoundStatus.DRAFT, RoundStatus.PROPOSED)
            else (IntroductionStatus.SENT, IntroductionStatus.ACCEPTED, IntroductionStatus.DECLINED, IntroductionStatus.EXPIRED))
    counts, kept, pages, shown = round_circles.paging(session, Introduction.status, Introduction.round_id == pairing_round.id,
                                                      live, number, PAGE_SIZE)
    pairs = list(session.scalars(
        select(Introduction).where(Introduction.round_id == pairing_round.id, Introduction.status.in_(live))
        .order_by(Introduction.score.desc(), Introduction.id).offset(shown * PAGE_SIZE).limit(PAGE_SIZE)
    ).unique())
    assessments = {p.id: dict(p.self_assessment or {}) | {"leadership": p.leadership_interest, "trained": p.mentor_trained}
                   for intro in pairs for p in (intro.giver,)}
    return Page(pairing_round, pairs, shown, pages, kept, counts.get(IntroductionStatus.DROPPED, 0), assessments,
                left_out.counts(session, pairing_round))


def _editable(session: Session, team_id: str, user_id: str, settings: Settings, intro_id: object) -> Introduction:
    _admin(session, team_id, user_id, settings)
    intro = by_hint(session, Introduction, intro_id)
    if intro is None or intro.team_id != team_id or intro.round_id is None:
        raise NotFound(f"There is no pair #{str(intro_id)[:12]} in a round.")
    pairing_round = session.get_one(PairingRound, intro.round_id)
    if pairing_round.status != RoundStatus.PROPOSED:
        raise Conflict(f"Round {pairing_round.id} is {pairing_round.status}: its pairs can't change any more.")
    if intro.status != IntroductionStatus.PROPOSED:
        raise Conflict(f"Pair #{intro.id} was {intro.status}.")
    return intro


def drop(session: Session, team_id: str, user_id: str, settings: Settings, intro_id: object) -> Introduction:
    intro = _editable(session, team_id, user_id, settings, intro_id)
    moved = rowcount(session.execute(
        update(Introduction).where(Introduction.id == intro.id, Introduction.status == IntroductionStatus.PROPOSED)
        .values(status=IntroductionStatus.DROPPED).execution_options(synchronize_session=False)))
    session.refresh(intro)
    if moved == 1:
        program.audit(session, team_id, user_id, "round.drop", round=intro.round_id, pair=intro.id,
                      mentor=intro.giver.slack_user_id, mentee=intro.taker.slack_user_id)
    return intro


def swap(session: Session, team_id: str, user_id: str, settings: Settings, first: object,
         second: object) -> tuple[Introduction, Introduction]:
    """Exchange the mentees of two pairs of the same round; their scores and reasons are worked out again."""
    a = _editable(session, team_id, user_id, settings, first)
    b = _editable(session, team_id, user_id, settings, second)
    if a.id == b.id or a.round_id != b.round_id:
        raise Conflict("Swap two different pairs of the same round.")
    if a.giver_id == b.giver_id:
        raise Conflict("Both pairs have the same mentor: swapping their mentees changes nothing.")
    people = [a.giver, a.taker, b.giver, b.taker]
    candidates, names = _candidates(session, people)
    previous = _previous_pairs(session, team_id) | boundaries.pairs_among(session, team_id, people)
    apart = boundaries.separate_departments(session, team_id)
    for mentor, mentee in ((a.giver, b.taker), (b.giver, a.taker)):
        score = pairing.score_matrix([candidates[mentor.id]], [candidates[mentee.id]], previous, separate=apart)[0, 0]
        if score <= 0:
            raise Conflict(f"{mentor.display_name or 'That mentor'} and {mentee.display_name or 'that mentee'} "
                           "are not a possible pair (nothing in common, a level or department rule, paired before, "
                           "or a matching boundary).")
    a_taker, b_taker = a.taker, b.taker
    for intro, mentee in ((a, b_taker), (b, a_taker)):
        intro.taker_id = mentee.id
        intro.score = round(float(pairing.score_matrix([candidates[intro.giver_id]], [candidates[mentee.id]])[0, 0]), 3)
        intro.reason = pairing.reason(candidates[intro.giver_id], candidates[mentee.id], names,
                                      mentee.display_name or "the mentee")
    session.flush()
    session.refresh(a)
    session.refresh(b)
    program.audit(session, team_id, user_id, "round.swap", round=a.round_id, pairs=[a.id, b.id])
    return a, b


def _finish(session: Session, team_id: str, user_id: str, settings: Settings, round_id: object, status: RoundStatus,
            now: datetime) -> PairingRound:
    pairing_round = get(session, team_id, user_id, settings, round_id)
    moved = rowcount(session.execute(
        update(PairingRound).where(PairingRound.id == pairing_round.id, PairingRound.status == RoundStatus.PROPOSED)
        .values(status=status, confirmed_at=now if status == RoundStatus.CONFIRMED else None)
        .execution_options(synchronize_session=False)))
    session.refresh(pairing_round)
    if moved != 1:
        raise Conflict(f"Round {pairing_round.id} is already {pairing_round.status}.")
    return pairing_round


def drop_circle(session: Session, team_id: str, user_id: str, settings: Settings, round_circle_id: object) -> RoundCircle:
    """Take a proposed circle out of a circles round under review."""
    _admin(session, team_id, user_id, settings)
    row = round_circles.drop(session, team_id, round_circle_id)
    program.audit(session, team_id, user_id, "round.drop", round=row.round_id, circle=row.id)
    return row


def confirm_circles(session: Session, team_id: str, user_id: str, settings: Settings, round_id: object,
                    now: datetime | None = None) -> tuple[PairingRound, list[round_circles.Formed]]:
    """A circles round under review: every kept circle is formed (capacity and boundaries checked again). A second
    confirm is refused and forms nothing."""
    now = now or clock.now()
    pairing_round = get(session, team_id, user_id, settings, round_id)
    if pairing_round.kind != RoundKind.CIRCLES:
        raise Conflict(f"Round {pairing_round.id} forms pairs, not circles.")
    pairing_round = _finish(session, team_id, user_id, settings, pairing_round.id, RoundStatus.CONFIRMED, now)
    formed, skipped = round_circles.confirm(session, pairing_round, now)
    program.audit(session, team_id, user_id, "round.confirm", round=pairing_round.id, circles=len(formed),
                  not_formed=skipped)
    return pairing_round, formed


def confirm(session: Session, team_id: str, user_id: str, settings: Settings, round_id: object,
            messages: introductions.Messages, now: datetime | None = None) -> tuple[PairingRound, int, int]:
    """Every kept pair becomes a sent introduction (DMs through the outbox). Returns (round, sent, skipped)."""
    now = now or clock.now()
    pairing_round = _finish(session, team_id, user_id, settings, round_id, RoundStatus.CONFIRMED, now)
    pending = list(session.scalars(select(Introduction).where(Introduction.round_id == pairing_round.id,
                                                              Introduction.status == IntroductionStatus.PROPOSED)).unique())
    sent, skipped = introductions.send_many(session, pending, settings, messages, now)
    pairing_round.summary = dict(pairing_round.summary or {}) | {"sent": len(sent), "skipped": len(skipped)}
    program.audit(session, team_id, user_id, "round.confirm", round=pairing_round.id, sent=len(sent), skipped=len(skipped))
    return pairing_round, len(sent), len(skipped)


def cancel(session: Session, team_id: str, user_id: str, settings: Settings, round_id: object,
           now: datetime | None = None) -> PairingRound:
    now = now or clock.now()
    pairing_round = _finish(session, team_id, user_id, settings, round_id, RoundStatus.CANCELLED, now)
    round_circles.cancel(session, pairing_round)
    session.execute(update(Introduction).where(Introduction.round_id == pairing_round.id,
                                              Introduction.status == IntroductionStatus.PROPOSED)
                    .values(status=IntroductionStatus.DROPPED).execution_options(synchronize_session=False))
    program.audit(session, team_id, user_id, "round.cancel", round=pairing_round.id)
    return pairing_round

