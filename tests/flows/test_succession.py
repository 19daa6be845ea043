"""Succession's use cases: only an admin starts or closes a plan, its people are told once each, and a plan's ids
coming back from Slack open nothing for someone outside it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.flows import succession as flow
from bot.services import clock, keys, program, succession
from bot.services.errors import Conflict, NotAllowed
from models import ProgramAdmin, SuccessionPlan
from tests.flows.conftest import TEAM, outbox_rows


@pytest.fixture
def plan_id(ctx) -> int:
    """Succession on; UADMIN starts a plan: URET retires, US1 and US2 carry on."""
    with ctx.db.uow() as session:
        program.config_row(session, TEAM).program_types = ["peer", "succession"]
        session.add(ProgramAdmin(team_id=TEAM, slack_user_id="UADMIN", added_by="test"))
    form = succession.PlanForm(retiring="URET", retire_on=clock.now().date() + timedelta(days=90), successors=["US2", "US1"])
    with pytest.raises(NotAllowed):
        flow.start_plan(ctx, TEAM, "US1", form)
    assert "is started" in flow.start_plan(ctx, TEAM, "UADMIN", form)
    with ctx.db.uow() as session:
        return session.scalar(select(SuccessionPlan.id))


def test_starting_a_plan_asks_the_retiring_person_and_tells_each_successor_once(ctx, plan_id):
    assert [(r.recipient, r.key) for r in outbox_rows(ctx, "succession")] == [
        ("URET", keys.succession_ask(plan_id)), ("US1", f"succession-named:{plan_id}:US1"),
        ("US2", keys.succession_named(plan_id, "US2"))]


def test_someone_outside_the_plan_sees_and_marks_nothing(ctx, plan_id):
    item = succession.ItemForm(title="Fire safety certificate", successor="US1")
    assert "is on the checklist" in flow.add_item(ctx, TEAM, "URET", str(plan_id), item)
    for forged in (lambda: flow.checklist(ctx, TEAM, "UOUT", str(plan_id)),
                   lambda: flow.item_form(ctx, TEAM, "US1", str(plan_id)),  # a successor doesn't add items
                   lambda: flow.mark_handed_over(ctx, TEAM, "UOUT", "1"),
                   lambda: flow.close_plan(ctx, TEAM, "URET", str(plan_id))):  # only an admin closes
        with pytest.raises(NotAllowed):
            forged()
    assert "is marked handed over" in flow.mark_handed_over(ctx, TEAM, "US1", "1")["text"]
    assert [r.recipient for r in outbox_rows(ctx, "succession")][-1] == "US1"  # the item named them


def test_closing_tells_everyone_else_in_the_plan_once(ctx, plan_id):
    message = flow.close_plan(ctx, TEAM, "UADMIN", str(plan_id))
    assert "is closed; everyone in it is being told" in str(message["blocks"])
    with pytest.raises(Conflict):  # a double click
        flow.close_plan(ctx, TEAM, "UADMIN", str(plan_id))
    closed = [r for r in outbox_rows(ctx, "succession") if r.key.startswith("succession-closed")]
    assert sorted(r.recipient for r in closed) == ["URET", "US1", "US2"]
