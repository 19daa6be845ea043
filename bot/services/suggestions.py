"""Meeting times two people can both make: inside each one's working hours, in each one's own time zone.

Everything here is plain time arithmetic over UTC instants: a candidate time is turned into each person's wall
clock with zoneinfo, so a daylight-saving change on either side (on different dates, in opposite directions)
moves the shared hours the way it does in real life.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models import Person

STEP = timedelta(minutes=30)  # suggestions start on the hour or the half hour (UTC; fine for whole- and half-hour zones)
SEARCH_DAYS = 14  # how far ahead suggestions look
SUGGESTIONS = 6  # how many the proposer is shown (they pick up to three)
SOONEST = timedelta(hours=12)  # no suggestion closer than this: the partner needs time to answer
WAKING = (7 * 60, 21 * 60)  # when there are no shared working hours: times both are awake for (07:00-21:00 local)
WEEKDAYS = "0123456"
CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 31}


def zone_of(tz_name: str | None, tz_offset: int | None = None) -> tzinfo:
    """A person's time zone: their Slack time zone by name (daylight saving included), else the fixed offset Slack
    gave, else UTC."""
    if tz_name:
        try:
            return ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if tz_offset:
        return timezone(timedelta(seconds=tz_offset))
    return UTC


@dataclass(frozen=True)
class WorkingHours:
    """When one person works: from `start` to `end` (minutes after local midnight) on `days` (0 = Monday)."""

    zone: tzinfo
    start: int = 9 * 60
    end: int = 17 * 60
    days: str = "01234"

    def fits(self, starts_at: datetime, minutes: int) -> bool:
        """Whether a meeting from `starts_at` (an aware instant) for `minutes` lies inside these hours on one day."""
        local_start = starts_at.astimezone(self.zone)
        local_end = (starts_at + timedelta(minutes=minutes)).astimezone(self.zone)
        if str(local_start.weekday()) not in self.days:
            return False
        begin = local_start.hour * 60 + local_start.minute
        if local_end.date() == local_start.date():
            finish = local_end.hour * 60 + local_end.minute
        elif local_end.date() == local_start.date() + timedelta(days=1) and local_end.time() == time(0):
            finish = 24 * 60
        else:
            return False
        return self.start <= begin and finish <= self.end and begin < finish

    def waking(self, every_day: bool = False) -> WorkingHours:
        """The same person's waking day, on their working days (or every day): for when no working time is shared."""
        return WorkingHours(self.zone, WAKING[0], WAKING[1], WEEKDAYS if every_day else self.days)


def hours_of(person: Person) -> WorkingHours:
    return WorkingHours(zone_of(person.tz, person.tz_offset), person.work_start_minutes, person.work_end_minutes,
                        person.work_days or "01234")


def earliest(now: datetime, last_met: date | None = None, frequency: str | None = None) -> datetime:
    """Where suggestions start: not before tomorrow-ish, and, for a pair with an agreed cadence, a couple of days
    before the next meeting is due (so a weekly pair that just met is offered next week, not tomorrow)."""
    soonest = now + SOONEST
    if last_met is not None and frequency in CADENCE_DAYS:
        due = datetime.combine(last_met + timedelta(days=CADENCE_DAYS[frequency] - 2), time(0), tzinfo=UTC)
        return max(soonest, due)
    return soonest


def _ceil(at: datetime) -> datetime:
    at = at.astimezone(UTC).replace(second=0, microsecond=0)
    extra = (at.minute % 30)
    return at + timedelta(minutes=30 - extra) if extra else at


def shared_times(people: list[WorkingHours], minutes: int, start: datetime, days: int = SEARCH_DAYS) -> list[datetime]:
    """Every start (on the half hour, UTC) from `start` for `days` days that fits everyone's hours."""
    out, at, stop = [], _ceil(start), start + timedelta(days=days)
    while at < stop:
        if all(p.fits(at, minutes) for p in people):
            out.append(at)
        at += STEP
    return out


def spread(times: list[datetime], zone: tzinfo, count: int = SUGGESTIONS) -> list[datetime]:
    """A few of `times` over as many different days (of the reader `zone`) as possible: each day's earliest first,
    then each day's latest, in time order."""
    by_day: dict[date, list[datetime]] = {}
    for at in times:
        by_day.setdefault(at.astimezone(zone).date(), []).append(at)
    chosen = [day[0] for day in by_day.values()][:count]
    if len(chosen) < count:
        later = [day[-1] for day in by_day.values() if day[-1] - day[0] >= timedelta(hours=2)]
        chosen += later[:count - len(chosen)]
    return sorted(chosen)


@dataclass(frozen=True)
class Suggestions:
    times: list[datetime]
    shared: bool  # False: no working time in common, so these are waking hours for both


def suggest(me: WorkingHours, partner: WorkingHours, minutes: int, start: datetime,
            days: int = SEARCH_DAYS, count: int = SUGGESTIONS) -> Suggestions:
    """Times for a meeting of `minutes` inside both people's working hours (spread over days of the proposer, `me`);
    when they share none, times inside both their waking days instead (`shared` False): on both their working days
    if that is possible, else on any day."""
    found = shared_times([me, partner], minutes, start, days)
    if found:
        return Suggestions(spread(found, me.zone, count), True)
    for every_day in (False, True):
        found = shared_times([me.waking(every_day), partner.waking(every_day)], minutes, start, days)
        if found:
            break
    return Suggestions(spread(found, me.zone, count), False)


def token(at: datetime) -> str:
    """A suggested time as a form value (UTC, to the minute)."""
    return at.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def from_token(value: str) -> datetime:
    """The time a form value names; ValueError when it is not one."""
    if not isinstance(value, str) or len(value) != 14:
        raise ValueError("not a suggested time")
    return datetime.strptime(value, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)


def from_wall_clock(day: date, at: time, zone: tzinfo) -> datetime:
    """A date and a time as a person entered them in their own time zone, as a UTC instant."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
