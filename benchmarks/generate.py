"""A synthetic organisation, loaded in bulk through the real models' tables (SQLAlchemy Core inserts).

Deterministic for a seed. What it makes, for `people` participants in one team:

* departments of Zipf-like sizes (a few big ones, a long tail), levels 1..10 weighted to the middle,
  a handful of time zones, capacity 1..5 (mostly 2), 92% active, 5% paused, 3% left;
* a skill vocabulary of about people/50 skills (at least 200) whose popularity follows a Zipf law
  (s = 1.1): a few skills everybody lists, a long tail of rare ones; each person offers 1..5 and wants 1..4;
* partnerships: about 30% of people in an active or paused one, plus ended, declined, expired and open
  requests, all started within the last year;
* a year of meetings (every one to four weeks per pair), twelve closed check-in months (aggregates,
  anonymous answers without person or partnership, invitations wiped of their answers) and the current
  month open (invitations, some answered);
* a few posted success stories.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from sqlalchemy import Engine, insert, select

from models import (
    CheckIn,
    CheckInAnswer,
    CheckInPeriod,
    Meeting,
    Partnership,
    PartnershipRequest,
    Person,
    PersonSkill,
    Skill,
    Story,
)

TEAM = "T0BENCH"
CHUNK = 5000
ZONES = [("Europe/London", 0), ("Europe/Berlin", 3600), ("America/New_York", -18000),
         ("America/Los_Angeles", -28800), ("Asia/Kolkata", 19800), ("Asia/Tokyo", 32400), ("Australia/Sydney", 36000)]
ZONE_WEIGHTS = [30, 25, 20, 10, 8, 4, 3]
WORDS = ["data", "cloud", "design", "sales", "people", "finance", "security", "product", "research", "ops", "legal",
         "mobile", "web", "platform", "analytics", "growth", "support", "brand", "quality", "infra"]
TOPICS = ["Python", "Go", "Kubernetes", "Public speaking", "Negotiation", "Budgeting", "SQL", "Leadership",
          "Hiring", "UX research", "Rust", "Machine learning", "Writing", "Coaching", "Roadmaps", "Pricing",
          "Accessibility", "Incident response", "Statistics", "Storytelling"]


@dataclass
class Org:
    """What was generated: ids the benchmarks pick users from."""

    team_id: str
    people: int
    user_ids: list[str] = field(default_factory=list)  # Slack ids of active people with skills
    rows: dict[str, int] = field(default_factory=dict)  # rows per table


def _zipf_weights(n: int, s: float) -> list[float]:
    return [1 / (rank ** s) for rank in range(1, n + 1)]


def _skill_name(i: int) -> str:
    """Python, Go, ..., then "Python for data", ..., then "Python for data 2", ...: unique, readable."""
    topic, rest = TOPICS[i % len(TOPICS)], i // len(TOPICS)
    if rest == 0:
        return topic
    word, round_ = WORDS[(rest - 1) % len(WORDS)], (rest - 1) // len(WORDS)
    return f"{topic} for {word}" + (f" {round_ + 1}" if round_ else "")


def user_id(n: int) -> str:
    return f"U{n:09d}"


def _insert(engine: Engine, model, rows: list[dict], org: Org) -> None:
    org.rows[model.__tablename__] = org.rows.get(model.__tablename__, 0) + len(rows)
    if rows and engine.dialect.name == "postgresql":
        return _copy(engine, model, rows)
    with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            conn.execute(insert(model), rows[start:start + CHUNK])


def _copy(engine: Engine, model, rows: list[dict]) -> None:
    """PostgreSQL: the same rows through COPY (several times faster than INSERT at half a million people).
    Columns the rows leave out get their model defaults, as insert() would give them."""
    from psycopg.types.json import Json

    table = model.__table__
    given = list(rows[0])
    defaults = {c.name: c.default.arg for c in table.columns
                if c.name not in given and c.default is not None and not callable(c.default.arg) and not c.primary_key}
    columns = given + list(defaults)
    with engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                values = [row[c] for c in given] + list(defaults.values())
                copy.write_row([Json(v) if isinstance(v, (dict, list)) else v for v in values])


def _ids(engine: Engine, model, team_id: str) -> list[int]:
    with engine.connect() as conn:
        return list(conn.scalars(select(model.id).where(model.team_id == team_id).order_by(model.id)))


def _utc(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _period(day: date) -> str:
    return f"{day:%Y-%m}"


def _months_back(today: date, n: int) -> list[date]:
    """First days of the last n months before this one, oldest first."""
    firsts, day = [], today.replace(day=1)
    for _ in range(n):
        day = (day - timedelta(days=1)).replace(day=1)
        firsts.append(day)
    return list(reversed(firsts))


def generate(engine: Engine, people: int, *, seed: int = 7, team_id: str = TEAM, now: datetime | None = None,
             pairs_only: bool = False) -> Org:
    """Load an organisation of `people` participants into an empty (migrated) database.

    `pairs_only`: everyone active and in exactly one active partnership, no history (the check-in fan-out)."""
    rnd = random.Random(seed)
    now = now or datetime.now(UTC)
    today = now.date()
    org = Org(team_id, people)

    # Skills: a Zipf-popular vocabulary
    n_skills = max(200, people // 50)
    names = [_skill_name(i) for i in range(n_skills)]
    _insert(engine, Skill, [dict(team_id=team_id, key=n.casefold(), name=n) for n in names], org)
    skill_ids = _ids(engine, Skill, team_id)
    skill_weights = list(accumulate(_zipf_weights(n_skills, 1.1)))  # cumulative, once (else each draw sums them)

    # People: Zipf-sized departments, middle-heavy levels
    n_depts = max(8, min(60, people // 200))
    depts = [f"{WORDS[i % len(WORDS)].capitalize()}{' ' + str(i // len(WORDS) + 1) if i >= len(WORDS) else ''}"
             for i in range(n_depts)]
    dept_weights = _zipf_weights(n_depts, 0.9)
    level_weights = [4, 10, 16, 18, 16, 12, 9, 7, 5, 3]
    dept_of = rnd.choices(depts, dept_weights, k=people)
    level_of = rnd.choices(range(1, 11), level_weights, k=people)
    zone_of = rnd.choices(ZONES, ZONE_WEIGHTS, k=people)
    status_of = ["active"] * people if pairs_only else rnd.choices(["active", "paused", "left"], [92, 5, 3], k=people)
    rows = []
    for n in range(people):
        joined = now - timedelta(days=rnd.randint(1, 540), minutes=rnd.randint(0, 1440))
        status = status_of[n]
        rows.append(dict(
            team_id=team_id, slack_user_id=user_id(n), display_name=f"Person {n:06d}", title=f"Level {level_of[n]} "
            f"{dept_of[n]}", tz=zone_of[n][0], tz_offset=zone_of[n][1], department=dept_of[n],
            department_key=dept_of[n].casefold(), level=level_of[n],
            capacity=rnd.choices([1, 2, 3, 4, 5], [15, 50, 20, 10, 5])[0], cross_department=rnd.random() < 0.8,
            reverse_mentoring=rnd.random() < 0.2, goals=["Knowledge gaps"], goals_note="", status=status,
            paused_at=now - timedelta(days=10) if status == "paused" else None,
            pause_reason="own choice" if status == "paused" else None, paused_until=None,
            left_at=now - timedelta(days=5) if status == "left" else None, leadership_interest=rnd.random() < 0.1,
            mentor_trained=rnd.random() < 0.05, self_assessment={}, joined_at=joined, updated_at=joined))
    _insert(engine, Person, rows, org)
    person_ids = _ids(engine, Person, team_id)

    # Skills per person, drawn by popularity
    rows = []
    for n, pid in enumerate(person_ids):
        offers = set(rnd.choices(skill_ids, cum_weights=skill_weights, k=rnd.randint(1, 5)))
        wants = set(rnd.choices(skill_ids, cum_weights=skill_weights, k=rnd.randint(1, 4))) - offers
        rows += [dict(person_id=pid, skill_id=s, kind="offer") for s in offers]
        rows += [dict(person_id=pid, skill_id=s, kind="want") for s in wants]
        if status_of[n] == "active":
            org.user_ids.append(user_id(n))
    _insert(engine, PersonSkill, rows, org)

    # Partnerships
    active_people = [pid for pid, st in zip(person_ids, status_of) if st == "active"]
    pool = list(active_people)
    rnd.shuffle(pool)
    pairs: set[tuple[int, int]] = set()
    specs = []  # (a, b, status, started)
    if pairs_only:
        for i in range(0, len(pool) - 1, 2):
            a, b = sorted((pool[i], pool[i + 1]))
            specs.append((a, b, "active", now - timedelta(days=rnd.randint(40, 300))))
    else:
        n_live = int(people * 0.15)
        for _ in range(n_live):
            a, b = sorted(rnd.sample(pool, 2))
            if (a, b) in pairs:
                continue
            pairs.add((a, b))
            specs.append((a, b, rnd.choices(["active", "paused"], [93, 7])[0],
                          now - timedelta(days=rnd.randint(7, 360))))
        for status, share in (("ended", 0.06), ("declined", 0.03), ("expired", 0.02), ("requested", 0.01)):
            for _ in range(int(people * share)):
                a, b = sorted(rnd.sample(person_ids, 2))
                if (a, b) in pairs:
                    continue
                pairs.add((a, b))
                specs.append((a, b, status, now - timedelta(days=rnd.randint(1 if status == "requested" else 30, 365))))
    rows = []
    for a, b, status, started in specs:
        accepted = status in ("active", "paused", "ended")
        rows.append(dict(team_id=team_id, person_a_id=a, person_b_id=b, status=status, kind="peer",
                         created_at=started - timedelta(days=2),
                         decided_at=started if status in ("active", "paused", "ended", "declined") else None,
                         started_at=started if accepted else None, planned_end=None,
                         ended_at=started + timedelta(days=rnd.randint(20, 29)) if status == "ended" else None,
                         channel_id=None, at_risk_since=now - timedelta(days=20) if accepted and rnd.random() < 0.03 else None,
                         end_prompted_at=None, ended_by_id=None))
    _insert(engine, Partnership, rows, org)
    partnership_ids = _ids(engine, Partnership, team_id)
    rows = []
    for pid, (a, b, _status, started) in zip(partnership_ids, specs):
        asker, asked = (a, b) if rnd.random() < 0.5 else (b, a)
        created = started - timedelta(days=2)
        rows.append(dict(partnership_id=pid, from_person_id=asker, to_person_id=asked, note="", created_at=created,
                         expires_at=created + timedelta(days=14), dm_channel=None, dm_ts=None))
    _insert(engine, PartnershipRequest, rows, org)
    if pairs_only:
        return org

    # A year of meetings, every one to four weeks per accepted pair
    year_ago = today - timedelta(days=365)
    rows = []
    for pid, (a, b, status, started) in zip(partnership_ids, specs):
        if status not in ("active", "paused", "ended"):
            continue
        day = max(started.date(), year_ago) + timedelta(days=rnd.randint(0, 10))
        end = today if status != "ended" else min(today, (started + timedelta(days=200)).date())
        every = rnd.choice([7, 14, 14, 21, 28])
        while day < end:
            rows.append(dict(team_id=team_id, partnership_id=pid, logged_by_id=rnd.choice((a, b)), held_on=day,
                             minutes=rnd.choice([30, 45, 60, 60, 90]), topics="Catching up", action_items="",
                             next_meeting_on=None, created_at=_utc(day, 17), updated_at=_utc(day, 17)))
            day += timedelta(days=every + rnd.randint(-2, 3))
    _insert(engine, Meeting, rows, org)

    # Twelve closed check-in months (anonymous answers, aggregates) and the current one open
    live = [(pid, a, b, started) for pid, (a, b, status, started) in zip(partnership_ids, specs)
            if status in ("active", "paused")]
    periods, answers, checkins = [], [], []
    for first in _months_back(today, 12):
        period = _period(first)
        asked = [(pid, who) for pid, a, b, started in live if started.date() < first for who in (a, b)]
        agg = dict(asked=len(asked), answered=0, met=0, minutes=0, effectiveness_sum=0, effectiveness_n=0,
                   expected_yes=0, expected_partly=0, expected_no=0)
        closed_at = _utc((first + timedelta(days=32)).replace(day=1))
        for pid, who in asked:
            answered = rnd.random() < 0.7
            met = answered and rnd.random() < 0.8
            checkins.append(dict(team_id=team_id, period=period, partnership_id=pid, person_id=who,
                                 created_at=_utc(first), reminders_sent=0 if answered else 2,
                                 answered_at=_utc(first + timedelta(days=rnd.randint(0, 20))) if answered else None,
                                 met=met if answered else None, minutes=None, next_meeting_on=None, effectiveness=None,
                                 expectations=None, help=None))
            if answered:
                minutes = rnd.choice([45, 60, 90, 120]) if met else 0
                eff = rnd.randint(2, 5) if met else None
                exp = rnd.choices(["yes", "partly", "no"], [6, 3, 1])[0]
                answers.append(dict(team_id=team_id, period=period, met=met, minutes=minutes, effectiveness=eff,
                                    expectations=exp, help=None))
                agg["answered"] += 1
                agg["met"] += met
                agg["minutes"] += minutes
                if eff is not None:
                    agg["effectiveness_sum"] += eff
                    agg["effectiveness_n"] += 1
                agg["expected_" + exp] += 1
        rnd.shuffle(answers)  # no order to tell anyone apart, as the real close does
        periods.append(dict(team_id=team_id, period=period, opened_at=_utc(first), closed_at=closed_at, **agg))
    this_month = today.replace(day=1)
    periods.append(dict(team_id=team_id, period=_period(this_month), opened_at=_utc(this_month), closed_at=None,
                        asked=0, answered=0, met=0, minutes=0, effectiveness_sum=0, effectiveness_n=0,
                        expected_yes=0, expected_partly=0, expected_no=0))
    for pid, a, b, started in live:
        if started.date() >= this_month:
            continue
        for who in (a, b):
            answered = rnd.random() < 0.4
            checkins.append(dict(team_id=team_id, period=_period(this_month), partnership_id=pid, person_id=who,
                                 created_at=_utc(this_month), reminders_sent=0,
                                 answered_at=now - timedelta(hours=rnd.randint(1, 48)) if answered else None,
                                 met=True if answered else None, minutes=60 if answered else None,
                                 next_meeting_on=None, effectiveness=4 if answered else None,
                                 expectations="yes" if answered else None, help=None))
    _insert(engine, CheckInPeriod, periods, org)
    _insert(engine, CheckIn, checkins, org)
    _insert(engine, CheckInAnswer, answers, org)

    # A few posted stories
    rows = []
    for pid, a, b, _started in live[: max(5, people // 500)]:
        posted = now - timedelta(days=rnd.randint(1, 300))
        rows.append(dict(team_id=team_id, author_id=a, partnership_id=pid, partner_id=b, title="What changed",
                         body="We met every other week.", status="posted", created_at=posted - timedelta(days=3),
                         partner_decided_at=None, reviewed_by=None, reviewed_at=None, posted_at=posted))
    _insert(engine, Story, rows, org)
    return org
