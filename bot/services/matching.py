"""Who suits whom: rank peers for one person and explain every suggestion in plain words.

Reciprocal pairs (each can help the other) always rank above one-way ones; within a tier, more shared
skills, the same department, a close level and a long shared working day rank higher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, union_all
from sqlalchemy.orm import Session

from bot.services import clock, skills
from models import Partnership, PartnershipRequest, Person, PersonSkill, Skill

PAGE_SIZE = 5
DECLINE_MEMORY = timedelta(days=90)
WORKDAY_HOURS = 8


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


def _explain(me: Person, c: Candidate, they_help: list[str], you_help: list[str], hours: float | None) -> list[str]:
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
    reasons.append({0: "Same level.", 1: "One level apart."}.get(gap, f"{gap} levels apart."))
    if hours is not None:
        reasons.append(_hours_text(hours).capitalize() + "." if hours else "No shared working hours: different time zones.")
    return reasons


def _score(me: Person, c: Candidate, gives: int, gets: int, boost: int, hours: float | None) -> float:
    score = 1000.0 if gives and gets else 0.0
    score += 10 * (min(gives, 3) + min(gets, 3)) + 15 * boost
    score += 8 if c.department_key == me.department_key else 0
    score += {0: 6, 1: 4}.get(abs(c.level - me.level), -2 * abs(c.level - me.level))
    score += (hours or 0) / 2
    return score


def _partners_and_rejections(session: Session, me: Person, now: datetime) -> set[int]:
    """People I'm in an open partnership or request with, and those who declined me lately."""
    open_rows = session.execute(
        select(Partnership.person_a_id, Partnership.person_b_id).where(
            or_(Partnership.person_a_id == me.id, Partnership.person_b_id == me.id),
            Partnership.status.in_(("requested", "active", "paused")),
        )
    ).all()
    declined = session.scalars(
        select(PartnershipRequest.to_person_id)
        .join(Partnership, Partnership.id == PartnershipRequest.partnership_id)
        .where(
            PartnershipRequest.from_person_id == me.id,
            Partnership.status == "declined",
            Partnership.decided_at >= now - DECLINE_MEMORY,
        )
    ).all()
    return {pid for row in open_rows for pid in row} | set(declined)


def load(session: Session, person_ids: list[int]) -> dict[int, int]:
    """How many active or paused partnerships each of these people has."""
    if not person_ids:
        return {}
    live = ("active", "paused")
    sides = union_all(
        select(Partnership.person_a_id.label("pid")).where(Partnership.status.in_(live)),
        select(Partnership.person_b_id.label("pid")).where(Partnership.status.in_(live)),
    ).subquery()
    counts: dict[int, int] = {}
    for start in range(0, len(person_ids), 5000):
        chunk = person_ids[start : start + 5000]
        rows = session.execute(
            select(sides.c.pid, func.count()).where(sides.c.pid.in_(chunk)).group_by(sides.c.pid)
        ).all()
        counts.update({pid: n for pid, n in rows})
    return counts


def find(session: Session, me: Person, words: list[str] | None = None, page: int = 0, now: datetime | None = None) -> FindResult:
    now = now or clock.now()
    words = [w for w in (words or []) if w.strip()]
    hints: list[str] = []
    my_offers = {ps.skill_id for ps in me.skills if ps.kind == "offer"}
    my_wants = {ps.skill_id for ps in me.skills if ps.kind == "want"}

    word_skills: set[int] = set()
    if words:
        word_skills = {s.id for s in skills.find_by_words(session, me.team_id, words)}
        if not word_skills:
            return FindResult([], page, False, 0, [f"Nobody in the program lists a skill like “{' '.join(words)}” yet. Try other words, or `/mentor find` alone."])
    looking_for = my_wants | word_skills

    # One query: every active person offering what I look for or wanting what I offer.
    rows = session.execute(
        select(PersonSkill.person_id, PersonSkill.skill_id, PersonSkill.kind)
        .join(Person, Person.id == PersonSkill.person_id)
        .where(
            Person.team_id == me.team_id,
            Person.status == "active",
            Person.id != me.id,
            or_(
                and_(PersonSkill.kind == "offer", PersonSkill.skill_id.in_(looking_for or {-1})),
                and_(PersonSkill.kind == "want", PersonSkill.skill_id.in_(my_offers or {-1})),
            ),
        )
    ).all()
    gives: dict[int, set[int]] = {}
    gets: dict[int, set[int]] = {}
    for pid, sid, kind in rows:
        (gives if kind == "offer" else gets).setdefault(pid, set()).add(sid)
    candidate_ids = set(gives) | set(gets)
    if word_skills:
        candidate_ids = {pid for pid in candidate_ids if gives.get(pid, set()) & word_skills}
    candidate_ids -= _partners_and_rejections(session, me, now)

    people = _candidates(session, list(candidate_ids))
    counts = load(session, list(people))
    names = _skill_names(session, set().union(*gives.values(), *gets.values()) if rows else set())

    suggestions = []
    for pid, c in people.items():
        if counts.get(pid, 0) >= c.capacity:
            continue
        same_dept = c.department_key == me.department_key
        if not same_dept and not (me.cross_department and c.cross_department):
            continue
        they = sorted(names[s] for s in gives.get(pid, set()) & looking_for)
        you = sorted(names[s] for s in gets.get(pid, set()))
        hours = shared_hours(me.tz_offset, c.tz_offset)
        boost = len(gives.get(pid, set()) & word_skills)
        suggestions.append(
            Suggestion(c, _score(me, c, len(they), len(you), boost, hours), they, you, _explain(me, c, they, you, hours))
        )
    suggestions.sort(key=lambda s: (-s.score, s.person.display_name.lower(), s.person.id))

    if not suggestions:
        hints = _hints_for_nobody(me)
    elif load(session, [me.id]).get(me.id, 0) >= me.capacity:
        hints.append(f"You already have {me.capacity} partner{'s' if me.capacity != 1 else ''}, your limit. Raise it in your profile before asking someone new.")
    start = page * PAGE_SIZE
    return FindResult(suggestions[start : start + PAGE_SIZE], page, len(suggestions) > start + PAGE_SIZE, len(suggestions), hints)


def _hints_for_nobody(me: Person) -> list[str]:
    hints = ["No good match right now."]
    hints.append("Add more skills you can share and want to learn: matches come from skills in common.")
    if not me.cross_department:
        hints.append("Welcome partners from other departments: cross-department pairs work well too.")
    hints.append("As more people join, try again: the program grows every week.")
    return hints


def _candidates(session: Session, ids: list[int]) -> dict[int, Candidate]:
    out: dict[int, Candidate] = {}
    cols = (Person.id, Person.slack_user_id, Person.display_name, Person.title, Person.department,
            Person.department_key, Person.level, Person.tz_offset, Person.cross_department, Person.capacity)
    for start in range(0, len(ids), 5000):
        for row in session.execute(select(*cols).where(Person.id.in_(ids[start : start + 5000]))):
            out[row.id] = Candidate(*row)
    return out


def _skill_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Skill.id, Skill.name).where(Skill.id.in_(list(ids)))).all())
