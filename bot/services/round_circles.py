"""A formal round that forms peer circles instead of pairs: the pool (people with room who want at least one
skill) is grouped by `circle_grouping` (rarest skill first, a facilitator who offers it, time zones close, never
across a boundary) into proposed circles, each with a one-line reason; the admin drops any; on confirm each kept
circle becomes a started, invite-only Circle (bot/services/circles.py `form_from_round`) after capacity and
boundaries are checked again (things may have changed since the proposal). No Slack here: bot/flows/rounds.py
opens the circles' group chats and tells the people left out."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from bot.db import rowcount
from bot.services import boundaries, circle_grouping, circles, introductions, left_out
from bot.services.errors import Conflict, NotFound
from bot.services.lookup import by_hint
from models import Circle, PairingRound, Person, PersonSkill, RoundCircle, RoundCircleMember, Skill
from models.status import PersonStatus, RoundCircleStatus, RoundStatus, SkillKind

PAGE_SIZE = 15  # two blocks a circle: 15 keep a page well under Block Kit's 50


def goal(skill_name: str) -> str:
    return f"Learn {skill_name} together"


@dataclass
class Skills:
    """People's skills, read in one query per 5,000 people: what each offers and wants (skill ids), and the names."""

    offers: dict[int, frozenset[int]]
    wants: dict[int, frozenset[int]]
    names: dict[int, str]


def skills_of(session: Session, people: list[Person]) -> Skills:
    offers: dict[int, set[int]] = {p.id: set() for p in people}
    wants: dict[int, set[int]] = {p.id: set() for p in people}
    names: dict[int, str] = {}
    ids = [p.id for p in people]
    for start in range(0, len(ids), 5000):
        rows = session.execute(
            select(PersonSkill.person_id, PersonSkill.skill_id, PersonSkill.kind, Skill.name)
            .join(Skill, Skill.id == PersonSkill.skill_id).where(PersonSkill.person_id.in_(ids[start:start + 5000]))
        ).all()
        for person_id, skill_id, kind, name in rows:
            (offers if kind == SkillKind.OFFER else wants)[person_id].add(skill_id)
            names[skill_id] = name
    return Skills({pid: frozenset(v) for pid, v in offers.items()}, {pid: frozenset(v) for pid, v in wants.items()},
                  names)


def _members(session: Session, people: list[Person]) -> tuple[list[circle_grouping.Member], dict[int, str]]:
    """Grouping's view of these people, and the skills' names."""
    skills = skills_of(session, people)
    return [circle_grouping.Member(p.id, skills.wants[p.id], skills.offers[p.id], p.tz_offset,
                                   p.department_key or "", p.display_name or "") for p in people], skills.names


def pool(session: Session, people: list[Person]) -> list[Person]:
    """Who a circles round groups: people with room for one more partnership (a circle counts as one) who want to
    learn at least one skill."""
    places = introductions.free_places(session, people, waiting=True)
    wanting = set(session.scalars(select(PersonSkill.person_id).where(
        PersonSkill.person_id.in_([p.id for p in people]), PersonSkill.kind == SkillKind.WANT))) if people else set()
    return [p for p in people if places[p.id] > 0 and p.id in wanting]


def propose(session: Session, pairing_round: PairingRound, people: list[Person], size: int, now: datetime) -> None:
    """Group the pool and store the proposal: one RoundCircle (with its members) per circle, and why each person
    left out is left out (the round's summary, as `left_out` reads it)."""
    members, names = _members(session, people)
    forbidden = boundaries.pairs_among(session, pairing_round.team_id, people)
    apart = boundaries.separate_departments(session, pairing_round.team_id)
    grouping = circle_grouping.group(members, forbidden, size, separate_departments=apart, skill_names=names)
    for start in range(0, len(grouping.circles), 1000):  # a pool of thousands: a few statements, not one a circle
        chunk = grouping.circles[start:start + 1000]
        ids = session.scalars(insert(RoundCircle).returning(RoundCircle.id, sort_by_parameter_order=True), [
            dict(round_id=pairing_round.id, skill_id=c.skill_id, facilitator_id=c.facilitator_id, reason=c.reason,
                 score=round(-c.spread_hours, 2), status=RoundCircleStatus.PROPOSED) for c in chunk]).all()
        session.execute(insert(RoundCircleMember), [dict(round_circle_id=row_id, person_id=pid)
                                                    for row_id, c in zip(ids, chunk, strict=True) for pid in c.members])
    pairing_round.summary = grouping.summary() | {
        "pool": len(people), "left_out": {str(p.person_id): p.reason for p in grouping.left_out}}
    pairing_round.status, pairing_round.proposed_at = RoundStatus.PROPOSED, now


