"""participant-lifecycle (daily): people whose pause ran until today are back (they and their partners are told),
and partnerships that reached their planned end get a closing check-in, once, with "Extend 3 months" / "Wrap up"."""

from __future__ import annotations

from bot.services import clock, closings, lifecycle, outbox, profiles, program
from messages import lifecycle as blocks
from jobs import JobContext


def run(ctx: JobContext) -> str:
    now = clock.now()
    today = now.astimezone(ctx.settings.tz).date()
    resumed = prompted = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            name = program.current(session, team_id, ctx.settings).name  # as admins set it
            for change in lifecycle.resume_due(session, team_id, today):
                me = change.person
                resumed += 1
                outbox.enqueue(session, team_id, f"pause-ended:{me.id}:{today}", "pause-ended", me.slack_user_id,
                               blocks.resumed_notice(name, by_date=True), priority=0)
                for _p, partner in change.partners:
                    outbox.enqueue(session, team_id, f"partner-resumed:{me.id}:{today}:{partner.id}", "partner-resumed",
                                   partner.slack_user_id, blocks.partner_resumed(name, me.display_name,
                                                                                 me.slack_user_id), priority=0)
        with ctx.db.uow() as session:
            for p in closings.reaching_end(session, team_id, today, now):
                prompted += 1
                for me in (p.person_a, p.person_b):
                    if me.status != "active":  # paused: no check-ins of any kind
                        continue
                    other = p.other(me.id)
                    outbox.enqueue(session, team_id, f"end-prompt:{p.id}:{p.planned_end}:{me.id}", "end-prompt",
                                   me.slack_user_id, blocks.end_prompt(name, p.id, other.display_name,
                                                                       other.slack_user_id, p.planned_end), priority=0)
    report = ctx.deliver()
    return f"{resumed} pause(s) ended, {prompted} partnership(s) reached their planned end; delivery: {report}"
