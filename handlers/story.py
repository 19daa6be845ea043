"""`/mentor story` and the story's way through partner consent and admin review (filled in by the stories work)."""

from __future__ import annotations

from handlers.common import Deps


def story_command(ack, body, client, deps: Deps) -> None:
    """`/mentor story`: open the story modal (or say why not)."""
    ack(response_type="ephemeral", text="Success stories are coming soon.")


def register(app, deps: Deps) -> None:
    pass
