"""The early fit check in Slack: each partner is asked privately after the first logged meeting; "Not a good fit"
offers "End kindly and find someone new"; the other partner hears only that the partnership was closed and gets a
fresh start too; nobody but the author ever sees an answer; a forged button changes nothing."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from models.fit import FitAnswer


def log_meeting(world, slack, fake, user_id: str) -> None:
    slack.command(user_id, "log")
    modal = fake.wait_for(lambda: (m := fake.open_modal(user_id)) and m["callback_id"] == "meeting_submit" and m)
    r = slack.submit(user_id, modal, {"Date of the meeting": date.today(), "Length in minutes": "45",
                                      "Topics we talked about": "Getting to know each other"})
    assert r.view_errors is None, r.view_errors
    world.idle()


def question(fake, user_id: str) -> dict:
    return next(m for m in reversed(fake.dms_to(user_id)) if "good fit for you" in str(m["blocks"]))


def everything_seen_by(fake, user_id: str) -> str:
    return json.dumps([fake.dms_to(user_id), fake.ephemerals(user_id), fake.home(user_id)]).lower()


def test_not_a_good_fit_ends_kindly_and_the_partner_learns_only_that_it_closed(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cai", offers=["Go"], wants=["Python"])
    world.pair("U1", "U2")
    assert world.run_job("fit-check").startswith("0 fit question")  # nothing logged, not three weeks in
    log_meeting(world, slack, fake, "U1")
    assert world.run_job("fit-check").startswith("2 fit question")
    assert world.run_job("fit-check").startswith("0 fit question")  # a rerun asks nobody twice
    assert len([m for m in fake.dms_to("U1") if "good fit for you" in str(m["blocks"])]) == 1
    asked = question(fake, "U2")
    assert "Only you see your answer" in str(asked["blocks"])

    before = everything_seen_by(fake, "U1")
    slack.click("U2", asked, "Not a good fit")
    slack.click("U2", asked, "Not a good fit")  # a double click
    world.idle()
    offer = fake.responses("U2")[-1]
    assert "End kindly and find someone new" in json.dumps(offer)
    with bot.db.uow() as session:
        assert [a.answer for a in session.scalars(select(FitAnswer).order_by(FitAnswer.id))].count("not_good") == 1
    assert everything_seen_by(fake, "U1") == before  # the partner saw nothing of it

    slack.click("U2", offer, "End kindly and find someone new")
    world.idle()
    assert world.partnership("U1", "U2").status == "ended"
    closed = next(m for m in fake.dms_to("U1") if "has been closed" in m["text"] or "was closed" in m["text"])
    words = json.dumps(closed).lower()
    assert "bea" in words and "not a good fit" not in words and "ended your" not in words
    seen = everything_seen_by(fake, "U1")
    assert "not a good fit" not in seen.replace('"text": "not a good fit"', "")  # only the button on their own question
    assert "not_good" not in seen.replace('"action_id": "fit_not_good"', "")  # their own question's button only
    # a fresh start for the partner too: "Find a new partner" runs /mentor find
    slack.click("U1", closed, "Find a new partner")
    world.idle()
    assert "Cai" in json.dumps(fake.responses("U1")[-1])
    assert "Find a new partner" in json.dumps(fake.responses("U2")[-1])


def test_good_fit_and_forged_buttons(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cai", offers=["Go"], wants=["Python"])
    world.join("U4", "Dee", offers=["Python"], wants=["Go"])
    pid = world.pair("U1", "U2")
    world.pair("U3", "U4")
    log_meeting(world, slack, fake, "U1")
    world.run_job("fit-check")
    with bot.db.uow() as session:
        ada = session.scalars(select(FitAnswer.id).where(FitAnswer.person_id == world.person_id("U1"))).one()
    # Cai presses buttons carrying Ada's question and Ada's partnership: a neutral answer, nothing changes
    world.forged_click("U3", "fit_good", ada)
    world.forged_click("U3", f"fit_end_kindly:{pid}", pid)
    assert "doesn't belong to one of your" in json.dumps(fake.responses("U3"))
    with bot.db.uow() as session:
        assert session.get(FitAnswer, ada).answer is None
    assert world.partnership("U1", "U2").status == "active"
    slack.click("U1", question(fake, "U1"), "Good fit")
    world.idle()
    assert "glad it's working" in json.dumps(fake.responses("U1")[-1])
    assert "glad" not in everything_seen_by(fake, "U2")
