"""6. Forming peer circles in a formal round of 5,000 people: the grouping against a naive one.

Pure and in memory (no database): the pool is drawn with the synthetic org's distributions
(`benchmarks/generate.py`: Zipf-popular skills over max(200, people/50) of them, each person offering 1..5 and
wanting 1..4 drawn by popularity, the same time zones and Zipf-sized departments), plus the boundaries a real
team has: a reporting line for everyone below their department's top (a manager one or more levels up in the
same department), private "don't suggest" lists (3% of people, one to three names) and a few program pairs.

Both groupings get the same pool: `bot.services.circle_grouping.group` (rarest skill first, time-zone runs,
facilitators, repair) and `naive` (sorted by first wanted skill, cut into runs of the size). Measured: people
placed, circles whose members all share a wanted skill (a facilitator may offer it instead), circles with a
facilitator, mean time-zone spread, mean size, boundaries crossed, and time.

    python -m benchmarks --only circles
    python -m benchmarks.circles            # the same, alone
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from itertools import accumulate

from benchmarks.generate import WORDS, ZONE_WEIGHTS, ZONES, _skill_name, _zipf_weights
from bot.services.circle_grouping import Member, group, measure, naive

PEOPLE = 5_000
SIZES = (3, 4, 6, 8)


def population(people: int = PEOPLE, *, seed: int = 12) -> tuple[list[Member], set[tuple[int, int]], dict[int, str]]:
    """(members, forbidden pairs, skill names): a formal round's pool drawn like `generate` draws an org."""
    rnd = random.Random(seed)
    n_skills = max(200, people // 50)
    names = {i: _skill_name(i) for i in range(n_skills)}
    skill_weights = list(accumulate(_zipf_weights(n_skills, 1.1)))
    n_depts = max(8, min(60, people // 200))
    depts = [f"{WORDS[i % len(WORDS)].capitalize()}{' ' + str(i // len(WORDS) + 1) if i >= len(WORDS) else ''}"
             for i in range(n_depts)]
    dept_of = rnd.choices(depts, _zipf_weights(n_depts, 0.9), k=people)
    level_of = rnd.choices(range(1, 11), [4, 10, 16, 18, 16, 12, 9, 7, 5, 3], k=people)
    zone_of = rnd.choices(ZONES, ZONE_WEIGHTS, k=people)
    members = []
    for n in range(people):
        offers = set(rnd.choices(range(n_skills), cum_weights=skill_weights, k=rnd.randint(1, 5)))
        wants = set(rnd.choices(range(n_skills), cum_weights=skill_weights, k=rnd.randint(1, 4))) - offers
        members.append(Member(n, frozenset(wants), frozenset(offers), zone_of[n][1], dept_of[n], f"Person {n:06d}"))
    forbidden: set[tuple[int, int]] = set()
    by_dept: dict[str, list[int]] = defaultdict(list)
    for n in range(people):
        by_dept[dept_of[n]].append(n)
    for ids in by_dept.values():  # a reporting line: someone more senior in the same department
        for n in ids:
            above = [m for m in ids if level_of[m] > level_of[n]]
            if above:
                manager = above[rnd.randrange(len(above))] if len(above) < 8 else rnd.choice(above[:8])
                forbidden.add((min(n, manager), max(n, manager)))
    for n in rnd.sample(range(people), people * 3 // 100):  # private lists
        for other in rnd.sample(range(people), rnd.randint(1, 3)):
            if other != n:
                forbidden.add((min(n, other), max(n, other)))
    for _ in range(20):  # the program's never-pair rules
        a, b = rnd.sample(range(people), 2)
        forbidden.add((min(a, b), max(a, b)))
    return members, forbidden, names


def _row(name: str, people: int, size: int, figures: dict) -> str:
    cells = [name, f"{people:,}", str(size), f"{figures['placed']:.1%}", f"{figures['placed_sharing']:.1%}",
             str(figures["circles"]), f"{figures['mean_size']:.2f}", f"{figures['share_skill']:.1%}",
             f"{figures['facilitator']:.1%}", f"{figures['spread_hours']:.2f}", str(figures["crossed"]),
             f"{figures['seconds']:.2f}"]
    return "| " + " | ".join(cells) + " |"


def bench_circles(log, pools: tuple[int, ...] = (PEOPLE, 500), sizes: tuple[int, ...] = SIZES) -> str:
    """The comparison as a Markdown table, one row per pool, circle size and grouping (a pool of 500, a channel's
    round, has far fewer people per skill: the harder case)."""
    lines = ["| grouping | people | size | placed | placed, sharing a skill | circles | mean size | share a skill | "
             "with facilitator | time-zone spread h | boundaries crossed | seconds |",
             "|" + " --- |" * 12]
    for people in pools:
        members, forbidden, names = population(people)
        log(f"circles: {people:,} people, {len(forbidden):,} boundary pairs")
        for size in sizes:
            for name, grouping in (("naive", naive(members, size)),
                                   ("circles", group(members, forbidden, size, skill_names=names))):
                lines.append(_row(name, people, size, measure(grouping, members, forbidden)))
                log(f"  {lines[-1]}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(bench_circles(lambda line: print(line, file=sys.stderr, flush=True)))
