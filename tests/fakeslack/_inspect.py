"""What tests read back from the fake: calls, messages, views, and waiting for the app to act."""
from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from . import views as _views
from ._core import APP_MISTAKES, Call


class Inspection:
    """Mixed into FakeSlack; every method takes the fake's lock."""

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method and (ok is None or c.ok == ok)]

    @property
    def rejected(self) -> list[Call]:
        """Failed calls caused by the app breaking Slack's rules (not injected failures)."""
        with self._lock:
            return [c for c in self._calls if not c.ok and not c.injected and c.error in APP_MISTAKES]

    def messages(self, channel: str) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._messages.get(channel, []))

    def message(self, channel: str, ts: str) -> dict | None:
        with self._lock:
            return copy.deepcopy(self._find_message(channel, ts))

    def dm_channel(self, user_id: str) -> str:
        with self._lock:
            return self._ensure_dm(user_id)

    def dms_to(self, user_id: str) -> list[dict]:
        with self._lock:
            cid = self._dms.get(user_id)
            return self.messages(cid) if cid else []

    def group_dm(self, *user_ids: str) -> str | None:
        with self._lock:
            return self._mpims.get(frozenset(u for u in user_ids if u != self.bot_user_id))

    def ephemerals(self, user_id: str) -> list[dict]:
        """Ephemeral messages the user currently sees (postEphemeral, acks, response_url posts)."""
        with self._lock:
            return [copy.deepcopy(e) for e in self._ephemerals if e["user"] == user_id]

    def responses(self, user_id: str | None = None) -> list[dict]:
        """Every accepted response_url post, in order."""
        with self._lock:
            return [copy.deepcopy(r) for r in self._responses if user_id is None or r["user"] == user_id]

    def files(self) -> list[dict]:
        with self._lock:
            return copy.deepcopy(list(self._files.values()))

    def view(self, view_id: str) -> dict | None:
        with self._lock:
            return copy.deepcopy(self._views.get(view_id))

    def modal_stack(self, user_id: str) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(self._views[v]) for v in self._stacks.get(user_id, [])]

    def open_modal(self, user_id: str) -> dict | None:
        stack = self.modal_stack(user_id)
        return stack[-1] if stack else None

    def home(self, user_id: str) -> dict | None:
        with self._lock:
            vid = self._homes.get(user_id)
            return copy.deepcopy(self._views[vid]) if vid else None

    def close_modal(self, user_id: str) -> dict | None:
        """Pop the user's top modal (as after a submit acked with an empty body)."""
        with self._lock:
            return _views.pop_modal(self, user_id)

    def apply_view_response(self, user_id: str, ack_body: Any) -> dict | None:
        """Apply a view_submission ack: {}→close top, update/push/clear, errors→returned dict."""
        with self._lock:
            return _views.apply_view_response(self, user_id, ack_body)

    def summary(self, last: int = 20) -> str:
        with self._lock:
            lines = [repr(c) for c in self._calls[-last:]]
            return "recent calls:\n  " + ("\n  ".join(lines) if lines else "(none)")

    def wait_for(self, condition: str | Callable[[], Any], timeout: float = 5.0, count: int = 1) -> Any:
        """Block until condition() is truthy, or until `count` successful calls to a method name."""
        if isinstance(condition, str):
            name = condition

            def check() -> Any:
                done = self.calls_to(name, ok=True)
                return done if len(done) >= count else None
            what = f"{count} successful {name} call(s)"
        else:
            check, what = condition, getattr(condition, "__name__", "condition")
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{self.summary()}")
            with self._cond:
                self._cond.wait(min(remaining, 0.05))

