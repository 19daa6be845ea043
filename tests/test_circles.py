"""Peer circles through Slack: a member starts one with `/mentor circle`, others find it in `/mentor circles` and
`/mentor find` and press "Join circle"; the third member opens the circle's group chat with a kickoff, a later
member gets a new chat with everyone. Bad input (a circle of 50, no goal, a made-up cadence) gets field errors and
stores nothing; two people taking the last place at once: one gets it, the other is told it is full; a boundary
holds: nobody is shown, or can join, a circle with their manager."""

from __future__ import annotations

import json
import threading

from sqlalchemy import func, select

from models import Circle, CircleMember
from tests.fakeslack import message_errors

GOAL = "Present with confidence"


def _people(world) -> None:
    world.join("U1", "Ada Lovelace", offers=["Design"], wants=["Public speaking"])
    world.join("U2", "Bea Brown", offers=["SQL"], wants=["Public speaking"], tz="America/New_York", tz_offset=-5 * 3600)
    world.join("U3", "Cy Young", offers=["Public speaking"], wants=["Design"])
    world.join("U4", "Dee Dane", offers=["Go"], wants=["Public speaking"])


def circle_modal(world, user_id: str) -> dict:
    assert world.slack.command(user_id, "circle").status == 200
    return world.fake.wait_for(lambda: (m := world.fake.open_modal(user_id)) and m["callback_id"] == "circle_submit" and m)


def start(world, user_id: str = "U1", **values):
    fields = {"Learning goal": GOAL, "Skills": "Public speaking, storytelling", "Circle size": "4",
              "How often we meet": "Every two weeks", "Meeting length": "60 minutes"} | values
    response = world.slack.submit(user_id, circle_modal(world, user_id), fields)
    world.idle()
    return response


def circles_list(world, user_id: str):
    response = world.slack.command(user_id, "circles")
    assert response.status == 200, response.text
    assert message_errors(response.ephemeral["blocks"], response.ephemeral["text"]) == []
    return response


def said(world, user_id: str, words: str) -> bool:
    return any(words in json.dumps(r) for r in world.fake.responses(user_id) + world.fake.ephemerals(user_id))


def circle_count(bot) -> int:
    with bot.db.uow() as session:
        return session.scalar(select(func.count()).select_from(Circle)) or 0


def test_a_circle_forms_from_the_list_to_its_group_chat_and_kickoff(world, slack, fake, bot):
    _people(world)
    response = start(world)
    assert response.status == 200 and not response.view_errors, response.text
    with bot.db.uow() as session:
        circle = session.scalars(select(Circle)).one()
        assert (circle.size, circle.frequency, circle.status, circle.invite_only) == (4, "fortnightly", "open", False)
        assert circle.skill_names() == ["Public speaking", "storytelling"]

    shown = circles_list(world, "U2")  # Bea wants public speaking: the circle is there, with why
    text = json.dumps(shown.ephemeral)
    assert GOAL in text and "which you want to learn" in text and "shared working day" in text
    slack.click("U2", shown, "Join circle")
    world.idle()
    assert said(world, "U2", "It starts when 1 more person joins")
    assert fake.group_dm("U1", "U2") is None  # two people are not a circle yet

    found = world.find("U4")  # Dee finds it after the people in /mentor find
    assert "A peer circle that fits you" in json.dumps(found.ephemeral)
    slack.click("U4", found, "Join circle")
    world.idle()
    group = fake.group_dm("U1", "U2", "U4")
    assert group is not None
    kickoff = json.dumps(fake.messages(group))
    assert GOAL in kickoff and "every two weeks, 60 minutes" in kickoff
    assert "<@U1>" in kickoff and "<@U2>" in kickoff and "<@U4>" in kickoff
    assert said(world, "U4", "The circle has started")
    with bot.db.uow() as session:
        assert session.scalars(select(Circle)).one().channel_id == group  # kept, for the circle's later messages

    slack.click("U3", circles_list(world, "U3"), "Join circle")  # the fourth: a new chat with everyone
    world.idle()
    everyone = fake.group_dm("U1", "U2", "U3", "U4")
    assert everyone is not None and "<@U3> joined the peer circle" in json.dumps(fake.messages(everyone))
    assert "<@U3> (facilitates)" in json.dumps(fake.messages(everyone))  # Cy offers public speaking: they lead
    assert "continues in a new group chat" in json.dumps(fake.messages(group))
    welcome = next(m for m in fake.messages(everyone) if "joined the peer circle" in m["text"])
    assert message_errors(welcome["blocks"], welcome["text"]) == []
    assert "Plan a session" in json.dumps(welcome) and "Log a session" in json.dumps(welcome)  # like the kickoff
    slack.click("U3", welcome, "Plan a session")  # the newcomer plans from the new chat
    assert fake.wait_for(lambda: (m := fake.open_modal("U3")) and m["callback_id"] == "circle_session_plan_submit" and m)
    with bot.db.uow() as session:
        circle = session.scalars(select(Circle)).one()
        assert circle.status == "full" and circle.channel_id == everyone
    mine = circles_list(world, "U3")
    assert "Your circles" in json.dumps(mine.ephemeral) and "Leave circle" in json.dumps(mine.ephemeral)
    slack.app_home_opened("U3")
    world.idle()
    assert "Your peer circles" in json.dumps(fake.home("U3"))


