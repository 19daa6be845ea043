"""Formal rounds that form peer circles, through Slack: an admin opens a "Peer circles" round over the pool, sees the
proposed circles (members, facilitator, one-line reason) and how many would be left out and why before confirming;
"Confirm round" forms each circle (its members, the facilitator in that role) and opens its group chat with a
kickoff; a double click forms nothing twice; a manager and their report never share a circle; each person left out
gets one DM saying why, naming nobody, with open circles that fit them ("Join circle" works from it). The DM after
three requests in a row came to nothing lists a fitting open circle too, never one with someone on a boundary."""

from __future__ import annotations

import json

from sqlalchemy import select

from models import Circle, CircleMember, PairingRound, RoundCircle
from tests.fakeslack import message_errors
from tests.world import set_program

POOL = {  # user: (name, offers, wants)
    "U1": ("Ada Lovelace", ["Design"], ["Public speaking"]),
    "U2": ("Bea Brown", ["SQL"], ["Public speaking"]),
    "U3": ("Cy Young", ["Go"], ["Public speaking", "Data viz"]),
    "U4": ("Dee Dane", ["Public speaking"], ["Negotiation"]),
    "U5": ("Eve Stone", ["Writing"], ["Data viz"]),
    "U6": ("Fay Wong", ["Writing"], ["Data viz"]),
    "U7": ("Gus Green", ["Testing"], ["Data viz"]),
    "U8": ("Max Manager", ["Budgeting"], ["Data viz"]),
    "U9": ("Ivy Irons", ["Design"], ["Origami"]),
    "U10": ("Jo Jones", ["Data viz"], ["Public speaking"]),
    "U11": ("Kim Kato", ["Origami"], ["Calligraphy"]),
}
NAMES = [name for name, _, _ in POOL.values()] + [name.split()[1] for name, _, _ in POOL.values()]


def _deliver(world) -> None:
    from bot.delivery import drain

    drain(world.bot.settings, world.bot.db, max_seconds=5.0)


def _manager(world, user: str, manager: str) -> None:
    world.slack.command(user, "boundaries")
    modal = world.fake.wait_for(lambda: (m := world.fake.open_modal(user)) and m["callback_id"] == "boundaries_submit" and m)
    assert not world.slack.submit(user, modal, {"My manager": manager}).view_errors
    world.idle()


def _open_circle(world, user: str, goal: str, skills: str) -> None:
    """`user` starts an open peer circle (as `/mentor circle` does)."""
    world.slack.command(user, "circle")
    modal = world.fake.wait_for(lambda: (m := world.fake.open_modal(user)) and m["callback_id"] == "circle_submit" and m)
    response = world.slack.submit(user, modal, {"Learning goal": goal, "Skills": skills, "Circle size": "5",
                                                "How often we meet": "Every two weeks", "Meeting length": "60 minutes"})
    assert response.status == 200 and not response.view_errors, response.text
    world.idle()


def _pool(world) -> None:
    world.fake.add_user("UADMIN", "Program Admin")
    set_program(world.bot, "formal", admins=("UADMIN",))
    for user, (name, offers, wants) in POOL.items():
        world.join(user, name, offers=offers, wants=wants)
    _manager(world, "U7", "U8")  # Gus reports to Max: never in one circle
    _open_circle(world, "U11", "Fold paper cranes", "Origami")  # Kim's open circle, for the people left out


def _circles_round(world) -> dict:
    world.slack.command("UADMIN", "round")
    modal = world.fake.wait_for(lambda: (m := world.fake.open_modal("UADMIN")) and m["callback_id"] == "round_submit" and m)
    assert "What this round forms" in json.dumps(modal) and "Circle size" in json.dumps(modal)
    before = len(world.fake.dms_to("UADMIN"))
    response = world.slack.submit("UADMIN", modal, {"kind": "Peer circles", "circle_size": "5 people"})
    assert response.status == 200 and not response.view_errors, response.text
    world.idle()
    return world.fake.dms_to("UADMIN")[before:][-1]


