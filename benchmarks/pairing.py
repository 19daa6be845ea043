"""5. A formal pairing round over 5,000 people: time, and the optimum against the greedy baseline.

Runs the real service (bot.services.rounds.open_round: pool, candidates, scores, optimal assignment, stored
proposal) on the synthetic org; everyone at level 5 or above may mentor (no leadership or training
criterion), two mentees each at most. The round's summary says what the optimum scored, what the greedy
baseline (mentees in order of their best score, each taking their best mentor with room) would have, and
the solver's own timings.
"""

from __future__ import annotations

import time

from benchmarks.generate import TEAM, generate
from benchmarks.run import SECRET, TOKEN, Row, analyze, database_url, fresh_database
from bot.settings import Settings

PEOPLE = 5_000
ADMIN = "UADMIN0001"


def bench_pairing(backend: str, log, people: int = PEOPLE) -> Row:
    from bot.services import program, rounds

    row = Row(backend, f"pairing {people:,}")
    url = database_url(backend, f"pairing-{people}")
    db = fresh_database(url)
    generate(db.engine, people, seed=5)
    analyze(db)
    settings = Settings(slack_bot_token=TOKEN, slack_signing_secret=SECRET, database_url=url, program_admins=ADMIN,
                        _env_file=None)
    form = rounds.RoundForm(criteria=[], min_level=5, max_per_mentor=2)
    try:
        started = time.perf_counter()
        with db.uow() as session:
            program.config_row(session, TEAM).program_types = ["peer", "formal"]  # as the admin switches it on
            opened = rounds.open_round(session, TEAM, ADMIN, settings, form)
            summary = dict(opened.round.summary)
        elapsed = time.perf_counter() - started
    finally:
        db.dispose()
    seconds = summary.get("seconds", {})
    row.figures.update({
        "mentors / mentees": f"{summary.get('mentors')} / {summary.get('mentees')}",
        "pairs": str(summary.get("pairs")),
        "round s (all)": f"{elapsed:.2f}",
        "solver s (score + optimum)": f"{seconds.get('score', 0) + seconds.get('optimal', 0):.2f}",
        "optimum total": str(summary.get("total")),
        "greedy total (share)": f"{summary.get('greedy_total')} ({summary.get('greedy_share', 0):.1%})",
    })
    log(f"  pairing: {row.figures}")
    return row
