"""buddy-plan: the onboarding buddy's 45-day plan. On days 1, 7, 14, 30 and 45 of a buddy partnership both people
get what to do (meet, tools, people to know, first project, wrap-up); a day the job missed is sent late, once.
A newcomer whose buddy declined the introduction is introduced to the next one (or the admins are told, once)."""

from __future__ import annotations

from bot.services import buddies, clock, outbox, profiles, program
from messages import buddy as blocks
from messages import rounds as intro_messages
from jobs import JobContext


def run(ctx: JobContext) -> str:
    tz = ctx.settings.tz
    today = clock.now().astimezone(tz).date()
    written = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            name = program.current(session, team_id, ctx.settings).name
            rows = []
            for step in buddies.plan_due(session, team_id, today, tz):
                for me, other in ((step.buddy, step.newcomer), (step.newcomer, step.buddy)):
                    if me.status != "active":
                        continue
                    message = blocks.plan_day(name, step.day, is_buddy=me is step.buddy, other_user_id=other.slack_user_id,
                                              due=step.due, today=today, end=step.end)
                    rows.append(dict(team_id=team_id, key=f"buddy-plan:{step.partnership_id}:{step.day}:{me.id}",
                                     kind="buddy-plan", recipient=me.slack_user_id, payload=message))
            written += outbox.enqueue_many(session, rows)
        with ctx.db.uow() as session:
            for result, declined in buddies.after_declines(session, team_id, ctx.settings, intro_messages):
                if result.outcome == "introduced":
                    written += 1  # the introductions are in the outbox already
                elif result.outcome == "no_buddy":
                    for admin in result.admins:
                        written += outbox.enqueue(session, team_id, f"buddy-none:{result.person.id}:declined:{declined}:{admin}",
                                                  "buddy-none", admin,
                                                  blocks.no_buddy_for_admins(result.user_id, result.person.department))
    report = ctx.deliver() if written else None
    return f"{written} message(s) written" + (f"; delivery: {report}" if report else "")
