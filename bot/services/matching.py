"""Who suits whom: rank peers for one person and explain every suggestion in plain words.

Reciprocal pairs (each can help the other) always rank above one-way ones; within a tier, more shared
skills, the same department, a close level and a long shared working day rank higher. The scoring itself
runs over an in-memory index of everyone's skills (bot/services/match_index.py), kept current per search.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Integer, Select, String, func, or_, select, union_all
from sqlalchemy.orm import Session

from bot.db import Prepared, param
from bot.services import boundaries, clock, match_index, program, skills
from bot.services.match_index import REVERSE_MIN_GAP
from bot.services.searcher import Searcher
from bot.services.searcher import searcher as searcher_read
from models import Circle, CircleMember, Partnership, PartnershipRequest, Person
from models.status import LIVE_PARTNERSHIP, OPEN_CIRCLE, OPEN_PARTNERSHIP, PartnershipStatus, PersonStatus, SkillKind

PAGE_SIZE = 5
DECLINE_MEMORY = timedelta(days=90)
WORKDAY_HOURS = match_index.WORKDAY_HOURS


@dataclass(frozen=True)
class Candidate:
    """The few columns ranking needs, loaded in one query."""

    id: int
    slack_user_id: str
    display_name: str
    title: str
    department: str
    department_key: str
    level: int
    tz_offset: int | None
    cross_department: bool
    capacity: int
    reverse_mentoring: bool


@dataclass
class Suggestion:
    person: Candidate
    score: float
    they_help_with: list[str]
    you_help_with: list[str]
    reasons: list[str]

    @property
    def reciprocal(self) -> bool:
        return bool(self.they_help_with and self.you_help_with)


@dataclass
class FindResult:
    suggestions: list[Suggestion]
    page: int
    has_more: bool
    total: int
    hints: list[str] = field(default_factory=list)
    never: frozenset[int] | None = None  # whom the searcher must never be matched with (boundaries, no department rule)


def shared_hours(offset_a: int | None, offset_b: int | None) -> float | None:
    """Hours both are in a 9-to-5 day, from their UTC offsets (seconds)."""
    if offset_a is None or offset_b is None:
        return None
    diff = abs(offset_a - offset_b) / 3600 % 24
    diff = min(diff, 24 - diff)
    return max(0.0, WORKDAY_HOURS - diff)


def _hours_text(hours: float) -> str:
    shown = f"{hours:.0f}" if hours == int(hours) else f"{hours:.1f}"
    return f"{shown} hour{'s' if shown != '1' else ''} of shared working day"


def _list(names: list[str], most: int = 4) -> str:
    names = sorted(names, key=str.lower)
    if len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most} more"
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


def reverse_on(session: Session, me: Person | Searcher) -> bool:
    """Reverse mentoring (the junior shares, the senior learns) applies to someone who opted in, while the
    program has it on."""
    return bool(me.reverse_mentoring) and "reverse" in program.types_on(session, me.team_id)


def _is_reverse(me: Person | Searcher, c: Candidate, they_help: list[str], you_help: list[str]) -> bool:
    """Both opted in, at least REVERSE_MIN_GAP levels apart, and the more junior one offers what the senior wants."""
    if not c.reverse_mentoring or abs(c.level - me.level) < REVERSE_MIN_GAP:
        return False
    return (c.level < me.level and bool(they_help)) or (c.level > me.level and bool(you_help))


def _reverse_reason(me: Person | Searcher, c: Candidate, they_help: list[str], you_help: list[str]) -> str:
    gap = abs(c.level - me.level)
    levels = f"{gap} level{'s' if gap != 1 else ''}"
    if c.level < me.level and they_help:
        return f"Reverse mentoring: {levels} more junior, they can teach you {_list(they_help)}."
    return f"Reverse mentoring: {levels} more senior, they want to learn {_list(you_help)} from you."


def pair_kind(session: Session, asker: Person, target: Person) -> str:
    """"reverse" for a pair that reverse mentoring brings together (see `_is_reverse`), else "peer"."""
    if abs(asker.level - target.level) < REVERSE_MIN_GAP or not (reverse_on(session, asker) and target.reverse_mentoring):
        return "peer"
    junior, senior = sorted((asker, target), key=lambda p: p.level)
    offers = {ps.skill_id for ps in junior.skills if ps.kind == SkillKind.OFFER}
    wants = {ps.skill_id for ps in senior.skills if ps.kind == SkillKind.WANT}
    return "reverse" if offers & wants else "peer"


def _explain(me: Person | Searcher, c: Candidate, they_help: list[str], you_help: list[str], hours: float | None,
             reverse: bool = False) -> list[str]:
    reasons = []
    if they_help:
        reasons.append(f"They can help you with {_list(they_help)}.")
    if you_help:
        reasons.append(f"You can help them with {_list(you_help)}.")
    if c.department_key == me.department_key:
        reasons.append("Same department.")
    else:
        reasons.append(f"Different department ({c.department}): a fresh perspective.")
    gap = abs(c.level - me.level)
    if reverse and _is_reverse(me, c, they_help, you_help):
        reasons.append(_reverse_reason(me, c, they_help, you_help))
    else:
        reasons.append({0: "Same level.", 1: "One level apart."}.get(gap, f"{gap} levels apart."))
    if hours is not None:
        reasons.append(_hours_text(hours).capitalize() + "." if hours else "No shared working hours: different time zones.")
    return reasons


def _partners_statement():
    me, since = param("me", Integer), param("since", Partnership.decided_at.type)
    open_pairs = select(Partnership.person_a_id, Partnership.person_b_id).where(
        or_(Partnership.person_a_id == me, Partnership.person_b_id == me),
        Partnership.status.in_(OPEN_PARTNERSHIP),
    )
    declined = (
        select(PartnershipRequest.to_person_id, PartnershipRequest.to_person_id)
        .join(Partnership, Partnership.id == PartnershipRequest.partnership_id)
        .where(
            PartnershipRequest.from_person_id == me,
            Partnership.status == PartnershipStatus.DECLINED,
            Partnership.decided_at >= since,
        )
    )
    return union_all(open_pairs, declined)


_PARTNERS = Prepared(_partners_statement)  # every search runs it: built and compiled once


def _partners_and_rejections(session: Session, me: Person | Searcher, now: datetime) -> set[int]:
    """People I'm in an open partnership or request with, and those who declined me lately (one round trip)."""
    return {pid for row in _PARTNERS.rows(session, me=me.id, since=now - DECLINE_MEMORY) for pid in row}


