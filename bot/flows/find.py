"""`/mentor find`: the peers who suit a person best, with the reasons, a page at a time."""

from __future__ import annotations

from collections.abc import Callable

from bot.flows.context import Context
from bot.services import circle_fit, match_index, matching, recognition
from messages import find as blocks

MAX_WORDS = 5  # words searched for, at most


def find_message(ctx: Context, team_id: str, user_id: str, words: list[str], page: int = 0) -> dict:
    """A page of suggestions with "Ask to partner" buttons (or the invitation to join first)."""
    with ctx.db.uow() as session:
        me = matching.searcher(session, team_id, user_id)  # (profiles.current, with the skills in the same read)
        if me is None:
            return blocks.not_joined()
        result = matching.find(session, me, words[:MAX_WORDS], page)
        facts = recognition.card_facts(session, [s.person.id for s in result.suggestions])  # the shown cards only
        # one open peer circle that learns a skill I want, after the people (no read when I want nothing)
        # (the boundaries find read a moment ago are passed on, not read again)
        circle = (circle_fit.open_for(session, me, limit=1, wanted_only=True, never=result.never)
                  if page == 0 and not words else [])
        return blocks.results(result, words[:MAX_WORDS], facts, circle=circle[0] if circle else None)


# How this process has an index that has no snapshot built: None, here (the tests); `mentor-bot serve` and `socket`
# set a separate process (app/index_build.py), so that a serving process never keeps the peak memory of a build.
_build_elsewhere: Callable[[list[str]], None] | None = None


def build_index_elsewhere(build: Callable[[list[str]], None] | None) -> None:
    """Set how this process has the teams' indexes without a snapshot built (see match_index.load_all), or None."""
    global _build_elsewhere
    _build_elsewhere = build


def load_index(ctx: Context) -> None:
    """Build (or load) find's index now, in this thread: `serve --workers` does it once before forking."""
    match_index.load_all(ctx.db, _build_elsewhere)


def warm_index(ctx: Context) -> None:
    """Build the in-memory skill index that find ranks from (bot/services/match_index.py) now, not on the first search."""
    match_index.warm(ctx.db, _build_elsewhere)
