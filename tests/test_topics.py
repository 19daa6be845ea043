"""Topic sessions: a participant hosts "come learn about X"; others take a seat, leave it, are told when the host
cancels, and are reminded the day before (once)."""

import json
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import TopicAttendee, TopicSession
from tests.conftest import TEAM
from tests.fakeslack import message_errors
from tests.world import set_program

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def people(world, bot):
    set_program(bot, "topics")
    world.join("U1", "Ada", offers=["SQL"], wants=["Public speaking"])
    world.join("U2", "Bea", offers=["Public speaking"], wants=["SQL"])
    world.join("U3", "Cy", offers=["Design"], wants=["SQL"])
    return world


def open_host_modal(world, user_id):
    r = world.slack.command(user_id, "topic")
    assert r.status == 200, r.text
    return world.fake.wait_for(lambda: (m := world.fake.open_modal(user_id)) and m["callback_id"] == "topic_submit" and m)


def host(world, user_id="U1", *, title="Come learn about SQL", days=2, at="15:00", seats=20, minutes="60 minutes"):
    day = datetime.now(LONDON).date() + timedelta(days=days)
    r = world.slack.submit(user_id, open_host_modal(world, user_id), {
        "Topic": title, "What you will cover": "Joins, indexes and reading a query plan.", "Day": day.isoformat(),
        "Time": at, "Length": minutes, "Seats": str(seats)})
    assert r.status == 200 and not r.view_errors, (r.text, r.view_errors)
    world.idle()
    with world.bot.db.uow() as session:
        return session.scalars(select(TopicSession).where(TopicSession.title == title)).one().id


def listing(world, user_id):
    r = world.slack.command(user_id, "topics")
    assert r.status == 200, r.text
    assert message_errors(r.ephemeral["blocks"], r.ephemeral["text"]) == []
    return r


def latest(world, user_id):
    """What the person sees after a click on the list: the list, replaced in place."""
    return world.fake.wait_for(lambda: world.fake.responses(user_id))[-1]


def seats_of(bot, topic_id):
    with bot.db.uow() as session:
        return session.scalars(select(TopicAttendee.person_id).where(TopicAttendee.session_id == topic_id)).all()


def said(world, user_id, words):
    return any(words in json.dumps(r) for r in world.fake.responses(user_id) + world.fake.ephemerals(user_id))


def test_host_lists_a_session_and_seats_are_enforced(people, fake, bot):
    world = people
    topic_id = host(world, seats=1)
    notice = fake.open_modal("U1")
    assert "is listed for" in str(notice["blocks"]) and "1 seats" in str(notice["blocks"])
    with bot.db.uow() as session:  # 15:00 in the host's time zone (London)
        starts = session.get(TopicSession, topic_id).starts_at
    assert starts.astimezone(LONDON).hour == 15

    fake.add_user("U9", "Nia")
    outsider = json.dumps(listing(world, "U9").ephemeral["blocks"])  # not in the program: may look, not join
    assert "Come learn about SQL" in outsider and "Join the program" in outsider and '"Join"' not in outsider

    shown = listing(world, "U2")
    text = json.dumps(shown.ephemeral["blocks"])
    assert "Come learn about SQL" in text and "Ada" in text and "1 of 1 seats left" in text
    assert "<!date^" in text  # every reader sees the time in their own time zone
    world.slack.click("U2", shown, "Join")
    world.idle()
    seen = json.dumps(latest(world, "U2"))
    assert "You have a seat at *Come learn about SQL*" in seen and "Leave" in seen
    assert seats_of(bot, topic_id) == [world.person_id("U2")]

    full = listing(world, "U3")  # the last seat is gone: no Join button, "Full"
    assert "Full" in json.dumps(full.ephemeral["blocks"])
    assert "Join" not in [e["text"]["text"] for b in full.ephemeral["blocks"] for e in
                          ([b["accessory"]] if b.get("accessory") else [])]
    world.forged_click("U3", f"topic_join:{topic_id}", f"{topic_id}:0")  # the button it no longer shows
    assert said(world, "U3", "all 1 seats")
    assert seats_of(bot, topic_id) == [world.person_id("U2")]

    host_view = json.dumps(listing(world, "U1").ephemeral["blocks"])  # the host may cancel, not join
    assert "Cancel session" in host_view and "hosting" in host_view
    world.forged_click("U1", f"topic_join:{topic_id}", f"{topic_id}:0")
    assert said(world, "U1", "You host this session")

    world.slack.click("U2", latest(world, "U2"), "Leave")
    world.idle()
    assert "You gave up your seat" in json.dumps(latest(world, "U2"))
    world.slack.click("U3", listing(world, "U3"), "Join")
    world.idle()
    assert seats_of(bot, topic_id) == [world.person_id("U3")]


