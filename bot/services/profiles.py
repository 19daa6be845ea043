"""Opting in and editing one's profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from pydantic import BaseModel, Field, ValidationInfo, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import clock, skills
from bot.services.errors import Conflict, NotFound
from bot.services.lookup import by_hint
from models import Person, PersonSkill
from models.status import PersonStatus, SkillKind

GOALS: dict[str, str] = {
    "career": "Career journey",
    "knowledge": "Knowledge gaps",
    "experience": "Experience gaps",
    "other": "Something else",
}
GoalKey = Literal["career", "knowledge", "experience", "other"]
MAX_SKILLS = 15
LEVELS = range(1, 11)
# A mentor's self-assessment on the formal program's selection criteria, 1 to 5; seen by admins in a round only.
SELF_ASSESSMENT: dict[str, str] = {
    "listening": "Listening",
    "follow_through": "Follow-through",
    "interpersonal": "Interpersonal skills",
    "feedback": "Giving feedback",
    "time": "Time available",
}


def _skill_list(value: list[str]) -> list[str]:
    cleaned: dict[str, str] = {}
    for name in value:
        for part in skills.split_skills(name):
            if len(part) > skills.MAX_SKILL_LENGTH:
                raise ValueError(f'"{part[:20]}…" is too long: keep each skill to {skills.MAX_SKILL_LENGTH} characters.')
            cleaned.setdefault(skills.skill_key(part), part)
    if len(cleaned) > MAX_SKILLS:
        raise ValueError(f"Pick at most {MAX_SKILLS} skills.")
    return list(cleaned.values())


class ProfileForm(BaseModel):
    """What a person tells the program about themselves."""

    offers: list[str] = Field(default_factory=list, validate_default=True)
    wants: list[str] = Field(default_factory=list, validate_default=True)
    goals: list[GoalKey] = Field(default_factory=list, validate_default=True)
    goals_note: str = Field(default="", max_length=500)
    department: str = Field(min_length=1, max_length=100)
    level: int = Field(ge=1, le=10)
    capacity: int = Field(default=2, ge=1, le=5)
    cross_department: bool = True
    reverse_mentoring: bool = False
    leadership_interest: bool = False
    self_assessment: dict[str, int] = Field(default_factory=dict)
    recognition_opt_in: bool = False  # "Include me in the monthly thank-you post"
    # working hours in the person's own time zone (planning suggests meeting times inside them)
    work_start: int = Field(default=9 * 60, ge=0, le=24 * 60 - 30)
    work_end: int = Field(default=17 * 60, ge=30, le=24 * 60)
    work_days: str = Field(default="01234", validate_default=True)

    @field_validator("work_days", mode="before")
    @classmethod
    def _days(cls, value: object) -> str:
        days = sorted({str(d) for d in (value if isinstance(value, (list, tuple, set)) else str(value or ""))})
        if not days:
            raise ValueError("Pick at least one working day.")
        if any(d not in "0123456" for d in days):
            raise ValueError("Pick days from the list.")
        return "".join(days)

    @field_validator("work_end")
    @classmethod
    def _end_after_start(cls, value: int, info: ValidationInfo) -> int:
        if value <= info.data.get("work_start", 0):
            raise ValueError("Your working day ends after it starts: pick a later time.")
        return value

    @field_validator("self_assessment")
    @classmethod
    def _assessment(cls, value: dict[str, int]) -> dict[str, int]:
        if set(value) - set(SELF_ASSESSMENT) or any(not 1 <= v <= 5 for v in value.values()):
            raise ValueError("Rate each criterion from 1 to 5.")
        return value

    @field_validator("offers", "wants")
    @classmethod
    def _skills(cls, value: list[str], info: ValidationInfo) -> list[str]:
        value = _skill_list(value)
        if not value:
            what = "can share" if info.field_name == "offers" else "want to learn"
            raise ValueError(f"Name at least one skill you {what}.")
        return value

    @field_validator("goals")
    @classmethod
    def _goals(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("Pick at least one thing you want from the program.")
        return list(dict.fromkeys(value))

    @field_validator("department", "goals_note", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


def get(session: Session, team_id: str, slack_user_id: str) -> Person | None:
    return session.scalars(
        select(Person).where(Person.team_id == team_id, Person.slack_user_id == slack_user_id)
    ).one_or_none()


def current(session: Session, team_id: str, slack_user_id: str) -> Person | None:
    """The person's profile while they are in the program (None before joining or after leaving)."""
    person = get(session, team_id, slack_user_id)
    return None if person is None or person.status == PersonStatus.LEFT else person


