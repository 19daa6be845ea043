"""Find's ranking, read through the use case, against the rule written out plainly: in a random org of 100 people
(clashing names, paused people, people at capacity, managers and private "never" lists, words searched for),
every page of every search shows exactly the people the rule ranks, in its order."""

from __future__ import annotations

import random

from sqlalchemy import select

from bot.services import boundaries, matching, partnerships, profiles, skills
from bot.services.matching import shared_hours
from bot.services.profiles import ProfileForm
from models import Person, PersonSkill
from models.status import PersonStatus, SkillKind
from tests.flows.conftest import TEAM

SKILLS = ["Python", "SQL", "Public speaking", "Hiring", "Budgeting", "Data modelling", "Design", "Negotiation",
          "Data viz", "Writing"]
DEPARTMENTS = ["Engineering", "Sales", "Finance", "Design"]
NAMES = ["Ada", "ada", "Bea", "Cy", "Dee", "Eli", "Fay", "Gus"]  # clashing names: ties go by name, then by id


def _org(ctx, rng: random.Random, people: int = 100) -> None:
    for i in range(people):
        form = ProfileForm(offers=rng.sample(SKILLS, rng.randint(1, 4)), wants=rng.sample(SKILLS, rng.randint(1, 3)),
                           goals=["knowledge"], department=rng.choice(DEPARTMENTS), level=rng.randint(1, 8),
                           capacity=rng.randint(1, 3), cross_department=rng.random() < 0.7)
        with ctx.db.uow() as session:
            person, _ = profiles.save(session, TEAM, f"U{i:03d}", form)
            person.display_name = rng.choice(NAMES)
            person.tz_offset = rng.choice([None, 0, 3600, -5 * 3600, 5 * 3600 + 1800, 9 * 3600])
            if rng.random() < 0.08:
                person.status = PersonStatus.PAUSED
    ids = list(range(people))
    rng.shuffle(ids)
    for a, b in zip(ids[:40:2], ids[1:40:2]):  # 20 requests, half of them accepted
        with ctx.db.uow() as session:
            asker, asked = profiles.require(session, TEAM, f"U{a:03d}"), profiles.require(session, TEAM, f"U{b:03d}")
            if asker.status != PersonStatus.ACTIVE or asked.status != PersonStatus.ACTIVE:
                continue
            try:
                request = partnerships.request(session, asker, asked.id)
            except Exception:  # (a boundary or capacity: this pair is simply not made)
                continue
        if a % 2:
            with ctx.db.uow() as session:
                partnerships.accept(session, TEAM, f"U{b:03d}", request.id, tz=ctx.settings.tz)


def _expected(session, me: Person, words: list[str]) -> list[int]:
    """Everyone find may suggest to `me`, best first, by the rule in matching's and the index's docstrings."""
    people = {p.id: p for p in session.scalars(select(Person).where(Person.team_id == TEAM))}
    offers: dict[int, set[int]] = {pid: set() for pid in people}
    wants: dict[int, set[int]] = {pid: set() for pid in people}
    for ps in session.scalars(select(PersonSkill)):
        (offers if ps.kind == SkillKind.OFFER else wants)[ps.person_id].add(ps.skill_id)
    word_skills = {s.id for s in skills.find_by_words(session, TEAM, words)} if words else set()
    looking = wants[me.id] | word_skills
    load = matching.load(session, list(people))
    never, separate = boundaries.never_with_and_rule(session, me)
    excluded = matching._partners_and_rejections(session, me, matching.clock.now()) | never
    ranked = []
    for pid, p in people.items():
        gives, gets, boost = len(offers[pid] & looking), len(wants[pid] & offers[me.id]), len(offers[pid] & word_skills)
        same = p.department_key == me.department_key
        if (pid == me.id or p.status != PersonStatus.ACTIVE or load.get(pid, 0) >= p.capacity or pid in excluded
                or not (gives or gets) or (word_skills and not boost) or (separate and same)
                or not (same or (p.cross_department and me.cross_department))):
            continue
        gap = abs(p.level - me.level)
        score = ((1000 if gives and gets else 0) + 10 * (min(gives, 3) + min(gets, 3)) + 15 * boost + (8 if same else 0)
                 + {0: 6, 1: 4}.get(gap, -2 * gap) + (shared_hours(me.tz_offset, p.tz_offset) or 0) / 2)
        ranked.append((-score, p.display_name.lower(), pid))
    return [pid for *_key, pid in sorted(ranked)]


def test_every_page_shows_exactly_whom_the_rule_ranks_in_its_order(ctx):
    rng = random.Random(20281)
    _org(ctx, rng)
    with ctx.db.uow() as session:  # a manager and a private "never" list for some
        boundaries_of = rng.sample(range(100), 10)
        for i in boundaries_of:
            me = profiles.require(session, TEAM, f"U{i:03d}")
            boundaries.save_mine(session, me, boundaries.BoundariesForm(
                manager=f"U{rng.randrange(100):03d}", dont_suggest=[f"U{j:03d}" for j in rng.sample(range(100), 3)]))
    searches = [(f"U{i:03d}", words) for i in boundaries_of + rng.sample(range(100), 15) for words in ([], ["data"])]
    compared = 0
    for user, words in searches:
        with ctx.db.uow() as session:
            me = matching.searcher(session, TEAM, user)
            if me is None or me.status != PersonStatus.ACTIVE:
                continue
            expected = _expected(session, me, words)
            shown, page = [], 0
            while True:
                result = matching.find(session, me, words, page)
                shown += [s.person.id for s in result.suggestions]
                assert result.total == len(expected)
                if not result.has_more:
                    break
                page += 1
            assert shown == expected, (user, words)
            compared += len(expected)
    assert compared > 200  # (the org is big enough for many pages)
