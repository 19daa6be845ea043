"""`/mentor stats [period]` and `/mentor stats csv [period]` (admins only), and the report's Export CSV button.

The service checks the admin and reads the period; a non-admin, a forged click or a bad period gets a kind
ephemeral answer (through `guarded`). The CSV goes to the admin's DM as a file through the outbox.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.services import clock
from bot.services import stats as service
from bot.services.stats import BadPeriod
from messages import ids
from messages import stats as blocks
from handlers.common import Deps, action_value, deliver_now, guarded, team_of, tell, user_of


class StatsCommand(BaseModel):
    """`/mentor stats [csv] [period]`: the words after `stats`."""

    model_config = ConfigDict(str_strip_whitespace=True)
    csv: bool = False
    period: str = Field(default="", max_length=60)

    @classmethod
    def of(cls, rest: str) -> StatsCommand:
        words = rest.split()
        wants_csv = bool(words) and words[0].lower() == "csv"
        # cut, not refused: a non-admin is told so before anyone reads the period
        return cls(csv=wants_csv, period=" ".join(words[1:] if wants_csv else words)[:60])


class ExportClick(BaseModel):
    """The Export CSV button's value: the report's period by its dates (checked again by the service)."""

    period: str = Field(pattern=r"^\d{4}-\d{2}-\d{2} \d{4}-\d{2}-\d{2}$")


def _today(deps: Deps) -> date:
    return clock.local_today(deps.settings.program_timezone, None)


def _check(deps: Deps, body: dict, period_text: str) -> None:
    """Refuse a non-admin or a bad period before the ack (cheap); the export checks again."""
    with deps.db.uow() as session:
        service.admin_period(session, team_of(body), user_of(body), deps.settings, period_text, _today(deps))


def _export(deps: Deps, client, body: dict, period_text: str) -> None:
    """After the ack (a long period takes seconds): write the CSV to the outbox for the acting admin's DM
    (the service checks they are one) and send it."""
    team_id, user_id = team_of(body), user_of(body)
    dm_channel = client.conversations_open(users=user_id)["channel"]["id"]
    # One file per report clicked (a double click sends one), per command otherwise
    clicked_report = (body.get("container") or {}).get("message_ts")
    request_id = f"report:{clicked_report}" if clicked_report else body.get("trigger_id") or ""
    with deps.db.uow() as session:
        service.export_csv(session, team_id, user_id, deps.settings, period_text, _today(deps),
                           dm_channel=dm_channel, request_id=request_id, comment=blocks.csv_comment)
    deliver_now(deps)


def commands(deps: Deps) -> dict:
    """Subcommand name -> handler(ack, body, client, rest), added to /mentor's routes."""

    def stats(ack, body, client, rest):
        command = StatsCommand.of(rest)
        if command.csv:
            _check(deps, body, command.period)
            ack(response_type="ephemeral", text=blocks.csv_on_its_way())
            return _export(deps, client, body, command.period)
        with deps.db.uow() as session:
            rep = service.report(session, team_of(body), user_of(body), deps.settings, command.period, _today(deps))
        ack(response_type="ephemeral", **blocks.stats_message(rep))

    return {"stats": stats}


def register(app, deps: Deps) -> None:
    @app.action(ids.STATS_EXPORT)
    @guarded
    def export(ack, body, client, respond):
        try:
            click = ExportClick(period=action_value(body) or "")
        except ValidationError:
            raise BadPeriod("That button no longer knows its period.") from None
        _check(deps, body, click.period)
        ack()
        tell(client, body, respond, blocks.csv_on_its_way())
        _export(deps, client, body, click.period)