def _live_load(among: list[int] | None = None):
    """(pid, n): how many active or paused partnerships each person (of `among`, if given) is in."""
    side_a = select(Partnership.person_a_id.label("pid")).where(Partnership.status.in_(LIVE_PARTNERSHIP))
    side_b = select(Partnership.person_b_id.label("pid")).where(Partnership.status.in_(LIVE_PARTNERSHIP))
    if among is not None:
        side_a = side_a.where(Partnership.person_a_id.in_(among))
        side_b = side_b.where(Partnership.person_b_id.in_(among))
    sides = union_all(side_a, side_b).subquery()
    return select(sides.c.pid, func.count().label("n")).group_by(sides.c.pid).subquery()


def searcher(session: Session, team_id: str, slack_user_id: str) -> Searcher | None:
    """The person searching, with their skills, in one round trip (None before joining or after leaving)."""
    return searcher_read(session, team_id, slack_user_id)


def load(session: Session, person_ids: list[int]) -> dict[int, int]:
    """How many active or paused partnerships each of these people has."""
    if not person_ids:
        return {}
    counts: dict[int, int] = {}
    for start in range(0, len(person_ids), 5000):
        load_q = _live_load(person_ids[start : start + 5000])
        rows = session.execute(select(load_q.c.pid, load_q.c.n)).all()
        counts.update({pid: n for pid, n in rows})
        # a peer circle counts as one partnership toward its member's capacity
        circles = session.execute(
            select(CircleMember.person_id, func.count()).join(Circle, Circle.id == CircleMember.circle_id)
            .where(CircleMember.person_id.in_(person_ids[start : start + 5000]), CircleMember.left_at.is_(None),
                   Circle.status.in_(OPEN_CIRCLE)).group_by(CircleMember.person_id)).all()
        for pid, n in circles:
            counts[pid] = counts.get(pid, 0) + n
    return counts


