"""Which peer circles fit a person: the open circles they could join, ranked by the skills they want (then the
skills they could help with, then the working hours they share with the members), and their own
circles. Joining, leaving and the rest of a circle's life are in bot/services/circles.py."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Date, Integer, String, exists, select
from sqlalchemy.orm import Session

from bot.db import Prepared, param
from bot.services import boundaries, clock
from bot.services.circles import JOINABLE, members, members_of
from bot.services.matching import shared_hours
from bot.services.searcher import Searcher
from models import Person, PersonSkill
from models.circles import Circle, CircleMember, CircleSkill
from models.status import OPEN_CIRCLE, SkillKind


@dataclass
class Listed:
    """A circle as a list shows it to one person: its members, seats left, and why it fits them."""

    circle: Circle
    members: list[Person]
    reasons: list[str]
    score: float = 0.0

    @property
    def left(self) -> int:
        return max(self.circle.size - len(self.members), 0)


def _names(names: list[str]) -> str:
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + (names[-1] if names else "")


def _fit(me: Person | Searcher, circle: Circle, people: list[Person]) -> tuple[float, list[str]]:
    """How well an open circle suits `me`: the skills it learns that I want (most), the skills I could help with,
    and the working hours I share with its members."""
    wants = {ps.skill_id for ps in me.skills if ps.kind == SkillKind.WANT}
    offers = {ps.skill_id for ps in me.skills if ps.kind == SkillKind.OFFER}
    learn = sorted((cs.skill.name for cs in circle.skills if cs.skill_id in wants), key=str.lower)
    teach = sorted((cs.skill.name for cs in circle.skills if cs.skill_id in offers), key=str.lower)
    hours = [h for h in (shared_hours(me.tz_offset, p.tz_offset) for p in people) if h is not None]
    average = sum(hours) / len(hours) if hours else None
    reasons = []
    if learn:
        reasons.append(f"It learns {_names(learn)}, which you want to learn.")
    if teach:
        reasons.append(f"You could help with {_names(teach)}.")
    if average is not None:
        shown = f"{average:.0f}" if average == int(average) else f"{average:.1f}"
        reasons.append(f"On average {shown} hours of shared working day with its members." if average
                       else "No shared working hours with its members: different time zones.")
    return 10.0 * len(learn) + 2.0 * len(teach) + (average or 0.0), reasons


def _open_ids_statement(wanted_only: bool) -> Any:
    """The ids of the circles `open_for` weighs, newest first (at most 200): `me`'s values bound per call, and with
    `wanted_only` the skills I want read in the same statement."""
    team, me_id, today = param("team", String), param("me", Integer), param("today", Date)
    query = select(Circle.id).where(
        Circle.team_id == team, Circle.invite_only.is_(False), Circle.status.in_([s.value for s in JOINABLE]),
        Circle.ends_on > today, Circle.end_asked_at.is_(None),  # (circles.joinable, with today bound)
        ~exists().where(CircleMember.circle_id == Circle.id, CircleMember.person_id == me_id,
                        CircleMember.left_at.is_(None)))
    if wanted_only:
        wants = select(PersonSkill.skill_id).where(PersonSkill.person_id == me_id, PersonSkill.kind == SkillKind.WANT.value)
        query = query.where(exists().where(CircleSkill.circle_id == Circle.id, CircleSkill.skill_id.in_(wants)))
    return query.order_by(Circle.created_at.desc(), Circle.id.desc()).limit(200)


# what `/mentor find` (wanted only) and the circles list ask on every call: built and compiled once
_OPEN_IDS = {wanted: Prepared(partial(_open_ids_statement, wanted)) for wanted in (False, True)}


def open_for(session: Session, me: Person | Searcher, *, limit: int = 5, wanted_only: bool = False,
             never: set[int] | frozenset[int] | None = None) -> list[Listed]:
    """Open circles `me` could join, best first: not invite-only, before their end date and not about to end, seats
    left, not mine, and nobody in them I must never be matched with. `wanted_only`: only circles that learn a skill
    I want (what `/mentor find` shows). `never`: `boundaries.never_with(me, departments=False)` when the caller read
    it already in this transaction (find does)."""
    if wanted_only and not any(ps.kind == SkillKind.WANT for ps in me.skills):
        return []
    ids = _OPEN_IDS[wanted_only].scalars(session, team=me.team_id, me=me.id, today=clock.local_today(me.tz, me.tz_offset))
    if not ids:
        return []
    found = {c.id: c for c in session.scalars(select(Circle).where(Circle.id.in_(ids)))}
    circles = [found[i] for i in ids if i in found]
    if never is None:
        never = boundaries.never_with(session, me, departments=False)
    by_circle = members_of(session, [c.id for c in circles])
    listed = []
    for circle in circles:
        people = by_circle.get(circle.id, [])
        if len(people) >= circle.size or any(p.id in never for p in people):
            continue
        score, reasons = _fit(me, circle, people)
        listed.append(Listed(circle, people, reasons, score))
    listed.sort(key=lambda item: (-item.score, -item.circle.id))
    return listed[:limit]


def mine(session: Session, me: Person) -> list[Listed]:
    """The circles I'm in (not ended), newest first."""
    circles = session.scalars(
        select(Circle).join(CircleMember, CircleMember.circle_id == Circle.id)
        .where(CircleMember.person_id == me.id, CircleMember.left_at.is_(None), Circle.status.in_(OPEN_CIRCLE))
        .order_by(Circle.id.desc()))
    return [Listed(c, members(session, c.id), []) for c in circles]


def any_open(session: Session, team_id: str) -> bool:
    """Is there any circle in this team someone could join from a list (not invite-only, not ended)?"""
    return session.scalar(select(Circle.id).where(Circle.team_id == team_id, Circle.status.in_(JOINABLE),
                                                  Circle.invite_only.is_(False)).limit(1)) is not None
