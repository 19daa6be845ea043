"""Matching boundaries: the people a person must never be matched with, and the lists and rules behind them.

Never matched means: never suggested by find, never asked (a forged request is refused), never paired in a
formal round, never introduced as a buddy. The set is made of:

* the reporting line, both ways: my supervisor(s) and my direct reports, from supervisors named in agreements,
  the "My manager" a person names in `/mentor boundaries`, and the Slack profile's manager field when the
  SLACK_MANAGER_FIELD_ID setting names it (read when the person saves their profile or opens Home);
* private "don't suggest" lists, both ways: whoever is on my list, and whoever has me on theirs (nobody is ever
  told they are on someone's list: a refusal says the same whatever the reason);
* the program's rules, set by admins and audited: "not within the same department", and pairs that must not
  be matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Integer, String, and_, delete, exists, literal, or_, select, union_all
from sqlalchemy.orm import Session

from bot.db import Prepared, param
from bot.services import clock, program
from bot.services.errors import Conflict, NotAllowed
from bot.services.searcher import Searcher
from bot.settings import Settings
from models import Agreement, DontSuggest, MatchingRule, Partnership, Person, ReportingLine

NEUTRAL = "You can't send a request to this person."
MAX_LIST = 50  # people on one person's don't-suggest list
MAX_RULE_PAIRS = 100  # pairs an admin's rules hold (the modal lists them to remove)
FEW = 500  # up to this many people, `pairs_among` reads only their rows
SEPARATE = "separate-departments"
RULE_HOLDS = -1  # never a person id (ids count from 1): never_with_and_rule's marker that the department rule holds
NEVER_PAIR = "never-pair"
_USER = re.compile(r"[UW][A-Z0-9]{1,31}")


def _user_id(value: object) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _USER.fullmatch(value):
        raise ValueError("Pick a person from the list.")
    return value


def _user_ids(value: object) -> list[str]:
    users = value if isinstance(value, list) else []
    for user_id in users:
        if not isinstance(user_id, str) or not _USER.fullmatch(user_id):
            raise ValueError("Pick people from the list.")
    return list(dict.fromkeys(users))


# -- the one question: whom must this person never be matched with ---------------------------------------------
def _never_with_statement(departments: bool):
    """never_with's one statement, with the person as bound values: `team`, `uid` (Slack id) and `pid` (person id)."""
    team, uid, pid = param("team", String), param("uid", String), param("pid", Integer)
    sides = ((Agreement.supervisor_a, Partnership.person_a_id), (Agreement.supervisor_b, Partnership.person_b_id))
    far_side = union_all(  # Slack ids of the people on the other side of one of my boundaries
        select(ReportingLine.manager_user_id.label("user_id")).where(ReportingLine.person_id == pid),
        *(select(column).join(Partnership, Partnership.id == Agreement.partnership_id).where(side == pid, column.is_not(None))
          for column, side in sides),
        select(DontSuggest.other_user_id).where(DontSuggest.person_id == pid),
        select(MatchingRule.user_b).where(MatchingRule.team_id == team, MatchingRule.kind == NEVER_PAIR,
                                          MatchingRule.user_a == uid),
        select(MatchingRule.user_a).where(MatchingRule.team_id == team, MatchingRule.kind == NEVER_PAIR,
                                          MatchingRule.user_b == uid),
    ).subquery()
    parts = [
        select(Person.id).where(Person.team_id == team, Person.slack_user_id.in_(select(far_side.c.user_id))),
        select(ReportingLine.person_id).where(ReportingLine.team_id == team, ReportingLine.manager_user_id == uid),
        # (the partnerships of the agreements naming me: one pass over agreements, where a join would look one up
        # for every partnership of the team, no index leading to an agreement's supervisors)
        *(select(side).where(Partnership.id.in_(select(Agreement.partnership_id)
                                                .where(Agreement.team_id == team, column == uid)))
          for column, side in sides),
        select(DontSuggest.person_id).where(DontSuggest.team_id == team, DontSuggest.other_user_id == uid),
    ]
    rule = exists(select(MatchingRule.id).where(MatchingRule.team_id == team, MatchingRule.kind == SEPARATE))
    if departments:
        parts.append(select(Person.id).where(Person.team_id == team, Person.department_key == param("dept", String), rule))
    else:  # a row of RULE_HOLDS when the department rule holds (find applies it in its index: see `never_with_and_rule`)
        parts.append(select(literal(RULE_HOLDS, Integer)).where(rule))
    return union_all(*parts)


