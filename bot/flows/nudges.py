"""The meeting-nudges job: a reminder the day before a planned meeting, and a nudge to pairs past their cadence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.flows.context import Context
from bot.services import clock, keys, nudges, outbox, profiles, program
from bot.services.suggestions import zone_of
from messages import nudges as blocks
from messages import planning as planning_blocks
from models.status import PersonStatus


@dataclass(frozen=True)
class Nudged:
    reminders: int  # pairs who meet tomorrow
    quiet_pairs: int  # pairs past their agreed cadence


def send_meeting_nudges(ctx: Context, now: datetime | None = None) -> Nudged:
    """Each active person of a pair that meets tomorrow gets a reminder, and each of a pair gone quiet for longer
    than their agreement's cadence a nudge; once per meeting day, and once per quiet spell."""
    today = (now or clock.now()).astimezone(ctx.settings.tz).date()
    reminders = quiet_pairs = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            name = program.current(session, team_id, ctx.settings).name
            for partnership, day, plan in nudges.meeting_tomorrow(session, team_id, today, ctx.settings.tz, now):
                reminders += 1
                for me in (partnership.person_a, partnership.person_b):
                    if me.status != PersonStatus.ACTIVE:
                        continue
                    other = partnership.other(me.id)
                    message = blocks.meeting_tomorrow(name, partnership.id, other.display_name, other.slack_user_id, day,
                                                      at=planned_time(plan, me))
                    outbox.enqueue(session, team_id, keys.meeting_reminder(partnership.id, day, me.id), "meeting-reminder",
                                   me.slack_user_id, message, priority=0)
            for q in nudges.gone_quiet(session, team_id, today):
                quiet_pairs += 1
                p = q.partnership
                for me in (p.person_a, p.person_b):
                    if me.status != PersonStatus.ACTIVE:
                        continue
                    other = p.other(me.id)
                    outbox.enqueue(session, team_id, keys.cadence_nudge(p.id, q.last, q.interval, me.id), "cadence-nudge",
                                   me.slack_user_id, blocks.gone_quiet(name, p.id, other.display_name, other.slack_user_id,
                                                                       q.days, q.frequency), priority=0)
    return Nudged(reminders, quiet_pairs)


def planned_time(plan, me) -> str | None:
    """A planned meeting's time as `me` reads it (their own time zone), for the day-before reminder."""
    if plan is None or plan.starts_at is None:
        return None
    return planning_blocks.long_when(plan.starts_at, plan.minutes, zone_of(me.tz, me.tz_offset))
