"""Program statistics for admins: the report for a period, and the same period as a CSV file in the admin's DM."""

from __future__ import annotations

from datetime import date

from bot.flows.context import Context
from bot.services import clock, keys, outbox, program
from bot.services import stats as service
from bot.services.stats import Period
from messages import stats as blocks


def _today(ctx: Context) -> date:
    return clock.local_today(ctx.settings.program_timezone, None)


def report(ctx: Context, team_id: str, user_id: str, period_text: str) -> dict:
    """The figures of the period the admin asked for (the last 30 days by default), as they see them."""
    with ctx.db.uow() as session:
        return blocks.stats_message(service.report(session, team_id, user_id, ctx.settings, period_text, _today(ctx)))


def check_export(ctx: Context, team_id: str, user_id: str, period_text: str) -> Period:
    """Refuse a non-admin or a period that can't be read, cheaply, before the admin is told the file is coming."""
    with ctx.db.uow() as session:
        return service.admin_period(session, team_id, user_id, ctx.settings, period_text, _today(ctx))


def export_csv(ctx: Context, team_id: str, user_id: str, period_text: str, request_id: str) -> Period:
    """The period's CSV (one row per month) as a file in the admin's DM, once per request (`request_id`: the report
    whose button was clicked, or the command), noted in the audit log. A long period takes seconds."""
    with ctx.db.uow() as session:
        rep = service.monthly_report(session, team_id, user_id, ctx.settings, period_text, _today(ctx))
        filename = service.csv_filename(rep.period)
        if outbox.enqueue(session, team_id, keys.stats_csv(team_id, user_id, request_id), "stats-csv", user_id,
                          {"file": {"filename": filename, "title": filename}, "text": blocks.csv_comment(rep)},
                          attachment=service.csv_bytes(rep)):
            program.audit(session, team_id, user_id, "stats.export_csv", first_day=str(rep.period.first_day),
                          last_day=str(rep.period.last_day))
        return rep.period