# -- the review ----------------------------------------------------------------------------------------------------
@dataclass
class Proposed:
    row: RoundCircle
    skill: str
    members: list[Person]  # the facilitator first
    facilitator: Person | None


@dataclass
class CirclePage:
    round: PairingRound
    circles: list[Proposed]
    page: int
    pages: int
    kept: int
    dropped: int
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> how many are (or were) left out


def _live(pairing_round: PairingRound) -> tuple[RoundCircleStatus, ...]:
    if pairing_round.status in (RoundStatus.DRAFT, RoundStatus.PROPOSED):
        return (RoundCircleStatus.PROPOSED,)
    return (RoundCircleStatus.FORMED,)


def _people_of(session: Session, row_ids: list[int]) -> dict[int, list[Person]]:
    out: dict[int, list[Person]] = {}
    for rc_id, person in session.execute(
            select(RoundCircleMember.round_circle_id, Person).join(Person, Person.id == RoundCircleMember.person_id)
            .where(RoundCircleMember.round_circle_id.in_(row_ids)).order_by(Person.id)):
        out.setdefault(rc_id, []).append(person)
    return out


def _skill_names(session: Session, rows: list[RoundCircle]) -> dict[int, str]:
    wanted = {r.skill_id for r in rows if r.skill_id is not None}
    if not wanted:
        return {}
    return {sid: name for sid, name in session.execute(select(Skill.id, Skill.name).where(Skill.id.in_(wanted)))}