def test_two_people_racing_for_the_last_seat_one_gets_it(people, fake, bot):
    world = people
    topic_id = host(world, seats=1)
    shown = {u: listing(world, u) for u in ("U2", "U3")}
    barrier = threading.Barrier(2)

    def click(user_id):
        barrier.wait()
        world.slack.click(user_id, shown[user_id], "Join")

    threads = [threading.Thread(target=click, args=(u,)) for u in shown]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    world.idle()
    assert len(seats_of(bot, topic_id)) == 1
    winners = [u for u in shown if said(world, u, "You have a seat")]
    losers = [u for u in shown if said(world, u, "all 1 seats")]
    assert len(winners) == 1 and len(losers) == 1 and winners != losers


def test_host_cancels_and_people_with_a_seat_are_told_forged_ids_refused(people, fake, bot):
    world = people
    topic_id = host(world)
    for user_id in ("U2", "U3"):
        world.slack.click(user_id, listing(world, user_id), "Join")
        world.idle()

    world.forged_click("U2", f"topic_cancel:{topic_id}", f"{topic_id}:0")  # not the host
    assert said(world, "U2", "Only the session's host")
    for bad in ("999999", "abc", "-1"):
        world.forged_click("U2", f"topic_join:{bad}", f"{bad}:0")
    assert said(world, "U2", "doesn't exist in this workspace")
    with bot.db.uow() as session:
        other = TopicSession(team_id="T0OTHER", host_id=world.person_id("U1"), title="Elsewhere",
                             starts_at=datetime.now(LONDON) + timedelta(days=3), seats=5)
        session.add(other)
        session.flush()
        other_id = other.id
    world.forged_click("U3", f"topic_join:{other_id}", f"{other_id}:0")
    assert seats_of(bot, other_id) == []
    with bot.db.uow() as session:
        assert session.get(TopicSession, topic_id).status == "open"

    world.slack.click("U1", listing(world, "U1"), "Cancel session")
    world.idle()
    assert "is cancelled" in json.dumps(latest(world, "U1"))
    for user_id in ("U2", "U3"):
        dms = fake.wait_for(lambda u=user_id: [m for m in fake.dms_to(u)
                                               if "has been cancelled" in m["text"] + json.dumps(m["blocks"])])
        assert len(dms) == 1 and "Come learn about SQL" in json.dumps(dms[0]["blocks"])
    assert [m for m in fake.dms_to("U1") if "cancelled" in json.dumps(m)] == []
    assert "No topic sessions are coming up" in json.dumps(listing(world, "U2").ephemeral["blocks"])
    world.forged_click("U2", f"topic_join:{topic_id}", f"{topic_id}:0")
    assert said(world, "U2", "was cancelled by its host")


def test_reminder_the_day_before_goes_once(people, fake, bot):
    world = people
    tomorrow = host(world, title="Come learn about indexes", days=1, at="16:00")
    later = host(world, title="Come learn about plans", days=4)
    for topic_title in ("indexes", "plans"):
        shown = listing(world, "U2")
        world.slack.click("U2", shown, "Join", value=next(
            b["accessory"]["value"] for b in shown.ephemeral["blocks"]
            if b.get("accessory") and topic_title in b["text"]["text"]))
        world.idle()
    assert len(seats_of(bot, tomorrow)) == 1 and len(seats_of(bot, later)) == 1

    result = world.run_job("topic-reminders")
    assert result.startswith("2 topic session reminder(s)"), result
    reminders = [m for m in fake.dms_to("U2") if m["text"].startswith("Reminder")]
    assert len(reminders) == 1 and "indexes" in reminders[0]["text"]
    assert message_errors(reminders[0]["blocks"], reminders[0]["text"]) == []
    host_note = [m for m in fake.dms_to("U1") if m["text"].startswith("Reminder")]
    assert len(host_note) == 1 and "1 person has a seat" in json.dumps(host_note[0]["blocks"])

    assert world.run_job("topic-reminders").startswith("0 topic session reminder(s)")
    assert len([m for m in fake.dms_to("U2") if m["text"].startswith("Reminder")]) == 1


