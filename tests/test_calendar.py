"""The calendar-driven jobs at calendar edges, in PROGRAM_TIMEZONE: a month end, a year end, a leap day and months
with a daylight-saving change for the monthly check-in; a year end and both daylight-saving changes for the weekly
digest; a planned end on a month's last day (and on 29 February) and on both daylight-saving changes for the closing
check-in. Every world is built inside a travelled clock, so the suite passes on any day; each job also runs twice at
the same instant, and nothing arrives twice."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

CHANNEL = "C0DIGEST"


def utc(tz: str, *local) -> datetime:
    """A wall-clock moment in `tz` as the UTC instant the clock travels to."""
    return datetime(*local, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def at(tz: str, *local) -> time_machine.travel:
    return time_machine.travel(utc(tz, *local), tick=True)


def local(day: date, hour: int, minute: int) -> tuple:
    """A wall-clock time on `day`, as `utc`, `at` and `twice` take it."""
    return day.year, day.month, day.day, hour, minute


def twice(world, tz: str, job: str, when: tuple, **overrides) -> tuple[str, str]:
    """The job run twice at the same instant (as two replicas, or a catch-up, would), in the program's time zone."""
    with time_machine.travel(utc(tz, *when), tick=False):
        return (world.run_job(job, program_timezone=tz, **overrides),
                world.run_job(job, program_timezone=tz, **overrides))


@pytest.fixture
def zone(bot, monkeypatch):
    """Set PROGRAM_TIMEZONE for the running app too (its buttons and forms), as one deployment would have it."""
    def use(tz: str) -> str:
        monkeypatch.setattr(bot.settings, "program_timezone", tz)
        return tz
    return use


def couple(world, tz: str, offset: int, a=("U1", "Ada", "Go"), b=("U2", "Bea", "Rust")) -> None:
    """Two people of `tz` join, and the first asks the second, who accepts (at the clock's current time)."""
    for (user, name, skill), (_, _, other) in ((a, b), (b, a)):
        world.join(user, name, offers=[skill], wants=[other], tz=tz, tz_offset=offset)
    world.pair(a[0], b[0])


def saying(fake, user: str, words: str) -> list[dict]:
    return [m for m in fake.dms_to(user) if words in json.dumps(m)]


def checkins(fake, user: str) -> list[str]:
    """The check-in DMs a person got, as they read now (an answered one has turned into a thank-you)."""
    return [m["text"] for m in fake.dms_to(user) if "check-in" in m["text"]]


def click_checkin(world, user: str, month: str, button: str) -> None:
    message = next(m for m in world.fake.dms_to(user) if f"your {month} check-in" in m["text"])
    world.slack.click(user, message, button)
    world.idle()


def answer(world, user: str, month: str) -> None:
    click_checkin(world, user, month, "We met")
    modal = world.fake.wait_for(lambda: (m := world.fake.open_modal(user)) and m["callback_id"] == "checkin_submit" and m)
    response = world.slack.submit(user, modal, {"minutes": "45", "next_not_planned": ["yes"], "effectiveness": "4",
                                                "expectations": "yes"})
    assert not response.view_errors, response.view_errors
    world.idle()


def closed_notice(world, user: str) -> str:
    return world.fake.ephemerals(user)[-1]["text"]


# -- 1. the monthly check-in: the month asked about is the program's local month ---------------------------------
def test_a_month_end_east_of_utc_asks_about_the_local_month(world, fake, zone):
    tz = zone("Pacific/Auckland")  # UTC+13 in summer: 1 February starts at 11:00 UTC on 31 January
    with at(tz, 2028, 1, 10, 12):
        couple(world, tz, 13 * 3600)
    first, again = twice(world, tz, "monthly-checkins", (2028, 1, 31, 23, 30))
    assert "2028-01: 2 unanswered" in first and "2028-01: 2 unanswered" in again  # the same two, not sent again
    for user in ("U1", "U2"):
        assert len(checkins(fake, user)) == 1 and "January 2028" in checkins(fake, user)[0]

    # Half past midnight on 1 February in Auckland: still 31 January in UTC, but January is over for the program.
    first, again = twice(world, tz, "monthly-checkins", (2028, 2, 1, 0, 30))
    assert "closed 2028-01 (0/2 answered" in first and "2028-02: 2 unanswered" in first
    assert "closed" not in again
    for user in ("U1", "U2"):
        asked = checkins(fake, user)
        assert len(asked) == 2 and "January 2028" in asked[0] and "February 2028" in asked[1], asked
    with at(tz, 2028, 2, 1, 9):
        click_checkin(world, "U1", "January 2028", "We met")  # too late for January: it closed at midnight
        assert "The January 2028 check-in has closed" in closed_notice(world, "U1")
        answer(world, "U1", "February 2028")  # February's is open
        assert "thank you, your February 2028 check-in is saved" in checkins(fake, "U1")[1]


