"""Logging meetings and the private journal."""

import json
from datetime import date, timedelta

from sqlalchemy import func, select

from models import JournalNote, Meeting


def log_modal(world, user_id):
    world.slack.command(user_id, "log")
    return world.fake.wait_for(lambda: (m := world.fake.open_modal(user_id)) and m["callback_id"] == "meeting_submit" and m)


def test_log_a_meeting_tells_the_partner_and_a_second_log_updates(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.pair("U1", "U2")
    modal = log_modal(world, "U1")
    assert "Meeting with *Bea*" in str(modal["blocks"])  # one partnership: no need to pick
    held = date.today() - timedelta(days=1)
    r = slack.submit("U1", modal, {
        "Date of the meeting": held, "Length in minutes": "50", "Topics we talked about": "Conference talk outline",
        "Action item 1": "Draft the slides", "Who does item 1": "Me", "Item 1 due by": date.today() + timedelta(days=5),
        "Private note": "I rush my openings.",
        "Next meeting": date.today() + timedelta(days=13),
    })
    assert r.view_errors is None and "Logged: your meeting" in str(fake.open_modal("U1")["blocks"])
    world.idle()
    told = fake.dms_to("U2")[-1]
    assert "<@U1> logged your meeting" in told["blocks"][0]["text"]["text"]
    assert "Conference talk outline" in str(told["blocks"]) and "rush my openings" not in str(told["blocks"])
    assert f"Draft the slides — Ada, due {date.today() + timedelta(days=5):%d %b %Y}" in str(told["blocks"])

    slack.command("U2", "log")
    modal = fake.wait_for(lambda: (m := fake.open_modal("U2")) and m["callback_id"] == "meeting_submit" and m)
    slack.submit("U2", modal, {"Date of the meeting": held, "Length in minutes": "60",
                               "Topics we talked about": "Talk outline and pandas"})
    world.idle()
    with bot.db.uow() as session:
        meetings = session.scalars(select(Meeting)).all()
        assert [(m.held_on, m.minutes, m.topics) for m in meetings] == [(held, 60, "Talk outline and pandas")]
    assert "updated the log" in fake.dms_to("U1")[-1]["blocks"][0]["text"]["text"]
    home = str(fake.home("U1")["blocks"])
    assert f"Last meeting: {held:%d %b %Y} (60 min)" in home


def test_bad_meeting_input_is_refused_field_by_field(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cai", offers=["Go"], wants=["Python"])
    world.join("U4", "Dee", offers=["Python"], wants=["Go"])
    world.pair("U1", "U2")
    other = world.pair("U3", "U4")
    modal = log_modal(world, "U1")
    r = slack.submit("U1", modal, {"Date of the meeting": date.today() + timedelta(days=2), "Length in minutes": "30",
                                   "Topics we talked about": "x"})
    assert r.view_errors == {"held_on": "The meeting date can't be in the future."}
    r = world.forged_submit("U1", fake.open_modal("U1"), {"minutes": "481", "topics": "", "held_on": "not a date"})
    assert set(r.view_errors) == {"minutes", "topics", "held_on"}
    r = world.forged_submit("U1", fake.open_modal("U1"), {"minutes": "0", "topics": "x" * 2001})
    assert r.view_errors["minutes"] == "Enter a number of at least 1." and "2,000" in r.view_errors["topics"]
    r = slack.submit("U1", fake.open_modal("U1"), {"Length in minutes": "30", "Topics we talked about": "x",
                                                   "Next meeting": date.today() - timedelta(days=3)})
    assert r.view_errors == {"next_meeting_on": "The next meeting comes after this one: pick a later date."}
    # someone else's partnership id in private_metadata
    r = world.forged_submit("U1", fake.open_modal("U1"), {"minutes": "30", "topics": "x"},
                            metadata=json.dumps({"partnership_id": other}))
    assert "doesn't belong to one of your partnerships" in json.dumps(r.json)
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_several_partners_pick_one_and_nobody_to_log_says_so(world, slack, fake, bot):
    r = slack.command("U1", "log")
    assert "Join the program" in r.text
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    r = slack.command("U1", "log")
    assert "no active partnership" in r.text
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cai", offers=["Go"], wants=["Python"])
    world.pair("U1", "U2")
    world.pair("U1", "U3")
    modal = log_modal(world, "U1")
    slack.submit("U1", modal, {"Partner": "Cai", "Length in minutes": "25", "Topics we talked about": "Goroutines"})
    world.idle()
    assert "Goroutines" in str(fake.dms_to("U3")[-1]["blocks"])
    assert not any("Goroutines" in str(m["blocks"]) for m in fake.dms_to("U2"))


def test_journal_is_private_to_its_author(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.pair("U1", "U2")
    slack.submit("U1", log_modal(world, "U1"), {"Length in minutes": "30", "Topics we talked about": "Testing",
                                                "Private note": "Bea explains mocks well."})
    world.idle()
    r = slack.command("U1", "journal")
    assert "Bea explains mocks well." in r.text
    slack.click("U1", r, "Add a note")
    modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "journal_submit" and m)
    slack.submit("U1", modal, {"What did you learn?": "Ask for examples first."})
    world.idle()
    assert "Ask for examples first." in slack.command("U1", "journal").text
    bea = slack.command("U2", "journal").text
    assert "mocks" not in bea and "examples" not in bea and "No notes yet" in bea
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(JournalNote)) == 2
