"""Onboarding buddies' use cases: a welcome once per person (whatever Slack retries), an introduction to a buddy from
the newcomer's department, the admins told when nobody is free, and an admin's add refused to anyone else."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.flows import buddies as flow
from bot.services import buddies, clock, keys, profiles, program
from bot.services.errors import NotAllowed
from bot.services.profiles import SlackProfile
from models import AuditEntry, Introduction, Person, ProcessedEvent, ProgramAdmin
from tests.flows.conftest import TEAM, outbox_rows

ONBOARDING = "C0ONBOARD"
NEWT = SlackProfile(name="Newt Newcomer", title="Junior developer", tz="Europe/London", tz_offset=0)


@pytest.fixture
def onboarding(ctx):
    """Onboarding on, with its channel; an admin (UADMIN); Ada, level 7 in Engineering, who can be a buddy."""
    with ctx.db.uow() as session:
        row = program.config_row(session, TEAM)
        row.program_types, row.onboarding_channel = ["peer", "onboarding"], ONBOARDING
        session.add(ProgramAdmin(team_id=TEAM, slack_user_id="UADMIN", added_by="test"))
        form = profiles.ProfileForm(offers=["Python"], wants=["Go"], goals=["knowledge"], department="Engineering", level=7)
        profiles.save(session, TEAM, "U1", form)
    return ctx


def test_the_same_member_joined_event_twice_welcomes_once(onboarding):
    ctx = onboarding
    assert flow.member_joined(ctx, TEAM, "U7", ONBOARDING, "EvJOIN1") is True
    assert flow.member_joined(ctx, TEAM, "U7", ONBOARDING, "EvJOIN1") is False  # Slack's retry
    assert flow.member_joined(ctx, TEAM, "U7", ONBOARDING, "EvJOIN2") is False  # a rejoin: the welcome is once ever
    assert flow.member_joined(ctx, TEAM, "U8", "C0RANDOM", "EvJOIN3") is False  # another channel
    [welcome] = outbox_rows(ctx, "buddy-welcome")
    assert (welcome.recipient, welcome.key) == ("U7", keys.buddy_welcome(TEAM, "U7")) == ("U7", f"buddy-welcome:{TEAM}:U7")
    with ctx.db.uow() as session:  # each event is recorded with its effect (or its lack of one)
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 3


def test_the_newcomers_answer_introduces_a_buddy_from_their_department_once(onboarding):
    ctx = onboarding
    form = buddies.NewcomerForm(department=" Engineering ", level=2)
    assert flow.submit_newcomer_form(ctx, TEAM, "U7", form, NEWT) == "introduced"
    assert flow.submit_newcomer_form(ctx, TEAM, "U7", form, NEWT) == "has_buddy"  # a double submit
    with ctx.db.uow() as session:
        newt = session.scalars(select(Person).where(Person.slack_user_id == "U7")).one()
        assert (newt.department, newt.level, newt.display_name, newt.title) == (
            "Engineering", 2, "Newt Newcomer", "Junior developer")
        [intro] = session.scalars(select(Introduction)).all()
        assert intro.kind == "buddy" and intro.taker_id == newt.id
    assert sorted(r.recipient for r in outbox_rows(ctx, "introduction")) == ["U1", "U7"]
    [told] = outbox_rows(ctx, "buddy-none")
    assert told.recipient == "U7" and told.key.startswith(f"buddy-has:{newt.id}:")


def test_with_nobody_free_the_admins_and_the_newcomer_are_told_once_a_day(onboarding):
    ctx = onboarding
    form = buddies.NewcomerForm(department="Legal", level=4)
    assert flow.submit_newcomer_form(ctx, TEAM, "U7", form, None) == "no_buddy"
    assert flow.submit_newcomer_form(ctx, TEAM, "U7", form, None) == "no_buddy"
    with ctx.db.uow() as session:
        newt = profiles.current(session, TEAM, "U7")
    today = clock.now().date()
    assert sorted((r.recipient, r.key) for r in outbox_rows(ctx, "buddy-none")) == [
        ("U7", f"buddy-none:{newt.id}:{today.isoformat()}:U7"), ("UADMIN", keys.buddy_none(newt.id, today, "UADMIN"))]
    assert outbox_rows(ctx, "introduction") == []


def test_only_an_admin_gives_a_buddy(onboarding):
    ctx = onboarding
    with pytest.raises(NotAllowed):
        flow.add_buddy(ctx, TEAM, "U1", buddies.AddForm(user_id="U7"))
    with pytest.raises(NotAllowed):
        flow.admin_buddy_form(ctx, TEAM, "U1")
    assert outbox_rows(ctx) == []
    answer = flow.add_buddy(ctx, TEAM, "UADMIN", buddies.AddForm(newcomer="U7"))
    assert "I've sent <@U7> a welcome" in answer
    assert "already has the welcome" in flow.add_buddy(ctx, TEAM, "UADMIN", buddies.AddForm(user_id="U7"))
    assert [r.recipient for r in outbox_rows(ctx, "buddy-welcome")] == ["U7"]
    with ctx.db.uow() as session:
        assert session.scalars(select(AuditEntry.actor_user_id).where(AuditEntry.action == "buddy.add")).all() == [
            "UADMIN", "UADMIN"]