def find(session: Session, me: Person | Searcher, words: list[str] | None = None, page: int = 0,
         now: datetime | None = None) -> FindResult:
    now = now or clock.now()
    words = [w for w in (words or []) if w.strip()]
    my_offers = {ps.skill_id for ps in me.skills if ps.kind == SkillKind.OFFER}
    my_wants = {ps.skill_id for ps in me.skills if ps.kind == SkillKind.WANT}
    word_skills: set[int] = set()
    if words:
        word_skills = {s.id for s in skills.find_by_words(session, me.team_id, words)}
        if not word_skills:
            return FindResult([], page, False, 0, [f"Nobody in the program lists a skill like “{' '.join(words)}” yet. "
                                                   "Try other words, or `/mentor find` alone."])
    looking_for = my_wants | word_skills
    # (the department rule goes to the index as a flag: as ids it would be everyone in my department, read each time)
    never, separate = boundaries.never_with_and_rule(session, me)  # (with the department rule: one round trip)
    excluded = _partners_and_rejections(session, me, now) | never
    reverse = reverse_on(session, me)
    start = page * PAGE_SIZE
    query = match_index.Query(me.id, me.department_key, me.level, me.tz_offset, me.cross_department,
                              frozenset(looking_for), frozenset(my_offers), frozenset(word_skills), frozenset(excluded),
                              reverse, separate=separate)
    query = replace(query, circles=tuple((pid, n) for pid, n in _CIRCLE_LOAD.rows(session, team=me.team_id)))
    ranking = match_index.rank(session, me.team_id, query, start, PAGE_SIZE)
    rows = _candidates(session, ranking.people)
    if len(rows) < len(ranking.people):  # someone deleted themselves since the index last looked
        match_index.forget(session, me.team_id, sorted({pid for pid, _ in ranking.people} - {c.id for c, _ in rows}))
        ranking = match_index.rank(session, me.team_id, query, start, PAGE_SIZE)
        rows = _candidates(session, ranking.people)
    total = ranking.total
    they, you = match_index.shared_skills(session, me.team_id, [c.id for c, _score in rows], query.looking_for,
                                          query.my_offers)
    suggestions = []
    for candidate, score in rows:
        hours = shared_hours(me.tz_offset, candidate.tz_offset)
        t, y = they.get(candidate.id, []), you.get(candidate.id, [])
        suggestions.append(Suggestion(candidate, score, t, y, _explain(me, candidate, t, y, hours, reverse)))

    hints: list[str] = []
    if not suggestions and page == 0:
        hints = _hints_for_nobody(me)
    elif ranking.my_load >= me.capacity:
        hints.append(f"You already have {me.capacity} partner{'s' if me.capacity != 1 else ''}, your limit. "
                     "Raise it in your profile before asking someone new.")
    return FindResult(suggestions, page, total > start + len(rows), total, hints, frozenset(never))


# the people in open peer circles, and in how many (a circle takes a place toward capacity, as a partnership does;
# find's index counts partnerships only): a few rows, through the circles' team and status index
_CIRCLE_LOAD = Prepared(lambda: select(CircleMember.person_id, func.count())
                        .join(Circle, Circle.id == CircleMember.circle_id)
                        .where(Circle.team_id == param("team", String), Circle.status.in_([s.value for s in OPEN_CIRCLE]),
                               CircleMember.left_at.is_(None))
                        .group_by(CircleMember.person_id))


def _candidates_statement(ids: list) -> Select:
    columns = [getattr(Person, f.name) for f in fields(Candidate)]
    return select(*columns).where(Person.id.in_(ids), Person.status == PersonStatus.ACTIVE)


# per page length (1..PAGE_SIZE people; a longer list is read as it comes): built and compiled once
def _candidates_prepared(n: int) -> Select:
    return _candidates_statement([param(f"p{i}", Integer) for i in range(n)])


_CANDIDATES = {n: Prepared(partial(_candidates_prepared, n)) for n in range(1, PAGE_SIZE + 1)}


def _candidates(session: Session, ranked: list[tuple[int, float]]) -> list[tuple[Candidate, float]]:
    """The ranked people's columns, read now, in rank order (someone who left a moment ago drops out)."""
    if not ranked:
        return []
    ids = [pid for pid, _score in ranked]
    rows: list[Any]
    if len(ids) in _CANDIDATES:
        rows = _CANDIDATES[len(ids)].rows(session, **{f"p{i}": pid for i, pid in enumerate(ids)})
    else:
        rows = list(session.execute(_candidates_statement(ids)).all())
    found = {row.id: Candidate(*row) for row in rows}
    return [(found[pid], score) for pid, score in ranked if pid in found]


def _hints_for_nobody(me: Person | Searcher) -> list[str]:
    hints = ["No good match right now."]
    hints.append("Add more skills you can share and want to learn: matches come from skills in common.")
    if not me.cross_department:
        hints.append("Welcome partners from other departments: cross-department pairs work well too.")
    hints.append("As more people join, try again: the program grows every week.")
    return hints
