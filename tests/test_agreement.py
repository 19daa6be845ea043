"""The agreement: one drafts, the other confirms or changes it, supervisors acknowledge."""

import json
from datetime import date, timedelta

from sqlalchemy import select

from models import Agreement, SupervisorAck
from tests.fakeslack import message_errors


def open_agreement_modal(world, user_id, group):
    kickoff = world.fake.messages(group)[0]
    world.slack.click(user_id, kickoff, "Write our agreement")
    return world.fake.wait_for(lambda: (m := world.fake.open_modal(user_id)) and m["callback_id"] == "agreement_submit" and m)


def agreed_values(**extra):
    values = {
        "Purpose of the partnership": ["Knowledge gaps", "Career journey"],
        "Our goals": "Ada gets better at talks; Bea learns Python for data work.",
        "Boundaries: what is off limits": "No talk about salaries.",
        "How often we meet": "Every two weeks",
        "How long each meeting lasts": "45 minutes",
        "Confidentiality": ["We keep what we share confidential"],
    }
    values.update(extra)
    return values


def test_draft_confirm_and_supervisors_acknowledge(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Public speaking"])
    world.join("U2", "Bea", offers=["Public speaking"], wants=["Python"])
    fake.add_user("U7", "Sue Supervisor")
    fake.add_user("U8", "Sid Supervisor")
    world.pair("U1", "U2")
    group = fake.group_dm("U1", "U2")

    modal = open_agreement_modal(world, "U1", group)
    assert modal["title"]["text"] == "Our agreement"
    end = date.today() + timedelta(days=120)
    r = slack.submit("U1", modal, agreed_values(**{"Partnership ends on": end, "My supervisor": "U7",
                                                   "Bea's supervisor": "U8"}))
    assert r.view_errors is None
    world.idle()
    drafted = fake.messages(group)[-1]
    assert message_errors(drafted["blocks"], drafted["text"]) == []
    assert "wrote version 1" in str(drafted["blocks"]) and "No talk about salaries." in str(drafted["blocks"])
    assert "waiting for Bea to confirm" in str(drafted["blocks"])

    slack.click("U1", drafted, "Confirm this version")  # the author already confirmed by writing it
    world.idle()
    assert any("already confirmed" in e["text"] for e in fake.ephemerals("U1"))

    slack.click("U2", drafted, "Confirm this version")
    world.idle()
    assert any("confirmed by both of you" in m["text"] for m in fake.messages(group))
    sue, sid = fake.dms_to("U7"), fake.dms_to("U8")
    assert len(sue) == 1 and len(sid) == 1
    for dm, whose in ((sue[0], "<@U1>"), (sid[0], "<@U2>")):
        text = str(dm["blocks"])
        assert f"supervisor of {whose}" in text and "every two weeks, 45 minutes" in text
        assert "Knowledge gaps" in text and f"{end:%d %B %Y}" in text
        assert "salaries" not in text and "Python for data" not in text  # never the pair's private words
    with bot.db.uow() as session:
        assert world.partnership("U1", "U2").planned_end == end

    slack.click("U7", sue[0], "Acknowledge")
    slack.click("U7", sue[0], "Acknowledge")  # a double click
    world.idle()
    assert "Thank you" in fake.dms_to("U7")[0]["text"]
    assert len([m for m in fake.messages(group) if "acknowledged your agreement" in m["text"]]) == 1
    with bot.db.uow() as session:
        acks = {a.supervisor_user_id: a.acknowledged_at for a in session.scalars(select(SupervisorAck))}
    assert acks["U7"] is not None and acks["U8"] is None
    # someone who is not the named supervisor cannot acknowledge
    payload = slack._base_payload("block_actions", "U2")
    ack_value = next(e["value"] for b in sid[0]["blocks"] if b["type"] == "actions" for e in b["elements"])
    payload.update(actions=[{"type": "button", "action_id": "supervisor_ack", "block_id": "x", "value": ack_value,
                             "action_ts": "1.1"}],
                   container={"type": "message", "channel_id": fake.dm_channel("U2"), "message_ts": "1.1"},
                   response_url=fake.new_response_url("U2", fake.dm_channel("U2")))
    slack._interactive(payload)
    world.idle()
    assert any("Only the supervisor named" in e["text"] for e in fake.ephemerals("U2"))

    r = slack.command("U2", "agreement")
    shown = json.dumps(r.json)
    assert "Our agreement (version 1)" in shown and "waiting for supervisors" in shown


def test_changes_make_a_new_version_the_first_author_must_confirm(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.pair("U1", "U2")
    group = fake.group_dm("U1", "U2")
    slack.submit("U1", open_agreement_modal(world, "U1", group), agreed_values())
    world.idle()
    v1 = fake.messages(group)[-1]
    slack.click("U2", v1, "Propose changes")
    modal = fake.wait_for(lambda: (m := fake.open_modal("U2")) and m["callback_id"] == "agreement_submit" and m)
    inputs = {b["block_id"]: b["element"] for b in modal["blocks"] if b["type"] == "input"}
    assert inputs["goals"]["initial_value"].startswith("Ada gets better")  # prefilled with version 1
    slack.submit("U2", modal, {"How often we meet": "Every week"})
    world.idle()
    v2 = fake.messages(group)[-1]
    assert "version 2" in v2["text"] and "waiting for Ada to confirm" in str(v2["blocks"])

    slack.click("U2", v1, "Confirm this version")  # a stale button for the old version
    world.idle()
    assert any("newer version" in e["text"] for e in fake.ephemerals("U2"))
    slack.click("U1", v2, "Confirm this version")
    world.idle()
    with bot.db.uow() as session:
        versions = session.scalars(select(Agreement).order_by(Agreement.version)).all()
        assert [(a.version, a.frequency, a.confirmed) for a in versions] == [(1, "fortnightly", False), (2, "weekly", True)]


def test_bad_agreement_input_and_tampered_metadata(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cai", offers=["Go"], wants=["Python"])
    world.join("U4", "Dee", offers=["Python"], wants=["Go"])
    world.pair("U1", "U2")
    other_pair = world.pair("U3", "U4")
    modal = open_agreement_modal(world, "U1", fake.group_dm("U1", "U2"))

    r = world.forged_submit("U1", modal, {"confidentiality": [], "end_date": str(date.today() - timedelta(days=1)),
                                          "goals": "", "purposes": []})
    assert set(r.view_errors) == {"confidentiality", "goals", "purposes"}
    r = slack.submit("U1", modal, agreed_values(**{"Partnership ends on": date.today() - timedelta(days=1)}))
    assert r.view_errors == {"end_date": "Pick an end date in the future."}
    r = slack.submit("U1", fake.open_modal("U1"), agreed_values(**{"My supervisor": "U2"}))
    assert r.view_errors == {"my_supervisor": "A supervisor can't be one of the two partners."}

    # private_metadata pointing at Cai and Dee's partnership is refused and changes nothing
    r = world.forged_submit("U1", fake.open_modal("U1"), {"purposes": ["knowledge"], "goals": "Learn",
                                                          "confidentiality": ["yes"]},
                            metadata=json.dumps({"partnership_id": other_pair}))
    assert "doesn't belong to one of your partnerships" in json.dumps(r.json)
    with bot.db.uow() as session:
        assert session.scalars(select(Agreement)).all() == []


def test_view_and_confirm_from_the_home_tab(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.pair("U1", "U2")
    slack.click("U1", fake.home("U1"), "Write our agreement")
    modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "agreement_submit" and m)
    slack.submit("U1", modal, agreed_values())
    world.idle()
    slack.click("U2", fake.home("U2"), "View agreement")
    shown = fake.wait_for(lambda: (m := fake.open_modal("U2")) and m["callback_id"] == "agreement_read" and m)
    assert "Our agreement (version 1)" in str(shown["blocks"]) and "waiting for Bea" in str(shown["blocks"])
    slack.click("U2", shown, "Confirm this version")
    world.idle()
    refreshed = fake.open_modal("U2")
    assert "Agreed (version 1)" in str(refreshed["blocks"]) and "Confirm this version" not in str(refreshed["blocks"])
    assert "Agreed (version 1)" in str(fake.home("U1")["blocks"])
