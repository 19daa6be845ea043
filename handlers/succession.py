"""(being written) /mentor subcommands and listeners for this area."""

from __future__ import annotations

from handlers.common import Deps


def commands(deps: Deps) -> dict:
    """Subcommand name -> handler(ack, body, client, rest), added to /mentor's routes."""
    return {}


def register(app, deps: Deps) -> None:
    pass