def test_a_year_end_closes_december_and_asks_about_january_of_the_new_year(world, fake, zone):
    tz = zone("Asia/Tokyo")  # UTC+9: the new year starts at 15:00 UTC on 31 December
    with at(tz, 2027, 11, 20, 12):
        couple(world, tz, 9 * 3600)
    twice(world, tz, "monthly-checkins", (2027, 12, 1, 10))
    with at(tz, 2027, 12, 2, 9):
        answer(world, "U1", "December 2027")

    first, again = twice(world, tz, "monthly-checkins", (2027, 12, 31, 23, 30))  # New Year's Eve: nothing new
    assert "closed" not in first + again and "2027-12: 1 unanswered" in first
    assert [len(checkins(fake, u)) for u in ("U1", "U2")] == [1, 1]

    first, again = twice(world, tz, "monthly-checkins", (2028, 1, 1, 0, 30))
    assert "closed 2027-12 (1/2 answered" in first and "2028-01: 2 unanswered" in first
    assert "closed" not in again and "2028-01: 2 unanswered" in again
    for user in ("U1", "U2"):
        asked = checkins(fake, user)
        assert len(asked) == 2 and "January 2028" in asked[1], asked
        assert not any("January 2027" in text or "December 2028" in text for text in asked)
    with at(tz, 2028, 1, 1, 10):
        click_checkin(world, "U1", "December 2027", "Change my answer")
        assert "The December 2027 check-in has closed" in closed_notice(world, "U1")
        click_checkin(world, "U2", "December 2027", "We didn't meet")
        assert "The December 2027 check-in has closed" in closed_notice(world, "U2")


@pytest.mark.parametrize("tz, offset, last", [
    ("America/New_York", -5 * 3600, date(2028, 2, 29)),  # the leap day, late: already 1 March in UTC
    ("Asia/Tokyo", 9 * 3600, date(2028, 2, 29)),  # the leap day, east of UTC
    ("Europe/Berlin", 3600, date(2027, 3, 31)),  # summer time since 28 March: 1 April starts at 22:00 UTC
    ("America/New_York", -4 * 3600, date(2027, 10, 31)),  # still EDT (until 7 November): 1 November at 04:00 UTC
], ids=["new-york-leap-day", "tokyo-leap-day", "berlin-march-dst", "new-york-november-dst"])
def test_a_months_last_day_belongs_to_it_until_local_midnight(world, fake, zone, tz, offset, last):
    zone(tz)
    following = last + timedelta(days=1)
    month, next_month = f"{last:%B %Y}", f"{following:%B %Y}"
    with at(tz, *local(last.replace(day=10), 12, 0)):  # in Berlin, before the clocks go forward on the 28th
        couple(world, tz, offset)
        first = world.run_job("monthly-checkins", program_timezone=tz)  # a late first run
        assert f"{last:%Y-%m}: 2 unanswered" in first

    # Late on the last day (in New York already the next day in UTC): the month is still open, the next not yet asked.
    first, again = twice(world, tz, "monthly-checkins", local(last, 23, 30))
    assert "closed" not in first + again and f"{last:%Y-%m}: 2 unanswered" in first
    with at(tz, *local(last, 23, 40)):
        answer(world, "U2", month)  # answering on the last day still counts
        assert f"You can change it until the end of {month}" in str(saying(fake, "U2", "thank you")[0]["blocks"])

    first, again = twice(world, tz, "monthly-checkins", local(following, 0, 30))
    assert f"closed {last:%Y-%m} (1/2 answered" in first and f"{following:%Y-%m}: 2 unanswered" in first
    assert "closed" not in again and f"{following:%Y-%m}: 2 unanswered" in again
    for user in ("U1", "U2"):
        asked = checkins(fake, user)
        assert len(asked) == 2 and month in asked[0] and next_month in asked[1], asked

    # A week on (in New York, past the change back to EST): the same month, nothing asked again.
    first, _ = twice(world, tz, "monthly-checkins", local(following + timedelta(days=7), 0, 30))
    assert "closed" not in first and f"{following:%Y-%m}: 2 unanswered" in first
    assert [len(checkins(fake, u)) for u in ("U1", "U2")] == [2, 2]


