"""Monthly check-in answers, at-risk choices and resuming participation (filled in by the check-in work)."""

from __future__ import annotations

from handlers.common import Deps


def register(app, deps: Deps) -> None:
    pass
