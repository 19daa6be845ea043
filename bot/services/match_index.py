"""Precomputed skill vectors for `/mentor find`: the ranking of bot/services/matching.py over arrays in memory.

Scoring every peer in SQL reads every person who shares a skill with me: with popular skills that is tens of
thousands of rows at 100,000 people, on every search. Instead each process keeps, per database and team:

* one slot per person with the columns ranking needs (status, department, level, time zone, capacity,
  cross-department, reverse mentoring) and their live-partnership load, as numpy arrays; a person's slot is
  found by binary search over the ids (no Python object per person: about 135 bytes a person in all);
* per skill, the slots of the people who offer it and of those who want it (postings);
* the slots in (lower(name), id) order for the tie-break, and a hash of each name to notice a change (no
  names: a newcomer or a new name is placed by a binary search that reads the names it compares with).

The process that builds an index saves it to `find_snapshots` (arrays, no names); a process that starts
later loads it and catches up like any search does (below), so it is ready in about a second instead of
reading everyone. A snapshot older than SNAPSHOT_MAX_AGE is rebuilt; one is dropped when someone leaves
(their data may be deleted) or when it holds more people than the team has. `mentor-bot serve` has a team
without a fresh snapshot built by a short-lived process of its own (app/index_build.py, through `load_all`'s
`build_elsewhere`), so that no serving process keeps the peak memory of a build; tests build in-process.

A search counts the postings of the skills involved into scratch arrays kept with the index, narrows the slots
with a few boolean passes, sums the score's whole-number part in small integers and works out the exact score
(the shared working day) only for the people within reach of the page (`TeamIndex.rank`).

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

import ctypes
import io
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import numpy as np
from sqlalchemy import Integer, String, and_, delete, func, insert, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.db import Prepared, param
from bot.services import clock
from bot.services.errors import DomainError
from models import FindSnapshot, Partnership, Person, PersonSkill, Skill
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
SNAPSHOT_FORMAT = 1
SNAPSHOT_MAX_AGE = timedelta(days=1)  # an older snapshot is rebuilt (loading it would still be correct, only slower)
_ARRAYS = ("ids", "active", "dept", "level", "tz", "capacity", "cross", "reverse", "load")


def _hash(name: str) -> int:
    """A name's hash, never 0 (0: not known). Python's string hash differs per process: it is never saved."""
    return (hash(name) & 0xFFFFFFFFFFFFFFFF) or 1


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
    separate: bool = False  # the program's "never within the same department" rule holds
    circles: tuple[tuple[int, int], ...] = ()  # (person id, open peer circles): each takes a place, as a partnership does


@dataclass
class Ranking:
    people: list[tuple[int, float]]  # (person id, score), best first: the page asked for
    total: int  # how many qualify
    my_load: int  # my live partnerships and open peer circles


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
        self._counters: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # rank's scratch (uint8: 15 skills at most)
        self._open: np.ndarray | None = None  # active and with a place free (see _open_mask): None after any change
        self.sorted_n = 0  # ids[:sorted_n] ascend (found by binary search); later slots out of order are in `extra`
        self.extra: dict[int, int] = {}
        self.ids = np.zeros(0, np.int64)
        self.active = np.zeros(0, bool)
        self.dept = np.zeros(0, np.int32)
        self.level = np.zeros(0, np.int16)
        self.tz = np.zeros(0, np.float32)
        self.capacity = np.zeros(0, np.int16)
        self.cross = np.zeros(0, bool)
        self.reverse = np.zeros(0, bool)
        self.load = np.zeros(0, np.int16)
        self.name_hash = np.zeros(0, np.uint64)  # of each lower(name), to notice a change (0: not known)
        self.order = np.zeros(0, np.int32)  # slots by (lower(name), id): the tie-break
        self.name_rank = np.zeros(0, np.int32)  # each slot's place in `order`
        self.built_at: datetime | None = None  # when this process built it (for its snapshot)
        self.packed: bytes | None = None  # the snapshot of this build, until load_all saves it
        self.save_next_build = getattr(self, "save_next_build", False)
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

    # -- slots: a person's place in the arrays ------------------------------------------------------
    def slot_of(self, person_id: int) -> int | None:
        """The person's slot, or None if the index has never seen them."""
        i = int(np.searchsorted(self.ids[: self.sorted_n], person_id))
        if i < self.sorted_n and self.ids[i] == person_id:
            return i
        return self.extra.get(person_id)

    def slots_of(self, person_ids) -> np.ndarray:
        """Slots of many people at once (-1 for anyone unknown)."""
        pids = np.asarray(person_ids, np.int64)
        found = np.full(len(pids), -1, np.int64)
        if self.sorted_n:
            base = self.ids[: self.sorted_n]
            i = np.minimum(np.searchsorted(base, pids), self.sorted_n - 1)
            hit = base[i] == pids
            found[hit] = i[hit]
        if self.extra:
            for k in np.flatnonzero(found < 0):
                found[k] = self.extra.get(int(pids[k]), -1)
        return found

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
                self._apply_people(session, rows)
                self._apply_skills(session, [r.id for r in rows])
                self._count_load(session, [r.id for r in rows])
                if any(r.status == PersonStatus.LEFT for r in rows):  # (maybe with their data deleted)
                    session.execute(delete(FindSnapshot).where(FindSnapshot.team_id == self.team_id))
            self.watermark = max([self.watermark] + [r.updated_at for r in rows])
            self.recent_people = {r.id: tuple(r) for r in window if r.updated_at >= self.watermark - MARGIN}
        self._refresh_load(session, now)

    def _rebuild(self, session: Session, max_id: int) -> None:
        self._reset()
        self.max_id = max_id
        self._build(session)
        self._refresh_load(session, clock.now(), rebuilt=True)
        if self.save_next_build:  # packed now, as built; saved by load_all after the transaction
            self.built_at = clock.now()
            self.packed = self.pack()

    # -- the snapshot: the index as arrays in the database -------------------------------------------
    def pack(self) -> bytes | None:
        """The index as it was built (None once it has changed since: only a fresh build is saved)."""
        if self.watermark is None or self.changed_skills or self.gone or self.extra:
            return None
        n = self.n
        arrays = {name: getattr(self, name)[:n] for name in _ARRAYS}
        arrays.update(order=self.order, name_rank=self.name_rank)  # (no names: a change of one is noticed on load)
        for kind in (SkillKind.OFFER, SkillKind.WANT):
            keys = sorted(self.postings[kind])
            arrays[f"{kind}_keys"] = np.array(keys, np.int64)
            arrays[f"{kind}_sizes"] = np.array([len(self.postings[kind][k]) for k in keys], np.int64)
            arrays[f"{kind}_slots"] = (np.concatenate([self.postings[kind][k] for k in keys]) if keys
                                       else np.zeros(0, np.int32))
            arrays[f"{kind}_indptr"], arrays[f"{kind}_skills"] = self.base_skills[kind]
        meta = {"dept_codes": self.dept_codes, "watermark": self.watermark.isoformat(), "max_id": self.max_id,
                "live_signature": list(self.live_signature or ()), "sorted_n": self.sorted_n,
                "pair_watermark": self.pair_watermark.isoformat() if self.pair_watermark else None}
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
        out = io.BytesIO()
        np.savez(out, **arrays)
        return out.getvalue()

    def unpack(self, data: bytes) -> None:
        """The index as a snapshot saved it: what changed since comes with the next refresh."""
        self._reset()
        with np.load(io.BytesIO(data)) as z:
            meta = json.loads(z["meta"].tobytes())
            n = self.n = len(z["ids"])
            self._grow(n)
            for name in _ARRAYS:
                getattr(self, name)[:n] = z[name]
            self.order, self.name_rank = z["order"], z["name_rank"]  # (name_hash stays 0: the catch-up places anew)
            for kind in (SkillKind.OFFER, SkillKind.WANT):
                keys, sizes, slots = z[f"{kind}_keys"], z[f"{kind}_sizes"], z[f"{kind}_slots"]
                ends = np.cumsum(sizes)
                self.postings[kind] = {int(k): slots[e - size:e] for k, size, e in zip(keys, sizes, ends)}
                self.base_skills[kind] = (z[f"{kind}_indptr"], z[f"{kind}_skills"])
        self.dept_codes, self.max_id, self.sorted_n = meta["dept_codes"], meta["max_id"], meta["sorted_n"]
        self.watermark = datetime.fromisoformat(meta["watermark"])
        self.live_signature = tuple(meta["live_signature"])
        self.pair_watermark = datetime.fromisoformat(meta["pair_watermark"]) if meta["pair_watermark"] else None

    def _window(self, session: Session, now: datetime) -> tuple[list, int]:
        """People updated within MARGIN of the newest seen, and the largest person id: one round trip."""
        if self.watermark is None:  # (what min() would raise: refresh calls this once the index has a watermark)
            raise TypeError("the index has no watermark yet")
        rows = _WINDOW.rows(session, team=self.team_id, since=min(self.watermark, now) - MARGIN)
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
        window: set[tuple] = {tuple(row) for row in _PAIRS_WINDOW.rows(session, team=self.team_id,
                                                                       since=min(self.pair_watermark, now) - MARGIN)}
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
        # fewer people than a saved snapshot holds: someone deleted their data, no saved copy keeps their row
        saved = session.scalar(select(FindSnapshot.people).where(FindSnapshot.team_id == self.team_id))
        if saved is not None and saved > count:  # (read first: a write every few seconds would lock SQLite)
            session.execute(delete(FindSnapshot).where(FindSnapshot.team_id == self.team_id))
        with self.lock:
            if self.watermark is None:
                return
            people_gone = count < self.n - len(self.gone)
            load_moved = signature != self.live_signature
        if people_gone:
            present = np.fromiter(session.scalars(select(Person.id).where(Person.team_id == self.team_id)), np.int64)
            with self.lock:
                ids = self.ids[: self.n]
                self.forget(ids[~np.isin(ids, present)].tolist())
            # someone deleted their data: no saved copy keeps their row (the next start builds anew)
            session.execute(delete(FindSnapshot).where(FindSnapshot.team_id == self.team_id))
        if load_moved:
            with self.lock:
                self._reload_load(session)
                self.live_signature = signature

    def forget(self, person_ids: list[int]) -> None:
        """These people are gone: never suggest them (their slot stays until a rebuild)."""
        self._open = None
        for pid in person_ids:
            s = self.slot_of(pid)
            if s is not None:
                self.active[s] = False
                self.gone.add(pid)

    def shared(self, session: Session, person_ids: list[int], looking_for: frozenset[int], my_offers: frozenset[int]
               ) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
        """For these people, the names of what they offer that I look for and of what they want that I offer."""
        slots = {pid: self.slot_of(pid) for pid in person_ids}
        found = {pid: (self._skills_of(s, SkillKind.OFFER) & looking_for, self._skills_of(s, SkillKind.WANT) & my_offers)
                 for pid, s in slots.items() if s is not None}
        wanted = {k for they, you in found.values() for k in they | you}
        known = dict(_skill_names(session, sorted(wanted))) if wanted else {}

        def names(ids: frozenset[int]) -> list[str]:
            return sorted((known[k] for k in ids if k in known), key=str.lower)

        return ({pid: names(they) for pid, (they, _) in found.items() if they},
                {pid: names(you) for pid, (_, you) in found.items() if you})

    def _count_load(self, session: Session, person_ids: list[int]) -> None:
        """These people's live partnerships, counted now."""
        self._open = None
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
            s = self.slot_of(pid)
            if s is not None:
                self.load[s] = n

    def _grow(self, n: int) -> None:
        self._open = None
        if n <= len(self.ids):
            return
        size = max(n, 2 * len(self.ids), 64)
        for name in (*_ARRAYS, "name_hash"):
            old = getattr(self, name)
            new = np.zeros(size, old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def _apply_people(self, session: Session, rows) -> None:
        """Write these people's columns into their slots (new people get a new slot)."""
        self._open = None
        self._grow(self.n + sum(1 for r in rows if self.slot_of(r.id) is None))
        renamed = []
        for r in sorted(rows, key=lambda r: r.id):
            s = self.slot_of(r.id)
            if s is None:
                s = self.n
                self.n += 1
                if self.sorted_n == s and (s == 0 or r.id > self.ids[s - 1]):
                    self.sorted_n += 1  # (ids keep ascending: found by binary search)
                else:
                    self.extra[r.id] = s
                self.order = np.append(self.order, np.int32(s))
                self.name_rank = np.append(self.name_rank, np.int32(len(self.order) - 1))
            self.ids[s] = r.id
            name = (r.display_name or "").lower()
            if self.name_hash[s] != _hash(name):
                renamed.append((s, name))
            self.active[s] = r.status == PersonStatus.ACTIVE
            self.gone.discard(r.id)
            self.dept[s] = self.dept_codes.setdefault(r.department_key, len(self.dept_codes))
            self.level[s] = r.level
            self.tz[s] = np.nan if r.tz_offset is None else r.tz_offset
            self.capacity[s] = r.capacity
            self.cross[s] = bool(r.cross_department)
            self.reverse[s] = bool(r.reverse_mentoring)
        if renamed:
            self._place(session, renamed)

    def _place(self, session: Session, renamed: list[tuple[int, str]]) -> None:
        """Move these slots to where (name, id) sorts among everyone: a binary search over `order` each, reading
        the names it compares with (the index keeps no names: only a hash of each, to notice a change)."""
        moving = np.array([s for s, _ in renamed], np.int64)
        order = self.order[~np.isin(self.order, moving)]
        known: dict[int, str] = {}

        def name_of(slot: int) -> str:
            if slot not in known:
                known[slot] = (session.scalar(select(Person.display_name).where(Person.id == int(self.ids[slot])))
                               or "").lower()
            return known[slot]

        for s, name in sorted(renamed, key=lambda sn: (sn[1], int(self.ids[sn[0]]))):
            key = (name, int(self.ids[s]))
            lo, hi = 0, len(order)
            while lo < hi:
                mid = (lo + hi) // 2
                other = int(order[mid])
                if (name_of(other), int(self.ids[other])) < key:
                    lo = mid + 1
                else:
                    hi = mid
            order = np.insert(order, lo, np.int32(s))
            known[s] = name
            self.name_hash[s] = _hash(name)
        self.order = order.astype(np.int32)
        self.name_rank[self.order] = np.arange(len(self.order), dtype=np.int32)

    def _build(self, session: Session) -> None:
        """Everyone at once, column by column, a slice of rows at a time (a second or two at 100,000 people; the
        rows never all exist as Python objects at once)."""
        self._open = None
        self.watermark = session.scalar(select(func.max(Person.updated_at)).where(Person.team_id == self.team_id))
        # (streamed: the option on the statement, not on the session's connection, which would stream every later
        # statement of this transaction too, and PostgreSQL has no cursor for a DELETE)
        result = session.connection().execute(
            select(Person.id, Person.display_name, Person.department_key, Person.level, Person.tz_offset,
                   Person.capacity, Person.cross_department, Person.reverse_mentoring, Person.status)
            .where(Person.team_id == self.team_id).order_by(Person.id).execution_options(yield_per=_SLICE))
        names: list[str] = []
        for part in result.partitions():
            ids, part_names, dept_keys, levels, tzs, capacities, crosses, reverses, statuses = zip(*part)
            a, b = self.n, self.n + len(part)
            self._grow(b)
            self.ids[a:b], self.level[a:b], self.capacity[a:b] = ids, levels, capacities
            self.cross[a:b], self.reverse[a:b] = crosses, reverses
            self.active[a:b] = [status == PersonStatus.ACTIVE for status in statuses]
            self.dept[a:b] = [self.dept_codes.setdefault(key, len(self.dept_codes)) for key in dept_keys]
            self.tz[a:b] = [np.nan if tz is None else tz for tz in tzs]
            lowered = [(name or "").lower() for name in part_names]
            self.name_hash[a:b] = [_hash(name) for name in lowered]
            names += lowered
            self.n = self.sorted_n = b
        if not self.n:
            return
        n = self.n
        # by name, then id: the rows came by id and the sort is stable
        self.order = np.array(sorted(range(n), key=names.__getitem__), np.int32)
        del names
        self.name_rank = np.empty(n, np.int32)
        self.name_rank[self.order] = np.arange(n)
        # Half a million rows at 100,000 people: read and turned into arrays a slice at a time (peak memory)
        person_ids, skill_ids, offers = [np.zeros(0, np.int64)], [np.zeros(0, np.int32)], [np.zeros(0, bool)]
        result = session.connection().execute(
            select(PersonSkill.person_id, PersonSkill.skill_id, PersonSkill.kind)
            .join(Person, Person.id == PersonSkill.person_id).where(Person.team_id == self.team_id)
            .execution_options(yield_per=_SLICE))
        for part in result.partitions():
            pids, sids, kinds = zip(*part)
            person_ids.append(np.array(pids, np.int64))
            skill_ids.append(np.array(sids, np.int32))
            offers.append(np.array(kinds) == SkillKind.OFFER.value)
        slots = np.searchsorted(self.ids[:n], np.concatenate(person_ids)).astype(np.int32)
        all_skill_ids, offer = np.concatenate(skill_ids), np.concatenate(offers)
        del person_ids, skill_ids, offers
        for kind, mask in ((SkillKind.OFFER, offer), (SkillKind.WANT, ~offer)):
            slot_k, skill_k = slots[mask], all_skill_ids[mask]
            order = np.argsort(skill_k, kind="stable")
            skill_sorted, slot_sorted = skill_k[order], slot_k[order]
            first, starts = np.unique(skill_sorted, return_index=True)
            ends = np.append(starts[1:], len(skill_sorted))
            self.postings[kind] = {int(k): slot_sorted[a:b] for k, a, b in zip(first, starts, ends)}
            order = np.argsort(slot_k, kind="stable")  # and per person: what they offer / want, for later changes
            self.base_skills[kind] = (np.searchsorted(slot_k[order], np.arange(n + 1)).astype(np.int32), skill_k[order])

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
            s = self.slot_of(pid)
            if s is None:
                continue
            for kind in (SkillKind.OFFER, SkillKind.WANT):
                old, new = self._skills_of(s, kind), frozenset(now.get((pid, kind), ()))
                postings = self.postings[kind]
                for skill in old - new:
                    postings[skill] = postings[skill][postings[skill] != s]
                for skill in new - old:
                    postings[skill] = np.append(postings.get(skill, np.zeros(0, np.int32)), np.int32(s))
                self.changed_skills[(s, kind)] = new

    def _reload_load(self, session: Session) -> None:
        self._open = None
        load = np.zeros(self.n, np.int64)
        pairs = session.connection().execute(select(Partnership.person_a_id, Partnership.person_b_id)
                                             .where(Partnership.team_id == self.team_id, Partnership.status.in_(LIVE))).all()
        if pairs:
            slots = self.slots_of(np.array(pairs, np.int64).ravel())
            load = np.bincount(slots[slots >= 0], minlength=self.n)
        self.load[: self.n] = load[: self.n]

    # -- ranking ------------------------------------------------------------------------------------
    def _counts(self, kind: str, skills: frozenset[int], into: np.ndarray) -> list[np.ndarray]:
        """Add 1 at every slot that has one of `skills` of this kind (each skill's slots are distinct), into a zeroed
        scratch array; the slot arrays touched, to zero it again after."""
        arrays = [self.postings[kind][s] for s in skills if s in self.postings[kind]]
        if len(arrays) <= 4:  # (the usual: the few skills a person wants or offers)
            for slots in arrays:
                into[slots] += 1
        else:  # (a search by a word that many skills' names have: one pass, not one per skill)
            into[: self.n] += np.bincount(np.concatenate(arrays), minlength=self.n)[: self.n].astype(np.uint8)
        return arrays

    def _clear(self, into: np.ndarray, arrays: list[np.ndarray]) -> None:
        """Zero what `_counts` added."""
        if len(arrays) <= 4:
            for slots in arrays:
                into[slots] = 0
        else:
            into[: self.n] = 0

    def _scratch(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Three zeroed per-slot counters (the caller holds the lock and zeroes what it touched before it returns)."""
        if self._counters is None or len(self._counters[0]) < self.n:
            size = max(self.n + self.n // 4, 1024)
            self._counters = (np.zeros(size, np.uint8), np.zeros(size, np.uint8), np.zeros(size, np.uint8))
        return self._counters

    def _open_mask(self) -> np.ndarray:
        """Who may be suggested at all, as far as the index knows: active, with a place free (cached until a change)."""
        if self._open is None or len(self._open) != self.n:
            n = self.n
            self._open = self.active[:n] & (self.load[:n] < self.capacity[:n])
        return self._open

    def rank(self, q: Query, start: int, count: int) -> Ranking:
        """Positions start..start+count of the ranking, with scores, how many qualify and my load.

        The score (reciprocal pairs get 1000 so they always come first): 10 per shared skill each way (3
        at most count each way), 15 per skill named in the search, 8 for the same department, the level
        rule (same 6, one apart 4, else -2 per level; a reverse pair instead 8 + 2 per level), and half the
        hours of shared working day. Ties go by name (case-folded), then id.

        Every slot is looked at (a quarter of an org shares a skill with a typical searcher: a pass over all is
        cheaper than gathering them), in as few passes as possible and in one-byte and two-byte integers: the counts
        go into scratch arrays kept with the index, the whole-number part of the score is summed in int16, and only
        the people whose whole-number part puts them within reach of the page (the shared working day adds 0 to 4)
        get the exact score."""
        n = self.n
        me = self.slot_of(q.me_id)
        my_load = (int(self.load[me]) if me is not None else 0) + dict(q.circles).get(q.me_id, 0)
        gives, gets, boost = self._scratch()
        offered = self._counts(SkillKind.OFFER, q.looking_for, gives)
        wanted_by = self._counts(SkillKind.WANT, q.my_offers, gets)
        boosted = self._counts(SkillKind.OFFER, q.word_skills, boost) if q.word_skills else []
        try:
            if not (offered or wanted_by) or (q.word_skills and not boosted):
                return Ranking([], 0, my_load)
            # a search by words: only people who offer one of them (they offer what I look for, too)
            candidate = boost[:n] != 0 if q.word_skills else (gives[:n] | gets[:n]) != 0
            candidate &= self._open_mask()
            code = self.dept_codes.get(q.department_key, -1)
            same_all = self.dept[:n] == code
            if q.separate:
                candidate &= ~same_all & self.cross[:n] if q.cross_department else np.zeros(n, bool)
            elif q.cross_department:
                candidate &= same_all | self.cross[:n]
            else:
                candidate &= same_all
            if q.circles:  # (a few people: the members of open circles, each circle taking a place)
                slots = self.slots_of([pid for pid, _n in q.circles])
                counts = np.asarray([c for _pid, c in q.circles], np.int64)
                known = slots >= 0
                slots, counts = slots[known], counts[known]
                full = self.load[slots].astype(np.int64) + counts >= self.capacity[slots]
                candidate[slots[full]] = False
            if q.excluded:
                out = self.slots_of(sorted(q.excluded))
                candidate[out[out >= 0]] = False
            if me is not None:
                candidate[me] = False
            idx = np.flatnonzero(candidate)
            g, w = gives[idx], gets[idx]
            b = boost[idx] if q.word_skills else None
        finally:
            self._clear(gives, offered)
            self._clear(gets, wanted_by)
            self._clear(boost, boosted)
        total = len(idx)
        if total <= start:
            return Ranking([], total, my_load)
        level = self.level[idx]
        gap = np.abs(level - np.int16(q.level))
        rule = np.where(gap == 0, np.int16(6), np.where(gap == 1, np.int16(4), gap * np.int16(-2)))
        if q.reverse:
            turned = (self.reverse[idx] & (gap >= REVERSE_MIN_GAP)
                      & (((level < q.level) & (g > 0)) | ((level > q.level) & (w > 0))))
            rule = np.where(turned, gap * np.int16(2) + np.int16(8), rule)
        whole = (np.minimum(g, 3) + np.minimum(w, 3)).astype(np.int16) * np.int16(10) + rule
        whole += ((g > 0) & (w > 0)).astype(np.int16) * np.int16(1000)
        if b is not None:
            whole += b.astype(np.int16) * np.int16(15)
        whole += (self.dept[idx] == code).astype(np.int16) * np.int16(8)
        wanted = start + count
        if total > wanted:  # the page's people are among those whose whole part is within reach of the wanted-th's
            reach = np.partition(whole, total - wanted)[total - wanted] - (WORKDAY_HOURS // 2 if q.tz_offset is not None else 0)
            near = whole >= reach
            idx, whole = idx[near], whole[near]
        score = whole.astype(np.float64)
        if q.tz_offset is not None:
            apart = np.abs(self.tz[idx] - q.tz_offset) / 3600.0
            around = np.where(apart >= 24, apart - 24, np.where(apart > 12, 24 - apart, apart))
            score += np.nan_to_num(np.where(around < WORKDAY_HOURS, WORKDAY_HOURS - around, 0) / 2, nan=0.0)
        if len(score) > wanted:  # only the best `wanted` (and everyone tied with the last of them) get sorted
            cut = -np.partition(-score, wanted - 1)[wanted - 1]
            keep = score >= cut
            idx, score = idx[keep], score[keep]
        order = np.lexsort((self.name_rank[idx], -score))[start:wanted]
        return Ranking([(int(self.ids[idx[i]]), float(score[i])) for i in order], total, my_load)


def _window_statement():
    """People updated since `since` (as TeamIndex._COLUMNS), beside the largest person id: one row at least."""
    top = select(func.max(Person.id).label("max_id")).subquery("top")
    return select(top.c.max_id, *TeamIndex._COLUMNS).select_from(top).outerjoin(
        Person, and_(Person.team_id == param("team", String), Person.updated_at >= param("since", Person.updated_at.type)))


def _pairs_window_statement():
    """Partnerships that started or ended since `since`."""
    since = param("since", Partnership.started_at.type)
    return (select(Partnership.id, Partnership.person_a_id, Partnership.person_b_id, Partnership.started_at,
                   Partnership.ended_at)
            .where(Partnership.team_id == param("team", String),
                   or_(Partnership.started_at >= since, Partnership.ended_at >= since)))


def _skill_names_statement(ids: list):
    return select(Skill.id, Skill.name).where(Skill.id.in_(ids))


# the names of the skills shared with the people on a page (a handful), by how many: built and compiled once
def _skill_names_prepared(n: int):
    return _skill_names_statement([param(f"s{i}", Integer) for i in range(n)])


_SKILL_NAMES = {n: Prepared(partial(_skill_names_prepared, n)) for n in range(1, 17)}


def _skill_names(session: Session, ids: list[int]) -> list[tuple[int, str]]:
    if len(ids) in _SKILL_NAMES:
        return [(r.id, r.name) for r in _SKILL_NAMES[len(ids)].rows(session, **{f"s{i}": k for i, k in enumerate(ids)})]
    return [(k, name) for k, name in session.execute(_skill_names_statement(ids)).all()]


# every search runs both (the catch-up): built and compiled once
_WINDOW = Prepared(_window_statement)
_PAIRS_WINDOW = Prepared(_pairs_window_statement)

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


def warm(db, build_elsewhere: Callable[[list[str]], None] | None = None) -> None:
    """Build every team's index now (start-up, in the background), so no search waits for it; then, every
    FULL_CHECK seconds, run each index's slow checks here rather than in a search. (`build_elsewhere`: see load_all.)"""
    load_all(db, build_elsewhere)
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


def load_all(db, build_elsewhere: Callable[[list[str]], None] | None = None) -> None:
    """Bring every team's index up to date now, in this thread: loaded from its snapshot and caught up with what
    changed since, or built (and its snapshot saved for the next process), or caught up if this process has it.

    `build_elsewhere(team_ids)`, when given (`mentor-bot serve` gives one: app/index_build.py), saves the snapshots
    of teams that have none from another process, which exits afterwards: reading every person and skill row
    peaks at half as much memory again as loading a snapshot, and a serving process would keep that peak. Their
    snapshots are then loaded here like any later start's; if it fails, they are built here after all."""
    try:
        with db.uow() as session:
            team_ids = list(session.scalars(select(Person.team_id).distinct()))
            indexes = [_index(session, team_id) for team_id in team_ids]
    except Exception:  # no database yet, or no schema: a search will build it
        log.warning("match index: not warmed (the database did not answer)")
        indexes = []
    elsewhere: list[TeamIndex] = []
    builder = None
    if build_elsewhere is not None and indexes:
        elsewhere, builder = _start_building_elsewhere(db, indexes, build_elsewhere)
    try:
        for index in indexes:  # (those with a snapshot, meanwhile)
            if index not in elsewhere:
                _bring_up(db, index)
        if builder is not None:
            builder.join()
    except BaseException:
        for index in elsewhere:
            index.lock.release()
        raise
    for index in elsewhere:  # (locked since before the build: a search waits for the snapshot rather than build here)
        _bring_up(db, index, locked=True)
    _give_back_memory()


def _start_building_elsewhere(db, indexes: list[TeamIndex], build: Callable[[list[str]], None]
                              ) -> tuple[list[TeamIndex], threading.Thread | None]:
    """Start `build` (in a thread: it waits for another process) for the teams with neither an index in this
    process nor a fresh snapshot, their locks taken first: a search meanwhile waits BUSY_WAIT and says to try again,
    as it does while a build runs here, instead of building here too. The caller brings them up and unlocks."""
    try:
        to_build = set(teams_to_build(db))
    except SQLAlchemyError:
        return [], None
    missing = [index for index in indexes if index.watermark is None and index.team_id in to_build]
    locked = [index for index in missing if index.lock.acquire(blocking=False)]  # (not: a search is building it)
    if not locked:
        return [], None
    team_ids = [index.team_id for index in locked]

    def run() -> None:
        started = time.monotonic()
        try:
            build(team_ids)
            log.info("match index: %d team(s) built in a separate process in %.1f s", len(team_ids),
                     time.monotonic() - started)
        except Exception:  # built here instead (load_all finds no snapshot)
            log.warning("match index: building %s in a separate process failed: building here", ", ".join(team_ids),
                        exc_info=True)

    thread = threading.Thread(target=run, name="find-index-build", daemon=True)
    thread.start()
    return locked, thread


def _bring_up(db, index: TeamIndex, *, locked: bool = False) -> None:
    """One team's index up to date: loaded from its snapshot and caught up, or built (its snapshot saved), or
    caught up. `locked`: the caller holds its lock (released here)."""
    try:
        started = time.monotonic()
        if not locked:
            index.lock.acquire()
        try:
            loaded = index.watermark is None and _load_snapshot(db, index)
            index.save_next_build = True
            try:
                with db.uow() as session:
                    index.refresh(session, clock.now())
            finally:
                index.save_next_build = False
        finally:
            index.lock.release()
        if loaded:  # deletions and other load changes, as the background check would find them
            with db.uow() as session:
                index.check(session)
        log.info("match index: %s ready in %.1f s (%d people, %s)", index.team_id, time.monotonic() - started, index.n,
                 "from its snapshot" if loaded else "read")
        _save_snapshot(db, index)
    except Exception:  # a search will build it then
        log.exception("match index: warming %s failed", index.team_id)


def teams_to_build(db) -> list[str]:
    """The teams with people and no fresh snapshot: a process that starts now would have to build their indexes."""
    with db.uow() as session:
        teams = list(session.scalars(select(Person.team_id).distinct()))
        fresh = set(session.scalars(select(FindSnapshot.team_id).where(*_fresh_snapshot_clauses())))
    return [team_id for team_id in teams if team_id not in fresh]


def save_built(db, team_id: str) -> bool:
    """Build the team's index and save its snapshot, unless a fresh one is saved already (another process built
    it meanwhile): what app/index_build.py runs for a serving process. True if it built."""
    with db.uow() as session:
        if session.scalar(select(FindSnapshot.team_id).where(FindSnapshot.team_id == team_id, *_fresh_snapshot_clauses())):
            return False
        index = TeamIndex(team_id)
        index.save_next_build = True
        index.refresh(session, clock.now())
    _save_snapshot(db, index)
    return True


def _give_back_memory() -> None:
    """Hand the memory a build or a load freed back to the system (glibc keeps freed heap otherwise, and a
    process forked now would carry it)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _load_snapshot(db, index: TeamIndex) -> bool:
    """Load the team's saved index if there is a recent one in this format (else it is built)."""
    try:
        with db.uow() as session:
            if session.scalar(select(FindSnapshot.team_id)
                              .where(FindSnapshot.team_id == index.team_id, *_fresh_snapshot_clauses())) is None:
                return False
            data = session.scalar(select(FindSnapshot.data).where(FindSnapshot.team_id == index.team_id))
        if data is None:  # (deleted a moment ago)
            return False
        index.unpack(data)
    except (SQLAlchemyError, KeyError, ValueError, OSError):  # unreadable: build it
        log.warning("match index: the snapshot of %s could not be read", index.team_id)
        index._reset()
        return False
    return True


def _fresh_snapshot_clauses() -> tuple:
    """A snapshot worth loading: in this format, and recent (an older one is rebuilt)."""
    return FindSnapshot.format == SNAPSHOT_FORMAT, FindSnapshot.built_at >= clock.now() - SNAPSHOT_MAX_AGE


def _save_snapshot(db, index: TeamIndex) -> None:
    """Save an index this process has just built, for the next process that starts (one row per team)."""
    with index.lock:
        data, built_at, people = index.packed, index.built_at, index.n
        index.packed = None  # saved once
    if data is None or built_at is None:
        return
    try:
        with db.uow() as session:
            session.execute(delete(FindSnapshot).where(FindSnapshot.team_id == index.team_id))
            session.execute(insert(FindSnapshot).values(team_id=index.team_id, format=SNAPSHOT_FORMAT, people=people,
                                                        built_at=built_at, data=data))
    except SQLAlchemyError:  # another process saved it at the same moment: theirs will do
        log.info("match index: the snapshot of %s was not saved", index.team_id)


def reset() -> None:
    """Forget every index of this process, as a new process would start (a test that empties the tables between
    scenarios calls this: ids are reused then, which never happens in a running program). Nothing in the bot does."""
    with _registry_lock:
        _indexes.clear()