@dataclass(frozen=True)
class SlackProfile:
    """What Slack says about a person (users.info): their name, title and time zone are Slack's, never the form's."""

    name: str
    title: str
    tz: str | None
    tz_offset: int | None


NOT_JOINED = "You haven't joined the program yet. Use `/mentor join` to create your profile."


def require(session: Session, team_id: str, slack_user_id: str) -> Person:
    person = current(session, team_id, slack_user_id)
    if person is None:
        raise NotFound(NOT_JOINED)
    return person


def participant(session: Session, team_id: str, person_id: object, *, include_paused: bool = False) -> Person:
    """A participant by id (an id that came back from Slack is only a hint: check the team). A paused person
    can't be approached (asked to partner) unless `include_paused`."""
    person = by_hint(session, Person, person_id)
    if person is None or person.team_id != team_id or person.status == PersonStatus.LEFT:
        raise NotFound("That person is no longer in the program.")
    if person.status == PersonStatus.PAUSED and not include_paused:
        raise Conflict(f"{person.display_name or 'They'} has paused their participation for now.")
    return person


def save(session: Session, team_id: str, slack_user_id: str, form: ProfileForm,
         now: datetime | None = None) -> tuple[Person, bool]:
    """Create or update the person's profile. Returns (person, created)."""
    now = now or clock.now()
    person = get(session, team_id, slack_user_id)
    created = person is None
    if person is None:
        person = Person(team_id=team_id, slack_user_id=slack_user_id, joined_at=now)
        session.add(person)
    elif person.status == PersonStatus.LEFT:
        person.status, person.joined_at = PersonStatus.ACTIVE, now
    person.department = form.department
    person.department_key = skills.skill_key(form.department)
    person.level = form.level
    person.capacity = form.capacity
    person.cross_department = form.cross_department
    person.reverse_mentoring = form.reverse_mentoring
    person.leadership_interest = form.leadership_interest
    person.recognition_opt_in = form.recognition_opt_in
    person.work_start_minutes, person.work_end_minutes, person.work_days = form.work_start, form.work_end, form.work_days
    person.self_assessment = dict(form.self_assessment)
    person.goals = list(form.goals)
    person.goals_note = form.goals_note
    person.updated_at = now
    session.flush()
    _set_skills(session, person, form.offers, form.wants)
    return person, created


def _set_skills(session: Session, person: Person, offers: list[str], wants: list[str]) -> None:
    rows = {
        (skill.id, kind)
        for kind, names in ((SkillKind.OFFER, offers), (SkillKind.WANT, wants))
        for skill in skills.get_or_create(session, person.team_id, names)
    }
    for ps in list(person.skills):
        if (ps.skill_id, ps.kind) not in rows:
            person.skills.remove(ps)
    have = {(ps.skill_id, ps.kind) for ps in person.skills}
    for skill_id, kind in sorted(rows - have):
        person.skills.append(PersonSkill(skill_id=skill_id, kind=kind))
    session.flush()


def refresh_from_slack(session: Session, person_id: int, *, name: str, title: str, tz: str | None, tz_offset: int | None) -> None:
    """Mirror the Slack profile: name, title and timezone are Slack's, not the form's."""
    person = session.get(Person, person_id)
    if person is not None:
        person.display_name, person.title = name[:200], title[:200]
        person.tz, person.tz_offset = tz, tz_offset


def to_form(person: Person) -> ProfileForm:
    return ProfileForm.model_construct(
        offers=person.skill_names(SkillKind.OFFER),
        wants=person.skill_names(SkillKind.WANT),
        goals=cast(list[GoalKey], list(person.goals)),  # (stored from a validated form)
        goals_note=person.goals_note,
        department=person.department,
        level=person.level,
        capacity=person.capacity,
        cross_department=person.cross_department,
        reverse_mentoring=person.reverse_mentoring,
        leadership_interest=person.leadership_interest,
        self_assessment=dict(person.self_assessment or {}),
        recognition_opt_in=person.recognition_opt_in,
        work_start=person.work_start_minutes,
        work_end=person.work_end_minutes,
        work_days=person.work_days,
    )


def teams(session: Session) -> list[str]:
    """Every Slack team with participants (scheduled jobs work team by team)."""
    return list(session.scalars(select(Person.team_id).distinct().order_by(Person.team_id)))
