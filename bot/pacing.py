"""Pacing the sender to Slack's workspace-wide posting rate: one sliding window of posts per workspace and process."""

from __future__ import annotations

import collections
import threading
import time

from bot.settings import Settings

PACE_WINDOW = 61.0  # OUTBOX_MESSAGES_PER_MINUTE per this many seconds: a second spare, as Slack counts on arrival


class Pacer:
    """At most `per_minute` chat.postMessage calls from this process in any PACE_WINDOW seconds, so a fan-out
    runs at Slack's workspace-wide rate instead of hammering into 429s. A window, as Slack counts: the first
    messages of a fan-out go at once, later ones as earlier ones leave the window. A twentieth of the window
    is kept for messages someone is waiting for (priority above 0): a request sent during the monthly
    fan-out still goes at once. 0 turns pacing off."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self.reserve = per_minute // 20
        self._sent: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def take(self, urgent: bool = False) -> float:
        """0.0 with a send counted, or the seconds to wait before there is room (for this kind of message)."""
        if self.per_minute <= 0:
            return 0.0
        limit = self.per_minute if urgent else self.per_minute - self.reserve
        with self._lock:
            now = time.monotonic()
            while self._sent and now - self._sent[0] >= PACE_WINDOW:
                self._sent.popleft()
            if len(self._sent) < limit:
                self._sent.append(now)
                return 0.0
            return PACE_WINDOW - (now - self._sent[len(self._sent) - limit])


_pacers: dict[tuple[str, str | None, int], Pacer] = {}
_pacers_lock = threading.Lock()


def pacer_for(settings: Settings) -> Pacer:
    """One pacer per workspace (API URL and token) in this process: every sender and drain shares it."""
    key = (settings.slack_api_url, settings.slack_bot_token, settings.outbox_messages_per_minute)
    with _pacers_lock:
        return _pacers.setdefault(key, Pacer(settings.outbox_messages_per_minute))


def reset() -> None:
    """Forget every pacer's window (a test's fresh start; nothing in the bot calls this)."""
    with _pacers_lock:
        _pacers.clear()
