"""Precomputed skill vectors for `/mentor find`: the ranking of bot/services/matching.py over arrays in memory.

Scoring every peer in SQL reads every person who shares a skill with me: with popular skills that is tens of
thousands of rows at 100,000 people, on every search. Instead each process keeps, per database and team:

* one slot per person with the columns ranking needs (status, department, level, time zone, capacity,
  cross-department, reverse mentoring) and their live-partnership load, as numpy arrays;
* per skill, the slots of the people who offer it and of those who want it (postings);
* a rank of (lower(name), id) for the tie-break.

A search adds up postings (`bincount`), scores the candidates with array arithmetic and picks one page.

Fresh, not eventually: before every search the index reads what changed, in the same transaction:
* people whose `updated_at` is within MARGIN of the newest one it has seen (a profile save, a pause or a
  leave touches `updated_at`), with their skills;
* partnerships that started (`started_at`) or ended (`ended_at`) within MARGIN of the newest such time it
  has seen: their two people's live partnerships are counted again;
* in the background (`warm`, every FULL_CHECK seconds, never in a search): people deleted, and a signature
  of all the team's live partnerships (how many, the sum of their ids) that recounts every load if it
  moved some other way.
MARGIN covers transactions that commit late and replicas whose clocks are a little apart; the watermarks
never run ahead of the clock. A smaller largest person id than seen before (people were deleted, or a test
emptied the tables) rebuilds the index. The first search of a process would build it (a few seconds at
100,000 people): `warm` does that in the background at start-up, and a search meanwhile waits BUSY_WAIT
at most, then says to try again.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.services import clock
from bot.services.errors import DomainError
from models import Partnership, Person, PersonSkill, Skill
from models.status import LIVE_PARTNERSHIP, PersonStatus, SkillKind

log = logging.getLogger("mentor_bot.match_index")

MARGIN = timedelta(minutes=2)
FULL_CHECK = 10.0  # seconds between the background checks (deleted people, the live-partnership signature)
LIVE = LIVE_PARTNERSHIP
WORKDAY_HOURS = 8
REVERSE_MIN_GAP = 2  # one level apart is a peer pair; from two levels, a junior teaching a senior is reverse mentoring
_CHUNK = 5000
_SLICE = 50_000  # rows read at a time when building
BUSY_WAIT = 2.0  # seconds a search waits for the index (being built) before it says "try again"


@dataclass(frozen=True)
class Query:
    """What one search asks for (ids of skills and people)."""

    me_id: int
    department_key: str
    level: int
    tz_offset: int | None
    cross_department: bool
    looking_for: frozenset[int]  # skills I want, plus skills named in the search
    my_offers: frozenset[int]
    word_skills: frozenset[int]  # skills named in the search: only people offering one of them
    excluded: frozenset[int]  # person ids never to suggest
    reverse: bool  # reverse mentoring is on for me


@dataclass
class Ranking:
    people: list[tuple[int, float]]  # (person id, score), best first: the page asked for
    total: int  # how many qualify
    my_load: int  # my live partnerships


class TeamIndex:
    """One team's people as arrays. Whoever reads or writes them holds `lock` (`check` takes it itself)."""

    _COLUMNS = (Person.id, Person.slack_user_id, Person.display_name, Person.department_key, Person.level,
                Person.tz_offset, Person.capacity, Person.cross_department, Person.reverse_mentoring, Person.status,
                Person.updated_at)

    def __init__(self, team_id: str):
        self.team_id = team_id
        self.lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.n = 0
        self.slot: dict[int, int] = {}
        self.ids = np.zeros(0, np.int64)
        self.active = np.zeros(0, bool)
        self.dept = np.zeros(0, np.int32)
        self.level = np.zeros(0, np.int16)
        self.tz = np.zeros(0, np.float64)
        self.capacity = np.zeros(0, np.int16)
        self.cross = np.zeros(0, bool)
        self.reverse = np.zeros(0, bool)
        self.load = np.zeros(0, np.int16)
        self.names: list[str | None] = []
        self.name_rank: np.ndarray | None = None
        self.dept_codes: dict[str, int] = {}
        self.postings: dict[str, dict[int, np.ndarray]] = {SkillKind.OFFER: {}, SkillKind.WANT: {}}
        # what each person offers / wants: as built (CSR: offsets by slot, skill ids), and as changed since
        self.base_skills: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.changed_skills: dict[tuple[int, str], frozenset[int]] = {}
        self.watermark: datetime | None = None  # the newest people.updated_at seen
        self.max_id = 0
        self.live_signature: tuple | None = None
        self.pair_watermark: datetime | None = None  # the newest partnerships.started_at or ended_at seen
        self.recent_people: dict[int, tuple] = {}  # rows read within the margin, as read
        self.recent_pairs: set[tuple] = set()
        self.gone: set[int] = set()  # deleted people whose slots are still here

    # -- keeping up with the database ------------------------------------------------------------
    def refresh(self, session: Session, now: datetime) -> None:
        if self.watermark is None:
            self._rebuild(session, session.scalar(select(func.max(Person.id))) or 0)
        if self.watermark is not None:  # (still None after building an empty team)
            window, max_id = self._window(session, now)
            if max_id < self.max_id:  # people were deleted (or the tables emptied): start again
                self._rebuild(session, max_id)
                if self.watermark is None:  # nobody in this team any more: nothing to look at until someone joins
                    return
                window, max_id = self._window(session, now)
            self.max_id = max_id
            rows = [r for r in window if self.recent_people.get(r.id) != tuple(r)]  # the margin's rows come every time
            if rows:  # (their load too: a person row may be new, or recreated under an id used before)
                self._apply_people(rows)
                self._apply_skills(session, [r.id for r in rows])
                self._count_load(session, [r.id for r in rows])
            self.watermark = max([self.watermark] + [r.updated_at for r in rows])
            self.recent_people = {r.id: tuple(r) for r in window if r.updated_at >= self.watermark - MARGIN}
        self._refresh_load(session, now)

    def _rebuild(self, session: Session, max_id: int) -> None:
        self._reset()
        self.max_id = max_id
        self._build(session)
        self._refresh_load(session, clock.now(), rebuilt=True)

    def _window(self, session: Session, now: datetime) -> tuple[list, int]:
        """People updated within MARGIN of the newest seen, and the largest person id: one round trip."""
        top = select(func.max(Person.id).label("max_id")).subquery("top")
        if self.watermark is None:  # (what min() would raise: refresh calls this once the index has a watermark)
            raise TypeError("the index has no watermark yet")
        since = min(self.watermark, now) - MARGIN
        rows = session.execute(select(top.c.max_id, *self._COLUMNS).select_from(top).outerjoin(
            Person, and_(Person.team_id == self.team_id, Person.updated_at >= since))).all()
        return [r for r in rows if r.id is not None], (rows[0].max_id or 0) if rows else 0

    def _refresh_load(self, session: Session, now: datetime, rebuilt: bool = False) -> None:
        """Live partnerships begin with `started_at` and end with `ended_at`: recount the people of those that
        did either lately. (`check`, every FULL_CHECK seconds in the background, catches any other change.)"""
        if rebuilt or self.pair_watermark is None:
            self._reload_load(session)
            self.live_signature = self._live_signature(session)
            newest = session.execute(select(func.max(Partnership.started_at), func.max(Partnership.ended_at))
                                     .where(Partnership.team_id == self.team_id)).one()
            self.pair_watermark = max((t for t in newest if t is not None), default=now)
            return
        since = min(self.pair_watermark, now) - MARGIN
        window: set[tuple] = {tuple(row) for row in session.execute(
            select(Partnership.id, Partnership.person_a_id, Partnership.person_b_id, Partnership.started_at,
                   Partnership.ended_at)
            .where(Partnership.team_id == self.team_id,
                   or_(Partnership.started_at >= since, Partnership.ended_at >= since)))}
        changed = window - self.recent_pairs
        if changed:
            self._count_load(session, list({pid for row in changed for pid in row[1:3]}))
            self.pair_watermark = max([self.pair_watermark] + [t for row in changed for t in row[3:] if t is not None])
        self.recent_pairs = window

    def _live_signature(self, session: Session) -> tuple:
        return tuple(session.execute(select(func.count(), func.coalesce(func.sum(Partnership.id), 0))
                                     .where(Partnership.team_id == self.team_id, Partnership.status.in_(LIVE))).one())

    def check(self, session: Session) -> None:
        """The slow checks, off the search path and mostly outside the lock: people deleted, and live
        partnerships changed some way that sets neither `started_at` nor `ended_at` (the signature: how
        many, and the sum of their ids)."""
        count = session.scalar(select(func.count()).select_from(Person).where(Person.team_id == self.team_id)) or 0
        signature = self._live_signature(session)
        with self.lock:
            if self.watermark is None:
                return
            people_gone = count < self.n - len(self.gone)
            load_moved = signature != self.live_signature
        if people_gone:
            present = set(session.scalars(select(Person.id).where(Person.team_id == self.team_id)))
            with self.lock:
                self.forget([pid for pid in self.slot if pid not in present])
        if load_moved:
            with self.lock:
                self._reload_load(session)
                self.live_signature = signature

    def forget(self, person_ids: list[int]) -> None:
        """These people are gone: never suggest them (their slot stays until a rebuild)."""
        for pid in person_ids:
            if pid in self.slot:
                self.active[self.slot[pid]] = False
                self.gone.add(pid)

    def shared(self, session: Session, person_ids: list[int], looking_for: frozenset[int], my_offers: frozenset[int]
               ) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
        """For these people, the names of what they offer that I look for and of what they want that I offer."""
        found = {pid: (self._skills_of(self.slot[pid], SkillKind.OFFER) & looking_for,
                       self._skills_of(self.slot[pid], SkillKind.WANT) & my_offers)
                 for pid in person_ids if pid in self.slot}
        wanted = {k for they, you in found.values() for k in they | you}
        known = dict(session.execute(select(Skill.id, Skill.name).where(Skill.id.in_(wanted))).all()) if wanted else {}

        def names(ids: frozenset[int]) -> list[str]:
            return sorted((known[k] for k in ids if k in known), key=str.lower)

        return ({pid: names(they) for pid, (they, _) in found.items() if they},
                {pid: names(you) for pid, (_, you) in found.items() if you})

    def _count_load(self, session: Session, person_ids: list[int]) -> None:
        """These people's live partnerships, counted now."""
        counts = dict.fromkeys(person_ids, 0)
        for i in range(0, len(person_ids), _CHUNK):
            chunk = person_ids[i:i + _CHUNK]
            # status is checked here, not in SQL: so both sides are read from their person index
            for a, b, status in session.execute(select(Partnership.person_a_id, Partnership.person_b_id, Partnership.status)
                                                .where(or_(Partnership.person_a_id.in_(chunk),
                                                           Partnership.person_b_id.in_(chunk)))):
                for pid in (a, b):
                    if pid in counts and status in LIVE:
                        counts[pid] += 1
        for pid, n in counts.items():
            if pid in self.slot:
                self.load[self.slot[pid]] = n

    def _grow(self, n: int) -> None:
        if n <= len(self.ids):
            return
        size = max(n, 2 * len(self.ids), 64)
        for name in ("ids", "active", "dept", "level", "tz", "capacity", "cross", "reverse", "load"):
            old = getattr(self, name)
            new = np.zeros(size, old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def _apply_people(self, rows) -> None:
        """Write these people's columns into their slots (new people get a new slot)."""
        self._grow(self.n + len(rows))
        for r in rows:
            s = self.slot.get(r.id)
            if s is None:
                s = self.slot[r.id] = self.n
                self.n += 1
                self.names.append(None)
            name = (r.display_name or "").lower()
            if self.names[s] != name:
                self.names[s] = name
                self.name_rank = None
            self.ids[s] = r.id
            self.active[s] = r.status == PersonStatus.ACTIVE
            self.gone.discard(r.id)
            self.dept[s] = self.dept_codes.setdefault(r.department_key, len(self.dept_codes))
            self.level[s] = r.level
            self.tz[s] = np.nan if r.tz_offset is None else r.tz_offset
            self.capacity[s] = r.capacity
            self.cross[s] = bool(r.cross_department)
            self.reverse[s] = bool(r.reverse_mentoring)

    def _build(self, session: Session) -> None:
        """Everyone at once, column by column (a second or two at 100,000 people)."""
        self.watermark = session.scalar(select(func.max(Person.updated_at)).where(Person.team_id == self.team_id))
        rows = session.connection().execute(select(*self._COLUMNS[:-1]).where(Person.team_id == self.team_id)).all()
        if not rows:
            return
        n = self.n = len(rows)
        self._grow(n)
        ids, _users, names, dept_keys, levels, tzs, capacities, crosses, reverses, statuses = zip(*rows)
        self.slot = dict(zip(ids, range(n)))
        self.ids[:n], self.names = ids, [(name or "").lower() for name in names]
        self.active[:n] = [status == PersonStatus.ACTIVE for status in statuses]
        self.dept[:n] = [self.dept_codes.setdefault(key, len(self.dept_codes)) for key in dept_keys]
        self.level[:n], self.capacity[:n], self.cross[:n], self.reverse[:n] = levels, capacities, crosses, reverses
        self.tz[:n] = [np.nan if tz is None else tz for tz in tzs]
        # Half a million rows at 100,000 people: read and turned into arrays a slice at a time (peak memory)
        person_ids, skill_ids, offers = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, bool)]
        result = session.connection().execution_options(yield_per=_SLICE).execute(
            select(PersonSkill.person_id, PersonSkill.skill_id, PersonSkill.kind)
            .join(Person, Person.id == PersonSkill.person_id).where(Person.team_id == self.team_id))
        for part in result.partitions():
            pids, sids, kinds = zip(*part)
            person_ids.append(np.array(pids, np.int64))
            skill_ids.append(np.array(sids, np.int64))
            offers.append(np.array(kinds) == SkillKind.OFFER.value)
        by_id = np.argsort(self.ids[:n])
        slots = by_id[np.searchsorted(self.ids[:n][by_id], np.concatenate(person_ids))].astype(np.int32)
        all_skill_ids, offer = np.concatenate(skill_ids), np.concatenate(offers)
        for kind, mask in ((SkillKind.OFFER, offer), (SkillKind.WANT, ~offer)):
            slot_k, skill_k = slots[mask], all_skill_ids[mask]
            order = np.argsort(skill_k, kind="stable")
            skill_sorted, slot_sorted = skill_k[order], slot_k[order]
            first, starts = np.unique(skill_sorted, return_index=True)
            ends = np.append(starts[1:], len(skill_sorted))
            self.postings[kind] = {int(k): slot_sorted[a:b] for k, a, b in zip(first, starts, ends)}
            order = np.argsort(slot_k, kind="stable")  # and per person: what they offer / want, for later changes
            self.base_skills[kind] = (np.searchsorted(slot_k[order], np.arange(n + 1)), skill_k[order])
        self._ranks()

    def _skills_of(self, s: int, kind: str) -> frozenset[int]:
        if (s, kind) in self.changed_skills:
            return self.changed_skills[(s, kind)]
        indptr, skills = self.base_skills[kind]
        return frozenset(skills[indptr[s]:indptr[s + 1]].tolist()) if s + 1 < len(indptr) else frozenset()

    def _apply_skills(self, session: Session, person_ids: list[int]) -> None:
        """Move these people's slots in and out of the skills' postings to match what they list now."""
        now: dict[tuple[int, str], set[int]] = {}
        for i in range(0, len(person_ids), _CHUNK):
            for pid, skill_id, kind in session.execute(
                    select(PersonSkill.person_id, PersonSkill.skill_id, PersonSkill.kind)
                    .where(PersonSkill.person_id.in_(person_ids[i:i + _CHUNK]))):
                now.setdefault((pid, kind), set()).add(skill_id)
        for pid in person_ids:
            s = self.slot[pid]
            for kind in (SkillKind.OFFER, SkillKind.WANT):
                old, new = self._skills_of(s, kind), frozenset(now.get((pid, kind), ()))
                postings = self.postings[kind]
                for skill in old - new:
                    postings[skill] = postings[skill][postings[skill] != s]
                for skill in new - old:
                    postings[skill] = np.append(postings.get(skill, np.zeros(0, np.int32)), np.int32(s))
                self.changed_skills[(s, kind)] = new

    def _reload_load(self, session: Session) -> None:
        load = np.zeros(self.n, np.int64)
        pairs = session.connection().execute(select(Partnership.person_a_id, Partnership.person_b_id)
                                             .where(Partnership.team_id == self.team_id, Partnership.status.in_(LIVE))).all()
        slots = [self.slot[pid] for pair in pairs for pid in pair if pid in self.slot]
        if slots:
            load = np.bincount(np.array(slots, np.int64), minlength=self.n)
        self.load[: self.n] = load[: self.n]

    def _ranks(self) -> np.ndarray:
        if self.name_rank is None or len(self.name_rank) < self.n:
            order = sorted(range(self.n), key=lambda s: (self.names[s], int(self.ids[s])))
            self.name_rank = np.empty(self.n, np.int64)
            self.name_rank[np.array(order, np.int64)] = np.arange(self.n)
        return self.name_rank

    # -- ranking ------------------------------------------------------------------------------------
    def _hits(self, kind: str, skills: frozenset[int]) -> np.ndarray:
        arrays = [self.postings[kind][s] for s in skills if s in self.postings[kind]]
        if not arrays:
            return np.zeros(self.n, np.int64)
        return np.bincount(np.concatenate(arrays), minlength=self.n)[: self.n]

    def rank(self, q: Query, start: int, count: int) -> Ranking:
        """Positions start..start+count of the ranking, with scores, how many qualify and my load.

        The score (reciprocal pairs get 1000 so they always come first): 10 per shared skill each way (3
        at most count each way), 15 per skill named in the search, 8 for the same department, the level
        rule (same 6, one apart 4, else -2 per level; a reverse pair instead 8 + 2 per level), and half the
        hours of shared working day. Ties go by name (case-folded), then id."""
        n = self.n
        gives, gets, boost = self._hits(SkillKind.OFFER, q.looking_for), self._hits(SkillKind.WANT, q.my_offers), \
            self._hits(SkillKind.OFFER, q.word_skills)
        candidate = (gives > 0) | (gets > 0)
        if q.word_skills:
            candidate &= boost > 0
        same = self.dept[:n] == self.dept_codes.get(q.department_key, -1)
        candidate &= self.active[:n] & (self.load[:n] < self.capacity[:n]) & (same | (self.cross[:n] & q.cross_department))
        for pid in (q.me_id, *q.excluded):
            s = self.slot.get(pid)
            if s is not None:
                candidate[s] = False
        idx = np.flatnonzero(candidate)
        total = len(idx)
        my_load = int(self.load[self.slot[q.me_id]]) if q.me_id in self.slot else 0
        if total <= start:
            return Ranking([], total, my_load)
        g, w, b = gives[idx], gets[idx], boost[idx]
        level = self.level[idx].astype(np.int64)
        gap = np.abs(level - q.level)
        level_rule = np.where(gap == 0, 6, np.where(gap == 1, 4, -2 * gap))
        if q.reverse:
            turned = (self.reverse[idx] & (gap >= REVERSE_MIN_GAP)
                      & (((level < q.level) & (g > 0)) | ((level > q.level) & (w > 0))))
            level_rule = np.where(turned, 8 + 2 * gap, level_rule)
        score = (np.where((g > 0) & (w > 0), 1000, 0) + 10 * (np.minimum(g, 3) + np.minimum(w, 3)) + 15 * b
                 + np.where(same[idx], 8, 0) + level_rule).astype(np.float64)
        if q.tz_offset is not None:
            apart = np.abs(self.tz[idx] - q.tz_offset) / 3600.0
            around = np.where(apart >= 24, apart - 24, np.where(apart > 12, 24 - apart, apart))
            score += np.nan_to_num(np.where(around < WORKDAY_HOURS, WORKDAY_HOURS - around, 0) / 2, nan=0.0)
        wanted = start + count
        if total > wanted:  # only the best `wanted` (and everyone tied with the last of them) get sorted
            cut = -np.partition(-score, wanted - 1)[wanted - 1]
            keep = score >= cut
            idx, score = idx[keep], score[keep]
        order = np.lexsort((self._ranks()[idx], -score))[start:wanted]
        return Ranking([(int(self.ids[idx[i]]), float(score[i])) for i in order], total, my_load)


