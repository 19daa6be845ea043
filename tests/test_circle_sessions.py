"""A peer circle's sessions through Slack: a member plans one from the kickoff (a time inside every member's working
hours, planned at once), the circle's chat gets the time and a calendar file; another moves it (same UID, SEQUENCE
1), a third cancels it (METHOD:CANCEL); after a session "Did the circle meet?" is asked once, and a member logs it
with who came. An outsider's forged click changes nothing; bad log input gets field errors and stores nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import time_machine
from icalendar import Calendar
from sqlalchemy import func, select

from messages import ids
from models import Circle, CircleAttendance, CircleSession
from tests.fakeslack import message_errors

GOAL = "Present with confidence"


def text_of(thing) -> str:
    return json.dumps(thing, ensure_ascii=False)


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=True)


def modal_of(fake, user: str, callback_id: str) -> dict:
    return fake.wait_for(lambda: (m := fake.open_modal(user)) and m["callback_id"] == callback_id and m)


def radio_labels(view: dict) -> list[str]:
    block = next(b for b in view["blocks"] if b.get("block_id") == "slot")
    return [o["text"]["text"] for o in block["element"]["options"]]


def circle_of_three(world, slack, fake) -> str:
    """Ada (London) starts a circle; Bea (New York) and Cy (London) join: its chat opens with the kickoff."""
    world.join("U1", "Ada Lovelace", offers=["Design"], wants=["Public speaking"])
    world.join("U2", "Bea Brown", offers=["SQL"], wants=["Public speaking"], tz="America/New_York", tz_offset=-5 * 3600)
    world.join("U3", "Cy Young", offers=["Public speaking"], wants=["Design"])
    world.join("U4", "Dee Dane", offers=["Go"], wants=["Public speaking"])
    assert slack.command("U1", "circle").status == 200
    modal = modal_of(fake, "U1", "circle_submit")
    r = slack.submit("U1", modal, {"Learning goal": GOAL, "Skills": "Public speaking", "Circle size": "4",
                                   "How often we meet": "Every two weeks", "Meeting length": "60 minutes"})
    assert not r.view_errors, r.text
    world.idle()
    for user in ("U2", "U3"):
        shown = slack.command(user, "circles")
        slack.click(user, shown, "Join circle")
        world.idle()
    group = fake.group_dm("U1", "U2", "U3")
    assert group is not None
    return group


def chat_text(fake, group: str) -> str:
    return text_of(fake.messages(group))


def last_in(fake, group: str, words: str) -> dict:
    return next(m for m in reversed(fake.messages(group)) if words in text_of(m))


def invites_in(fake, channel: str) -> list[Calendar]:
    return [Calendar.from_ical(f["data"]) for f in fake.files() if channel in f["channels"]]


def event_of(cal: Calendar):
    [event] = cal.walk("VEVENT")
    return event


def sessions(bot) -> list[CircleSession]:
    with bot.db.uow() as session:
        return list(session.scalars(select(CircleSession).order_by(CircleSession.id)))


def test_plan_move_and_cancel_one_calendar_event_in_the_circle_s_chat(world, slack, fake, bot):
    group = circle_of_three(world, slack, fake)
    kickoff = next(m for m in fake.messages(group) if "Welcome to your peer circle" in m["text"])
    assert message_errors(kickoff["blocks"], kickoff["text"]) == []
    slack.click("U1", kickoff, "Plan a session")
    modal = modal_of(fake, "U1", ids.CSESSION_PLAN_MODAL)
    offered = radio_labels(modal)
    # London 09-17 and New York 09-17 share 14:00-17:00 London: six times over six days, in Ada's time
    assert offered[:3] == ["Thu 13 Jan, 14:00–15:00", "Fri 14 Jan, 14:00–15:00", "Mon 17 Jan, 14:00–15:00"]
    assert len(offered) == 6 and "working hours" in text_of(modal["blocks"])
    r = slack.submit("U1", modal, {"Suggested times": "Thu 13 Jan, 14:00–15:00"})
    assert r.view_errors is None, r.text
    assert "Planned: *Thursday 13 January, 14:00–15:00" in text_of(fake.open_modal("U1")["blocks"])
    world.idle()

    posted = last_in(fake, group, "Next session planned")
    start = int(datetime(2028, 1, 13, 14, 0, tzinfo=UTC).timestamp())
    assert f"<!date^{start}^" in text_of(posted) and "<@U1>" in text_of(posted)  # each reader's own zone
    assert message_errors(posted["blocks"], posted["text"]) == []
    [invite] = invites_in(fake, group)
    event = event_of(invite)
    uid = str(event["UID"])
    assert str(invite["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == datetime(2028, 1, 13, 14, 0, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/London" and [t["TZID"] for t in invite.walk("VTIMEZONE")]
    assert sorted(a.params["CN"] for a in event["ATTENDEE"]) == ["Ada Lovelace", "Bea Brown", "Cy Young"]
    assert event.walk("VALARM")
    slack.app_home_opened("U2")
    world.idle()
    assert "next session Thursday 13 January, 09:00–10:00 (your time, America/New_York)" in text_of(fake.home("U2"))

    # Bea moves it: the same event, SEQUENCE 1; the first message loses its buttons
    slack.click("U2", posted, "Reschedule")
    modal = modal_of(fake, "U2", ids.CSESSION_PLAN_MODAL)
    assert modal["title"]["text"] == "Move the session" and "09:00–10:00" in text_of(modal["blocks"])
    r = slack.submit("U2", modal, {"Suggested times": radio_labels(modal)[1]})
    assert r.view_errors is None, r.text
    world.idle()
    moved = last_in(fake, group, "Session moved")
    assert "Reschedule" not in text_of(fake.message(group, posted["ts"]))
    second = event_of(invites_in(fake, group)[-1])
    assert (str(second["UID"]), int(second["SEQUENCE"])) == (uid, 1)
    assert second.decoded("DTSTART") == datetime(2028, 1, 14, 14, 0, tzinfo=UTC)
    assert len([s for s in sessions(bot) if s.status == "planned"]) == 1

    # Cy cancels: METHOD:CANCEL of the same event
    slack.click("U3", moved, "Cancel session")
    world.idle()
    assert "<@U3> cancelled the session" in chat_text(fake, group)
    cancel = invites_in(fake, group)[-1]
    assert str(cancel["METHOD"]) == "CANCEL"
    assert (str(event_of(cancel)["UID"]), int(event_of(cancel)["SEQUENCE"])) == (uid, 2)
    slack.click("U1", moved, "Cancel session")  # a stale copy of the message: already cancelled, nothing sent
    world.idle()
    assert "already cancelled" in text_of(fake.ephemerals("U1"))
    assert len(invites_in(fake, group)) == 3
    assert [s.status for s in sessions(bot)] == ["cancelled"]
    assert fake.rejected == []  # every message, edit, file and modal within Slack's rules


def test_an_outsider_s_forged_clicks_are_refused(world, slack, fake, bot):
    group = circle_of_three(world, slack, fake)
    slack.click("U1", next(m for m in fake.messages(group) if "Welcome" in m["text"]), "Plan a session")
    slack.submit("U1", modal_of(fake, "U1", ids.CSESSION_PLAN_MODAL), {"Suggested times": "Thu 13 Jan, 14:00–15:00"})
    world.idle()
    [planned] = sessions(bot)
    with bot.db.uow() as session:
        circle_id = session.scalars(select(Circle.id)).one()
    for action, value in ((ids.CSESSION_CANCEL, planned.id), (ids.CSESSION_PLAN, circle_id),
                          (ids.CSESSION_RESCHEDULE, planned.id), (ids.CSESSION_LOG, circle_id)):
        world.forged_click("U4", f"{action}:{value}", value)
        assert "isn't for one of your circles" in text_of(fake.ephemerals("U4")[-1])
    assert fake.open_modal("U4") is None
    # a member's "Plan a session" while one is planned ahead moves that one (one planned session at a time)
    slack.click("U3", next(m for m in fake.messages(group) if "Welcome" in m["text"]), "Plan a session")
    assert modal_of(fake, "U3", ids.CSESSION_PLAN_MODAL)["title"]["text"] == "Move the session"
    assert [(s.status, s.sequence) for s in sessions(bot)] == [("planned", 0)]
    assert len(invites_in(fake, group)) == 1


def test_did_the_circle_meet_is_asked_once_then_a_member_logs_who_came(world, slack, fake, bot):
    group = circle_of_three(world, slack, fake)
    shown = slack.command("U2", "circles")  # from /mentor circles this time
    assert "Plan a session" in text_of(shown.ephemeral) and "Log a session" in text_of(shown.ephemeral)
    slack.click("U2", shown, "Plan a session")
    modal = modal_of(fake, "U2", ids.CSESSION_PLAN_MODAL)  # Bea's own time: a date and a time in New York
    r = slack.submit("U2", modal, {"Another date": date(2028, 1, 13), "Another time (your time)": "10:00"})
    assert r.view_errors is None, r.text
    world.idle()
    [planned] = sessions(bot)
    assert planned.starts_at == datetime(2028, 1, 13, 15, 0, tzinfo=UTC)

    with at(2028, 1, 13, 16, 30):  # the session is over: the chat is asked, once
        world.run_job("circle-followups")
        world.run_job("circle-followups")
        asks = [m for m in fake.messages(group) if m["text"] == "Did the circle meet?"]
        assert len(asks) == 1
        slack.click("U3", asks[0], "Log it")
        modal = modal_of(fake, "U3", ids.CSESSION_LOG_MODAL)
        came = next(b for b in modal["blocks"] if b.get("block_id") == "came")
        assert [o["text"]["text"] for o in came["element"]["options"]] == ["Ada Lovelace", "Bea Brown", "Cy Young"]
        assert [o["text"]["text"] for o in came["element"]["initial_options"]] == ["Cy Young"]  # the logger
        r = slack.submit("U3", modal, {"What we covered": "Openings that grab a room",
                                       "Who came": ["Bea Brown", "Cy Young"]})
        assert r.view_errors is None, r.text
        world.idle()
        assert "Session logged: 2 of 3 came" in chat_text(fake, group)
        assert "Did the circle meet?" not in text_of(fake.message(group, asks[0]["ts"])["blocks"])
        # the same date again: the log is updated, not doubled
        slack.click("U1", slack.command("U1", "circles"), "Log a session")
        modal = modal_of(fake, "U1", ids.CSESSION_LOG_MODAL)
        r = slack.submit("U1", modal, {"What we covered": "Openings, and eye contact",
                                       "Who came": ["Ada Lovelace", "Bea Brown", "Cy Young"]})
        assert r.view_errors is None, r.text
        world.idle()
        assert "Session log updated: 3 of 3 came" in chat_text(fake, group)
    [held] = sessions(bot)
    assert (held.status, held.held_on, held.topics, held.uid) == ("held", date(2028, 1, 13), "Openings, and eye contact",
                                                                  planned.uid)
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(CircleAttendance)) == 3
    assert fake.rejected == []


def test_bad_log_input_gets_field_errors_and_stores_nothing(world, slack, fake, bot):
    group = circle_of_three(world, slack, fake)
    slack.click("U1", next(m for m in fake.messages(group) if "Welcome" in m["text"]), "Log a session")
    modal = modal_of(fake, "U1", ids.CSESSION_LOG_MODAL)
    r = world.forged_submit("U1", modal, {"held_on": "2028-02-20", "minutes": "481", "topics": "Stories", "came": []})
    assert r.view_errors == {"held_on": "The session date can't be in the future.",
                             "minutes": "A session can be at most 8 hours (480 minutes) long.",
                             "came": "Tick who came: at least one person."}
    r = slack.submit("U1", fake.open_modal("U1"), {"Date of the session": date(2028, 1, 13), "What we covered": "x"})
    assert r.view_errors == {"held_on": "The session date can't be in the future."}  # tomorrow, in London
    assert sessions(bot) == []
    assert "Session logged" not in chat_text(fake, group)


def test_we_didn_t_meet_and_a_week_unlogged_count_as_missed(world, slack, fake, bot):
    group = circle_of_three(world, slack, fake)
    kickoff = next(m for m in fake.messages(group) if "Welcome" in m["text"])
    for label in ("Thu 13 Jan, 14:00–15:00",):
        slack.click("U1", kickoff, "Plan a session")
        slack.submit("U1", modal_of(fake, "U1", ids.CSESSION_PLAN_MODAL), {"Suggested times": label})
        world.idle()
    with at(2028, 1, 13, 15, 30):
        world.run_job("circle-followups")
        ask = last_in(fake, group, "Did the circle meet?")
        slack.click("U2", ask, "We didn't meet")
        world.idle()
        said = text_of(fake.message(group, ask["ts"]))
        assert "didn't meet" in said and "Plan a session" in said and "Log it" not in said
        slack.click("U1", kickoff, "Plan a session")  # the next one, from the kickoff
        modal = modal_of(fake, "U1", ids.CSESSION_PLAN_MODAL)
        slack.submit("U1", modal, {"Suggested times": radio_labels(modal)[0]})
        world.idle()
    assert [s.status for s in sessions(bot)] == ["missed", "planned"]
    second = sessions(bot)[1]
    assert second.starts_at is not None
    with time_machine.travel(second.starts_at + timedelta(days=8), tick=True):
        world.run_job("circle-followups")
    assert [s.status for s in sessions(bot)] == ["missed", "missed"]
    assert fake.rejected == []
