"""The Home tab's use cases: publishing is coalesced (one pending publish per person) and an event retry is a no-op."""

from __future__ import annotations

from bot.flows import home
from bot.services import outbox
from tests.flows.conftest import TEAM, outbox_rows


def test_many_changes_make_one_pending_home_publish_per_person(ctx):
    for _ in range(3):
        with ctx.db.uow() as session:
            outbox.publish_home(session, TEAM, "U1", "U2", "U1")
    rows = outbox_rows(ctx, "home")
    assert sorted(r.recipient for r in rows) == ["U1", "U2"]
    assert {r.status for r in rows} == {"pending"}


def test_a_retried_home_opened_event_publishes_once(ctx):
    assert home.home_opened(ctx, TEAM, "U1", "Ev1") is True
    assert home.home_opened(ctx, TEAM, "U1", "Ev1") is False
    assert len(outbox_rows(ctx, "home")) == 1


def test_a_person_who_never_joined_sees_the_invitation_to_join(ctx):
    view = home.render_home(ctx, TEAM, "U1")
    assert view["type"] == "home" and "Join the program" in str(view)