def paging(session: Session, status: Any, of_round: Any, live: Collection[str], number: object,
           size: int) -> tuple[dict[str, int], int, int, int]:
    """A round's review page numbers: (how many rows of each status, how many kept (in `live`), pages, the page shown:
    `number` from Slack, kept within the pages)."""
    counts = {row_status: n for row_status, n in session.execute(select(status, func.count()).where(of_round)
                                                                 .group_by(status))}
    kept = sum(counts.get(s, 0) for s in live)
    pages = max(1, -(-kept // size))
    try:
        shown = min(max(0, int(str(number))), pages - 1)
    except ValueError:
        shown = 0
    return counts, kept, pages, shown


def page(session: Session, pairing_round: PairingRound, number: object = 0) -> CirclePage:
    """One page of a circles round's review (the caller checked the admin)."""
    live = _live(pairing_round)
    counts, kept, pages, shown = paging(session, RoundCircle.status, RoundCircle.round_id == pairing_round.id, live,
                                        number, PAGE_SIZE)
    rows = list(session.scalars(select(RoundCircle).where(RoundCircle.round_id == pairing_round.id,
                                                          RoundCircle.status.in_(live))
                                .order_by(RoundCircle.id).offset(shown * PAGE_SIZE).limit(PAGE_SIZE)))
    people = _people_of(session, [r.id for r in rows])
    skill_names = _skill_names(session, rows)
    proposed = []
    for row in rows:
        members = sorted(people.get(row.id, []), key=lambda p: (p.id != row.facilitator_id, p.id))
        lead = next((p for p in members if p.id == row.facilitator_id), None)
        proposed.append(Proposed(row, skill_names.get(row.skill_id or -1, "a shared skill"), members, lead))
    return CirclePage(pairing_round, proposed, shown, pages, kept, counts.get(RoundCircleStatus.DROPPED, 0),
                      left_out.counts(session, pairing_round))


def drop(session: Session, team_id: str, round_circle_id: object) -> RoundCircle:
    """Take a proposed circle out of its round under review (the caller checked the admin); its members are left
    out ("not-sent")."""
    row = by_hint(session, RoundCircle, round_circle_id)
    pairing_round = session.get(PairingRound, row.round_id) if row is not None else None
    if row is None or pairing_round is None or pairing_round.team_id != team_id:
        raise NotFound(f"There is no circle #{str(round_circle_id)[:12]} in a round.")
    if pairing_round.status != RoundStatus.PROPOSED:
        raise Conflict(f"Round {pairing_round.id} is {pairing_round.status}: its circles can't change any more.")
    moved = rowcount(session.execute(
        update(RoundCircle).where(RoundCircle.id == row.id, RoundCircle.status == RoundCircleStatus.PROPOSED)
        .values(status=RoundCircleStatus.DROPPED).execution_options(synchronize_session=False)))
    session.refresh(row)
    if moved != 1:
        raise Conflict(f"Circle #{row.id} was {row.status}.")
    return row


def cancel(session: Session, pairing_round: PairingRound) -> None:
    session.execute(update(RoundCircle).where(RoundCircle.round_id == pairing_round.id,
                                              RoundCircle.status == RoundCircleStatus.PROPOSED)
                    .values(status=RoundCircleStatus.DROPPED).execution_options(synchronize_session=False))


# -- confirm ---------------------------------------------------------------------------------------------------------
@dataclass
class Formed:
    circle: Circle
    members: list[Person]
    facilitator: Person | None


@dataclass
class _Now:
    """What holds at confirm time, read once for the whole round: room left, boundaries, the department rule."""

    places: dict[int, int]
    never: set[tuple[int, int]]
    apart: bool


def _still_fit(now: _Now, people: list[Person], facilitator_id: int | None) -> list[Person]:
    """Who of a proposed circle can still be in it now: active, with room, and (facilitator first, then in order)
    nobody across a boundary from someone already kept."""
    able = [p for p in people if p.status == PersonStatus.ACTIVE and now.places.get(p.id, 0) > 0]
    never, apart = now.never, now.apart
    kept: list[Person] = []
    for person in sorted(able, key=lambda p: (p.id != facilitator_id, p.id)):
        if any((min(person.id, k.id), max(person.id, k.id)) in never
               or (apart and person.department_key and person.department_key == k.department_key) for k in kept):
            continue
        kept.append(person)
    return kept


def confirm(session: Session, pairing_round: PairingRound, now: datetime) -> tuple[list[Formed], int]:
    """Form every kept circle of a round just confirmed (the caller flipped it to confirmed, once), its size the
    people in it (invite-only: no seat waits for a stranger). Returns the circles formed and how many proposals
    could not be formed any more (fewer than three still fit)."""
    rows = list(session.scalars(select(RoundCircle).where(RoundCircle.round_id == pairing_round.id,
                                                          RoundCircle.status == RoundCircleStatus.PROPOSED)
                                .order_by(RoundCircle.id)))
    people = _people_of(session, [r.id for r in rows])
    skill_names = _skill_names(session, rows)
    everyone = [p for members in people.values() for p in members]  # each in one proposed circle at most
    state = _Now(introductions.free_places(session, everyone, waiting=True),
                 boundaries.pairs_among(session, pairing_round.team_id, everyone),
                 boundaries.separate_departments(session, pairing_round.team_id))
    formed: list[Formed] = []
    skipped = 0
    for row in rows:
        keep = _still_fit(state, people.get(row.id, []), row.facilitator_id)
        moved = rowcount(session.execute(
            update(RoundCircle).where(RoundCircle.id == row.id, RoundCircle.status == RoundCircleStatus.PROPOSED)
            .values(status=RoundCircleStatus.FORMED if len(keep) >= circles.STARTS_AT else RoundCircleStatus.DROPPED)
            .execution_options(synchronize_session=False)))
        if moved != 1:
            continue
        if len(keep) < circles.STARTS_AT:
            skipped += 1
            continue
        lead = row.facilitator_id if any(p.id == row.facilitator_id for p in keep) else None
        circle = circles.form_from_round(session, pairing_round.team_id, pairing_round.id, row.skill_id,
                                         goal(skill_names.get(row.skill_id or -1, "a shared skill")), len(keep), keep, lead, now)
        gone = {p.id for p in people.get(row.id, [])} - {p.id for p in keep}
        if gone:  # they are left out after all: the round's members of this circle are those who are in it
            session.execute(delete(RoundCircleMember).where(RoundCircleMember.round_circle_id == row.id,
                                                            RoundCircleMember.person_id.in_(gone)))
        session.execute(update(RoundCircle).where(RoundCircle.id == row.id)
                        .values(circle_id=circle.id, facilitator_id=lead).execution_options(synchronize_session=False))
        formed.append(Formed(circle, sorted(keep, key=lambda p: (p.id != lead, p.id)),
                             next((p for p in keep if p.id == lead), None)))
    pairing_round.summary = dict(pairing_round.summary or {}) | {"formed": len(formed), "not_formed": skipped}
    return formed, skipped
