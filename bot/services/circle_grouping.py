"""Grouping a formal round's pool into peer circles: who learns which skill with whom. Pure: no database, no Slack.

A circle is 3 to `size` people who all want to learn one skill, with a facilitator (a member who offers that skill)
where the pool has one, and time zones as close as the pool allows. Nobody is ever grouped with someone across a
matching boundary (the pairs `boundaries.pairs_among` reads, and the department rule when the program has it).

How (see the README, "Benchmarks and what keeps it fast"):

1. **Rarest skill first.** Skills are taken one at a time, always the one with the fewest people still ungrouped
   who want it, so that a popular skill never swallows the few people a rare one needs (they would fit in a
   popular circle anyway). A skill needs enough wanters for one circle (two and a facilitator, or three).
2. **Within a skill**: as few circles as hold everyone (each at most `size`, with one facilitator each while
   offerers last), sizes as even as possible; when the people don't divide, those who also want a skill still to
   come wait for it. Wanters are taken in time-zone order (around the clock, cut at the widest gap) and cut into
   consecutive runs, so each circle spans few hours; someone across a boundary from a member waits for the next
   circle. The facilitator is the free offerer nearest the circle's time zones, preferring one who would
   otherwise be left out (someone whose own wanted skills have too few takers).
3. **Repair**: everyone still ungrouped tries to join a circle with room (as a learner, or as its missing
   facilitator), choosing the one whose time zones it widens least; then a full circle may hand one member to
   another circle with room to make space; then the rounds of step 1 and 2 run again over whoever is left.
4. **Fuller circles**: a circle under the size asked whose members all fit in other circles with room (a skill
   they also want) is shared out among them, so circles come closer to the size the admin chose.

Deterministic: everything is taken in order of ids; no randomness.
"""

from __future__ import annotations

import heapq
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_SIZE = 3
MAX_SIZE = 8
NEAR_HOURS = 2.0  # a facilitator this close to a circle's time zones counts as near
NUMBERS = {2: "Both", 3: "All three", 4: "All four", 5: "All five", 6: "All six", 7: "All seven", 8: "All eight"}

# Why a person is left out (the codes of bot.services.left_out), in words that name nobody else
NO_WANTS = "You haven't listed a skill you want to learn, and no circle needed one you offer."
WHY = {
    "no-fit": "Too few others in the pool want to learn the same skills as you (a circle needs at least three).",
    "boundary": "The only circles left for the skills you want would have crossed a matching boundary.",
    "no-room": "The circles for the skills you want were full: the pool did not divide evenly this time.",
}


@dataclass(frozen=True)
class Member:
    """What grouping needs to know about one person of the pool."""

    person_id: int
    wants: frozenset[int] = frozenset()  # skill ids
    offers: frozenset[int] = frozenset()
    tz_offset: int | None = None  # seconds east of UTC
    department: str = ""
    name: str = ""  # for the circle's reason


@dataclass(frozen=True)
class Circle:
    members: tuple[int, ...]  # person ids, sorted; the facilitator among them
    skill_id: int
    facilitator_id: int | None
    reason: str  # one plain line, for the admin's review and the members
    spread_hours: float  # the widest time-zone difference inside the circle (around the clock)


@dataclass(frozen=True)
class LeftOut:
    person_id: int
    reason: str  # "no-fit", "boundary" or "no-room"
    why: str  # the reason in plain words, naming nobody


@dataclass
class Grouping:
    circles: list[Circle]
    left_out: list[LeftOut]
    seconds: float = 0.0

    def summary(self) -> dict:
        placed = sum(len(c.members) for c in self.circles)
        reasons: dict[str, int] = defaultdict(int)
        for person in self.left_out:
            reasons[person.reason] += 1
        return {
            "circles": len(self.circles), "placed": placed, "left_out": len(self.left_out),
            "left_out_reasons": dict(sorted(reasons.items())),
            "with_facilitator": sum(c.facilitator_id is not None for c in self.circles),
            "mean_size": round(placed / len(self.circles), 2) if self.circles else 0.0,
            "mean_spread_hours": round(sum(c.spread_hours for c in self.circles) / len(self.circles), 2) if self.circles else 0.0,
            "seconds": round(self.seconds, 4),
        }


# -- time zones around the clock ----------------------------------------------------------------------------------
def _hours(member: Member) -> float | None:
    return None if member.tz_offset is None else (member.tz_offset / 3600) % 24


