"""monthly-checkins (close last month, ask about this one) and checkin-reminders (after 3 and 7 days)."""

from __future__ import annotations

from bot.services import checkins, outbox, profiles, program
from messages import checkin as blocks
from jobs import JobContext
from models import Partnership, Person
from models.base import utcnow


def _invitation_rows(team_id: str, invitations, ctx: JobContext, key: str, reminder: int = 0, *,
                     prog: program.Program) -> list[dict]:
    return [dict(team_id=team_id, key=key.format(id=inv.checkin_id), kind="checkin" if not reminder else "checkin-reminder",
                 recipient=inv.user_id,
                 payload=blocks.checkin_message(prog.name, checkins.month_name(inv.period), inv.checkin_id,
                                                inv.partner_name, inv.partner_user_id, prog.anonymity_min_group, reminder))
            for inv in invitations]


def _announce_close(session, team_id: str, closed: checkins.Closed, ctx: JobContext) -> None:
    month, prog = checkins.month_name(closed.period), program.current(session, team_id, ctx.settings)
    for pid in closed.at_risk:
        partnership = session.get(Partnership, pid)
        for me in (partnership.person_a, partnership.person_b):
            other = partnership.other(me.id)
            outbox.enqueue(session, team_id, f"at-risk:{pid}:{closed.period}:{me.id}", "at-risk", me.slack_user_id,
                           blocks.at_risk_message(prog.name, pid, other.display_name, other.slack_user_id), priority=0)
    for person_id in closed.paused:
        person = session.get(Person, person_id)
        outbox.enqueue(session, team_id, f"paused:{person_id}:{closed.period}", "paused", person.slack_user_id,
                       blocks.paused_message(prog.name), priority=0)
    if closed.help_texts:
        for admin in program.admins(session, team_id, ctx.settings):
            outbox.enqueue(session, team_id, f"checkin-help:{team_id}:{closed.period}:{admin}", "checkin-help", admin,
                           blocks.help_texts_message(prog.name, month, closed.answered, closed.help_texts), priority=0)


def run_monthly(ctx: JobContext) -> str:
    now, tz = utcnow(), ctx.settings.tz
    period = checkins.period_of(now, tz)
    closed_words, asked = [], 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:  # close what ended, and say so, in one transaction
            k = program.current(session, team_id, ctx.settings).anonymity_min_group  # as admins set it
            for old in checkins.open_periods_before(session, team_id, period):
                closed = checkins.close_period(session, team_id, old, now, k)
                if closed is not None:
                    _announce_close(session, team_id, closed, ctx)
                    closed_words.append(f"closed {old} ({closed.answered}/{closed.asked} answered, "
                                        f"{len(closed.at_risk)} at risk, {len(closed.paused)} paused)")
        with ctx.db.uow() as session:  # ask, and queue the DMs, in one transaction
            pending = checkins.open_period(session, team_id, period, now)
            rows = _invitation_rows(team_id, checkins.invitations(session, pending), ctx, "checkin:{id}",
                                    prog=program.current(session, team_id, ctx.settings))
            outbox.enqueue_many(session, rows)
            asked += len(rows)
    report = ctx.deliver()
    words = "; ".join(closed_words + [f"{period}: {asked} unanswered check-in(s) asked", f"delivery: {report}"])
    return words


def run_reminders(ctx: JobContext) -> str:
    now, tz = utcnow(), ctx.settings.tz
    period = checkins.period_of(now, tz)
    total = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            due = checkins.due_reminders(session, team_id, period, now)
            by_number: dict[int, list[int]] = {}
            for checkin_id, number in due:
                by_number.setdefault(number, []).append(checkin_id)
            for number, ids in by_number.items():
                rows = _invitation_rows(team_id, checkins.invitations(session, ids), ctx,
                                        "checkin-reminder:{id}:" + str(number), reminder=number,
                                        prog=program.current(session, team_id, ctx.settings))
                outbox.enqueue_many(session, rows)
                total += len(rows)
    report = ctx.deliver()
    return f"{total} reminder(s) queued; delivery: {report}"