def _circle_members(world) -> dict[int, set[str]]:
    with world.bot.db.uow() as session:
        from models import Person

        rows = session.execute(select(CircleMember.circle_id, Person.slack_user_id)
                               .join(Person, Person.id == CircleMember.person_id)
                               .join(Circle, Circle.id == CircleMember.circle_id).where(Circle.round_id.is_not(None)))
        out: dict[int, set[str]] = {}
        for circle_id, user in rows:
            out.setdefault(circle_id, set()).add(user)
        return out


def test_a_circles_round_forms_circles_with_their_chats_and_tells_the_left_out(world, slack, fake):
    _pool(world)
    review = _circles_round(world)
    assert message_errors(review["blocks"], review["text"]) == []
    shown = json.dumps(review["blocks"])
    assert "*2* peer circles proposed" in shown and "circles of up to 5" in shown
    assert "All four want to learn Public speaking; Dee Dane offers it" in shown  # the one-line reasons
    assert "All three want to learn Data viz" in shown and "Facilitator: *Dee Dane*" in shown
    assert "Drop this circle" in shown and "Confirm round" in shown
    # left out, before confirming: Max (a circle with his report, Gus), Ivy and Kim (nobody shares their skill)
    assert "*3* would be left without a circle" in shown
    assert "no one shares a wanted skill with enough others" in shown and "matching boundary" in shown

    slack.click("UADMIN", review, "Confirm round")
    slack.click("UADMIN", review, "Confirm round")  # a double click forms nothing twice
    world.idle()
    _deliver(world)
    circles = _circle_members(world)
    assert sorted(map(sorted, circles.values())) == [["U1", "U10", "U2", "U3", "U4"], ["U5", "U6", "U7"]]
    assert all(not {"U7", "U8"} <= members for members in circles.values())  # manager and report never together
    with world.bot.db.uow() as session:
        formed = {c.goal: c for c in session.scalars(select(Circle).where(Circle.round_id.is_not(None)))}
        assert set(formed) == {"Learn Public speaking together", "Learn Data viz together"}
        speaking = formed["Learn Public speaking together"]
        assert (speaking.status, speaking.invite_only, speaking.frequency, speaking.meeting_minutes) == (
            "active", True, "fortnightly", 60)
        assert speaking.started_at is not None and (speaking.ends_on - speaking.starts_on).days in range(89, 93)
        roles = dict(session.execute(select(CircleMember.person_id, CircleMember.role)
                                     .where(CircleMember.circle_id == speaking.id)).all())
        assert roles[speaking.facilitator_id] == "facilitator" and sorted(roles.values()).count("member") == 4
        assert {r.status for r in session.scalars(select(RoundCircle))} == {"formed"}
        assert session.scalars(select(PairingRound)).one().status == "confirmed"
    for members in circles.values():
        chat = fake.group_dm(*members)
        assert chat is not None
        kickoffs = fake.messages(chat)
        assert len(kickoffs) == 1 and "Welcome to your peer circle" in json.dumps(kickoffs[0])
    confirmed = json.dumps(fake.responses("UADMIN"))
    assert "Confirmed: 2 circles formed" in confirmed and "already confirmed" in confirmed

    told = {u: [m for m in fake.dms_to(u) if "No peer circle for you" in m["text"]] for u in POOL}
    assert {u for u, dms in told.items() if dms} == {"U8", "U9", "U11"}
    for user in ("U8", "U9", "U11"):
        (dm,) = told[user]
        assert message_errors(dm["blocks"], dm["text"]) == []
        text = json.dumps(dm)
        assert "<@" not in text and not any(name in text for name in NAMES)  # names no other person
        assert "Find a partner" in text and "wait for the next round" in text
    assert "matching boundary" in json.dumps(told["U8"][0])
    assert "too few others in the pool want to learn the same skills" in json.dumps(told["U9"][0])
    ivy = json.dumps(told["U9"][0])
    assert "Fold paper cranes" in ivy and "Join circle" in ivy  # Kim's open circle fits Ivy
    assert "Fold paper cranes" not in json.dumps(told["U11"][0])  # never her own circle

    slack.click("U9", told["U9"][0], "Join circle")  # the existing join handler serves it
    world.idle()
    with world.bot.db.uow() as session:
        kim_circle = session.scalars(select(Circle).where(Circle.goal == "Fold paper cranes")).one()
        assert len(session.scalars(select(CircleMember).where(CircleMember.circle_id == kim_circle.id)).all()) == 2


