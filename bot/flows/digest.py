"""The managers' weekly digest: last complete week against the week before, with a 12-week chart, posted to each
team's digest channel once per week (a digest Slack refused may be written again, under the next attempt's keys).
The figures and their definitions are in bot/services/digest.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.chart import weekly_chart
from bot.flows.context import Context
from bot.services import clock, keys, outbox, profiles, program
from bot.services import digest as figures
from messages.digest import chart_title, digest_message
from models import OutboxMessage
from models.status import OUTBOX_WAITING, OutboxStatus


def _keys(team_id: str, week: figures.Week, attempt: int = 1) -> tuple[str, str]:
    """The outbox keys of a team's digest and chart for a week, per attempt."""
    suffix = "" if attempt == 1 else f":{attempt}"
    return keys.digest(team_id, week.first_day, suffix), keys.digest_chart(team_id, week.first_day, suffix)


def _attempts(session: Session, team_id: str, week: figures.Week) -> tuple[int, bool]:
    """(how many times this week's digest was written, whether one of them is sent or on its way)."""
    first = _keys(team_id, week)[0]
    rows = session.execute(select(OutboxMessage.status).where(
        OutboxMessage.kind == "digest", or_(OutboxMessage.key == first, OutboxMessage.key.like(first + ":%")))).all()
    return len(rows), any(status in (*OUTBOX_WAITING, OutboxStatus.SENT) for (status,) in rows)


@dataclass
class Written:
    """What a run wrote: for which teams and week, to which channel(s), and how many digests are new."""

    week: figures.Week
    channel: str = ""
    team_ids: list[str] = field(default_factory=list)
    queued: int = 0
    skipped: str = ""  # why nothing was written at all (no channel set anywhere)


def write_weekly(ctx: Context, now: datetime | None = None) -> Written:
    """Write each team's digest of the last complete week, and its chart as a post after it, unless this week's
    is sent or on its way already."""
    settings = ctx.settings
    week = figures.report_week(now or clock.now(), settings.tz)
    with ctx.db.uow() as session:  # each team's channel, k and name as its admins set them (or the settings)
        programs = {team_id: program.current(session, team_id, settings) for team_id in profiles.teams(session)}
    channels = {team_id: p.digest_channel for team_id, p in programs.items() if p.digest_channel}
    if not channels and not settings.digest_channel:
        return Written(week, skipped="DIGEST_CHANNEL is not set; no digest posted")
    written = Written(week, ", ".join(sorted(set(channels.values()))) or settings.digest_channel or "", list(channels))
    for team_id, team_channel in channels.items():
        prog = programs[team_id]
        with ctx.db.uow() as session:
            tried, alive = _attempts(session, team_id, week)
            if alive:
                continue  # this week's digest was written before (sent, or still on its way)
            message_key, chart_key = _keys(team_id, week, tried + 1)
            digest = figures.compute(session, team_id, week, k=prog.anonymity_min_group)
            message = digest_message(digest, prog.name, settings.program_timezone, objective=prog.objective)
            png = weekly_chart(f"{prog.name}: last 12 weeks", [w.first_day for w in digest.chart],
                               [w.meetings for w in digest.chart], [w.active_partnerships for w in digest.chart])
            if outbox.enqueue(session, team_id, message_key, "digest", team_channel, message, priority=0):
                outbox.enqueue(session, team_id, chart_key, "digest-chart", team_channel, {
                    "file": {"filename": f"mentoring-12-weeks-{week.first_day}.png",
                             "title": chart_title(prog.name, week.last_day)},
                    "text": "Meetings per week (bars) and active partnerships at each week's end (line), last 12 weeks.",
                    "in_thread": False,
                }, after_key=message_key, attachment=png, priority=0)
                written.queued += 1
    return written


def outcome(ctx: Context, written: Written) -> str:
    """One line, after delivery: how many teams' digests are in the channel, and what kept any of them out."""
    if written.skipped:
        return written.skipped
    week = written.week
    with ctx.db.uow() as session:
        wanted = [k for team_id in written.team_ids
                  for k in _keys(team_id, week, max(_attempts(session, team_id, week)[0], 1))]
        rows = session.execute(select(OutboxMessage.key, OutboxMessage.kind, OutboxMessage.status,
                                      OutboxMessage.last_error).where(OutboxMessage.key.in_(wanted))
                               .order_by(OutboxMessage.id)).all() if wanted else []
    digests = [r for r in rows if r.kind == "digest"]
    posted = sum(r.status == OutboxStatus.SENT for r in digests)
    charts = sum(r.status == OutboxStatus.SENT for r in rows if r.kind == "digest-chart")
    words = (f"weekly digest for the week of {week.first_day}: {posted} of {len(written.team_ids)} team(s) posted to "
             f"{written.channel} ({charts} chart(s)); {written.queued} written this run")
    failed = [f"{r.key}: {r.last_error}" for r in rows if r.status == OutboxStatus.FAILED]
    waiting = [r.key for r in rows if r.status in OUTBOX_WAITING]
    if failed:
        hint = " (invite the bot to the channel)" if any("not_in_channel" in f for f in failed) else ""
        words += f"; NOT posted: {', '.join(failed)}{hint}"
    if waiting:
        words += f"; {len(waiting)} still waiting to be sent"
    return words
