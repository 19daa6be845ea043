"""Planning's domain, fast: which times two people can both make (across daylight-saving changes and many hours
apart), and the calendar invites (parsed back with the iCalendar library)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar
from pydantic import ValidationError
from sqlalchemy import func, select

from bot.services import invites, suggestions
from bot.services.profiles import ProfileForm
from bot.services.suggestions import WorkingHours
from messages import ids
from models import PlannedMeeting

LONDON, SYDNEY, NEW_YORK, BERLIN = (ZoneInfo(z) for z in ("Europe/London", "Australia/Sydney", "America/New_York",
                                                           "Europe/Berlin"))


def test_shared_hours_follow_each_side_s_daylight_saving_change():
    """London (09-17) and a Sydney colleague who works 08-20. In 2028 London moves to summer time on 26 March and
    Sydney leaves it on 2 April: the hours they share grow from none to one to two."""
    ada = WorkingHours(LONDON)
    bea = WorkingHours(SYDNEY, 8 * 60, 20 * 60)
    start = datetime(2028, 3, 20, tzinfo=UTC)
    times = suggestions.shared_times([ada, bea], 60, start, days=21)
    by_day: dict[date, list[datetime]] = {}
    for at in times:
        by_day.setdefault(at.astimezone(LONDON).date(), []).append(at)
    assert not [d for d in by_day if d < date(2028, 3, 27)]  # GMT and AEDT: London 09:00 is Sydney 20:00
    # BST and AEDT (27-31 March): London 09:00-10:00 is Sydney 19:00-20:00 the same weekday, one hour a day
    for day in range(27, 32):
        assert by_day[date(2028, 3, day)] == [datetime(2028, 3, day, 8, 0, tzinfo=UTC)]
    # BST and AEST from 2 April: London 09:00-11:00 is Sydney 18:00-20:00, two one-hour meetings fit each day
    assert by_day[date(2028, 4, 4)] == [datetime(2028, 4, 4, 8, 0, tzinfo=UTC), datetime(2028, 4, 4, 8, 30, tzinfo=UTC),
                                        datetime(2028, 4, 4, 9, 0, tzinfo=UTC)]
    at = by_day[date(2028, 4, 4)][-1]
    assert (at.astimezone(LONDON).time(), at.astimezone(SYDNEY).time()) == (time(10, 0), time(19, 0))


def test_no_shared_working_time_falls_back_to_both_waking_days():
    ada, bea = WorkingHours(LONDON), WorkingHours(SYDNEY)  # both 09-17 on weekdays: no overlap at all
    found = suggestions.suggest(ada, bea, 60, datetime(2028, 1, 12, 12, tzinfo=UTC))
    assert not found.shared and found.times
    for at in found.times:
        for zone in (LONDON, SYDNEY):
            local = at.astimezone(zone)
            assert time(7) <= local.time() and (local + timedelta(hours=1)).time() <= time(21)
            assert local.weekday() < 5  # on both their working days


def test_suggestions_are_spread_over_days_and_inside_both_working_hours():
    ada, cai = WorkingHours(BERLIN), WorkingHours(NEW_YORK, 8 * 60, 16 * 60, "0123")  # New York: Mon-Thu
    found = suggestions.suggest(ada, cai, 45, suggestions.earliest(datetime(2028, 1, 12, 12, tzinfo=UTC)))
    assert found.shared and len(found.times) == suggestions.SUGGESTIONS
    days = {at.astimezone(BERLIN).date() for at in found.times}
    assert len(days) == suggestions.SUGGESTIONS  # one a day while there are days
    for at in found.times:
        assert ada.fits(at, 45) and cai.fits(at, 45)
        assert at.astimezone(NEW_YORK).weekday() <= 3
    assert min(found.times) >= datetime(2028, 1, 13, 0, tzinfo=UTC)  # at least 12 hours ahead


def test_the_agreed_cadence_decides_when_suggestions_start():
    now = datetime(2028, 1, 12, 12, tzinfo=UTC)
    assert suggestions.earliest(now) == now + timedelta(hours=12)
    assert suggestions.earliest(now, date(2028, 1, 11), "fortnightly") == datetime(2028, 1, 23, tzinfo=UTC)
    assert suggestions.earliest(now, date(2027, 11, 1), "weekly") == now + timedelta(hours=12)  # overdue: soonest


def test_working_hours_ending_at_midnight_and_a_meeting_across_midnight():
    night = WorkingHours(UTC, 20 * 60, 24 * 60, suggestions.WEEKDAYS)
    assert night.fits(datetime(2028, 1, 12, 23, tzinfo=UTC), 60)
    assert not night.fits(datetime(2028, 1, 12, 23, 30, tzinfo=UTC), 60)


def test_tokens_round_trip_and_refuse_what_the_form_never_offered():
    at = datetime(2028, 3, 28, 8, 30, tzinfo=UTC)
    assert suggestions.from_token(suggestions.token(at)) == at
    for bad in ("2028-03-28", "20280328T0830", "x" * 14, ""):
        try:
            suggestions.from_token(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was taken for a time")


def test_working_hours_in_the_profile_end_after_they_start_on_at_least_one_day():
    base = dict(offers=["Python"], wants=["Go"], goals=["knowledge"], department="Eng", level=3)
    assert ProfileForm(**base, work_start="480", work_end="1200", work_days=["4", "0"]).work_days == "04"
    with pytest.raises(ValidationError, match="ends after it starts"):
        ProfileForm(**base, work_start=600, work_end=540)
    with pytest.raises(ValidationError, match="at least one working day"):
        ProfileForm(**base, work_days=[])


def _plan(**values):
    base = dict(uid="abc-123@mentor-bot", sequence=0, team_id="T0TEST", minutes=60,
                starts_at=datetime(2028, 3, 28, 8, 0, tzinfo=UTC))
    return SimpleNamespace(**{**base, **values})


def _person(user_id, name):
    return SimpleNamespace(slack_user_id=user_id, display_name=name)


def test_an_invite_is_one_event_in_the_reader_s_time_zone_with_a_reminder():
    ada, bea = _person("U1", "Ada"), _person("U2", "Bea")
    raw = invites.invite(_plan(), ada, bea, SYDNEY, summary="Mentoring: Ada and Bea")
    cal = Calendar.from_ical(raw)
    assert str(cal["METHOD"]) == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == "abc-123@mentor-bot" and int(event["SEQUENCE"]) == 0
    starts = event.decoded("DTSTART")
    assert starts == datetime(2028, 3, 28, 8, 0, tzinfo=UTC) and starts.utcoffset() == timedelta(hours=11)
    assert event["DTSTART"].params["TZID"] == "Australia/Sydney"
    assert event.decoded("DTEND") - starts == timedelta(hours=60 / 60)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Australia/Sydney"]
    assert "urn:x-slack:T0TEST:U1" in str(event["ORGANIZER"]) and event["ORGANIZER"].params["CN"] == "Ada"
    assert sorted(a.params["CN"] for a in event["ATTENDEE"]) == ["Ada", "Bea"]
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=15)


def test_a_cancellation_keeps_the_uid_and_says_cancel():
    raw = invites.invite(_plan(sequence=2), _person("U1", "Ada"), _person("U2", "Bea"), LONDON, summary="x", cancel=True)
    cal = Calendar.from_ical(raw)
    [event] = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "abc-123@mentor-bot" and int(event["SEQUENCE"]) == 2
    assert not event.walk("VALARM")


# -- through Slack: a pair plans, moves and cancels a meeting ---------------------------------------------------------
def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=True)


def modal_of(fake, user: str, callback_id: str) -> dict:
    return fake.wait_for(lambda: (m := fake.open_modal(user)) and m["callback_id"] == callback_id and m)


def checkbox_labels(view: dict, block_id: str = "slots") -> list[str]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return [o["text"]["text"] for o in block["element"]["options"]]


def checkbox_values(view: dict, block_id: str = "slots") -> list[str]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return [o["value"] for o in block["element"]["options"]]


def last_dm(fake, user: str, words: str) -> dict:
    return next(m for m in reversed(fake.dms_to(user)) if words in m["text"])


def invites_to(fake, user: str) -> list[Calendar]:
    """The calendar files in the person's DM with the bot, oldest first, parsed."""
    dm = fake.dm_channel(user)
    return [Calendar.from_ical(f["data"]) for f in fake.files() if dm in f["channels"]]