# built once, compiled once per database (find runs it on every search: building and compiling it cost more than
# the database's answer)
_NEVER_WITH = {departments: Prepared(partial(_never_with_statement, departments)) for departments in (False, True)}
_SEPARATE = Prepared(lambda: select(MatchingRule.id).where(MatchingRule.team_id == param("team", String),
                                                           MatchingRule.kind == SEPARATE).limit(1))


def never_with(session: Session, me: Person | Searcher, *, departments: bool = True) -> set[int]:
    """The person ids `me` must never be matched with, in one round trip: my supervisor(s) and direct reports
    (agreements, "My manager", Slack's profile), private lists both ways, the program's never-pair rules and (with
    `departments`, when the program has that rule) everyone in my own department."""
    if not departments:
        return never_with_and_rule(session, me)[0]
    values = dict(team=me.team_id, uid=me.slack_user_id, pid=me.id, dept=me.department_key)
    return set(_NEVER_WITH[True].scalars(session, **values)) - {me.id}


def never_with_and_rule(session: Session, me: Person | Searcher) -> tuple[set[int], bool]:
    """`never_with(me, departments=False)` and `separate_departments(me.team_id)` in one round trip (what find
    asks: it applies the department rule in its index, not as everyone in my department)."""
    ids = set(_NEVER_WITH[False].scalars(session, team=me.team_id, uid=me.slack_user_id, pid=me.id))
    holds = RULE_HOLDS in ids
    return ids - {me.id, RULE_HOLDS}, holds


def allowed(session: Session, a: Person, b: Person, *, departments: bool = True) -> bool:
    """May these two be matched at all?"""
    return b.id not in never_with(session, a, departments=departments)


def require_allowed(session: Session, me: Person, other: Person, message: str = NEUTRAL, *,
                    departments: bool = True) -> None:
    """Refuse, with the same neutral words whatever the reason, to match `me` with `other` (an onboarding buddy
    comes from the newcomer's own department by design: `departments=False` leaves that rule out)."""
    if not allowed(session, me, other, departments=departments):
        raise NotAllowed(message)


def separate_departments(session: Session, team_id: str) -> bool:
    """Does the program's "not within the same department" rule hold?"""
    return bool(_SEPARATE.scalars(session, team=team_id))


def pairs_among(session: Session, team_id: str, people: list[Person]) -> set[tuple[int, int]]:
    """Every pair (person id, person id) of these people that must never be matched, read in a few queries for a
    whole round (the department rule is not here: `separate_departments`). A few people (an introduction) read only
    their own rows; a big pool reads the team's."""
    by_slack = {p.slack_user_id: p.id for p in people}
    ids = set(by_slack.values())
    pairs: set[tuple[int, int]] = set()
    few = len(ids) <= FEW
    mine = sorted(ids)

    def add(x: int | None, y: int | None) -> None:
        if x is not None and y is not None and x != y and x in ids and y in ids:
            pairs.add((min(x, y), max(x, y)))

    for pid, manager in session.execute(select(ReportingLine.person_id, ReportingLine.manager_user_id).where(
            ReportingLine.team_id == team_id, *([ReportingLine.person_id.in_(mine)] if few else []))):
        add(pid, by_slack.get(manager))
    for a, b, sup_a, sup_b in session.execute(
            select(Partnership.person_a_id, Partnership.person_b_id, Agreement.supervisor_a, Agreement.supervisor_b)
            .join(Agreement, Agreement.partnership_id == Partnership.id).where(
                Agreement.team_id == team_id, or_(Agreement.supervisor_a.is_not(None), Agreement.supervisor_b.is_not(None)),
                *([or_(Partnership.person_a_id.in_(mine), Partnership.person_b_id.in_(mine))] if few else []))):
        add(a, by_slack.get(sup_a or ""))
        add(b, by_slack.get(sup_b or ""))
    for pid, other in session.execute(select(DontSuggest.person_id, DontSuggest.other_user_id).where(
            DontSuggest.team_id == team_id, *([DontSuggest.person_id.in_(mine)] if few else []))):
        add(pid, by_slack.get(other))
    for user_a, user_b in session.execute(select(MatchingRule.user_a, MatchingRule.user_b)
                                          .where(MatchingRule.team_id == team_id, MatchingRule.kind == NEVER_PAIR)):
        add(by_slack.get(user_a), by_slack.get(user_b))
    return pairs


