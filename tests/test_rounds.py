"""Formal pairing: introductions (accept, decline, double clicks, forged ids) and an admin's pairing round."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from sqlalchemy import select

from bot.services import introductions
from models import Introduction, Partnership
from tests.fakeslack import message_errors


def _intro(world, giver: str, taker: str, kind: str = "formal", reason: str = "Python for Python") -> int:
    with world.bot.db.uow() as session:
        intro = introductions.propose(session, team_id="T0TEST", kind=kind, giver_id=world.person_id(giver),
                                      taker_id=world.person_id(taker), reason=reason, created_by="UADMIN")
        introductions.send(session, intro, world.bot.settings)
        intro_id = intro.id
    _deliver(world)
    return intro_id


def _deliver(world) -> None:
    from bot.delivery import drain

    drain(world.bot.settings, world.bot.db, max_seconds=5.0)


def _intro_dm(fake, user: str) -> dict:
    return next(m for m in reversed(fake.dms_to(user)) if "introduc" in m["text"])


def _forged(message: dict, value: str) -> dict:
    """The message as a tampering client would present it: every button carrying `value`."""
    forged = copy.deepcopy(message)
    for block in forged["blocks"]:
        for element in block.get("elements", []):
            if element.get("type") == "button" and "value" in element:
                element["value"] = value
    return forged


def _intro_row(world, intro_id: int) -> Introduction:
    with world.bot.db.uow() as session:
        return session.get(Introduction, intro_id)


def _two(world) -> None:
    world.join("U1", "Ada Lovelace", offers=["Python"], wants=["Leadership"], level=6, title="Principal")
    world.join("U2", "Bea Brown", offers=["Design"], wants=["Python"], level=2)


def test_two_yeses_make_a_formal_partnership_with_a_group_chat(world, slack, fake):
    _two(world)
    intro_id = _intro(world, "U1", "U2", reason="Ada offers Python, which Bea wants")
    to_ada, to_bea = _intro_dm(fake, "U1"), _intro_dm(fake, "U2")
    for message in (to_ada, to_bea):
        assert message_errors(message["blocks"], message["text"]) == []
        assert "Ada offers Python, which Bea wants" in str(message["blocks"])  # the context box
    assert "be the mentor of *Bea Brown* (<@U2>)" in str(to_ada["blocks"])
    assert "*Ada Lovelace* (<@U1>), your mentor" in str(to_bea["blocks"])

    slack.click("U1", to_ada, "Accept")
    world.idle()
    assert _intro_row(world, intro_id).status == "sent" and world.partnership("U1", "U2") is None
    assert "I'll tell you as soon as they answer" in str(fake.responses("U1")[-1])
    slack.click("U2", to_bea, "Accept")
    slack.click("U2", to_bea, "Accept")  # a double click changes nothing
    world.idle()

    intro = _intro_row(world, intro_id)
    partnership = world.partnership("U1", "U2")
    assert intro.status == "accepted" and intro.partnership_id == partnership.id
    assert partnership.status == "active" and partnership.kind == "formal"
    assert partnership.planned_end is not None and partnership.planned_end > date.today() + timedelta(days=150)
    group = fake.group_dm("U1", "U2")
    assert group is not None and partnership.channel_id == group
    kickoff = fake.messages(group)
    assert len(kickoff) == 1 and "(mentor)" in kickoff[0]["text"] and "Write our agreement" in str(kickoff[0]["blocks"])
    for user in ("U1", "U2"):
        assert len([m for m in fake.dms_to(user) if "both accepted the introduction" in m["text"]]) == 1
    with world.bot.db.uow() as session:
        assert len(session.scalars(select(Partnership)).all()) == 1


def test_a_buddy_introduction_runs_45_days(world, slack, fake):
    _two(world)
    _intro(world, "U1", "U2", kind="buddy", reason="Same department")
    assert "onboarding buddy" in str(_intro_dm(fake, "U2")["blocks"])
    slack.click("U2", _intro_dm(fake, "U2"), "Accept")
    slack.click("U1", _intro_dm(fake, "U1"), "Accept")
    world.idle()
    partnership = world.partnership("U1", "U2")
    assert partnership.kind == "buddy" and partnership.planned_end == partnership.started_at.date() + timedelta(days=45)


def test_a_decline_tells_the_other_and_the_admin(world, slack, fake):
    _two(world)
    fake.add_user("UADMIN", "Program Admin")
    intro_id = _intro(world, "U1", "U2")
    slack.click("U2", _intro_dm(fake, "U2"), "Decline")
    world.idle()
    assert _intro_row(world, intro_id).status == "declined"
    assert any("can't take on this partnership right now" in m["text"] for m in fake.dms_to("U1"))
    assert any("was declined" in m["text"] for m in fake.dms_to("UADMIN"))
    slack.click("U1", _intro_dm(fake, "U1"), "Accept")  # too late: nothing starts
    world.idle()
    assert world.partnership("U1", "U2") is None and fake.group_dm("U1", "U2") is None


def test_a_stranger_cannot_answer_an_introduction(world, slack, fake):
    _two(world)
    world.join("U3", "Cy Crook", offers=["Go"], wants=["Python"])
    intro_id = _intro(world, "U1", "U2")
    _intro(world, "U3", "U1")  # Cy has an introduction of his own, with buttons to tamper with
    slack.click("U3", _forged(_intro_dm(fake, "U3"), str(intro_id)), "Accept")  # someone else's intro
    slack.click("U3", _forged(_intro_dm(fake, "U3"), "99999999999999999999"), "Decline")
    world.idle()
    intro = _intro_row(world, intro_id)
    assert intro.status == "sent" and intro.giver_answer is None and intro.taker_answer is None
    refused = [r for r in fake.responses("U3") if "isn't one of yours" in str(r)]
    assert len(refused) == 2
