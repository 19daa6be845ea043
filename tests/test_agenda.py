"""A structure for every session: the agenda of a planned meeting (template points, points with an owner, open action
items carried over), the meeting log opened prefilled from the plan, action items added, carried over and ticked done
(in the log form and on the Home tab), and forged ids refused with nothing changed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import func, select

from bot.delivery import drain
from bot.services import outbox
from messages import ids
from models import ActionItem, AgendaPoint, Meeting, PlannedMeeting
from tests.world import set_program

TEAM = "T0TEST"
TOMORROW_10 = datetime(2028, 1, 13, 10, 0, tzinfo=UTC)  # the clock is pinned at Wed 12 Jan 2028 12:00 UTC


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=True)


def plan_meeting(bot, pid: int, starts_at: datetime | None, minutes: int = 45, status: str = "planned") -> int:
    """A meeting the pair planned (as "Plan our next meeting" leaves it once the partner picked a time); both
    Home tabs are published again."""
    with bot.db.uow() as session:
        plan = PlannedMeeting(team_id=TEAM, partnership_id=pid, status=status, starts_at=starts_at, minutes=minutes,
                              uid=f"test-{pid}-{datetime.now(UTC).timestamp()}@mentor-bot")
        session.add(plan)
        session.flush()
        outbox.publish_home(session, TEAM, "U1", "U2", "U3", "U4")
        plan_id = plan.id
    drain(bot.settings, bot.db, max_seconds=5)  # what the scheduler's sender does seconds later
    return plan_id


def opens(fake, user: str, callback_id: str, act) -> dict:
    """Do `act` (a click, a command) and wait for the modal it opens: a new one, not one already open."""
    before = (fake.open_modal(user) or {}).get("id")
    act()
    return fake.wait_for(lambda: (m := fake.open_modal(user)) and m["id"] != before and m["callback_id"] == callback_id
                         and m)


def pair_ada_and_bea(world) -> int:
    world.join("U1", "Ada", offers=["Python"], wants=["Public speaking"])
    world.join("U2", "Bea", offers=["Public speaking"], wants=["Python"], tz="Australia/Sydney", tz_offset=39600)
    return world.pair("U1", "U2")


def log_it(world, fake, user: str, plan_id: int) -> dict:
    """"Log it" on "Did you meet?": the button's value names the planned meeting."""
    return opens(fake, user, ids.MEETING_MODAL, lambda: world.forged_click(user, ids.LOG_OPEN, f"plan:{plan_id}"))


