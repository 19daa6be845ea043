"""Skills are normalised per team: "Python", "python " and "PYTHON" are one skill."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import PersonSkill, Skill

MAX_SKILL_LENGTH = 60
_SPACES = re.compile(r"\s+")
_SPLIT = re.compile(r"[,;\n]+")


def skill_key(name: str) -> str:
    return _SPACES.sub(" ", name).strip().casefold()


def clean_name(name: str) -> str:
    return _SPACES.sub(" ", name).strip()


def split_skills(text: str | None) -> list[str]:
    """Comma, semicolon or line separated names, cleaned, first spelling of each kept."""
    seen: dict[str, str] = {}
    for part in _SPLIT.split(text or ""):
        name = clean_name(part)
        if name and skill_key(name) not in seen:
            seen[skill_key(name)] = name
    return list(seen.values())


def get_or_create(session: Session, team_id: str, names: list[str]) -> list[Skill]:
    """The team's skills with these names, creating the new ones (the first spelling wins)."""
    wanted = {skill_key(n): clean_name(n) for n in names if clean_name(n)}
    if not wanted:
        return []
    existing = {
        s.key: s
        for s in session.scalars(select(Skill).where(Skill.team_id == team_id, Skill.key.in_(list(wanted))))
    }
    for key, name in wanted.items():
        if key not in existing:
            skill = Skill(team_id=team_id, key=key, name=name)
            # A concurrent join may create the same skill: a savepoint keeps our transaction alive.
            try:
                with session.begin_nested():
                    session.add(skill)
                    session.flush()
                existing[key] = skill
            except IntegrityError:  # someone else created it first
                existing[key] = session.scalars(
                    select(Skill).where(Skill.team_id == team_id, Skill.key == key)
                ).one()
    return [existing[k] for k in wanted]


def popular(session: Session, team_id: str, limit: int = 100) -> list[Skill]:
    """The team's most used skills, for the profile form's pick list."""
    used = func.count(PersonSkill.person_id)
    rows = session.execute(
        select(Skill)
        .outerjoin(PersonSkill, PersonSkill.skill_id == Skill.id)
        .where(Skill.team_id == team_id)
        .group_by(Skill.id)
        .order_by(used.desc(), Skill.key)
        .limit(limit)
    ).scalars()
    return list(rows)


def find_by_words(session: Session, team_id: str, words: list[str]) -> list[Skill]:
    """Skills whose name contains any of the words (case-insensitive)."""
    keys = [skill_key(w) for w in words if skill_key(w)]
    if not keys:
        return []
    conditions = [Skill.key.contains(k, autoescape=True) for k in keys]
    return list(session.scalars(select(Skill).where(Skill.team_id == team_id, or_(*conditions))))