def test_bad_input_gets_field_errors_and_stores_nothing(world, fake, bot):
    _people(world)
    modal = circle_modal(world, "U1")
    for raw, block in (({"size": "50"}, "size"), ({"goal": "   "}, "goal"), ({"frequency": "daily"}, "frequency")):
        response = world.forged_submit("U1", modal, raw)
        assert response.status == 200 and block in (response.view_errors or {}), (raw, response.text)
    errors = world.forged_submit("U1", modal, {"size": "50"}).view_errors
    assert errors["size"] == "A circle is 3 to 8 people, you included."
    response = start(world, **{"Who can join": "Invite-only: the people I invite"})  # nobody invited
    assert "Pick the people you invite" in response.view_errors["invitees"]
    assert circle_count(bot) == 0


def test_two_people_taking_the_last_place_at_once(world, slack, fake, bot):
    _people(world)
    start(world, **{"Circle size": "3"})
    slack.click("U2", circles_list(world, "U2"), "Join circle")
    world.idle()
    shown = {u: circles_list(world, u) for u in ("U3", "U4")}
    gate = threading.Barrier(2)

    def click(user_id: str) -> None:
        gate.wait()
        slack.click(user_id, shown[user_id], "Join circle")

    threads = [threading.Thread(target=click, args=(u,)) for u in shown]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    world.idle()
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(CircleMember)) == 3
    full = [u for u in shown if said(world, u, "Sorry, this circle is full")]
    started = [u for u in shown if said(world, u, "The circle has started")]
    assert len(full) == 1 and len(started) == 1 and full != started
    slack.click(full[0], shown[full[0]], "Join circle")  # once more: the same clear answer, nothing changes
    world.idle()
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(CircleMember)) == 3


def test_nobody_is_shown_or_joins_a_circle_with_their_manager(world, slack, fake, bot):
    _people(world)
    start(world)  # Ada's circle
    assert world.slack.command("U2", "boundaries").status == 200
    modal = fake.wait_for(lambda: (m := fake.open_modal("U2")) and m["callback_id"] == "boundaries_submit" and m)
    assert not slack.submit("U2", modal, {"My manager": "U1"}).view_errors
    world.idle()
    assert GOAL not in json.dumps(circles_list(world, "U2").ephemeral)
    assert "A peer circle that fits you" not in json.dumps(world.find("U2").ephemeral)
    with bot.db.uow() as session:
        circle_id = session.scalars(select(Circle.id)).one()
    world.forged_click("U2", f"circle_join:{circle_id}", circle_id)
    assert "This circle isn't open to you." in json.dumps(fake.responses("U2") + fake.dms_to("U2"))
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(CircleMember)) == 1


def test_an_invite_only_circle_asks_the_picked_people(world, slack, fake, bot):
    _people(world)
    response = start(world, **{"Who can join": "Invite-only: the people I invite", "Invite people": ["U2", "U3"]})
    assert not response.view_errors, response.text
    assert GOAL not in json.dumps(circles_list(world, "U4").ephemeral)  # not listed for the uninvited
    invite = next(m for m in fake.dms_to("U2") if "invites you to a peer circle" in m["text"])
    slack.click("U2", invite, "Join circle")
    world.idle()
    assert "you joined" in json.dumps(fake.message(invite["channel"], invite["ts"]))
    declined = next(m for m in fake.dms_to("U3") if "invites you to a peer circle" in m["text"])
    slack.click("U3", declined, "No thanks")
    world.idle()
    assert "you said no thanks" in json.dumps(fake.message(declined["channel"], declined["ts"]))
    assert "Join circle" not in json.dumps(fake.message(declined["channel"], declined["ts"]))
    assert fake.group_dm("U1", "U2", "U3") is None


def test_a_circle_takes_a_place_in_find_too(world, slack, fake, bot):
    """Bea has room for one partner; once her circle takes it, `/mentor find` no longer suggests her to anyone,
    and tells her she is at her limit. Leaving the circle frees the place, and she is suggested again."""
    world.join("U1", "Ada Lovelace", offers=["Design"], wants=["Public speaking"])
    world.join("U2", "Bea Brown", offers=["SQL"], wants=["Public speaking"], capacity=1)
    world.join("U3", "Cy Young", offers=["Public speaking"], wants=["Design"])
    world.join("U5", "Eve Ernst", offers=["Public speaking"], wants=["SQL"])
    assert "Bea Brown" in json.dumps(world.find("U5").ephemeral)
    start(world)
    slack.click("U2", circles_list(world, "U2"), "Join circle")
    world.idle()
    assert "Bea Brown" not in json.dumps(world.find("U5").ephemeral)
    assert "your limit" in json.dumps(world.find("U2").ephemeral)
    slack.click("U2", circles_list(world, "U2"), "Leave circle")
    world.idle()
    assert "Bea Brown" in json.dumps(world.find("U5").ephemeral)