_indexes: dict[tuple[str, str], TeamIndex] = {}
_checked_urls: set[str] = set()  # databases whose indexes a background thread checks
_registry_lock = threading.Lock()


def _index(session: Session, team_id: str) -> TeamIndex:
    key = (str(session.get_bind().engine.url), team_id)
    with _registry_lock:
        index = _indexes.get(key)
        if index is None:
            index = _indexes[key] = TeamIndex(team_id)
        return index


def rank(session: Session, team_id: str, query: Query, start: int, count: int) -> Ranking:
    """The ranking for `query` (see TeamIndex.rank), on the index brought up to date in this transaction.
    While the index is being built (the first seconds after a start) the search says so rather than make
    Slack wait past its 3 seconds."""
    index = _index(session, team_id)
    if not index.lock.acquire(timeout=BUSY_WAIT):
        raise DomainError("Search is getting ready after a restart: please try again in a few seconds.")
    try:
        index.refresh(session, clock.now())
        return index.rank(query, start, count)
    finally:
        index.lock.release()


def shared_skills(session: Session, team_id: str, person_ids: list[int], looking_for: frozenset[int],
                  my_offers: frozenset[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """See TeamIndex.shared (as of the index's last refresh: this search's)."""
    index = _index(session, team_id)
    with index.lock:
        return index.shared(session, person_ids, looking_for, my_offers)


def forget(session: Session, team_id: str, person_ids: list[int]) -> None:
    """People a search ranked but found gone (deleted since): never suggest them again."""
    index = _index(session, team_id)
    with index.lock:
        index.forget(person_ids)


def warm(db) -> None:
    """Build every team's index now (start-up, in the background), so no search waits for it; then, every
    FULL_CHECK seconds, run each index's slow checks here rather than in a search."""
    try:
        with db.uow() as session:
            team_ids = list(session.scalars(select(Person.team_id).distinct()))
    except Exception:  # no database yet, or no schema: a search will build it
        log.warning("match index: not warmed (the database did not answer)")
        team_ids = []
    for team_id in team_ids:
        try:
            started = time.monotonic()
            with db.uow() as session:
                index = _index(session, team_id)
                with index.lock:
                    index.refresh(session, clock.now())
            log.info("match index: %s ready in %.1f s (%d people)", team_id, time.monotonic() - started, index.n)
        except Exception:  # a search will build it then
            log.exception("match index: warming %s failed", team_id)
    url = str(db.engine.url)
    with _registry_lock:
        if url in _checked_urls:  # another app on this database (tests build several) runs the checks already
            return
        _checked_urls.add(url)
    while True:
        time.sleep(FULL_CHECK)
        with _registry_lock:
            indexes = [index for (key_url, _team), index in _indexes.items() if key_url == url]
        for index in indexes:
            try:
                with db.uow() as session:
                    index.check(session)
            except Exception:  # the database is away for a moment: the next round tries again
                log.warning("match index: the check of %s failed", index.team_id, exc_info=True)


def reset() -> None:
    """Forget every index of this process, as a new process would start (a test that empties the tables between
    scenarios calls this: ids are reused then, which never happens in a running program). Nothing in the bot does."""
    with _registry_lock:
        _indexes.clear()
