"""A peer circle's sessions: "Plan a session" (the modal of suggested times), "Reschedule", "Cancel session",
"Log a session" / "Log this session" / "Log it" (the log modal with who came) and "We didn't meet". Each listener
calls one use case (bot/flows/circle_sessions.py), answers, then delivers what it queued."""

from __future__ import annotations

from bot.flows import circle_sessions as flow
from bot.services.circle_sessions import LogForm, PlanForm
from handlers.common import Deps, action_value, deliver_now, guarded, notice_view, open_view, submit_form, team_of, user_of
from handlers.forms import metadata
from messages import ids


def _plan_form(view: dict, values: dict) -> PlanForm:
    """The modal's values; the circle and the session being moved come from the metadata (hints: checked again)."""
    hints = metadata(view)
    return PlanForm(circle_id=hints.get("circle_id"), session_id=hints.get("session_id"),
                    slot=values.get("slot") or None, minutes=values.get("minutes"),
                    custom_date=values.get("custom_date") or None, custom_time=values.get("custom_time") or None)


def _log_form(view: dict, values: dict) -> LogForm:
    hints = metadata(view)
    return LogForm(circle_id=hints.get("circle_id"), session_id=hints.get("session_id"), held_on=values.get("held_on"),
                   minutes=values.get("minutes"), topics=values.get("topics") or "", came=values.get("came") or [])


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.CSESSION_PLAN))
    @guarded
    def open_plan(ack, body, client):
        ack()
        open_view(client, body, flow.plan_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.action(ids.matcher(ids.CSESSION_RESCHEDULE))
    @guarded
    def reschedule(ack, body, client):
        ack()
        open_view(client, body, flow.reschedule_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.view(ids.CSESSION_PLAN_MODAL)
    @guarded
    def plan(ack, body, view):
        said = submit_form(ack, view, lambda values: _plan_form(view, values),
                           lambda form: flow.plan(deps, team_of(body), user_of(body), form), title="Not planned")
        if said is None:
            return
        ack(response_action="update", view=notice_view("Session planned", said))
        deliver_now(deps)

    @app.action(ids.matcher(ids.CSESSION_CANCEL))
    @guarded
    def cancel(ack, body):
        ack()
        flow.cancel(deps, team_of(body), user_of(body), action_value(body))
        deliver_now(deps)

    @app.action(ids.matcher(ids.CSESSION_MISSED))
    @guarded
    def didnt_meet(ack, body):
        ack()
        flow.didnt_meet(deps, team_of(body), user_of(body), action_value(body))
        deliver_now(deps)

    @app.action(ids.matcher(ids.CSESSION_LOG))
    @guarded
    def open_log(ack, body, client):
        ack()
        open_view(client, body, flow.log_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.view(ids.CSESSION_LOG_MODAL)
    @guarded
    def log(ack, body, view):
        said = submit_form(ack, view, lambda values: _log_form(view, values),
                           lambda form: flow.log(deps, team_of(body), user_of(body), form), title="Not logged")
        if said is None:
            return
        ack(response_action="update", view=notice_view("Session logged", said))
        deliver_now(deps)
