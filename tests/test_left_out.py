"""Nobody silently left out, through Slack: the admin's review of a formal round says how many would be left without
a pair and why; on confirm each of them gets a DM saying so, why and what they can do, naming no other person; and
three requests in a row that came to nothing bring people with room instead of silence."""

from __future__ import annotations

import json

from tests.world import set_program

NAMES = ("Ada Mentor", "Max Manager", "Bea Mentee", "Cy Mentee", "Dot Mentee")


def _deliver(world) -> None:
    from bot.delivery import drain

    drain(world.bot.settings, world.bot.db, max_seconds=5.0)


def _round_pool(world) -> None:
    """Ada (mentor, one place) fits Bea and Cy; Max (mentor) manages Dot, the only mentee who wants Go."""
    world.fake.add_user("UADMIN", "Program Admin")
    set_program(world.bot, "formal", admins=("UADMIN",))
    world.join("U1", "Ada Mentor", offers=["Python"], wants=["Budgeting"], level=7, capacity=1)
    world.join("U2", "Max Manager", offers=["Go"], wants=["Budgeting"], level=7, goals=("Career journey",))
    world.join("U3", "Bea Mentee", offers=["Design"], wants=["Python"], level=2)
    world.join("U4", "Cy Mentee", offers=["Design"], wants=["Python"], level=2)
    world.join("U5", "Dot Mentee", offers=["Writing"], wants=["Go"], level=2, goals=("Career journey",))
    world.slack.command("U5", "boundaries")
    modal = world.fake.wait_for(lambda: (m := world.fake.open_modal("U5")) and m["callback_id"] == "boundaries_submit" and m)
    assert not world.slack.submit("U5", modal, {"My manager": "U2"}).view_errors
    world.idle()


def test_a_confirmed_round_tells_everyone_left_out_why_naming_nobody(world, slack, fake):
    _round_pool(world)
    slack.command("UADMIN", "round")
    modal = fake.wait_for(lambda: (m := fake.open_modal("UADMIN")) and m["callback_id"] == "round_submit" and m)
    assert not slack.submit("UADMIN", modal, {"criteria": [], "min_level": "Level 5"}).view_errors
    world.idle()
    review = fake.dms_to("UADMIN")[-1]
    shown = str(review["blocks"])
    assert "*3* would be left without a pair" in shown  # Cy or Bea (one place), Dot (boundary), Max (nobody left)
    assert "everyone who fits is across a matching boundary" in shown and "no room left" in shown
    assert "On confirm, each gets a DM" in shown

    slack.click("UADMIN", review, "Confirm and send")
    world.idle()
    _deliver(world)
    told = {u: [m for m in fake.dms_to(u) if "pairing round" in m["text"].lower() and "No partner" in m["text"]]
            for u in ("U1", "U2", "U3", "U4", "U5")}
    left = {u for u, dms in told.items() if dms}
    assert "U5" in left and "U2" in left and len(left) == 3 and "U1" not in left
    for user in left:
        (dm,) = told[user]
        text = json.dumps(dm)
        assert "<@" not in text and not any(name.split()[0] in text for name in NAMES)  # names no other person
        assert "Find a partner" in text and "wait for the next round" in text
    assert "matching boundary" in json.dumps(told["U5"][0]) and "matching boundary" in json.dumps(told["U2"][0])
    assert not any("introduc" in m["text"] for m in fake.dms_to("U5"))  # never paired with her own manager
    slack.click("U5", told["U5"][0], "Find a partner")  # the button works: people with room, boundaries kept
    world.idle()
    answer = str(fake.responses("U5")[-1]) if fake.responses("U5") else str(fake.dms_to("U5")[-1])
    assert "<@U2>" not in answer
    assert "left without a pair" in str(fake.responses("UADMIN")[-1])


def test_three_declined_requests_bring_people_with_room_instead_of_silence(world, slack, fake):
    world.join("U1", "Ada", offers=["Design"], wants=["Python"])
    for user, name in (("U2", "Bo"), ("U3", "Cam"), ("U4", "Dee"), ("U5", "Eve")):
        world.join(user, name, offers=["Python"], wants=["Design"])
    for target in ("U2", "U3", "U4"):
        world.ask("U1", target)
        slack.click(target, world.request_message(target), "Decline")
        world.idle()
    _deliver(world)
    offers = [m for m in fake.dms_to("U1") if m["text"] == "Some people with room who fit you"]
    assert len(offers) == 1
    shown = json.dumps(offers[0])
    assert "Your last 3 partner requests" in shown and "<@U5>" in shown and "Ask to partner" in shown


def test_the_left_out_dm_of_a_pairs_round_offers_an_open_circle_that_fits(world, slack, fake):
    world.fake.add_user("UADMIN", "Program Admin")
    set_program(world.bot, "formal", admins=("UADMIN",))
    world.join("U1", "Ada Mentor", offers=["Python"], wants=["Budgeting"], level=7, capacity=1)
    world.join("U3", "Bea Mentee", offers=["Design"], wants=["Python"], level=2)
    world.join("U4", "Cy Mentee", offers=["Design"], wants=["Python"], level=2)
    world.join("U9", "Zed Zane", offers=["Knitting"], wants=["Python"], level=2)
    world.slack.command("U9", "circle")
    modal = fake.wait_for(lambda: (m := fake.open_modal("U9")) and m["callback_id"] == "circle_submit" and m)
    assert not slack.submit("U9", modal, {"Learning goal": "Python club", "Skills": "Python", "Circle size": "4",
                                          "How often we meet": "Every week", "Meeting length": "30 minutes"}).view_errors
    world.idle()
    slack.command("UADMIN", "round")
    modal = fake.wait_for(lambda: (m := fake.open_modal("UADMIN")) and m["callback_id"] == "round_submit" and m)
    assert not slack.submit("UADMIN", modal, {"criteria": [], "min_level": "Level 5"}).view_errors
    world.idle()
    slack.click("UADMIN", fake.dms_to("UADMIN")[-1], "Confirm and send")
    world.idle()
    _deliver(world)
    told = [(u, m) for u in ("U3", "U4") for m in fake.dms_to(u) if "No partner" in m["text"]]
    assert len(told) == 1
    mentee, dm = told[0]
    text = json.dumps(dm)
    assert "Python club" in text and "Join circle" in text and "join one of the open circles below" in text
    assert "<@" not in text and "Zed" not in text  # the circle is shown, its members are not named
    (zed,) = [m for m in fake.dms_to("U9") if "No partner" in m["text"]]
    assert "Python club" not in json.dumps(zed)  # never her own circle
    slack.click(mentee, dm, "Join circle")
    world.idle()
    assert "You joined *Python club*" in json.dumps(fake.responses(mentee) + fake.ephemerals(mentee))
