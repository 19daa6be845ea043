"""Succession: an admin names a retiring person and successors; the retiring person lists what is not in their job
description; successors mark items handed over; the digest shows progress; an admin closes the plan."""

import copy
import json
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

from models import AuditEntry, KnowledgeItem, SuccessionPlan
from tests.conftest import PINNED_NOW
from tests.fakeslack import forms, message_errors
from tests.world import set_program

RETIRE_ON = PINNED_NOW.date() + timedelta(days=120)  # every test runs at the pinned moment (tests/conftest.py)
DIGEST = "C0DIGEST"


@pytest.fixture
def cast(world, bot, fake, monkeypatch):
    """An admin, a retiring person and two successors (none of them joined the program), and an outsider."""
    set_program(bot, "succession")
    monkeypatch.setattr(bot.settings, "program_admins", ["UADMIN"])
    for user_id, name in (("UADMIN", "Ada Admin"), ("URET", "Rita Retiring"), ("US1", "Sam Successor"),
                          ("US2", "Sue Successor"), ("UOUT", "Otto Outsider")):
        fake.add_user(user_id, name)
    return world


def open_plan_modal(world, user_id="UADMIN"):
    assert world.slack.command(user_id, "succession").status == 200
    return world.fake.wait_for(lambda: (m := world.fake.open_modal(user_id)) and m["callback_id"] == "succession_submit" and m)


def start_plan(world, successors=("US1", "US2")):
    r = world.slack.submit("UADMIN", open_plan_modal(world), {
        "Who is retiring?": "URET", "Retirement date": RETIRE_ON.isoformat(), "Successors": list(successors)})
    assert r.status == 200 and not r.view_errors, (r.text, r.view_errors)
    world.idle()
    with world.bot.db.uow() as session:
        return session.scalars(select(SuccessionPlan)).one().id


def dm_with(world, user_id, words):
    return world.fake.wait_for(lambda: [m for m in world.fake.dms_to(user_id) if words in json.dumps(m)])[-1]


def add_item(world, user_id, surface, values):
    world.slack.click(user_id, surface, "Add an item")
    modal = world.fake.wait_for(
        lambda: (m := world.fake.open_modal(user_id)) and m["callback_id"] == "handover_item_submit" and m)
    r = world.slack.submit(user_id, modal, values)
    world.idle()
    return r, modal


def items(bot):
    with bot.db.uow() as session:
        return [(i.title, i.status, i.successor_user_id, i.done_by)
                for i in session.scalars(select(KnowledgeItem).order_by(KnowledgeItem.id))]


