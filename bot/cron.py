"""Crontab lines, read the way cron reads them, as APScheduler triggers."""

from __future__ import annotations

import re

from apscheduler.triggers.cron import CronTrigger

_DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def crontab(expr: str, tz=None) -> CronTrigger:
    """A crontab line as cron means it. APScheduler 3 numbers weekdays from Monday = 0, crontab from
    Sunday = 0 (and 7), so "* * * * 1" would fire on Tuesdays: weekday numbers become names first."""
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields (minute hour day month weekday), got {len(fields)}")

    def name(match: re.Match) -> str:
        number = int(match.group(0))
        if number > 7:
            raise ValueError(f"weekday {number} is out of range 0-7")
        return _DAY_NAMES[number]

    parts = []
    for part in fields[4].split(","):
        if re.fullmatch(r"0-\d", part):  # Sunday to N: APScheduler's week ends on Sunday
            parts += [f"mon-{_DAY_NAMES[int(part[2])]}" if part[2] not in "07" else "mon-sun", "sun"]
        elif "/" in part:
            parts.append(part)
        else:
            parts.append(re.sub(r"\d+", name, part))
    minute, hour, day, month, _ = fields
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=",".join(dict.fromkeys(parts)),
                       timezone=tz)
