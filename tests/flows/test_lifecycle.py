"""Leaving with "delete my data": what goes, and what of other people's stays."""

from __future__ import annotations

from bot.flows import lifecycle
from bot.services import keys, outbox
from tests.flows.conftest import TEAM, outbox_rows
from tests.flows.partners import join


def test_deleting_my_data_leaves_a_colleague_whose_id_starts_like_mine_alone(ctx):
    join(ctx, "U1", "Python", "Go")
    join(ctx, "U12", "Go", "Python")
    with ctx.db.uow() as session:
        outbox.enqueue(session, TEAM, keys.buddy_welcome(TEAM, "U1"), "welcome", "U1", {"text": "Hello Ada"})
        outbox.enqueue(session, TEAM, keys.buddy_welcome(TEAM, "U12"), "welcome", "U12", {"text": "Hello <@U12>"})
    lifecycle.leave(ctx, TEAM, "U1", delete_data=True)
    rows = {row.key: row for row in outbox_rows(ctx)}
    bea = rows[keys.buddy_welcome(TEAM, "U12")]
    assert bea.recipient == "U12" and bea.payload == {"text": "Hello <@U12>"} and bea.status == "pending"
    assert keys.buddy_welcome(TEAM, "U1") not in rows  # mine names me no more
    # (their Home tab is still published once, to show they left; the sender deletes that row when it is sent)
    assert not any(row.recipient == "U1" or row.key.endswith(":U1") for row in rows.values() if row.kind != "home")