def spread(hours: Iterable[float | None]) -> float:
    """The smallest stretch of the clock holding everyone's time zone (unknown ones left out), in hours."""
    known = sorted({h % 24 for h in hours if h is not None})
    if len(known) < 2:
        return 0.0
    widest = max(max(b - a for a, b in zip(known, known[1:])), known[0] + 24 - known[-1])
    return round(24 - widest, 2)


def _clock_order(members: Iterable[Member]) -> dict[int, float]:
    """person id -> a position on the clock that starts after the widest gap, so neighbours in this order are
    neighbours in time (unknown time zones go last)."""
    people = list(members)
    known = sorted({h for m in people if (h := _hours(m)) is not None})
    start = 0.0
    if len(known) > 1:
        gaps = [(known[(i + 1) % len(known)] - known[i]) % 24 for i in range(len(known))]
        start = known[(gaps.index(max(gaps)) + 1) % len(known)]
    return {m.person_id: 99.0 if (h := _hours(m)) is None else (h - start) % 24 for m in people}


def _gap(a: float | None, b: float | None) -> float:
    if a is None or b is None:
        return 0.0
    apart = abs(a - b) % 24
    return min(apart, 24 - apart)


# -- the grouping -------------------------------------------------------------------------------------------------
@dataclass
class _Draft:
    skill_id: int
    learners: list[int]
    facilitator: int | None = None

    @property
    def people(self) -> list[int]:
        return self.learners + ([self.facilitator] if self.facilitator is not None else [])


@dataclass
class _Pool:
    members: dict[int, Member]
    never: dict[int, set[int]]
    size: int
    min_size: int
    separate: bool
    order: dict[int, float] = field(default_factory=dict)
    free: set[int] = field(default_factory=set)
    wanters: dict[int, list[int]] = field(default_factory=dict)
    offerers: dict[int, list[int]] = field(default_factory=dict)
    count: dict[int, int] = field(default_factory=dict)  # skill -> free people who want it
    drafts: list[_Draft] = field(default_factory=list)
    crossed: set[int] = field(default_factory=set)  # people once kept out of a circle by a boundary

    def fits(self, person: int, group: Iterable[int]) -> bool:
        """May this person join these people (no boundary, and no shared department under the program's rule)?"""
        never = self.never.get(person, ())
        department = self.members[person].department
        for other in group:
            if other in never or (self.separate and department and self.members[other].department == department):
                return False
        return True

    def place(self, person: int) -> None:
        self.free.discard(person)
        for skill in self.members[person].wants:
            self.count[skill] -= 1

    def hours(self, people: Iterable[int]) -> list[float | None]:
        return [_hours(self.members[p]) for p in people]

    def viable(self, skill: int, done: set[int]) -> bool:
        """Could this skill, wanted by a free person, still make a circle of its own with that person in it?"""
        return skill not in done and self.count[skill] - 1 >= self.min_size - 1


def _plan(learners: int, offerers: int, size: int, min_size: int) -> tuple[int, int]:
    """(circles, facilitated circles) for this many wanters and free offerers: the fewest circles that hold
    everyone, fewer if sizes would fall under the minimum (then some wait)."""
    if learners < 2:
        return 0, 0
    circles = 1
    while circles * size - min(circles, offerers) < learners:
        circles += 1
    while circles:
        facilitated = min(circles, offerers)
        if (learners + facilitated) // circles >= min_size and learners // circles >= 2:
            return circles, facilitated
        circles -= 1
    return 0, 0


