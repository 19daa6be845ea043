"""weekly-digest: the managers' digest of the last complete week (Monday to Monday in PROGRAM_TIMEZONE) against
the week before, with a 12-week chart, posted to DIGEST_CHANNEL once per team and week.

The figures and their definitions are in bot/services/digest.py. The message and the chart are written to the
outbox under keys naming the team and the week, so a second run in the same week posts nothing new; the chart
follows the digest (after_key) as a separate post (files upload v2).
"""

from __future__ import annotations

from sqlalchemy import or_, select

from bot.chart import weekly_chart
from bot.services import digest as figures
from bot.services import profiles, program
from bot.services.outbox import enqueue
from messages.digest import chart_title, digest_message
from jobs import JobContext
from models import OutboxMessage
from models.base import utcnow


def keys(team_id: str, week: figures.Week, attempt: int = 1) -> tuple[str, str]:
    """The outbox keys of a team's digest and chart for a week. A digest Slack refused (the bot was not in
    the channel) may be tried again in the same week under the next attempt's keys."""
    suffix = "" if attempt == 1 else f":{attempt}"
    return f"digest:{team_id}:{week.first_day}{suffix}", f"digest-chart:{team_id}:{week.first_day}{suffix}"


def _attempts(session, team_id: str, week: figures.Week) -> tuple[int, bool]:
    """(how many times this week's digest was written, whether one of them is sent or on its way)."""
    rows = session.execute(select(OutboxMessage.status).where(
        OutboxMessage.kind == "digest",
        or_(OutboxMessage.key == keys(team_id, week)[0], OutboxMessage.key.like(keys(team_id, week)[0] + ":%")))).all()
    return len(rows), any(status in ("pending", "sending", "sent") for (status,) in rows)


def run(ctx: JobContext) -> str:
    settings = ctx.settings
    with ctx.db.uow() as session:  # each team's channel, k and name as its admins set them (or the settings)
        programs = {team_id: program.current(session, team_id, settings) for team_id in profiles.teams(session)}
    channels = {team_id: p.digest_channel for team_id, p in programs.items() if p.digest_channel}
    if not channels and not settings.digest_channel:
        return "DIGEST_CHANNEL is not set; no digest posted"
    channel = ", ".join(sorted(set(channels.values()))) or settings.digest_channel
    week = figures.report_week(utcnow(), settings.tz)
    queued = 0
    team_ids = list(channels)
    for team_id in team_ids:
        prog, team_channel = programs[team_id], channels[team_id]
        with ctx.db.uow() as session:
            tried, alive = _attempts(session, team_id, week)
            if alive:
                continue  # this week's digest was written before (sent, or still on its way)
            message_key, chart_key = keys(team_id, week, tried + 1)
            digest = figures.compute(session, team_id, week, k=prog.anonymity_min_group)
            message = digest_message(digest, prog.name, settings.program_timezone, objective=prog.objective)
            png = weekly_chart(f"{prog.name}: last 12 weeks",
                               [w.first_day for w in digest.chart], [w.meetings for w in digest.chart],
                               [w.active_partnerships for w in digest.chart])
            if enqueue(session, team_id, message_key, "digest", team_channel, message, priority=0):
                enqueue(session, team_id, chart_key, "digest-chart", team_channel, {
                    "file": {"filename": f"mentoring-12-weeks-{week.first_day}.png",
                             "title": chart_title(prog.name, week.last_day)},
                    "text": "Meetings per week (bars) and active partnerships at each week's end (line), last 12 weeks.",
                    "in_thread": False,
                }, after_key=message_key, attachment=png, priority=0)
                queued += 1
    ctx.deliver()
    return _outcome(ctx, team_ids, week, channel, queued)


def _outcome(ctx: JobContext, team_ids: list[str], week: figures.Week, channel: str, queued: int) -> str:
    """One line: how many teams' digests are in the channel, and what kept any of them out."""
    with ctx.db.uow() as session:
        wanted = [k for team_id in team_ids for k in keys(team_id, week, max(_attempts(session, team_id, week)[0], 1))]
        rows = session.execute(select(OutboxMessage.key, OutboxMessage.kind, OutboxMessage.status,
                                      OutboxMessage.last_error).where(OutboxMessage.key.in_(wanted))
                               .order_by(OutboxMessage.id)).all() if wanted else []
    digests = [r for r in rows if r.kind == "digest"]
    posted = sum(r.status == "sent" for r in digests)
    charts = sum(r.status == "sent" for r in rows if r.kind == "digest-chart")
    words = (f"weekly digest for the week of {week.first_day}: {posted} of {len(team_ids)} team(s) posted to {channel} "
             f"({charts} chart(s)); {queued} written this run")
    failed = [f"{r.key}: {r.last_error}" for r in rows if r.status == "failed"]
    waiting = [r.key for r in rows if r.status in ("pending", "sending")]
    if failed:
        hint = " (invite the bot to the channel)" if any("not_in_channel" in f for f in failed) else ""
        words += f"; NOT posted: {', '.join(failed)}{hint}"
    if waiting:
        words += f"; {len(waiting)} still waiting to be sent"
    return words