# -- a person's own settings: "My manager" and the don't-suggest list --------------------------------------------
class BoundariesForm(BaseModel):
    """The `/mentor boundaries` modal."""

    manager: str | None = None
    dont_suggest: list[str] = Field(default_factory=list)

    @field_validator("manager", mode="before")
    @classmethod
    def _one(cls, value: object) -> str | None:
        return _user_id(value)

    @field_validator("dont_suggest", mode="before")
    @classmethod
    def _many(cls, value: object) -> list[str]:
        value = _user_ids(value)
        if len(value) > MAX_LIST:
            raise ValueError(f"Pick at most {MAX_LIST} people.")
        return value


@dataclass(frozen=True)
class Mine:
    manager: str | None  # as the person named them
    slack_manager: str | None  # as Slack's profile names them (read only)
    dont_suggest: list[str]


def mine(session: Session, me: Person) -> Mine:
    lines = {source: manager for source, manager in session.execute(
        select(ReportingLine.source, ReportingLine.manager_user_id).where(ReportingLine.person_id == me.id))}
    listed = list(session.scalars(select(DontSuggest.other_user_id).where(DontSuggest.person_id == me.id)
                                  .order_by(DontSuggest.id)))
    return Mine(lines.get("profile"), lines.get("slack"), listed)


def _set_line(session: Session, me: Person, source: str, manager: str | None) -> bool:
    """Keep one reporting line of this source; True if it changed."""
    row = session.scalars(select(ReportingLine).where(ReportingLine.person_id == me.id,
                                                      ReportingLine.source == source)).first()
    if manager is None or manager == me.slack_user_id:
        if row is not None:
            session.delete(row)
            return True
        return False
    if row is None:
        session.add(ReportingLine(team_id=me.team_id, person_id=me.id, manager_user_id=manager, source=source,
                                  updated_at=clock.now()))
        return True
    if row.manager_user_id != manager:
        row.manager_user_id = manager
        return True
    return False


def save_mine(session: Session, me: Person, form: BoundariesForm) -> Mine:
    """Save my manager and my list as picked (the list replaces the old one; myself is left out)."""
    _set_line(session, me, "profile", form.manager)
    wanted = [u for u in form.dont_suggest if u != me.slack_user_id]
    session.execute(delete(DontSuggest).where(DontSuggest.person_id == me.id,
                                              DontSuggest.other_user_id.not_in(wanted or [""])))
    have = set(session.scalars(select(DontSuggest.other_user_id).where(DontSuggest.person_id == me.id)))
    now = clock.now()
    session.add_all(DontSuggest(team_id=me.team_id, person_id=me.id, other_user_id=u, created_at=now)
                    for u in wanted if u not in have)
    session.flush()
    return mine(session, me)


def mirror_slack_manager(session: Session, me: Person, manager: str | None) -> bool:
    """The manager Slack's profile names (None: it names nobody any more); True if it changed."""
    return _set_line(session, me, "slack", manager)


def forget(session: Session, person_id: int, slack_user_id: str) -> None:
    """Delete my data: my lines and list, and every line, list entry or rule that names me."""
    session.execute(delete(ReportingLine).where(or_(ReportingLine.person_id == person_id,
                                                    ReportingLine.manager_user_id == slack_user_id)))
    session.execute(delete(DontSuggest).where(or_(DontSuggest.person_id == person_id,
                                                  DontSuggest.other_user_id == slack_user_id)))
    session.execute(delete(MatchingRule).where(MatchingRule.kind == NEVER_PAIR, or_(
        MatchingRule.user_a == slack_user_id, MatchingRule.user_b == slack_user_id)))