def test_off_not_joined_and_bad_times_are_refused_kindly(world, fake, bot):
    world.join("U1", "Ada", offers=["SQL"], wants=["Design"])
    world.slack.command("U1", "topic")
    assert "not part of *Grow Together* right now" in json.dumps(fake.wait_for(lambda: fake.ephemerals("U1")))
    assert fake.open_modal("U1") is None

    set_program(bot, "topics")
    fake.add_user("U9", "Nia")
    world.slack.command("U9", "topic")
    world.idle()
    assert said(world, "U9", "haven't joined the program")
    assert "No topic sessions" in json.dumps(listing(world, "U9").ephemeral["blocks"])  # anyone may look

    modal = open_host_modal(world, "U1")
    yesterday = (datetime.now(LONDON).date() - timedelta(days=1)).isoformat()
    r = world.slack.submit("U1", modal, {"Topic": "Past", "Day": yesterday, "Time": "10:00", "Length": "30 minutes",
                                         "Seats": "5"})
    assert r.view_errors == {"at": "Pick a time in the future."}
    r = world.forged_submit("U1", modal, {"seats": "0", "title": "  "})
    assert set(r.view_errors) >= {"seats", "title"}


def test_a_seat_taken_in_an_unfinished_transaction_counts_for_the_next_person(people, bot):
    """The last seat, taken by one person whose transaction has not committed yet: the next person waits for it,
    then is told the session is full (on PostgreSQL the session's row is locked; SQLite has one writer)."""
    from bot.services import topics
    from bot.services.errors import Conflict

    world = people
    topic_id = host(world, seats=1)
    outcome = {}

    def second():
        try:
            with bot.db.uow() as session:
                topics.join(session, TEAM, "U3", topic_id, bot.settings)
            outcome["U3"] = "seat"
        except Conflict as exc:
            outcome["U3"] = exc.message

    with bot.db.uow() as session:
        topics.join(session, TEAM, "U2", topic_id, bot.settings)
        racer = threading.Thread(target=second)
        racer.start()
        racer.join(timeout=1.0)
        assert racer.is_alive() and not outcome  # waits for the first seat's transaction
    racer.join(timeout=10)
    assert outcome == {"U3": "Sorry, all 1 seats at “Come learn about SQL” are taken."}
    assert seats_of(bot, topic_id) == [world.person_id("U2")]


def test_the_list_pages_through_many_sessions_within_slacks_limits(people, fake, bot):
    world = people
    host(world, title="Session 01", days=1)
    with bot.db.uow() as session:  # more sessions by the same host, later each day
        session.add_all([TopicSession(team_id=TEAM, host_id=world.person_id("U1"), title=f"Session {n:02d}",
                                      description="x" * 2000, starts_at=datetime.now(LONDON) + timedelta(days=1 + n),
                                      seats=3) for n in range(2, 11)])
    first = listing(world, "U2")
    shown = json.dumps(first.ephemeral["blocks"])
    assert "(1 to 8 of 10)" in shown and "Session 08" in shown and "Session 09" not in shown
    assert len(first.ephemeral["blocks"]) <= 50
    world.slack.click("U2", first, "Next")
    world.idle()
    second = latest(world, "U2")
    assert message_errors(second["blocks"], second["text"]) == []
    shown = json.dumps(second["blocks"])
    assert "(9 to 10 of 10)" in shown and "Session 10" in shown and "Session 01" not in shown and "Next" not in shown
    world.slack.click("U2", second, "Join", value=next(b["accessory"]["value"] for b in second["blocks"]
                                                       if b.get("accessory") and "Session 10" in b["text"]["text"]))
    world.idle()
    shown = json.dumps(latest(world, "U2")["blocks"])  # still on the second page, with the seat taken
    assert "You have a seat at *Session 10*" in shown and "(9 to 10 of 10)" in shown
    world.slack.click("U2", latest(world, "U2"), "Previous")
    world.idle()
    assert "(1 to 8 of 10)" in json.dumps(latest(world, "U2")["blocks"])