def test_an_agenda_a_prefilled_log_and_action_items_carried_over_and_ticked(world, slack, fake, bot):
    pid = pair_ada_and_bea(world)
    plan_id = plan_meeting(bot, pid, TOMORROW_10, minutes=45)
    world.idle()

    # Ada opens the agenda from her Home tab: the program's template, then she adds a point Bea leads
    agenda = opens(fake, "U1", ids.AGENDA_MODAL, lambda: slack.click("U1", fake.home("U1"), "Agenda"))
    text = str(agenda["blocks"])
    assert "Since last time" in text and "What I want to learn today" in text and "Next steps" in text
    r = slack.submit("U1", agenda, {"Add an agenda point": "Feedback on my conference talk", "Who leads this point": "Bea"})
    assert r.view_errors is None
    world.idle()
    assert "Feedback on my conference talk — led by Bea" in str(fake.open_modal("U1")["blocks"])
    told = fake.dms_to("U2")[-1]
    assert "<@U1> added a point to the agenda" in str(told["blocks"]) and "Led by you." in str(told["blocks"])

    # Bea reads it from her DM and adds one she leads herself
    agenda = opens(fake, "U2", ids.AGENDA_MODAL, lambda: slack.click("U2", told, "See the agenda"))
    assert "Feedback on my conference talk — led by Me" in str(agenda["blocks"])
    slack.submit("U2", agenda, {"Add an agenda point": "Pandas group-by", "Who leads this point": "Me"})
    world.idle()

    # After the meeting, "Log it": the date (in Ada's time zone), the length and the agenda are filled in
    with at(2028, 1, 13, 11, 30):
        modal = log_it(world, fake, "U1", plan_id)
        state = {b["block_id"]: b["element"] for b in modal["blocks"] if b["type"] == "input"}
        assert state["held_on"]["initial_date"] == "2028-01-13"
        assert state["minutes"]["initial_value"] == "45"
        topics = state["topics"]["initial_value"]
        assert "Since last time" in topics and "Feedback on my conference talk (Bea)" in topics
        assert "Pandas group-by (Bea)" in topics
        assert "done_items" not in state  # no open action items yet
        r = slack.submit("U1", modal, {
            "Action item 1": "Send Bea the slides", "Who does item 1": "Me", "Item 1 due by": date(2028, 1, 20),
            "Action item 2": "Find a pandas dataset", "Who does item 2": "Bea",
        })
        assert r.view_errors is None, r.view_errors
        world.idle()
        assert "2 new action items" in str(fake.open_modal("U1")["blocks"])
        assert "Plan our next meeting" in str(fake.open_modal("U1")["blocks"])
        told = fake.dms_to("U2")[-1]
        assert "Send Bea the slides — Ada, due 20 Jan 2028" in str(told["blocks"])
        assert "Find a pandas dataset — Bea" in str(told["blocks"])
        with bot.db.uow() as session:
            plan = session.get(PlannedMeeting, plan_id)
            meeting = session.scalars(select(Meeting)).one()
            assert (plan.status, plan.meeting_id, meeting.held_on, meeting.minutes) == ("held", meeting.id,
                                                                                      date(2028, 1, 13), 45)
            assert {p.meeting_id for p in session.scalars(select(AgendaPoint))} == {meeting.id}  # covered

        # Each owner sees their own items on the Home tab, with "Done"
        home_ada, home_bea = str(fake.home("U1")["blocks"]), str(fake.home("U2")["blocks"])
        assert "Your action items" in home_ada and "Send Bea the slides" in home_ada and "Find a pandas" not in home_ada
        assert "Find a pandas dataset" in home_bea and "Send Bea the slides" not in home_bea

        # Bea ticks hers done from Home; a second click on the old Home changes nothing
        old_home = fake.home("U2")
        slack.click("U2", old_home, "Done")
        world.idle()
        assert "Find a pandas dataset" not in str(fake.home("U2")["blocks"])
        slack.click("U2", old_home, "Done")
        world.idle()
        assert "Already done" in str(fake.dms_to("U2")[-1]["blocks"])

    # The next planned meeting: Ada's open item is carried over into its agenda and into the log form, to tick
    with at(2028, 1, 19, 9):
        next_plan = plan_meeting(bot, pid, datetime(2028, 1, 26, 9, tzinfo=UTC))
        world.idle()
        agenda = opens(fake, "U2", ids.AGENDA_MODAL, lambda: slack.click("U2", fake.home("U2"), "Agenda"))
        assert "Open action items, carried over" in str(agenda["blocks"])
        assert "Send Bea the slides — Ada, due 20 Jan 2028" in str(agenda["blocks"])
        assert "Feedback on my conference talk" not in str(agenda["blocks"])  # covered last time
    with at(2028, 1, 26, 10):
        modal = log_it(world, fake, "U2", next_plan)
        ticks = next(b for b in modal["blocks"] if b.get("block_id") == "done_items")
        assert [o["text"]["text"] for o in ticks["element"]["options"]] == ["Send Bea the slides"]
        r = slack.submit("U2", modal, {"Action items done": ["Send Bea the slides"]})
        assert r.view_errors is None, r.view_errors
        world.idle()
        assert "Send Bea the slides" in str(fake.dms_to("U1")[-1]["blocks"]) and "*Done:*" in str(fake.dms_to("U1")[-1])
        assert "Your action items" not in str(fake.home("U1")["blocks"])
        with bot.db.uow() as session:
            assert session.scalar(select(func.count()).select_from(ActionItem).where(ActionItem.done_at.is_(None))) == 0


def said_to(fake, user: str) -> str:
    return json.dumps(fake.responses(user)) + json.dumps(fake.dms_to(user))


def test_the_admin_sets_the_agenda_template(world, slack, fake, bot):
    set_program(bot, admins=("UINA",))
    fake.add_user("UINA", "Ina")
    settings = opens(fake, "UINA", ids.ADMIN_MODAL, lambda: slack.command("UINA", "admin"))
    template = next(b for b in settings["blocks"] if b.get("block_id") == "agenda_template")
    assert template["element"]["initial_value"] == "Since last time\nWhat I want to learn today\nNext steps"
    r = slack.submit("UINA", settings, {"Agenda template": "x" * 151})
    assert "150 characters" in r.view_errors["agenda_template"]
    r = slack.submit("UINA", fake.open_modal("UINA"),
                     {"Agenda template": "Wins since last time\n\n  A question I'm stuck on  \n"})
    assert r.view_errors is None, r.view_errors
    pid = pair_ada_and_bea(world)
    plan_meeting(bot, pid, TOMORROW_10)
    world.idle()
    text = str(opens(fake, "U1", ids.AGENDA_MODAL, lambda: slack.click("U1", fake.home("U1"), "Agenda"))["blocks"])
    assert "Wins since last time" in text and "A question I'm stuck on" in text and "Next steps" not in text