# -- 2. the weekly digest: last Monday..Sunday in the program's zone, posted once -----------------------------------
def digest_lines(message: dict) -> list[str]:
    out = []
    for block in message["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        out += [line[2:] for line in text.split("\n") if line.startswith("• ")]
    return out


def _day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


@pytest.mark.parametrize("tz, offset, monday", [
    ("Europe/Berlin", 3600, date(2026, 10, 26)),  # the week of the last Sunday of October: back to winter time
    ("Europe/Berlin", 3600, date(2027, 3, 29)),  # the week of the last Sunday of March: summer time
    ("America/New_York", -5 * 3600, date(2027, 3, 15)),  # the week of 14 March 2027: daylight saving starts
    ("Asia/Tokyo", 9 * 3600, date(2028, 1, 3)),  # 27 December 2027 to 2 January 2028, east of UTC
    ("America/New_York", -5 * 3600, date(2027, 1, 4)),  # 28 December 2026 to 3 January 2027, west of UTC
], ids=["berlin-october-dst", "berlin-march-dst", "new-york-march-dst", "tokyo-new-year", "new-york-new-year"])
def test_the_digest_reports_last_monday_to_sunday_in_the_program_zone_once(world, fake, zone, tz, offset, monday):
    zone(tz)
    fake.add_channel(CHANNEL, "mentoring-managers", bot_member=True)
    first_day, sunday, before = monday - timedelta(days=7), monday - timedelta(days=1), monday - timedelta(days=8)
    people = [("U1", "Ada", "Go", "Rust", before, 23, 30),  # the Sunday before the week: last week
              ("U2", "Bea", "Rust", "Go", first_day, 0, 30),  # the week's first hour
              ("U3", "Cy", "Excel", "Figma", sunday, 23, 30)]  # its last hour (a fixed UTC offset would miss it)
    for user, name, offers, wants, day, hour, minute in people:
        with at(tz, *local(day, hour, minute)):
            world.join(user, name, offers=[offers], wants=[wants], tz=tz, tz_offset=offset)
    with at(tz, *local(sunday, 23, 40)):
        world.pair("U1", "U2")  # a partnership started in the week's last minutes
    with at(tz, *local(monday, 0, 30)):
        world.join("U4", "Dee", offers=["Figma"], wants=["Excel"], tz=tz, tz_offset=offset)  # after the week

    # Just after midnight on Monday (east of UTC it is still Sunday in UTC): the week that just ended.
    first, again = twice(world, tz, "weekly-digest", local(monday, 0, 45), digest_channel=CHANNEL)
    assert first.startswith(f"weekly digest for the week of {first_day}: 1 of 1 team(s) posted") and "1 written" in first
    assert "0 written this run" in again
    later, _ = twice(world, tz, "weekly-digest", local(monday, 8, 0), digest_channel=CHANNEL)  # the scheduled time
    assert f"week of {first_day}" in later and "0 written this run" in later

    posts = fake.messages(CHANNEL)
    assert len(posts) == 2 and len(fake.files()) == 1  # the digest and its chart, once
    digest, _chart = posts
    shown = str(digest["blocks"])
    last_week = f"{first_day - timedelta(days=7):%-d %B} to {before:%-d %B}"
    assert f"Week of {_day(first_day)} to {_day(sunday)} ({tz}), against the week before ({last_week})." in shown
    lines = digest_lines(digest)
    assert lines[:2] == ["Opted in: 3 (last week 1, +2)", "New this week: 2 (last week 1, +1)"]
    assert "Active at the week's end: 1 (last week 0, +1)" in lines and "New this week: 1 (last week 0, +1)" in lines
    assert f"Response rate ({sunday:%B %Y}): none asked (last week none asked)" in lines
    assert any(line.startswith(f"Pairs that met this month ({sunday.replace(day=1):%-d %B} to {sunday:%-d %B})")
               for line in lines)
    assert fake.files()[0]["filename"] == f"mentoring-12-weeks-{first_day}.png"

    # The next Monday is a new week: one more digest.
    with time_machine.travel(utc(tz, *local(monday + timedelta(days=7), 8, 0)), tick=False):
        assert f"week of {monday}: 1 of 1" in world.run_job("weekly-digest", program_timezone=tz, digest_channel=CHANNEL)
    assert len(fake.messages(CHANNEL)) == 4
    assert f"Week of {_day(monday)} to {_day(monday + timedelta(days=6))}" in str(fake.messages(CHANNEL)[2]["blocks"])


# -- 3. the planned end: six months after the start, on a month's last day or a daylight-saving change ------------
@pytest.mark.parametrize("tz, offset, started, end", [
    ("Asia/Tokyo", 9 * 3600, date(2027, 8, 31), date(2028, 2, 29)),  # 31 August + six months: the leap day
    ("America/New_York", -5 * 3600, date(2026, 8, 31), date(2027, 2, 28)),  # ... or 28 February
    ("Europe/London", 3600, date(2026, 9, 28), date(2027, 3, 28)),  # clocks go forward at 01:00 UTC that day
    ("America/New_York", -4 * 3600, date(2027, 5, 7), date(2027, 11, 7)),  # clocks go back at 06:00 UTC that day
], ids=["tokyo-leap-day", "new-york-february", "london-spring-forward", "new-york-fall-back"])
def test_the_closing_checkin_comes_once_on_the_planned_end_day_and_not_the_day_before(world, fake, zone, tz, offset,
                                                                                   started, end):
    zone(tz)
    with at(tz, started.year, started.month, started.day, 12):
        couple(world, tz, offset)
    assert world.partnership("U1", "U2").planned_end == end

    eve = end - timedelta(days=1)
    first, again = twice(world, tz, "participant-lifecycle", local(eve, 23, 30))
    assert "0 partnership(s) reached" in first and "0 partnership(s) reached" in again
    assert saying(fake, "U1", "reached its planned end") == saying(fake, "U2", "reached its planned end") == []

    # Half past midnight on the end day (on a daylight-saving change day, before the clocks move): asked once.
    first, again = twice(world, tz, "participant-lifecycle", local(end, 0, 30))
    assert "1 partnership(s) reached their planned end" in first and "0 partnership(s) reached" in again
    for user, partner in (("U1", "Bea"), ("U2", "Ada")):
        [prompt] = saying(fake, user, "reached its planned end")
        assert f"({end:%d %B %Y})" in json.dumps(prompt) and partner in json.dumps(prompt)

    after = end + timedelta(days=1)
    first, _ = twice(world, tz, "participant-lifecycle", local(after, 8, 45))
    assert "0 partnership(s) reached" in first
    assert [len(saying(fake, u, "reached its planned end")) for u in ("U1", "U2")] == [1, 1]


def test_six_months_count_from_the_local_day_the_partnership_started(world, fake, zone):
    tz = zone("Asia/Tokyo")
    with at(tz, 2027, 9, 1, 8):  # 1 September, 08:00 in Tokyo: 23:00 UTC on 31 August
        couple(world, tz, 9 * 3600)
    first, _ = twice(world, tz, "participant-lifecycle", (2028, 2, 29, 8, 45))
    assert "0 partnership(s) reached" in first and saying(fake, "U1", "reached its planned end") == []
    first, _ = twice(world, tz, "participant-lifecycle", (2028, 3, 1, 8, 45))
    assert "1 partnership(s) reached" in first
    assert "(01 March 2028)" in json.dumps(saying(fake, "U1", "reached its planned end"))


def test_an_end_date_moved_one_day_later_gets_its_own_closing_checkin(world, fake, zone):
    from models import Partnership

    tz = zone("Europe/London")
    with at(tz, 2026, 8, 31, 12):
        couple(world, tz, 0)
    twice(world, tz, "participant-lifecycle", (2027, 2, 28, 8, 45))
    assert [len(saying(fake, u, "reached its planned end")) for u in ("U1", "U2")] == [1, 1]
    with at(tz, 2027, 2, 28, 12), world.bot.db.uow() as session:  # they agree to go on until 1 March
        session.get(Partnership, world.partnership("U1", "U2").id).planned_end = date(2027, 3, 1)
    first, again = twice(world, tz, "participant-lifecycle", (2027, 3, 1, 8, 45))
    assert "1 partnership(s) reached" in first and "0 partnership(s) reached" in again
    assert "(01 March 2027)" in json.dumps(saying(fake, "U1", "reached its planned end"))
