"""The math of a formal round: score every mentor against every mentee, then the optimal capacity-constrained
assignment (and a greedy baseline to measure it against). Pure: no database, no Slack.

Scores are built as whole matrices (mentors x mentees) with numpy and scipy.sparse, so 5,000 people take well
under a second to score. The assignment is `scipy.optimize.linear_sum_assignment` over mentor *slots* (a mentor
of capacity 3 is three identical rows) against mentees, maximising the total score. A pair that is not
acceptable scores 0, and every acceptable pair scores more than 0, so the optimum of the full rectangular
assignment, without its zero pairs, is the optimum over acceptable pairs: a mentee no acceptable mentor has room
for stays unmatched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

# What a pair's score is made of (a pair must share a skill or a goal, and a mentor is never junior to the mentee)
SKILL_POINTS = 3.0  # per skill the mentor offers that the mentee wants, up to MAX_SKILLS_COUNTED
MAX_SKILLS_COUNTED = 3
GOAL_POINTS = 1.0  # per goal both have (career journey, knowledge gaps, experience gaps)
SAME_DEPARTMENT = 1.0
LEVEL_POINTS = {"above": 2.0, "far_above": 1.0, "same": 0.0}  # 1-3 levels above, more than 3 above, same level
WORKDAY_HOURS = 8.0
TIME_ZONE_POINTS = 1.0  # times the share of a working day the two have in common
UNKNOWN_TIME_ZONE = 0.5


@dataclass(frozen=True)
class Candidate:
    """What pairing needs to know about one person."""

    person_id: int
    offers: frozenset[int] = frozenset()  # skill ids
    wants: frozenset[int] = frozenset()
    goals: frozenset[str] = frozenset()
    department: str = ""
    level: int = 1
    tz_offset: int | None = None  # seconds east of UTC
    cross_department: bool = True


@dataclass
class Solution:
    pairs: list[tuple[int, int, float]]  # (mentor index, mentee index, score), best first
    total: float
    greedy_total: float
    unmatched: list[int]  # mentee indexes
    timings: dict[str, float] = field(default_factory=dict)  # seconds: score, optimal, greedy

    def summary(self) -> dict:
        return {
            "pairs": len(self.pairs), "unmatched": len(self.unmatched), "total": round(self.total, 3),
            "greedy_total": round(self.greedy_total, 3),
            "greedy_share": round(self.greedy_total / self.total, 4) if self.total else 1.0,
            "seconds": {k: round(v, 4) for k, v in self.timings.items()},
        }


def _incidence(sets: list[frozenset], vocabulary: dict) -> sparse.csr_matrix:
    """Rows: people; columns: the vocabulary; 1 where the person has the item."""
    indptr = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in sets], out=indptr[1:])
    indices = np.fromiter((vocabulary[item] for s in sets for item in s), dtype=np.int64, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    from scipy import sparse  # (imported by the first round, not at every start: half a second)

    return sparse.csr_matrix((data, indices, indptr), shape=(len(sets), max(1, len(vocabulary))))


def _overlap(left: list[frozenset], right: list[frozenset]) -> np.ndarray:
    """|left[i] & right[j]| for every i, j, as a dense matrix, from sparse incidence matrices."""
    vocabulary = {item: n for n, item in enumerate({x for s in (*left, *right) for x in s})}
    product = _incidence(left, vocabulary) @ _incidence(right, vocabulary).T
    return np.asarray(product.todense(), dtype=np.float32)


def _codes(values: list[str]) -> np.ndarray:
    _, inverse = np.unique(np.array(values + [""], dtype=object).astype(str), return_inverse=True)
    return inverse[: len(values)]


def score_matrix(mentors: list[Candidate], mentees: list[Candidate],
                 previous: set[tuple[int, int]] | None = None, *, separate: bool = False) -> np.ndarray:
    """Mentors x mentees scores; 0 where a pair is not acceptable (no shared skill or goal, mentor junior,
    a department rule, or the two were paired before or must never be: `previous` holds (person id, person id)
    in any order; `separate`: the program's "not within the same department" rule)."""
    m, n = len(mentors), len(mentees)
    if not m or not n:
        return np.zeros((m, n), dtype=np.float32)
    skills = _overlap([c.offers for c in mentors], [c.wants for c in mentees])
    goals = _overlap([c.goals for c in mentors], [c.goals for c in mentees])
    codes = _codes([c.department for c in mentors] + [c.department for c in mentees])
    same_dept = codes[:m, None] == codes[None, m:]
    cross = np.array([c.cross_department for c in mentors])[:, None] & np.array([c.cross_department for c in mentees])[None, :]
    gap = (np.array([c.level for c in mentors], dtype=np.int16)[:, None]
           - np.array([c.level for c in mentees], dtype=np.int16)[None, :])
    level = np.select([gap < 0, gap == 0, gap <= 3], [0.0, LEVEL_POINTS["same"], LEVEL_POINTS["above"]],
                      LEVEL_POINTS["far_above"]).astype(np.float32)
    tz_m = np.array([np.nan if c.tz_offset is None else c.tz_offset / 3600 for c in mentors], dtype=np.float32)
    tz_n = np.array([np.nan if c.tz_offset is None else c.tz_offset / 3600 for c in mentees], dtype=np.float32)
    apart = np.abs(tz_m[:, None] - tz_n[None, :])
    apart = np.minimum(apart, 24 - apart)
    shared = np.where(np.isnan(apart), UNKNOWN_TIME_ZONE, np.clip(WORKDAY_HOURS - apart, 0, None) / WORKDAY_HOURS)

    score = (SKILL_POINTS * np.minimum(skills, MAX_SKILLS_COUNTED) + GOAL_POINTS * goals
             + SAME_DEPARTMENT * same_dept + level + TIME_ZONE_POINTS * shared).astype(np.float32)
    acceptable = ((skills > 0) | (goals > 0)) & (gap >= 0) & (same_dept | cross)
    if separate:
        acceptable &= ~same_dept
    if previous:
        row = {c.person_id: i for i, c in enumerate(mentors)}
        col = {c.person_id: j for j, c in enumerate(mentees)}
        for a, b in previous:
            for x, y in ((a, b), (b, a)):
                if x in row and y in col:
                    acceptable[row[x], col[y]] = False
    return np.where(acceptable, score, 0.0).astype(np.float32)


def _slots(capacities: list[int]) -> np.ndarray:
    """Row i of the slot matrix belongs to mentor slot_owner[i]."""
    return np.repeat(np.arange(len(capacities)), np.maximum(np.asarray(capacities, dtype=np.int64), 0))


def optimal(scores: np.ndarray, capacities: list[int]) -> list[tuple[int, int, float]]:
    """The assignment maximising the total score, each mentor taking at most their capacity, each mentee one mentor."""
    if not scores.size:
        return []
    # A mentor never needs more slots than mentees they could take; a mentee nobody may take stays out.
    owners = _slots(np.minimum(np.asarray(capacities, dtype=np.int64), np.count_nonzero(scores, axis=1)))
    columns = np.flatnonzero(scores.any(axis=0))
    if not len(owners) or not len(columns):
        return []
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(scores[owners][:, columns], maximize=True)
    return [(int(owners[r]), int(columns[c]), float(scores[owners[r], columns[c]]))
            for r, c in zip(rows, cols) if scores[owners[r], columns[c]] > 0]


def greedy(scores: np.ndarray, capacities: list[int]) -> list[tuple[int, int, float]]:
    """The baseline: mentees in order of their best score, each taking their best mentor with room left."""
    left = np.asarray(capacities, dtype=np.int64).copy()
    pairs: list[tuple[int, int, float]] = []
    if not scores.size:
        return pairs
    for j in np.argsort(-scores.max(axis=0), kind="stable"):
        column = np.where(left > 0, scores[:, j], 0.0)
        i = int(np.argmax(column))
        if column[i] > 0:
            left[i] -= 1
            pairs.append((i, int(j), float(scores[i, j])))
    return pairs


def solve(mentors: list[Candidate], mentees: list[Candidate], capacities: list[int],
          previous: set[tuple[int, int]] | None = None, *, separate: bool = False) -> Solution:
    started = time.perf_counter()
    scores = score_matrix(mentors, mentees, previous, separate=separate)
    scored = time.perf_counter()
    pairs = sorted(optimal(scores, capacities), key=lambda p: -p[2])
    solved = time.perf_counter()
    baseline = greedy(scores, capacities)
    done = time.perf_counter()
    matched = {j for _, j, _ in pairs}
    return Solution(pairs=pairs, total=float(sum(s for _, _, s in pairs)), greedy_total=float(sum(s for _, _, s in baseline)),
                    unmatched=[j for j in range(len(mentees)) if j not in matched],
                    timings={"score": scored - started, "optimal": solved - scored, "greedy": done - solved})


def reason(mentor: Candidate, mentee: Candidate, skill_names: dict[int, str], mentee_name: str = "the mentee") -> str:
    """The pair's score in one line (the context box), for the admin and for the two people."""
    parts = []
    shared = sorted((skill_names.get(s, "?") for s in mentor.offers & mentee.wants), key=str.lower)
    if shared:
        parts.append(f"offers {', '.join(shared[:4])}{' and more' if len(shared) > 4 else ''}, which {mentee_name} wants")
    goals = sorted(mentor.goals & mentee.goals)
    if goals:
        parts.append(f"both look for {' and '.join(goals)}")
    if mentor.department and mentor.department == mentee.department:
        parts.append("same department")
    gap = mentor.level - mentee.level
    parts.append("same level" if gap == 0 else f"{gap} level{'s' if gap != 1 else ''} above")
    if mentor.tz_offset is not None and mentee.tz_offset is not None:
        apart = abs(mentor.tz_offset - mentee.tz_offset) / 3600
        apart = min(apart, 24 - apart)
        parts.append("same time zone" if apart == 0 else f"{max(0.0, WORKDAY_HOURS - apart):g} h of shared working day")
    return "; ".join(parts)