def event_of(cal: Calendar):
    [event] = cal.walk("VEVENT")
    return event


def set_working_hours(world, slack, fake, user: str, start: str, end: str) -> None:
    slack.command(user, "profile")
    view = modal_of(fake, user, ids.PROFILE_MODAL)
    response = slack.submit(user, view, {"Working hours from": start, "Working hours until": end})
    assert response.status == 200 and not response.view_errors, response.text
    world.idle()


def test_london_and_sydney_plan_move_and_cancel_one_calendar_event_across_daylight_saving(world, slack, fake, bot):
    # Wednesday 22 March 2028: London leaves GMT on Sunday 26 March, Sydney leaves summer time on Sunday 2 April
    with at(2028, 3, 22, 9, 0):
        world.join("U1", "Ada", offers=["Python"], wants=["Public speaking"])
        world.join("U2", "Bea", offers=["Public speaking"], wants=["Python"], tz="Australia/Sydney", tz_offset=39600)
        world.pair("U1", "U2")
        slack.command("U1", "schedule")  # both 09:00-17:00: no working hour in common, and the form says so
        modal = modal_of(fake, "U1", ids.PLAN_MODAL)
        assert "no working hours in common" in str(modal["blocks"]) and len(checkbox_labels(modal)) == 6
        slack.close_view("U1", modal)
        set_working_hours(world, slack, fake, "U2", "08:00", "20:00")  # Bea works into the evening

        slack.command("U1", "schedule")
        modal = modal_of(fake, "U1", ids.PLAN_MODAL)
        offered = checkbox_labels(modal)  # in Ada's time: none before London's clocks change, when Sydney is 11 hours on
        assert offered == ["Mon 27 Mar, 09:00–10:00", "Tue 28 Mar, 09:00–10:00", "Wed 29 Mar, 09:00–10:00",
                           "Thu 30 Mar, 09:00–10:00", "Fri 31 Mar, 09:00–10:00", "Mon 3 Apr, 09:00–10:00"]
        assert "no working hours in common" not in str(modal["blocks"])
        r = slack.submit("U1", modal, {"Times that suit you (pick up to three)": ["Tue 28 Mar, 09:00–10:00",
                                                                                 "Mon 3 Apr, 09:00–10:00"]})
        assert r.view_errors is None and "Sent: 2 times to Bea" in str(fake.open_modal("U1")["blocks"])
        world.idle()

        # Bea reads the same two times in her own time: 19:00 in summer time, 18:00 once Sydney's clocks went back
        proposal = last_dm(fake, "U2", "proposes times")
        assert "Mon 3 Apr, 18:00–19:00 (your time)" in str(proposal["blocks"])
        slack.click("U2", proposal, "Tue 28 Mar, 19:00–20:00 (your time)")
        world.idle()
        assert "Meeting planned" in last_dm(fake, "U1", "Meeting planned")["text"]
        [ada_invite], [bea_invite] = invites_to(fake, "U1"), invites_to(fake, "U2")
        ada_event, bea_event = event_of(ada_invite), event_of(bea_invite)
        uid = str(ada_event["UID"])
        assert str(bea_event["UID"]) == uid and str(ada_invite["METHOD"]) == "REQUEST"
        assert int(ada_event["SEQUENCE"]) == int(bea_event["SEQUENCE"]) == 0
        assert ada_event.decoded("DTSTART") == bea_event.decoded("DTSTART") == datetime(2028, 3, 28, 8, 0, tzinfo=UTC)
        assert ada_event["DTSTART"].params["TZID"] == "Europe/London" and ada_event.decoded("DTSTART").hour == 9
        assert bea_event["DTSTART"].params["TZID"] == "Australia/Sydney" and bea_event.decoded("DTSTART").hour == 19
        assert bea_event.decoded("DTEND") - bea_event.decoded("DTSTART") == timedelta(hours=1)
        assert "Next meeting: Tuesday 28 March, 09:00–10:00 (your time, Europe/London)" in str(fake.home("U1")["blocks"])

        # a double click plans nothing twice
        slack.click("U2", proposal, "Tue 28 Mar, 19:00–20:00 (your time)")
        world.idle()
        assert "already picked" in str(fake.ephemerals("U2")[-1])
        assert len(invites_to(fake, "U2")) == 1

        # Ada moves it: the same suggestions, Bea picks again, both calendars get the same event with SEQUENCE 1
        slack.click("U1", last_dm(fake, "U1", "Meeting planned"), "Reschedule")
        modal = modal_of(fake, "U1", ids.PLAN_MODAL)
        assert modal["title"]["text"] == "Reschedule" and "planned for *Tuesday 28 March, 09:00–10:00" in str(modal["blocks"])
        slack.submit("U1", modal, {"Times that suit you (pick up to three)": ["Mon 3 Apr, 09:00–10:00"]})
        world.idle()
        stale = proposal["blocks"][1]["elements"][1]["value"]  # the 3 April time of the first proposal: withdrawn
        moving = last_dm(fake, "U2", "proposes times")
        assert "would like to move your meeting of *Tuesday 28 March, 19:00–20:00" in str(moving["blocks"])
        slack.click("U2", moving, "Mon 3 Apr, 18:00–19:00 (your time)")
        world.idle()
        moved = [event_of(c) for c in invites_to(fake, "U1")[1:] + invites_to(fake, "U2")[1:]]
        assert [str(e["UID"]) for e in moved] == [uid, uid] and [int(e["SEQUENCE"]) for e in moved] == [1, 1]
        assert moved[1].decoded("DTSTART").hour == 18 and moved[1].decoded("DTSTART").utcoffset() == timedelta(hours=10)
        assert moved[0].decoded("DTSTART") == datetime(2028, 4, 3, 8, 0, tzinfo=UTC)
        assert "Meeting moved" in last_dm(fake, "U2", "Meeting moved")["text"]

        # a time withdrawn by the move can't be picked: nothing changes
        world.forged_click("U2", ids.PLAN_PICK, stale)
        assert "withdrawn" in str(fake.ephemerals("U2")[-1])
        with bot.db.uow() as session:
            plan = session.scalars(select(PlannedMeeting)).one()
            assert (plan.starts_at, plan.sequence, plan.status) == (datetime(2028, 4, 3, 8, 0, tzinfo=UTC), 1, "planned")

        # Bea cancels: METHOD:CANCEL for the same event, to both
        slack.click("U2", last_dm(fake, "U2", "Meeting moved"), "Cancel meeting")
        world.idle()
        cancels = [invites_to(fake, u)[-1] for u in ("U1", "U2")]
        assert [str(c["METHOD"]) for c in cancels] == ["CANCEL", "CANCEL"]
        assert [(str(event_of(c)["UID"]), int(event_of(c)["SEQUENCE"])) for c in cancels] == [(uid, 2), (uid, 2)]
        assert "<@U2>" in str(last_dm(fake, "U1", "cancelled")["blocks"]) and "Bea" in str(last_dm(fake, "U1", "cancelled"))
        assert "Plan our next meeting" in str(fake.home("U1")["blocks"])
        slack.click("U1", last_dm(fake, "U1", "Meeting moved"), "Cancel meeting")  # too late: already cancelled
        world.idle()
        assert "already cancelled" in str(fake.ephemerals("U1")[-1])
        assert len(invites_to(fake, "U1")) == 3


