"""`/mentor stats [period]` and `/mentor stats csv [period]` (admins only), and the report's Export CSV button.

The service checks the admin and reads the period; a non-admin, a forged click or a bad period gets a kind
ephemeral answer (through `guarded`). The CSV goes to the admin's DM as a file through the outbox (the sender
opens the DM).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as StillWorking

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt.context.respond import Respond

from bot.flows import stats as flow
from bot.services.stats import BadPeriod
from handlers.common import Deps, action_value, deliver_now, guarded, reply, team_of, user_of
from messages import ids
from messages import stats as blocks
from messages.common import note

# The report over a long period of a big program reads a lot: Slack hears from us within the `stats_ack_ms`
# setting either way, with the figures when they are ready by then, else with a note, and the figures follow.
WORKING = "Working out the figures: they will appear here in a moment."
_reports = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stats-report")


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


def _request_id(body: dict) -> str:
    """One file per report clicked (a double click sends one), per command otherwise."""
    clicked_report = (body.get("container") or {}).get("message_ts")
    return f"report:{clicked_report}" if clicked_report else body.get("trigger_id") or ""


def cmd_stats(deps: Deps, ack, body, client, rest) -> None:
    """`/mentor stats [period]`: the report, only for the admin; `/mentor stats csv [period]`: the file in their DM."""
    command = StatsCommand.of(rest)
    team_id, user_id = team_of(body), user_of(body)
    if command.csv:
        flow.check_export(deps, team_id, user_id, command.period)
        ack(response_type="ephemeral", text=blocks.csv_on_its_way())
        flow.export_csv(deps, team_id, user_id, command.period, _request_id(body))
        deliver_now(deps)
        return
    flow.check_export(deps, team_id, user_id, command.period)  # a non-admin or a bad period: refused in the ack
    report = _reports.submit(flow.report, deps, team_id, user_id, command.period)
    try:
        ack(response_type="ephemeral", **report.result(timeout=deps.settings.stats_ack_ms / 1000))
        return
    except StillWorking:
        ack(response_type="ephemeral", **note(WORKING))
    Respond(response_url=body.get("response_url"))(response_type="ephemeral", replace_original=True, **report.result())


def register(app, deps: Deps) -> None:
    @app.action(ids.STATS_EXPORT)
    @guarded
    def export(ack, body, client, respond):
        try:
            click = ExportClick(period=action_value(body) or "")
        except ValidationError:
            raise BadPeriod("That button no longer knows its period.") from None
        team_id, user_id = team_of(body), user_of(body)
        flow.check_export(deps, team_id, user_id, click.period)
        ack()
        reply(deps, body, respond, note(blocks.csv_on_its_way()))
        flow.export_csv(deps, team_id, user_id, click.period, _request_id(body))
        deliver_now(deps)