def _form(pool: _Pool, skill: int, done: set[int]) -> None:
    """Cut the free wanters of one skill into circles (step 2)."""
    members = pool.members
    learners = [p for p in pool.wanters.get(skill, ()) if p in pool.free]
    offerers = [p for p in pool.offerers.get(skill, ()) if p in pool.free and skill not in members[p].wants]
    circles, facilitated = _plan(len(learners), len(offerers), pool.size, pool.min_size)
    if not circles:
        return
    capacity = circles * pool.size - facilitated
    if len(learners) > capacity:  # those with another skill still to come wait for it
        def others(p: int) -> int:
            return sum(pool.viable(s, done) for s in members[p].wants if s != skill)

        waiting = set(sorted((p for p in learners if others(p)), key=lambda p: (-others(p), p))[: len(learners) - capacity])
        learners = [p for p in learners if p not in waiting]
    queue = deque(sorted(learners, key=lambda p: (pool.order[p], p)))
    offer_left = set(offerers)
    left_circles, left_facilitators = circles, facilitated
    while left_circles and queue:
        people = len(queue) + left_facilitators
        take = min(pool.size, -(-people // left_circles)) - (1 if left_facilitators else 0)
        chosen: list[int] = []
        skipped: list[int] = []
        while queue and len(chosen) < take:
            person = queue.popleft()
            (chosen if pool.fits(person, chosen) else skipped).append(person)
        pool.crossed.update(skipped)
        queue.extendleft(reversed(skipped))
        facilitator = _facilitator(pool, chosen, offer_left, done) if left_facilitators else None
        if facilitator is None and queue and len(chosen) < pool.size and left_facilitators:
            extra = next((p for p in queue if pool.fits(p, chosen)), None)  # no facilitator fits: one more wanter
            if extra is not None:
                queue.remove(extra)
                chosen.append(extra)
        left_circles -= 1
        if len(chosen) + (facilitator is not None) < pool.min_size or len(chosen) < 2:
            queue.extendleft(reversed(chosen))  # too few fit together: they stay free
            break
        if facilitator is not None:
            left_facilitators -= 1
            offer_left.discard(facilitator)
        draft = _Draft(skill, chosen, facilitator)
        pool.drafts.append(draft)
        for person in draft.people:
            pool.place(person)


def _facilitator(pool: _Pool, learners: list[int], offerers: set[int], done: set[int]) -> int | None:
    """The free offerer nearest these learners' time zones who fits them, preferring one who would otherwise be left
    out."""
    if not learners:
        return None
    hours = [h for h in pool.hours(learners) if h is not None]
    centre = hours[len(hours) // 2] if hours else None
    best: tuple | None = None
    for person in offerers:
        if person not in pool.free:
            continue
        member = pool.members[person]
        distance = _gap(centre, _hours(member))
        if best is not None and (distance > NEAR_HOURS) > best[0]:
            continue  # the cheap part of the key already loses
        key = (distance > NEAR_HOURS, any(pool.viable(s, done) for s in member.wants), distance, person)
        if (best is None or key < best) and pool.fits(person, learners):
            best = key
    return None if best is None else best[-1]


def _rounds(pool: _Pool) -> int:
    """Steps 1 and 2 over the free people: rarest skill first. Returns how many circles were formed."""
    before = len(pool.drafts)
    done: set[int] = set()
    heap = [(n, s) for s, n in pool.count.items() if n >= pool.min_size - 1]
    heapq.heapify(heap)
    while heap:
        n, skill = heapq.heappop(heap)
        if skill in done:
            continue
        if n != pool.count[skill]:  # it lost wanters since: back in at its true place
            if pool.count[skill] >= pool.min_size - 1:
                heapq.heappush(heap, (pool.count[skill], skill))
            continue
        done.add(skill)
        _form(pool, skill, done)
    return len(pool.drafts) - before


def _role(pool: _Pool, person: int, draft: _Draft) -> str | None:
    """How this person could join this circle with room, skills aside from boundaries: "learner", "facilitator"."""
    member = pool.members[person]
    if len(draft.people) >= pool.size or person in draft.people:
        return None
    if draft.skill_id in member.wants:
        return "learner"
    if draft.facilitator is None and draft.skill_id in member.offers:
        return "facilitator"
    return None


def _joins(pool: _Pool, person: int, draft: _Draft) -> str | None:
    """How this free person could join this circle: "learner", "facilitator" or None."""
    role = _role(pool, person, draft)
    if role and not pool.fits(person, draft.people):
        pool.crossed.add(person)
        return None
    return role


def _add(pool: _Pool, person: int, draft: _Draft, role: str) -> None:
    if role == "facilitator":
        draft.facilitator = person
    else:
        draft.learners.append(person)
    pool.place(person)


def _repair(pool: _Pool) -> None:
    """Step 3: the ungrouped join circles with room, then full circles make room by handing a member on."""
    by_skill: dict[int, list[_Draft]] = defaultdict(list)
    for draft in pool.drafts:
        by_skill[draft.skill_id].append(draft)
    for person in sorted(pool.free):
        member = pool.members[person]
        options = []
        for skill in sorted(member.wants | member.offers):
            for n, draft in enumerate(by_skill.get(skill, ())):
                role = _joins(pool, person, draft)
                if role:
                    options.append((spread(pool.hours([*draft.people, person])), role != "learner", skill, n, role))
        if options:
            _, _, skill, n, role = min(options)
            _add(pool, person, by_skill[skill][n], role)
    for person in sorted(pool.free):
        _make_room(pool, person, by_skill)


def _make_room(pool: _Pool, person: int, by_skill: dict[int, list[_Draft]]) -> bool:
    """Put this person in a full circle of a skill they want by moving one of its learners to another circle
    with room that the learner fits."""
    for skill in sorted(pool.members[person].wants):
        for full in by_skill.get(skill, ()):
            if len(full.people) < pool.size:
                continue
            for mover in sorted(full.learners):
                rest = [p for p in full.people if p != mover]
                if not pool.fits(person, rest):
                    continue
                for other_skill in sorted(pool.members[mover].wants - {skill}):
                    for target in by_skill.get(other_skill, ()):
                        if len(target.people) < pool.size and pool.fits(mover, target.people):
                            full.learners.remove(mover)
                            target.learners.append(mover)
                            full.learners.append(person)
                            pool.place(person)
                            return True
    return False


def _consolidate(pool: _Pool) -> None:
    """Step 4: a circle under the size asked whose members all fit in other circles with room is shared out among
    them: fewer, fuller circles, everyone still with a skill they want (or as the missing facilitator of one they
    offer), each in the circle their time zone widens least."""
    by_skill: dict[int, list[_Draft]] = defaultdict(list)
    for draft in pool.drafts:
        by_skill[draft.skill_id].append(draft)
    for draft in sorted(pool.drafts, key=lambda d: (len(d.people), d.skill_id, min(d.people))):
        if len(draft.people) >= pool.size:
            continue
        moves: list[tuple[int, _Draft, str]] = []
        for person in sorted(draft.people):
            member, options = pool.members[person], []
            for skill in sorted((member.wants | member.offers) - {draft.skill_id}):
                for n, target in enumerate(by_skill.get(skill, ())):
                    role = None if target is draft else _role(pool, person, target)
                    if role and pool.fits(person, target.people):
                        options.append((spread(pool.hours([*target.people, person])), role != "learner", skill, n, role))
            if not options:
                break
            _, _, skill, n, role = min(options)
            target = by_skill[skill][n]
            if role == "facilitator":
                target.facilitator = person
            else:
                target.learners.append(person)
            moves.append((person, target, role))
        if len(moves) < len(draft.people):  # someone would have nowhere to go: undo
            for person, target, role in moves:
                if role == "facilitator":
                    target.facilitator = None
                else:
                    target.learners.remove(person)
            continue
        draft.learners, draft.facilitator = [], None
        by_skill[draft.skill_id].remove(draft)
    pool.drafts = [d for d in pool.drafts if d.people]


def _reason(pool: _Pool, draft: _Draft, skill_names: dict[int, str], spread_hours: float) -> str:
    skill = skill_names.get(draft.skill_id, f"skill #{draft.skill_id}")
    parts = [f"{NUMBERS.get(len(draft.learners), f'All {len(draft.learners)}')} want to learn {skill}"]
    if draft.facilitator is not None:
        parts.append(f"{pool.members[draft.facilitator].name or 'one member'} offers it")
    else:
        parts.append("nobody in the circle offers it, so they learn it together")
    known = [h for h in pool.hours(draft.people) if h is not None]
    if len(known) == len(draft.people) and spread_hours == 0:
        parts.append("all in the same time zone")
    elif known:
        parts.append(f"time zones within {spread_hours:g} h")
    return "; ".join(parts)


def _why_left(pool: _Pool, person: int) -> LeftOut:
    member = pool.members[person]
    if not member.wants:
        return LeftOut(person, "no-fit", NO_WANTS)
    takers = max(len(pool.wanters[s]) - 1 + any(p != person for p in pool.offerers.get(s, ())) for s in member.wants)
    if takers < pool.min_size - 1:
        reason = "no-fit"
    elif person in pool.crossed:
        reason = "boundary"
    else:
        reason = "no-room"
    return LeftOut(person, reason, WHY[reason])


def group(members: list[Member], forbidden: Iterable[tuple[int, int]] = (), size: int = 4, *,
          min_size: int = MIN_SIZE, separate_departments: bool = False,
          skill_names: dict[int, str] | None = None) -> Grouping:
    """Group the pool into circles of `min_size` to `size` people around one wanted skill each. `forbidden` holds
    the pairs (person id, person id) that must never share a circle (`boundaries.pairs_among`);
    `separate_departments`: the program's "not within the same department" rule. Everyone not in a circle is in
    `left_out` with a reason."""
    if not MIN_SIZE <= min_size <= size <= MAX_SIZE:
        raise ValueError(f"Pick a circle size from {MIN_SIZE} to {MAX_SIZE}, and a smallest size from {MIN_SIZE} up to it.")
    started = time.perf_counter()
    people = {m.person_id: m for m in sorted(members, key=lambda m: m.person_id)}
    never: dict[int, set[int]] = defaultdict(set)
    for a, b in forbidden:
        if a in people and b in people and a != b:
            never[a].add(b)
            never[b].add(a)
    pool = _Pool(people, dict(never), size, min_size, separate_departments, order=_clock_order(people.values()),
                 free=set(people))
    wanters: dict[int, list[int]] = defaultdict(list)
    offerers: dict[int, list[int]] = defaultdict(list)
    for pid, member in people.items():
        for skill in member.wants:
            wanters[skill].append(pid)
        for skill in member.offers:
            offerers[skill].append(pid)
    pool.wanters, pool.offerers = dict(wanters), dict(offerers)
    pool.count = {s: len(ids) for s, ids in wanters.items()}
    for _ in range(3):
        formed = _rounds(pool)
        _repair(pool)
        if not formed or not pool.free:
            break
    _consolidate(pool)
    names = skill_names or {}
    circles = []
    for draft in sorted(pool.drafts, key=lambda d: (d.skill_id, min(d.people))):
        width = spread(pool.hours(draft.people))
        circles.append(Circle(tuple(sorted(draft.people)), draft.skill_id, draft.facilitator,
                              _reason(pool, draft, names, width), width))
    left_out = [_why_left(pool, p) for p in sorted(pool.free)]
    return Grouping(circles, left_out, time.perf_counter() - started)


# -- the baseline it is measured against, and the measure ---------------------------------------------------------
def naive(members: list[Member], size: int = 4, *, min_size: int = MIN_SIZE) -> Grouping:
    """The baseline: people sorted by their first wanted skill (lowest id), cut into runs of `size`; a last run
    under `min_size` is left out. Blind to boundaries, facilitators and time zones."""
    started = time.perf_counter()
    ordered = sorted(members, key=lambda m: (min(m.wants) if m.wants else 1 << 62, m.person_id))
    circles, left = [], []
    for start in range(0, len(ordered), size):
        run = ordered[start:start + size]
        if len(run) < min_size:
            left += [LeftOut(m.person_id, "no-room", WHY["no-room"]) for m in run]
            continue
        wanted: dict[int, int] = defaultdict(int)
        for m in run:
            for s in m.wants:
                wanted[s] += 1
        skill = min(wanted, key=lambda s: (-wanted[s], s)) if wanted else -1
        facilitator = next((m.person_id for m in run if skill in m.offers and skill not in m.wants), None)
        circles.append(Circle(tuple(sorted(m.person_id for m in run)), skill, facilitator, "",
                              spread(_hours(m) for m in run)))
    return Grouping(circles, left, time.perf_counter() - started)


def shares_skill(circle: Circle, members: dict[int, Member]) -> bool:
    """Does the whole circle share its skill: everyone wants it, except at most one member who offers it?"""
    people = [members[p] for p in circle.members]
    strangers = [m for m in people if circle.skill_id not in m.wants]
    return not strangers or (len(strangers) == 1 and circle.skill_id in strangers[0].offers)


def measure(grouping: Grouping, members: list[Member], forbidden: Iterable[tuple[int, int]] = (), *,
            separate_departments: bool = False) -> dict:
    """How good a grouping is: people placed (and placed in a circle that shares its skill), circles sharing one
    skill, with a facilitator, time-zone spread, mean size, boundaries crossed (pairs inside a circle that must never
    be matched)."""
    by_id = {m.person_id: m for m in members}
    never = {(min(a, b), max(a, b)) for a, b in forbidden}
    circles = grouping.circles
    crossed = 0
    for circle in circles:
        ids = sorted(circle.members)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                same = separate_departments and by_id[a].department and by_id[a].department == by_id[b].department
                crossed += (a, b) in never or bool(same)
    share = [c for c in circles if shares_skill(c, by_id)]
    n = len(circles) or 1
    return {
        "placed": sum(len(c.members) for c in circles) / (len(members) or 1),
        "placed_sharing": sum(len(c.members) for c in share) / (len(members) or 1),  # in a circle sharing its skill
        "circles": len(circles),
        "mean_size": sum(len(c.members) for c in circles) / n,
        "share_skill": len(share) / n,
        "facilitator": sum(1 for c in share if any(c.skill_id in by_id[p].offers for p in c.members)) / n,
        "spread_hours": sum(c.spread_hours for c in circles) / n,
        "crossed": crossed,
        "seconds": grouping.seconds,
    }