def audit_actions(bot):
    with bot.db.uow() as session:
        return [(a.actor_user_id, a.action) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def said(world, user_id, words):
    return any(words in json.dumps(r) for r in world.fake.responses(user_id) + world.fake.ephemerals(user_id))


def test_admin_starts_a_plan_retiring_person_adds_items_successor_hands_over(cast, fake, bot):
    world = cast
    plan_id = start_plan(world)
    notice = json.dumps(fake.open_modal("UADMIN")["blocks"])
    assert "is started" in notice and "<@US1> and <@US2>" in notice
    assert ("UADMIN", "succession.create") in audit_actions(bot)

    ask = dm_with(world, "URET", "not in your job description")
    assert message_errors(ask["blocks"], ask["text"]) == []
    assert f"{RETIRE_ON.day} {RETIRE_ON:%B %Y}" in json.dumps(ask["blocks"])
    for user_id in ("US1", "US2"):
        told = dm_with(world, user_id, "named as one of their successors")
        assert "<@URET>" in json.dumps(told["blocks"])
        assert "Add an item" not in json.dumps(told["blocks"])  # successors follow, they don't write the list

    r, modal = add_item(world, "URET", ask, {"What is it?": "Renewing the fire safety certificate",
                                              "How it is done": "Every March; call Facilities, form FS-2.",
                                              "Who takes it over?": "Sam Successor"})
    assert not r.view_errors
    assert [o["text"]["text"] for o in modal["blocks"][-1]["element"]["options"]] == \
        ["Any successor", "Sam Successor", "Sue Successor"]
    r, _ = add_item(world, "URET", ask, {"What is it?": "Who to call when the old server room floods"})
    assert not r.view_errors
    r, _ = add_item(world, "URET", ask, {"What is it?": "Renewing the fire safety certificate"})
    assert r.view_errors == {"title": "This plan already has an item with that title."}
    for_sam = dm_with(world, "US1", "added *Renewing the fire safety certificate*")  # the named successor is told
    assert "Every March" in json.dumps(for_sam["blocks"])
    assert [m for m in fake.dms_to("US2") if "added *" in json.dumps(m)] == []
    assert items(bot) == [("Renewing the fire safety certificate", "open", "US1", None),
                          ("Who to call when the old server room floods", "open", None, None)]

    world.forged_click("US1", "handover_add", plan_id)  # a successor does not write the list
    assert said(world, "US1", "Only the retiring person")

    checklist = world.slack.command("US1", "handover")
    shown = json.dumps(checklist.ephemeral["blocks"])
    assert message_errors(checklist.ephemeral["blocks"], checklist.ephemeral["text"]) == []
    assert "0 of 2 items handed over" in shown and "Every March" in shown and "(for <@US1>)" in shown
    assert "Close plan" not in shown and "Add an item" not in shown
    first_item = next(b for b in checklist.ephemeral["blocks"] if "fire safety" in b.get("text", {}).get("text", ""))
    world.slack.click("US1", checklist, "Mark handed over", value=first_item["accessory"]["value"])
    world.idle()
    now_shown = json.dumps(fake.responses("US1")[-1])
    assert "is marked handed over" in now_shown and "1 of 2 items handed over" in now_shown
    assert items(bot)[0][1:] == ("done", "US1", "US1")
    world.forged_click("US2", f"handover_done:{first_item['block_id']}", first_item["accessory"]["value"])
    assert said(world, "US2", "already marked handed over")

    retiring_view = json.dumps(world.slack.command("URET", "handover").ephemeral["blocks"])
    assert "1 of 2 items handed over" in retiring_view and "Add an item" in retiring_view


def test_only_admins_start_and_close_plans_and_only_members_see_them(cast, fake, bot):
    world = cast
    world.slack.command("US1", "succession")  # not an admin
    assert fake.open_modal("US1") is None
    assert "Only the program's admins" in json.dumps(fake.wait_for(lambda: fake.ephemerals("US1")))

    modal = open_plan_modal(world)  # a forged submission of the admin's modal by someone else
    payload = world.slack._base_payload("view_submission", "UOUT")
    sent = copy.deepcopy(modal)
    sent["state"] = {"values": forms.build_state(modal, {"Who is retiring?": "URET",
                                                         "Retirement date": RETIRE_ON.isoformat(),
                                                         "Successors": ["UOUT"]})}
    payload.update(view=sent, response_urls=[])
    r = world.slack._interactive(payload)
    assert "Only the program's admins" in r.text
    with bot.db.uow() as session:
        assert session.scalars(select(SuccessionPlan)).all() == []

    r = world.slack.submit("UADMIN", modal, {"Who is retiring?": "URET", "Retirement date": RETIRE_ON.isoformat(),
                                             "Successors": ["URET", "US1"]})
    assert r.view_errors == {"successors": "The retiring person can't be their own successor."}
    r = world.forged_submit("UADMIN", fake.open_modal("UADMIN"), {"retiring": "not-a-user"})
    assert r.view_errors["retiring"] == "Pick a person."
    world.slack.close_view("UADMIN", fake.open_modal("UADMIN"))

    plan_id = start_plan(world)
    r, _ = add_item(world, "URET", dm_with(world, "URET", "not in your job description"), {"What is it?": "Payroll"})
    with bot.db.uow() as session:
        item_id = session.scalars(select(KnowledgeItem.id)).one()

    assert "You are not part of any succession plan" in json.dumps(world.slack.command("UOUT", "handover").ephemeral)
    world.forged_click("UOUT", "handover_open", f"{plan_id}:0")
    world.forged_click("UOUT", f"handover_done:{item_id}", f"{item_id}:0")
    world.forged_click("UOUT", "handover_close", plan_id)
    world.forged_click("US1", "handover_close", plan_id)  # in the plan, but not an admin
    assert said(world, "UOUT", "you are not part of")
    assert said(world, "US1", "Only the program's admins")
    assert not said(world, "UOUT", "Payroll")
    assert items(bot)[0][1] == "open"

    admin_view = world.slack.command("UADMIN", "handover")
    assert "Close plan" in json.dumps(admin_view.ephemeral["blocks"])
    world.slack.click("UADMIN", admin_view, "Close plan")
    world.idle()
    assert "is closed" in json.dumps(fake.responses("UADMIN")[-1])
    with bot.db.uow() as session:
        assert session.get(SuccessionPlan, plan_id).status == "closed"
    assert ("UADMIN", "succession.close") in audit_actions(bot)
    for user_id in ("URET", "US1", "US2"):
        assert "0 of 1 items handed over" in json.dumps(dm_with(world, user_id, "is closed"))
    world.forged_click("URET", "handover_add", plan_id)
    assert said(world, "URET", "This succession plan is closed")


def test_succession_off_is_said_kindly(world, fake, bot, monkeypatch):
    monkeypatch.setattr(bot.settings, "program_admins", ["UADMIN"])
    fake.add_user("UADMIN", "Ada Admin")
    world.slack.command("UADMIN", "succession")
    assert "Succession plans are not part of *Grow Together*" in json.dumps(fake.wait_for(lambda: fake.ephemerals("UADMIN")))
    assert fake.open_modal("UADMIN") is None


def test_weekly_digest_shows_each_plans_progress(cast, fake, bot):
    world = cast
    world.join("U1", "Ada", offers=["Python"], wants=["SQL"])  # the digest reports on teams with participants
    start_plan(world)
    ask = dm_with(world, "URET", "not in your job description")
    for title in ("Payroll", "Fire safety", "The old server room"):
        add_item(world, "URET", ask, {"What is it?": title})
    checklist = world.slack.command("US2", "handover")
    world.slack.click("US2", checklist, "Mark handed over", value=next(
        b["accessory"]["value"] for b in checklist.ephemeral["blocks"] if "Payroll" in b.get("text", {}).get("text", "")))
    world.idle()

    fake.add_channel(DIGEST, "mentoring-managers", bot_member=True)
    with time_machine.travel(date.today() + timedelta(days=7 - date.today().weekday()), tick=True):  # next Monday
        world.run_job("weekly-digest", digest_channel=DIGEST)
    posted = [m for m in fake.messages(DIGEST) if m.get("blocks")][0]
    assert message_errors(posted["blocks"], posted["text"]) == []
    shown = json.dumps(posted["blocks"])
    assert "Succession plans" in shown
    assert f"<@URET> (retiring {RETIRE_ON:%A} {RETIRE_ON.day} {RETIRE_ON:%B %Y}): 1 of 3 items handed over" in shown