def test_bad_items_and_forged_ids_change_nothing(world, slack, fake, bot):
    pid = pair_ada_and_bea(world)
    world.join("U3", "Cai", offers=["Go"], wants=["Rust"])
    world.join("U4", "Dee", offers=["Rust"], wants=["Go"])
    other = world.pair("U3", "U4")
    theirs = plan_meeting(bot, other, TOMORROW_10)
    mine = plan_meeting(bot, pid, TOMORROW_10)
    world.idle()
    with at(2028, 1, 13, 11):  # Cai and Dee log theirs, with an open item
        r = slack.submit("U3", log_it(world, fake, "U3", theirs), {"Action item 1": "Read the Rust book",
                                                                   "Who does item 1": "Me"})
        assert r.view_errors is None, r.view_errors
        world.idle()
    with bot.db.uow() as session:
        their_item = session.scalars(select(ActionItem)).one().id

    # A new item needs who does it; its due date comes on or after the meeting
    values = {"Date of the meeting": date(2028, 1, 10), "Length in minutes": "30", "Topics we talked about": "Plans",
              "Action item 1": "Draft a plan", "Item 1 due by": date(2028, 1, 20),
              "Action item 2": "Book a room", "Who does item 2": "Bea", "Item 2 due by": date(2028, 1, 1)}
    r = slack.submit("U1", opens(fake, "U1", ids.MEETING_MODAL, lambda: slack.command("U1", "log")), values)
    assert r.view_errors == {"item_1_owner": "Pick who does this item."}
    values["Who does item 1"] = "Me"
    r = slack.submit("U1", fake.open_modal("U1"), values)
    assert r.view_errors == {"item_2_due": "A due date comes on or after the meeting: pick a later date."}
    values["Item 2 due by"] = date(2028, 1, 11)
    r = slack.submit("U1", fake.open_modal("U1"), values)
    assert r.view_errors is None, r.view_errors
    world.idle()

    # The next log lists Ada and Bea's open items; a forged tick of Cai's item, a forged plan: nothing changes
    modal = opens(fake, "U1", ids.MEETING_MODAL, lambda: slack.command("U1", "log"))
    ticks = next(b for b in modal["blocks"] if b.get("block_id") == "done_items")
    assert [o["text"]["text"] for o in ticks["element"]["options"]] == ["Draft a plan", "Book a room"]
    r = world.forged_submit("U1", modal, {"minutes": "30", "topics": "x", "done_items": [their_item]})
    assert "isn't one of your partnerships' items" in json.dumps(r.json)
    modal = opens(fake, "U1", ids.MEETING_MODAL, lambda: slack.command("U1", "log"))
    r = world.forged_submit("U1", modal, {"minutes": "30", "topics": "x"},
                            metadata=json.dumps({"partnership_id": pid, "plan_id": theirs}))
    assert "isn't one of this partnership's" in json.dumps(r.json)

    # Forged buttons: another pair's item "Done", another pair's plan "Log it" and "Agenda"
    world.forged_click("U1", ids.unique(ids.ACTION_DONE, their_item), their_item)
    assert "isn't one of your partnerships' items" in said_to(fake, "U1")
    world.forged_click("U1", ids.LOG_OPEN, f"plan:{theirs}")
    world.forged_click("U1", ids.AGENDA_OPEN, theirs)
    assert sum("That planned meeting isn't one of yours" in json.dumps(r) for r in fake.responses("U1")) == 2

    # A point for another pair's agenda, an owner who is neither of them
    agenda = opens(fake, "U1", ids.AGENDA_MODAL, lambda: slack.click("U1", fake.home("U1"), "Agenda"))
    r = world.forged_submit("U1", agenda, {"point": "Spy on them", "owner": "me"}, metadata=json.dumps({"plan_id": theirs}))
    assert "That planned meeting isn't one of yours" in json.dumps(r.json)
    agenda = opens(fake, "U1", ids.AGENDA_MODAL, lambda: slack.click("U1", fake.home("U1"), "Agenda"))
    r = world.forged_submit("U1", agenda, {"point": "Fine", "owner": "boss"})
    assert r.view_errors == {"owner": "Pick one of the choices."}

    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Meeting).where(Meeting.partnership_id == pid)) == 1
        assert session.get(ActionItem, their_item).done_at is None
        assert session.scalar(select(func.count()).select_from(ActionItem).where(ActionItem.done_at.is_not(None))) == 0
        assert session.get(PlannedMeeting, mine).status == "planned"
        assert session.get(PlannedMeeting, theirs).status == "held"
        assert session.scalar(select(func.count()).select_from(AgendaPoint)) == 0


def test_a_meeting_logged_with_log_on_the_planned_day_holds_the_plan(world, slack, fake, bot):
    pid = pair_ada_and_bea(world)
    plan_id = plan_meeting(bot, pid, datetime(2028, 1, 12, 9, tzinfo=UTC))
    slack.submit("U1", opens(fake, "U1", ids.MEETING_MODAL, lambda: slack.command("U1", "log")),
                 {"Length in minutes": "30", "Topics we talked about": "Catch-up"})
    world.idle()
    with bot.db.uow() as session:
        assert session.get(PlannedMeeting, plan_id).status == "held"
