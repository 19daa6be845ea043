"""Answer Slack the moment a listener acks, not at Bolt's next 10 ms poll.

Bolt runs a listener in its executor and has the request's thread wait for the listener's `ack()` by polling:
`while ack.response is None: time.sleep(0.01)`. So every answer waits for the next 10 ms tick (a command that
acks after 11 ms is answered after 20), which is most of a fast command's time. `install()` gives that loop a
sleep that ends as soon as any listener acks (the loop then checks its own request's ack, as before), and an
`Ack` that wakes it. Same Bolt, same loop and timeout: only the wait ends sooner.
"""

from __future__ import annotations

import threading
import time

_acked = threading.Condition()
_installed = False


class _WakingClock:
    """The `time` module, for Bolt's listener runner, except that sleep() ends at the next ack."""

    def __getattr__(self, name: str):
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        with _acked:
            _acked.wait(seconds)


def install() -> None:
    """Once per process (the bot's app; a bare Bolt app elsewhere keeps polling)."""
    global _installed
    if _installed:
        return
    from slack_bolt.context.ack.ack import Ack
    from slack_bolt.listener import thread_runner

    acked = Ack.__call__

    def call(self, *args, **kwargs):
        try:
            return acked(self, *args, **kwargs)
        finally:
            with _acked:
                _acked.notify_all()

    Ack.__call__ = call  # type: ignore[method-assign]
    thread_runner.time = _WakingClock()  # type: ignore[assignment]
    _installed = True
