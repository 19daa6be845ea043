"""Reverse mentoring (the junior shares, the senior learns) when the program has it on, and capacity caps in every
path: find, asking (also forged), accepting (also two accepts racing for one last place)."""

from __future__ import annotations

import json
import threading

from sqlalchemy import func, select

from models import Partnership
from tests.world import set_program


def shown(response) -> list[str]:
    return [b["block_id"].removeprefix("candidate_") for b in response.json["blocks"]
            if b.get("block_id", "").startswith("candidate_")]


def reasons(world, response, user_id: str) -> str:
    block_id = f"candidate_{world.person_id(user_id)}"
    return next(b for b in response.json["blocks"] if b.get("block_id") == block_id)["text"]["text"]


def ids(world, *users: str) -> list[str]:
    return [str(world.person_id(u)) for u in users]


def test_reverse_mentoring_turns_the_level_rule_around_only_when_on(world, slack, fake, bot):
    world.join("U2", "Jo Junior", offers=["Figma"], wants=["Cooking"], level=3, reverse=True)
    world.join("U3", "Pat Peer", offers=["Figma"], wants=["Gardening"], level=8, reverse=True)
    world.join("U4", "Kim Junior", offers=["Figma"], wants=["Gardening"], level=3)  # not open to it
    world.join("U5", "Lou Lead", offers=["Budgeting"], wants=["Figma"], level=9, reverse=True)

    # Off (peer only): one level apart ranks first; Jo is six levels below Lou.
    r = world.find("U5")  # Lou wants Figma: Pat, Jo and Kim offer it
    assert shown(r) == ids(world, "U3", "U2", "U4")
    assert "6 levels apart." in reasons(world, r, "U2")
    assert "Reverse mentoring" not in json.dumps(r.json)

    set_program(bot, "reverse")
    r = world.find("U5")
    assert shown(r) == ids(world, "U2", "U3", "U4")  # Jo (opted in) now first; Kim did not opt in
    assert "Reverse mentoring: 6 levels more junior, they can teach you Figma." in reasons(world, r, "U2")
    assert "6 levels apart." in reasons(world, r, "U4") and "Reverse mentoring" not in reasons(world, r, "U4")
    # From Jo's side: the seniors who want what she offers.
    r = world.find("U2")
    assert "Reverse mentoring: 6 levels more senior, they want to learn Figma from you." in reasons(world, r, "U5")

    # A request between them is a reverse mentoring partnership; one between peers stays a peer one.
    world.ask("U5", "U2")
    world.ask("U5", "U3")
    assert world.partnership("U5", "U2").kind == "reverse"
    assert world.partnership("U5", "U3").kind == "peer"


def test_people_at_capacity_are_not_suggested_and_cannot_be_asked(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"], capacity=1)
    world.join("U2", "Bea", offers=["Go"], wants=["Python"], capacity=1)
    world.join("U3", "Cai", offers=["Go"], wants=["Python"])
    world.join("U4", "Dev", offers=["Go"], wants=["Python"])
    world.join("U5", "Eve", offers=["Python"], wants=["Go"])
    world.pair("U5", "U2")  # Bea is full

    assert shown(world.find("U1")) == ids(world, "U3", "U4")

    # A forged "Ask" for Bea (her id put in the modal by hand) is refused, and nothing reaches her.
    slack.click("U1", world.find("U1"), "Ask to partner", value=str(world.person_id("U4")))
    modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "ask_submit" and m)
    before = len(fake.dms_to("U2"))
    r = world.forged_submit("U1", modal, {}, metadata=json.dumps({"person_id": world.person_id("U2")}))
    assert "Bea can't take on another partner right now." in json.dumps(r.json)
    world.idle()
    assert len(fake.dms_to("U2")) == before

    # Once Ada is full herself, asking anyone is refused with what to do about it.
    world.pair("U1", "U3")
    r = world.find("U1")
    assert "your limit" in json.dumps(r.json)
    r = world.forged_submit("U1", modal, {}, metadata=json.dumps({"person_id": world.person_id("U4")}))
    assert "the most your profile allows" in json.dumps(r.json)
    assert world.partnership("U1", "U4") is None


def test_two_accepts_racing_for_the_last_place_make_one_partnership(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"], capacity=1)
    for user, name in (("U2", "Bea"), ("U3", "Cai"), ("U4", "Dev")):
        world.join(user, name, offers=["Go"], wants=["Python"])
    # Bea, Cai and Dev each asked Ada (capacity 1) before she was full; she accepts all three at once.
    for user in ("U2", "U3", "U4"):
        world.ask(user, "U1")
    requests = [m for m in fake.dms_to("U1") if "would like to be your peer partner" in m["text"]]
    assert len(requests) == 3
    threads = [threading.Thread(target=slack.click, args=("U1", m, "Accept")) for m in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    world.idle()
    with bot.db.uow() as session:
        active = session.scalar(select(func.count()).select_from(Partnership).where(Partnership.status == "active"))
        waiting = session.scalar(select(func.count()).select_from(Partnership).where(Partnership.status == "requested"))
    assert (active, waiting) == (1, 2)
    refused = [e for e in fake.ephemerals("U1") if "the most your profile allows" in (e.get("text") or "")]
    assert len(refused) == 2
    assert len([g for g in ("U2", "U3", "U4") if fake.group_dm("U1", g)]) == 1