def export(session: Session, me: Person) -> dict:
    """What I set myself (never whose lists name me)."""
    own = mine(session, me)
    return {"my_manager": own.manager, "manager_in_slack_profile": own.slack_manager,
            "dont_suggest": own.dont_suggest}


# -- the program's rules (admins) --------------------------------------------------------------------------------
class RulesForm(BaseModel):
    """The "Matching rules" modal: the department rule, one pair to add, pairs to remove (rule ids)."""

    separate_departments: bool = False
    first: str | None = None
    second: str | None = Field(default=None, validate_default=True)
    remove: list[int] = Field(default_factory=list, max_length=MAX_RULE_PAIRS)

    @field_validator("first", "second", mode="before")
    @classmethod
    def _person(cls, value: object) -> str | None:
        return _user_id(value)

    @field_validator("second")
    @classmethod
    def _both(cls, value: str | None, info) -> str | None:
        first = info.data.get("first")
        if bool(first) != bool(value):
            raise ValueError("Pick both people of the pair (or neither).")
        if value and value == first:
            raise ValueError("Pick two different people.")
        return value


@dataclass(frozen=True)
class Rules:
    separate_departments: bool
    pairs: list[tuple[int, str, str]]  # (rule id, user a, user b)


def rules(session: Session, team_id: str) -> Rules:
    pairs = [(i, a, b) for i, a, b in session.execute(
        select(MatchingRule.id, MatchingRule.user_a, MatchingRule.user_b)
        .where(MatchingRule.team_id == team_id, MatchingRule.kind == NEVER_PAIR).order_by(MatchingRule.id))]
    return Rules(separate_departments(session, team_id), pairs)


def rules_for_admin(session: Session, team_id: str, user_id: str, settings: Settings) -> Rules:
    program.require_admin(session, team_id, user_id, settings)
    return rules(session, team_id)


def save_rules(session: Session, team_id: str, actor: str, settings: Settings, form: RulesForm) -> int:
    """An admin saved the rules: each change is written with its own audit entry. Returns how many changed."""
    program.require_admin(session, team_id, actor, settings)
    now, changes = clock.now(), 0
    current = rules(session, team_id)
    if form.separate_departments != current.separate_departments:
        if form.separate_departments:
            session.add(MatchingRule(team_id=team_id, kind=SEPARATE, created_by=actor, created_at=now))
        else:
            session.execute(delete(MatchingRule).where(MatchingRule.team_id == team_id, MatchingRule.kind == SEPARATE))
        program.audit(session, team_id, actor, "rules.separate_departments", old=current.separate_departments,
                      new=form.separate_departments)
        changes += 1
    known = {rid: (a, b) for rid, a, b in current.pairs}
    for rid in dict.fromkeys(form.remove):
        if rid in known:  # an id not of this team's rules (a forged form) changes nothing
            session.execute(delete(MatchingRule).where(MatchingRule.id == rid, MatchingRule.team_id == team_id))
            program.audit(session, team_id, actor, "rules.pair_removed", first=known[rid][0], second=known[rid][1])
            changes += 1
    if form.first and form.second:
        a, b = sorted((form.first, form.second))
        exists = session.scalar(select(MatchingRule.id).where(and_(
            MatchingRule.team_id == team_id, MatchingRule.kind == NEVER_PAIR, MatchingRule.user_a == a,
            MatchingRule.user_b == b)))
        if exists is None:
            if len(known) - len(set(form.remove) & set(known)) >= MAX_RULE_PAIRS:
                raise Conflict(f"The program holds at most {MAX_RULE_PAIRS} pairs: remove one first.", field="first")
            session.add(MatchingRule(team_id=team_id, kind=NEVER_PAIR, user_a=a, user_b=b, created_by=actor,
                                     created_at=now))
            program.audit(session, team_id, actor, "rules.pair_added", first=a, second=b)
            changes += 1
    session.flush()
    return changes