def test_drop_this_circle_leaves_its_people_out_and_tells_them(world, slack, fake):
    _pool(world)
    review = _circles_round(world)
    with world.bot.db.uow() as session:
        dropped = session.scalars(select(RoundCircle).order_by(RoundCircle.id)).first().id
    slack.click("UADMIN", review, f"round_circle_drop:{dropped}")
    world.idle()
    after = fake.responses("UADMIN")[-1]
    assert message_errors(after["blocks"], after["text"]) == []
    assert f"Dropped circle #{dropped}" in json.dumps(after) and "*1* peer circles proposed, 1 dropped" in json.dumps(after)
    assert "*8* would be left without a circle" in json.dumps(after)
    slack.click("UADMIN", after, "Confirm round")
    world.idle()
    _deliver(world)
    assert len(_circle_members(world)) == 1
    out = [u for u in POOL if any("No peer circle for you" in m["text"] for m in fake.dms_to(u))]
    assert len(out) == 8


def test_a_boundary_set_after_the_review_holds_on_confirm(world, slack, fake):
    _pool(world)
    review = _circles_round(world)
    _manager(world, "U1", "U2")  # Ada names Bea as her manager after the proposal: they can't share a circle now
    slack.click("UADMIN", review, "Confirm round")
    world.idle()
    circles = _circle_members(world)
    assert all(not {"U1", "U2"} <= members for members in circles.values())
    assert sorted(map(sorted, circles.values())) == [["U1", "U10", "U3", "U4"], ["U5", "U6", "U7"]]
    _deliver(world)
    (dm,) = [m for m in fake.dms_to("U2") if "No peer circle for you" in m["text"]]  # Bea is told, kindly
    assert "didn't go ahead" in json.dumps(dm) and "<@" not in json.dumps(dm)


def test_three_strikes_dm_lists_an_open_circle_that_fits_never_one_across_a_boundary(world, slack, fake):
    world.join("U1", "Ada", offers=["Design"], wants=["Python"])
    for user, name in (("U2", "Bo"), ("U3", "Cam"), ("U4", "Dee")):
        world.join(user, name, offers=["Python"], wants=["Design"])
    world.join("U5", "Eve", offers=["Go"], wants=["Python"])
    world.join("U6", "Max", offers=["Go"], wants=["Python"])
    _open_circle(world, "U5", "Python from scratch", "Python")
    _open_circle(world, "U6", "Python for managers", "Python")
    _manager(world, "U1", "U6")  # Max is Ada's manager: his circle is never offered to her
    for target in ("U2", "U3", "U4"):
        world.ask("U1", target)
        slack.click(target, world.request_message(target), "Decline")
        world.idle()
    _deliver(world)
    (offer,) = [m for m in fake.dms_to("U1") if m["text"] == "Some people with room who fit you"]
    assert message_errors(offer["blocks"], offer["text"]) == []
    shown = json.dumps(offer)
    assert "Python from scratch" in shown and "Join circle" in shown
    assert "Python for managers" not in shown and "<@U6>" not in shown and "Max" not in shown
    slack.click("U1", offer, "Join circle")
    world.idle()
    with world.bot.db.uow() as session:
        circle = session.scalars(select(Circle).where(Circle.goal == "Python from scratch")).one()
        assert len(session.scalars(select(CircleMember).where(CircleMember.circle_id == circle.id)).all()) == 2
