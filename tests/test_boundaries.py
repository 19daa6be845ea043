"""Matching boundaries through Slack: a person names their manager and keeps a private "don't suggest" list in
`/mentor boundaries`, the Slack profile's manager field counts when a setting names it, admins set program rules in
`/mentor admin rules`; a supervisor is never suggested, and a forged request across a boundary is refused with
neutral words and stores nothing."""

from __future__ import annotations

import json

from sqlalchemy import select

from models import AuditEntry, Partnership
from tests.world import set_program

NEUTRAL = "You can't send a request to this person."


def _three(world) -> None:
    """Ada wants Python; Max (her manager) and Cy both offer it, and each of the three fits the other two."""
    world.join("U1", "Ada Lovelace", offers=["Design"], wants=["Python"])
    world.join("U2", "Max Manager", offers=["Python", "Design"], wants=["Leadership"], level=6)
    world.join("U3", "Cy Young", offers=["Python", "Leadership"], wants=["Design"])


def _boundaries(world, user: str, values: dict):
    assert world.slack.command(user, "boundaries").status == 200
    modal = world.fake.wait_for(lambda: (m := world.fake.open_modal(user)) and m["callback_id"] == "boundaries_submit" and m)
    response = world.slack.submit(user, modal, values)
    world.idle()
    return modal, response


def test_my_manager_is_never_suggested_to_me_nor_i_to_them(world, slack, fake):
    _three(world)
    assert "<@U2>" in world.find("U1").text and "<@U3>" in world.find("U1").text
    modal, response = _boundaries(world, "U1", {"My manager": "U2"})
    assert response.status == 200 and not response.view_errors
    shown = json.dumps(modal)
    assert "Don't suggest me to these people" in shown and "They are never told" in shown
    assert "Matching boundaries saved: your manager is <@U2>" in fake.dms_to("U1")[-1]["text"]
    mine = world.find("U1").text
    assert "<@U3>" in mine and "<@U2>" not in mine  # never my own supervisor
    assert "<@U1>" not in world.find("U2").text  # nor a manager's direct report
    slack.command("U1", "boundaries")  # the modal shows what I set
    again = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "boundaries_submit" and m)
    assert '"initial_user": "U2"' in json.dumps(again)


def test_the_slack_profile_manager_field_counts_when_the_setting_names_it(world, slack, fake, monkeypatch):
    _three(world)
    fake.set_profile_field("U3", "Xf0MANAGER", "U2")
    slack.app_home_opened("U3")  # not read while no setting names the field
    world.idle()
    assert "<@U3>" in world.find("U2").text
    monkeypatch.setattr(world.bot.settings, "slack_manager_field_id", "Xf0MANAGER")
    slack.app_home_opened("U3")  # read when Home opens (and when the profile is saved), never on every find
    world.idle()
    assert "<@U3>" not in world.find("U2").text and "<@U2>" not in world.find("U3").text
    assert fake.calls_to("users.profile.get", ok=True)


def test_a_forged_request_across_a_private_list_is_refused_and_stores_nothing(world, slack, fake):
    _three(world)
    _boundaries(world, "U2", {"Don't suggest me to these people": ["U1"]})
    assert "<@U2>" not in world.find("U1").text and "<@U1>" not in world.find("U2").text  # both ways
    max_id = world.person_id("U2")

    world.forged_click("U1", f"partner_ask:{max_id}", max_id)  # a button find never showed
    assert fake.open_modal("U1") is None
    answer = str(fake.responses("U1")[-1])
    assert NEUTRAL in answer and "list" not in answer

    found = world.find("U1")  # a real "Ask to partner" modal, for Cy, sent with Max's id in its metadata
    slack.click("U1", found, "Ask to partner", value=str(world.person_id("U3")))
    modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "ask_submit" and m)
    forged = world.forged_submit("U1", modal, {}, metadata=json.dumps({"person_id": max_id}))
    assert forged.status == 200
    world.idle()
    assert NEUTRAL in json.dumps(fake.open_modal("U1"))
    assert world.partnership("U1", "U2") is None
    assert not any("peer partner" in m["text"] for m in fake.dms_to("U2"))  # Max hears nothing
    with world.bot.db.uow() as session:
        assert session.scalars(select(Partnership)).all() == []


def test_admins_set_program_rules_audited_and_bad_input_changes_nothing(world, slack, fake):
    _three(world)
    fake.add_user("UADMIN", "Program Admin")
    set_program(world.bot, admins=("UADMIN",))
    refused = slack.command("U1", "admin rules")
    world.idle()
    assert "admins" in refused.text + str(fake.responses("U1")) and fake.open_modal("U1") is None

    assert slack.command("UADMIN", "admin rules").status == 200
    modal = fake.wait_for(lambda: (m := fake.open_modal("UADMIN")) and m["callback_id"] == "matching_rules_submit" and m)
    half = slack.submit("UADMIN", modal, {"Add a pair: this person": "U1"})  # a pair needs both people
    assert half.view_errors == {"second": "Pick both people of the pair (or neither)."}
    with world.bot.db.uow() as session:
        assert session.scalars(select(AuditEntry)).all() == []

    done = slack.submit("UADMIN", modal, {"Departments": ["Not within the same department"],
                                          "Add a pair: this person": "U1", "... is never matched with": "U3"})
    assert done.status == 200 and not done.view_errors
    world.idle()
    assert "Matching rules saved: 2 change(s)" in fake.dms_to("UADMIN")[-1]["text"]
    assert "<@U3>" not in world.find("U1").text and "<@U2>" not in world.find("U1").text  # all in Engineering
    log = slack.command("UADMIN", "admin log").text
    assert "rules.separate_departments" in log and "rules.pair_added" in log
