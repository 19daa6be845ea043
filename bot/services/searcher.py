"""The person searching in `/mentor find`: the few columns find, its boundaries and the circle it shows read, in one
prepared statement (with the skills, one row each), instead of an ORM entity with its skills joined."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, select

from bot.db import Prepared, param
from models import Person, PersonSkill
from models.status import PersonStatus


@dataclass(frozen=True)
class SkillRef:
    skill_id: int
    kind: str  # SkillKind's value


@dataclass(frozen=True)
class Searcher:
    """What find knows of the person asking (a Person has the same names, so code written for one reads the other)."""

    id: int
    team_id: str
    slack_user_id: str
    department_key: str
    level: int
    tz: str | None
    tz_offset: int | None
    cross_department: bool
    capacity: int
    reverse_mentoring: bool
    status: str
    skills: tuple[SkillRef, ...]


_COLUMNS = ("id", "team_id", "slack_user_id", "department_key", "level", "tz", "tz_offset", "cross_department", "capacity",
            "reverse_mentoring", "status")

_READ = Prepared(lambda: select(*(getattr(Person, c) for c in _COLUMNS), PersonSkill.skill_id, PersonSkill.kind)
                 .outerjoin(PersonSkill, PersonSkill.person_id == Person.id)
                 .where(Person.team_id == param("team", String), Person.slack_user_id == param("user", String)))


def searcher(session, team_id: str, slack_user_id: str) -> Searcher | None:
    """The person searching, with their skills, in one round trip (None before joining or after leaving)."""
    rows = _READ.rows(session, team=team_id, user=slack_user_id)
    if not rows or rows[0].status == PersonStatus.LEFT:
        return None
    columns = dict(zip(_COLUMNS, rows[0], strict=False))
    return Searcher(**columns, skills=tuple(SkillRef(r.skill_id, r.kind) for r in rows if r.skill_id is not None))
