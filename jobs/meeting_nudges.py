"""meeting-nudges: a reminder the day before a planned meeting, and a nudge to pairs past their agreed cadence."""

from __future__ import annotations

from bot.services import clock, nudges, outbox, profiles, program
from messages import nudges as blocks
from jobs import JobContext


def run(ctx: JobContext) -> str:
    now = clock.now()
    today = now.astimezone(ctx.settings.tz).date()
    reminders = quiet_pairs = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            name = program.current(session, team_id, ctx.settings).name
            for partnership, day in nudges.meeting_tomorrow(session, team_id, today):
                reminders += 1
                for me in (partnership.person_a, partnership.person_b):
                    if me.status != "active":
                        continue
                    other = partnership.other(me.id)
                    message = blocks.meeting_tomorrow(name, partnership.id, other.display_name,
                                                      other.slack_user_id, day)
                    outbox.enqueue(session, team_id, f"meeting-reminder:{partnership.id}:{day}:{me.id}", "meeting-reminder",
                                   me.slack_user_id, message, priority=0)
            for q in nudges.gone_quiet(session, team_id, today):
                quiet_pairs += 1
                p = q.partnership
                for me in (p.person_a, p.person_b):
                    if me.status != "active":
                        continue
                    other = p.other(me.id)
                    outbox.enqueue(session, team_id, f"cadence-nudge:{p.id}:{q.last}:{q.interval}:{me.id}", "cadence-nudge",
                                   me.slack_user_id, blocks.gone_quiet(name, p.id, other.display_name,
                                                                       other.slack_user_id, q.days, q.frequency), priority=0)
    report = ctx.deliver()
    return f"{reminders} pair(s) meet tomorrow, {quiet_pairs} pair(s) past their cadence; delivery: {report}"