def test_plan_from_the_kickoff_refuse_bad_input_then_did_you_meet_and_we_didn_t(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cai", offers=["Go"], wants=["Python"])
    world.join("U4", "Dee", offers=["Python"], wants=["Go"])
    world.pair("U1", "U2")
    world.pair("U3", "U4")
    kickoff = next(m for m in fake.messages(fake.group_dm("U1", "U2")) if "Welcome to your peer partnership" in m["text"])
    slack.click("U1", kickoff, "Plan our next meeting")
    modal = modal_of(fake, "U1", ids.PLAN_MODAL)
    assert len(checkbox_labels(modal)) == 6  # both in London, 09:00-17:00: plenty of shared time
    # a time of one's own in the past, and a meeting longer than 8 hours: field errors, nothing sent
    r = slack.submit("U1", modal, {"Another date": date(2028, 1, 12), "Another time (your time)": time(8, 0)})
    assert r.view_errors == {"custom_time": "That time is in the past: pick a time in the future."}
    r = world.forged_submit("U1", fake.open_modal("U1"), {"minutes": "481", "slots": [checkbox_values(modal)[0]]})
    assert r.view_errors == {"minutes": "A meeting can be at most 8 hours (480 minutes) long."}
    r = world.forged_submit("U1", fake.open_modal("U1"), {"minutes": "60", "slots": ["20280113T0900Z", "20280113T1000Z",
                                                                                     "20280113T1100Z", "20280113T1200Z"]})
    assert r.view_errors == {"slots": "Pick at most 3 times."}
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(PlannedMeeting)) == 0
    # a time of one's own: tomorrow 16:00 London, half an hour
    r = slack.submit("U1", fake.open_modal("U1"), {"Length in minutes": "30", "Another date": date(2028, 1, 13),
                                                   "Another time (your time)": time(16, 0)})
    assert r.view_errors is None
    world.idle()
    slack.click("U2", last_dm(fake, "U2", "proposes times"), "Thu 13 Jan, 16:00–16:30 (your time)")
    world.idle()
    with bot.db.uow() as session:
        plan = session.scalars(select(PlannedMeeting)).one()
    # Cai, of another pair, can't cancel it with a hand-made click
    world.forged_click("U3", ids.PLAN_CANCEL, plan.id)
    assert "doesn't belong to one of your partnerships" in str(fake.ephemerals("U3")[-1])
    assert len(invites_to(fake, "U1")) == 1

    with at(2028, 1, 13, 16, 40):  # after the meeting: "Did you meet?" to both, once
        world.run_job("meeting-followups")
        world.run_job("meeting-followups")
        asks = [m for u in ("U1", "U2") for m in fake.dms_to(u) if m["text"].startswith("Did you meet")]
        assert len(asks) == 2 and "Thursday 13 January, 16:00–16:30" in str(asks[0]["blocks"])
        assert {b["value"] for b in asks[0]["blocks"][1]["elements"]} == {f"plan:{plan.id}", str(plan.id)}
        slack.click("U2", last_dm(fake, "U2", "Did you meet"), "We didn't")
        world.idle()
        assert "Plan our next meeting" in str(fake.responses("U2")[-1])
    with bot.db.uow() as session:
        assert session.scalars(select(PlannedMeeting.status)).one() == "missed"


def test_schedule_with_several_partners_asks_with_whom_and_nobody_says_so(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    assert "no active partnership" in slack.command("U1", "schedule").text
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cai", offers=["Go"], wants=["Python"])
    world.pair("U1", "U2")
    world.pair("U1", "U3")
    r = slack.command("U1", "plan")
    assert "Plan with Bea" in r.text and "Plan with Cai" in r.text
    slack.click("U1", r, "Plan with Cai")
    assert "next meeting with *Cai*" in str(modal_of(fake, "U1", ids.PLAN_MODAL)["blocks"])
