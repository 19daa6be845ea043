"""Onboarding buddies: a newcomer in the onboarding channel (or added by an admin) gets a welcome with a small
form, then an introduction to a buddy from their department; both get a 45-day plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from models import AuditEntry, Introduction, Person
from tests.conftest import TEAM
from tests.fakeslack import message_errors
from tests.world import set_program

ONBOARDING = "C0ONBOARD"


def switch_on(bot, *types: str, onboarding_channel: str | None = ONBOARDING, admins: tuple[str, ...] = ("U9",)) -> None:
    set_program(bot, *types, admins=admins, onboarding_channel=onboarding_channel)


def joined_channel(slack, user_id: str, channel: str = ONBOARDING, **kw):
    return slack.event({"type": "member_joined_channel", "user": user_id, "channel": channel, "channel_type": "C",
                        "team": TEAM}, **kw)


def welcomes(fake, user_id: str) -> list[dict]:
    return [m for m in fake.dms_to(user_id) if "Find my buddy" in str(m["blocks"])]


def told(fake, user_id: str, words: str) -> int:
    return len([e for e in fake.ephemerals(user_id) if words in (e.get("text") or "")])


def intro_to(fake, user_id: str) -> dict:
    return next(m for m in reversed(fake.dms_to(user_id)) if "intro_answer" in str(m["blocks"]))


def answer_welcome(world, slack, fake, user_id: str, department: str, level: int):
    slack.click(user_id, welcomes(fake, user_id)[-1], "Find my buddy")
    modal = fake.wait_for(lambda: (m := fake.open_modal(user_id)) and m["callback_id"] == "buddy_submit" and m)
    response = slack.submit(user_id, modal, {"Department or function": department, "Job level": f"Level {level}"})
    world.idle()
    return response


def colleagues(world) -> None:
    """Engineering: Ada (level 7), Bea (level 5), Full Fred (level 9, at his limit of 1); Finance: Cy (level 8)."""
    world.join("U1", "Ada", offers=["Python"], wants=["Go"], department="Engineering", level=7)
    world.join("U2", "Bea", offers=["Go"], wants=["Python"], department="Engineering", level=5)
    world.join("U3", "Cy", offers=["Budgets"], wants=["Excel"], department="Finance", level=8)
    world.join("U4", "Fred", offers=["Rust"], wants=["Excel"], department="engineering", level=9, capacity=1)
    world.join("U5", "Gus", offers=["Excel"], wants=["Rust"], department="Finance", level=4)
    world.pair("U5", "U4")  # Fred's only place is taken


def test_a_newcomer_in_the_onboarding_channel_gets_a_buddy_once(world, slack, fake, bot):
    switch_on(bot, "onboarding")
    fake.add_channel(ONBOARDING, "onboarding")
    colleagues(world)
    fake.add_user("U7", "Newt Newcomer", title="Junior developer")

    # Slack retries the event (same id), and a rejoin sends another: one welcome.
    assert joined_channel(slack, "U7", event_id="EvJOIN1").status == 200
    assert joined_channel(slack, "U7", event_id="EvJOIN1", retry_num=1, retry_reason="http_timeout").status == 200
    assert joined_channel(slack, "U7", event_id="EvJOIN2").status == 200
    joined_channel(slack, "U8", channel="C0RANDOM")  # another channel: nothing
    joined_channel(slack, "UBOT")  # the bot itself: nothing
    world.idle()
    welcome = welcomes(fake, "U7")
    assert len(welcome) == 1 and not welcomes(fake, "U8") and not fake.dms_to("U8")
    assert message_errors(welcome[0]["blocks"], welcome[0]["text"]) == []
    assert "first 45 days" in str(welcome[0]["blocks"]) and "Grow Together" in str(welcome[0]["blocks"])

    # A bad answer is a field error; a good one creates the minimal profile and introduces a buddy.
    slack.click("U7", welcome[0], "Find my buddy")
    modal = fake.wait_for(lambda: (m := fake.open_modal("U7")) and m["callback_id"] == "buddy_submit" and m)
    bad = world.forged_submit("U7", modal, {"department": "   ", "level": "11"})
    assert set(bad.view_errors) == {"department", "level"}
    assert slack.submit("U7", modal, {"Department or function": " Engineering ", "Job level": "Level 2"}).status == 200
    world.idle()
    with bot.db.uow() as session:
        newt = session.scalars(select(Person).where(Person.slack_user_id == "U7")).one()
        assert (newt.department, newt.level, newt.display_name) == ("Engineering", 2, "Newt Newcomer")

    # Fred is the most senior in Engineering but full: Ada (level 7) is the buddy, with the reason.
    to_newt, to_ada = intro_to(fake, "U7"), intro_to(fake, "U1")
    assert "<@U1>" in str(to_newt["blocks"]) and "onboarding buddy" in str(to_newt["blocks"])
    assert "Same department (Engineering); level 7" in str(to_ada["blocks"])
    assert not [m for m in fake.dms_to("U4") if "intro_answer" in str(m["blocks"])]

    # Both accept: a buddy partnership of 45 days, and a group chat.
    slack.click("U1", to_ada, "Accept")
    world.idle()
    slack.click("U7", to_newt, "Accept")
    world.idle()
    buddy = world.partnership("U1", "U7")
    assert buddy.status == "active" and buddy.kind == "buddy"
    assert buddy.planned_end == buddy.started_at.date() + timedelta(days=45)
    assert fake.group_dm("U1", "U7") is not None

    # Joining again later changes nothing: Newt has a buddy.
    joined_channel(slack, "U7", event_id="EvJOIN3")
    world.idle()
    assert len(welcomes(fake, "U7")) == 1
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Introduction)) == 1


def test_with_onboarding_off_a_channel_join_does_nothing(world, slack, fake, bot):
    switch_on(bot)  # peer only, though the onboarding channel is set
    colleagues(world)
    fake.add_user("U7", "Newt")
    joined_channel(slack, "U7")
    world.idle()
    assert fake.dms_to("U7") == []
    slack.command("U9", "buddy <@U7>")
    world.idle()
    assert told(fake, "U9", "Onboarding buddies are off")


def test_an_admin_adds_a_newcomer_and_others_are_refused(world, slack, fake, bot):
    switch_on(bot, "onboarding", onboarding_channel=None)
    colleagues(world)
    fake.add_user("U7", "Newt")
    fake.add_user("U9", "Admin Ann")

    # Not an admin: refused, with the command and with a forged modal submission alike.
    slack.command("U2", "buddy <@U7>")
    slack.command("U2", "buddy")
    world.idle()
    assert told(fake, "U2", "Only the program's admins") == 2 and fake.open_modal("U2") is None
    slack.command("U9", "buddy")
    admin_modal = fake.wait_for(lambda: (m := fake.open_modal("U9")) and m["callback_id"] == "buddy_admin_submit" and m)
    slack.command("U2", "profile")  # Bea has a modal of her own open, and posts the admin's form from it
    fake.wait_for(lambda: fake.open_modal("U2"))
    forged = world.forged_submit("U2", admin_modal, {"newcomer": "U7"})
    assert "Only the program's admins" in str(forged.json)
    world.idle()
    assert fake.dms_to("U7") == []

    # The admin adds Newt (no profile yet): the welcome, once; a second add says so.
    r = slack.command("U9", "buddy <@U7|newt>")
    assert "I've sent <@U7> a welcome" in r.ephemeral["text"]
    world.idle()
    assert len(welcomes(fake, "U7")) == 1
    r = slack.command("U9", "buddy <@U7>")
    assert "already has the welcome" in r.ephemeral["text"]
    with bot.db.uow() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "buddy.add")).all()
        assert [(e.actor_user_id, e.detail) for e in entries] == [("U9", {"user": "U7"}), ("U9", {"user": "U7"})]

    answer_welcome(world, slack, fake, "U7", "Engineering", 1)
    assert "<@U1>" in str(intro_to(fake, "U7")["blocks"])

    # Someone with a profile (Cy, Finance) is introduced straight away, from the modal; Gus is busy
    # with Fred but has room for one more, so he is Cy's buddy though more junior.
    admin_modal = fake.open_modal("U9")
    r = slack.submit("U9", admin_modal, {"Newcomer": "U3"})
    assert "is introduced to <@U5>" in str(r.json)
    world.idle()
    assert "<@U5>" in str(intro_to(fake, "U3")["blocks"])


def test_no_buddy_available_tells_the_admins_and_the_newcomer(world, slack, fake, bot):
    switch_on(bot, "onboarding", admins=("U9", "U10"))
    fake.add_channel(ONBOARDING, "onboarding")
    colleagues(world)
    fake.add_user("U9", "Admin Ann")
    fake.add_user("U10", "Admin Abe")
    fake.add_user("U7", "Lee Legal")
    joined_channel(slack, "U7")
    world.idle()
    answer_welcome(world, slack, fake, "U7", "Legal", 4)
    for admin in ("U9", "U10"):
        told = [m for m in fake.dms_to(admin) if "needs an onboarding buddy" in m["blocks"][0]["text"]["text"]]
        assert len(told) == 1 and "Legal" in told[0]["blocks"][0]["text"]["text"]
    assert any("admins know" in m["text"] for m in fake.dms_to("U7"))
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Introduction)) == 0

    # The buddy's capacity counts introductions still waiting for answers: with Ada and Bea each holding one
    # open place, two Engineering newcomers get one buddy each, not the same one twice.
    with bot.db.uow() as session:
        for person in session.scalars(select(Person).where(Person.slack_user_id.in_(["U1", "U2"]))):
            person.capacity = 1
    for newcomer in ("U11", "U12", "U13"):
        fake.add_user(newcomer, f"New {newcomer}")
        joined_channel(slack, newcomer)
        world.idle()
        answer_welcome(world, slack, fake, newcomer, "Engineering", 1)
    givers = {intro_to(fake, n)["blocks"][0]["text"]["text"].split("<@")[1][:2] for n in ("U11", "U12")}
    assert givers == {"U1", "U2"}
    assert not [m for m in fake.dms_to("U13") if "intro_answer" in str(m["blocks"])]
    assert any("admins know" in m["text"] for m in fake.dms_to("U13"))


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=True)


def plan(fake, user_id: str) -> list[str]:
    return [m["text"] for m in fake.dms_to(user_id) if m["text"].startswith("Day ")]


def test_the_45_day_plan_is_sent_once_per_day_and_a_missed_day_late_once(world, slack, fake, bot):
    with at(2026, 11, 2, 8):
        switch_on(bot, "onboarding")
        fake.add_channel(ONBOARDING, "onboarding")
        world.join("U1", "Ada", offers=["Python"], wants=["Go"], department="Engineering", level=7)
        fake.add_user("U7", "Newt")
        joined_channel(slack, "U7")
        world.idle()
        answer_welcome(world, slack, fake, "U7", "Engineering", 2)
        slack.click("U1", intro_to(fake, "U1"), "Accept")
        slack.click("U7", intro_to(fake, "U7"), "Accept")
        world.idle()
        assert world.partnership("U1", "U7").status == "active"

    with at(2026, 11, 2, 9, 15):  # day 1: both, once however often the job runs
        world.run_job("buddy-plan")
        world.run_job("buddy-plan")
        assert plan(fake, "U7") == ["Day 1 of 45 with your buddy <@U1>: Meet"]
        assert plan(fake, "U1") == ["Day 1 of 45 with your newcomer <@U7>: Meet"]
        day1 = next(m for m in fake.dms_to("U7") if m["text"].startswith("Day 1"))
        assert message_errors(day1["blocks"], day1["text"]) == []
        assert "book a first half hour" in str(day1["blocks"]) and "17 December 2026" in str(day1["blocks"])

    with at(2026, 11, 4, 9, 15):  # nothing due between the plan's days
        world.run_job("buddy-plan")
        assert len(plan(fake, "U7")) == 1

    # Day 7 (8 November) was missed: the job was down. It comes late, once.
    with at(2026, 11, 10, 9, 15):
        world.run_job("buddy-plan")
    with at(2026, 11, 11, 9, 15):
        world.run_job("buddy-plan")
    assert plan(fake, "U7")[1:] == ["Day 7 of 45 with your buddy <@U1>: Tools"]
    late = next(m for m in fake.dms_to("U1") if m["text"].startswith("Day 7"))
    assert "due on Sunday 08 November; sorry it comes late" in str(late["blocks"])

    with at(2026, 11, 15, 9, 15):
        world.run_job("buddy-plan")
        world.run_job("buddy-plan")
    # Day 30 (1 December) and day 45 (16 December): the job was down from 30 November to 20 December;
    # day 30 is too old by then (more than 14 days late), day 45 still comes.
    with at(2026, 12, 21, 9, 15):
        world.run_job("buddy-plan")
    with at(2026, 12, 22, 9, 15):
        world.run_job("buddy-plan")
    assert [t.split(":")[1] for t in plan(fake, "U7")] == [" Meet", " Tools", " People to know", " Wrap-up"]
    assert [t.split(":")[1] for t in plan(fake, "U1")] == [" Meet", " Tools", " People to know", " Wrap-up"]
    assert date(2026, 12, 16).strftime("%d %B") in str(fake.dms_to("U1")[-1]["blocks"])


def test_when_a_buddy_declines_the_next_one_is_introduced_by_the_daily_job(world, slack, fake, bot):
    switch_on(bot, "onboarding")
    fake.add_channel(ONBOARDING, "onboarding")
    fake.add_user("U9", "Admin Ann")
    world.join("U1", "Ada", offers=["Python"], wants=["Go"], department="Engineering", level=7)
    world.join("U2", "Bea", offers=["Go"], wants=["Python"], department="Engineering", level=5)
    fake.add_user("U7", "Newt")
    joined_channel(slack, "U7")
    world.idle()
    answer_welcome(world, slack, fake, "U7", "Engineering", 2)
    slack.click("U1", intro_to(fake, "U1"), "Decline")  # Ada can't
    world.idle()
    assert any("can't take on this partnership" in m["text"] for m in fake.dms_to("U7"))

    world.run_job("buddy-plan")
    world.run_job("buddy-plan")
    assert "<@U2>" in str(intro_to(fake, "U7")["blocks"])  # Bea, once
    assert len([m for m in fake.dms_to("U2") if "intro_answer" in str(m["blocks"])]) == 1
    slack.click("U2", intro_to(fake, "U2"), "Decline")  # Bea can't either: nobody is left
    world.idle()
    world.run_job("buddy-plan")
    world.run_job("buddy-plan")
    told = [m for m in fake.dms_to("U9") if "needs an onboarding buddy" in m["text"] or "needs an onboarding buddy"
            in str(m["blocks"])]
    assert len(told) == 1
    assert len([m for m in fake.dms_to("U7") if "intro_answer" in str(m["blocks"])]) == 2
