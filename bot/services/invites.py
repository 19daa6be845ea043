"""Calendar invites for a planned meeting or a circle session (iCalendar, RFC 5545, built with the `icalendar` library).

One event per planned meeting, for its whole life: the same UID every time, SEQUENCE raised by every change. A
picked time is sent as METHOD:REQUEST; a new time as REQUEST again with a higher SEQUENCE (calendars update the
event they have); a cancellation as METHOD:CANCEL with STATUS:CANCELLED. Each partner's copy carries the time in
their own time zone (TZID with its VTIMEZONE), so Google Calendar, Outlook and Apple Calendar show the same instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from icalendar import vCalAddress

from models import PlannedMeeting
from models.people import Person

PRODID = "-//mentor-bot//Peer mentoring//EN"
REMINDER = timedelta(minutes=15)
FILENAME = "mentoring-meeting.ics"


def address(team_id: str, person: Person, *, role: str | None = None) -> vCalAddress:
    """A calendar address for a colleague. The bot knows Slack ids, not e-mail addresses, so the address is a URI
    naming the Slack user (RFC 5545 allows any URI); the name shows through CN."""
    from icalendar import vCalAddress

    cal_address = vCalAddress(f"urn:x-slack:{team_id}:{person.slack_user_id}")
    cal_address.params["cn"] = person.display_name or person.slack_user_id
    if role:
        cal_address.params["role"] = role
        cal_address.params["partstat"] = "ACCEPTED"  # the partner picked the time; the organizer proposed it
    return cal_address


def invite(plan: PlannedMeeting, organizer: Person, partner: Person, zone: tzinfo, *, summary: str,
           description: str = "", cancel: bool = False, now: datetime | None = None) -> bytes:
    """The .ics file for one reader of the planned meeting (`zone`: their time zone). `cancel` makes it the
    cancellation of the event their calendar has."""
    if plan.starts_at is None:
        raise ValueError("a meeting without a time has no invite")
    return calendar(Occurrence(plan.team_id, plan.uid, plan.sequence, plan.starts_at, plan.minutes), organizer,
                    [organizer, partner], zone, summary=summary, description=description, cancel=cancel, now=now)


@dataclass(frozen=True)
class Occurrence:
    """What a calendar event needs of a planned meeting or circle session."""

    team_id: str
    uid: str
    sequence: int
    starts_at: datetime
    minutes: int


def calendar(what: Occurrence, organizer: Person, attendees: list[Person], zone: tzinfo, *, summary: str,
             description: str = "", cancel: bool = False, now: datetime | None = None) -> bytes:
    """One event (`what`) with its attendees, shown in `zone` (with its VTIMEZONE), a reminder before it unless
    `cancel` makes it METHOD:CANCEL of the same UID."""
    now = now or datetime.now(UTC)
    starts = what.starts_at.astimezone(zone if isinstance(zone, ZoneInfo) else UTC)
    from icalendar import Alarm, Calendar, Event  # (imported by the first invite, not at every start)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", what.uid)
    event.add("sequence", what.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=what.minutes))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", address(what.team_id, organizer))
    for person in attendees:
        event.add("attendee", address(what.team_id, person, role="REQ-PARTICIPANT"))
    if not cancel:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -REMINDER)
        alarm.add("description", summary)
        event.add_component(alarm)
    cal.add_component(event)
    year = starts.date().replace(month=1, day=1)
    cal.add_missing_timezones(first_date=year.replace(year=year.year - 1), last_date=year.replace(year=year.year + 2))
    return cal.to_ical()
