"""Planning a meeting: `/mentor schedule`, "Plan our next meeting", the modal of suggested times, the partner's
pick, "Ask for other times", "Reschedule", "Cancel meeting" and "We didn't". Each listener calls one use case
(bot/flows/planning.py), answers, then delivers what it queued."""

from __future__ import annotations

from bot.flows import planning
from bot.services.planning import PlanForm
from handlers.common import Deps, action_value, deliver_now, guarded, notice_view, open_view, reply, submit_form, team_of, user_of
from handlers.forms import metadata
from messages import ids
from messages import planning as blocks


def cmd_schedule(deps: Deps, ack, body, client, rest: str) -> None:
    """`/mentor schedule`: the planning modal for my one partnership, or a button per partner."""
    choices = planning.schedule_choices(deps, team_of(body), user_of(body))
    if not choices:
        return ack(response_type="ephemeral", **blocks.nobody_to_plan_with())
    if len(choices) > 1:
        return ack(response_type="ephemeral", **blocks.choose_partner(choices))
    view = planning.plan_form(deps, team_of(body), user_of(body), choices[0][0])
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _form(view: dict, values: dict) -> PlanForm:
    """The modal's values (a date and a time come as text: the form parses and checks them)."""
    return PlanForm(partnership_id=metadata(view).get("partnership_id"), slots=values.get("slots") or [],
                    minutes=values.get("minutes"), custom_date=values.get("custom_date") or None,
                    custom_time=values.get("custom_time") or None)


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.PLAN_OPEN))
    @guarded
    def open_plan(ack, body, client):
        ack()
        open_view(client, body, planning.plan_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.action(ids.matcher(ids.PLAN_RESCHEDULE))
    @guarded
    def reschedule(ack, body, client):
        ack()
        open_view(client, body, planning.reschedule_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.view(ids.PLAN_MODAL)
    @guarded
    def propose(ack, body, view):
        sent = submit_form(ack, view, lambda values: _form(view, values),
                           lambda form: planning.propose(deps, team_of(body), user_of(body), form), title="Not sent")
        if sent is None:
            return
        ack(response_action="update", view=notice_view("Times sent", sent))
        deliver_now(deps)

    @app.action(ids.matcher(ids.PLAN_PICK))
    @guarded
    def pick(ack, body):
        ack()
        planning.pick(deps, team_of(body), user_of(body), action_value(body))
        deliver_now(deps)

    @app.action(ids.matcher(ids.PLAN_OTHER))
    @guarded
    def other_times(ack, body):
        ack()
        planning.ask_other_times(deps, team_of(body), user_of(body), action_value(body))
        deliver_now(deps)

    @app.action(ids.matcher(ids.PLAN_CANCEL))
    @guarded
    def cancel(ack, body):
        ack()
        planning.cancel(deps, team_of(body), user_of(body), action_value(body))
        deliver_now(deps)

    @app.action(ids.matcher(ids.PLAN_MISSED))
    @guarded
    def didnt_meet(ack, body, respond):
        ack()
        message = planning.didnt_meet(deps, team_of(body), user_of(body), action_value(body))
        reply(deps, body, respond, message, replace=True)
