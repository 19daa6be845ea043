"""Answering the monthly check-in (a partnership's, and a peer circle's), the choices of a partnership at risk, and
resuming participation. Each listener calls one use case (bot/flows/checkins.py, or lifecycle's and closings' for
resuming and ending)."""

from __future__ import annotations

from bot.flows import checkins as flow
from bot.flows import closings as closing_flow
from bot.flows import lifecycle as lifecycle_flow
from bot.services.checkins import CheckInForm
from bot.services.circle_checkins import CircleCheckInForm
from handlers.common import Deps, action_value, deliver_now, guarded, notice_view, open_view, reply, submit_form, team_of, user_of
from handlers.forms import metadata
from messages import ids


def _form(values: dict) -> CheckInForm:
    values = dict(values, next_not_planned=bool(values.get("next_not_planned")))
    return CheckInForm(**{k: v for k, v in values.items() if v not in (None, "")})


def _circle_form(values: dict) -> CircleCheckInForm:
    return CircleCheckInForm(**{k: v for k, v in values.items() if v not in (None, "")})


def register(app, deps: Deps) -> None:
    def open_modal(body, client, met: str | None):
        open_view(client, body, flow.checkin_form(deps, team_of(body), user_of(body), action_value(body), met))

    @app.action(ids.matcher(ids.CHECKIN_MET))
    @guarded
    def we_met(ack, body, client):
        ack()
        open_modal(body, client, "yes")

    @app.action(ids.matcher(ids.CHECKIN_NOT_MET))
    @guarded
    def we_did_not_meet(ack, body, client):
        ack()
        open_modal(body, client, "no")

    @app.action(ids.matcher(ids.CHECKIN_CHANGE))
    @guarded
    def change(ack, body, client):
        ack()
        open_modal(body, client, None)

    def thank(ack, view, form_of, answer) -> None:
        """Save the answer, show "Thank you" in the modal, and deliver the DMs that asked, now a thank-you with
        "Change my answer" (a bad field: the modal shows it instead)."""
        notice = submit_form(ack, view, form_of, answer, title="Check-in")
        if notice is None:
            return
        ack(response_action="update", view=notice_view("Thank you", notice))
        deliver_now(deps)

    @app.view(ids.CHECKIN_MODAL)
    @guarded
    def submit(ack, body, view):
        thank(ack, view, _form, lambda form: flow.answer_checkin(
            deps, team_of(body), user_of(body), metadata(view).get("checkin_id"), form))

    def open_circle_modal(body, client):
        open_view(client, body, flow.circle_checkin_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.action(ids.matcher(ids.CIRCLE_CHECKIN_ANSWER))
    @guarded
    def answer_circle(ack, body, client):
        ack()
        open_circle_modal(body, client)

    @app.action(ids.matcher(ids.CIRCLE_CHECKIN_CHANGE))
    @guarded
    def change_circle(ack, body, client):
        ack()
        open_circle_modal(body, client)

    @app.view(ids.CIRCLE_CHECKIN_MODAL)
    @guarded
    def submit_circle(ack, body, view):
        thank(ack, view, _circle_form, lambda form: flow.answer_circle_checkin(
            deps, team_of(body), user_of(body), metadata(view).get("circle_checkin_id"), form))

    def settle(body, respond, client, choice: str):
        settled = flow.settle_at_risk(deps, team_of(body), user_of(body), action_value(body), choice)
        reply(deps, body, respond, settled.message, replace=True)
        if settled.changed:
            deliver_now(deps)

    @app.action(ids.matcher(ids.AT_RISK_FINE))
    @guarded
    def fine(ack, body, respond, client):
        ack()
        settle(body, respond, client, "fine")

    @app.action(ids.matcher(ids.AT_RISK_PAUSE))
    @guarded
    def pause(ack, body, respond, client):
        ack()
        settle(body, respond, client, "paused")

    @app.action(ids.matcher(ids.AT_RISK_END))
    @guarded
    def end(ack, body, client):
        """Ending goes the one way every ending goes: the closing modal (what I learned, a testimonial), whose
        submission ends the partnership, tells the partner, asks both for a story and suggests new partners."""
        ack()
        open_view(client, body, closing_flow.closing_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.action(ids.RESUME)
    @guarded
    def resume(ack, body, respond, client):
        ack()
        message = lifecycle_flow.resume(deps, team_of(body), user_of(body))  # partners are told, as with /mentor resume
        reply(deps, body, respond, message, replace=True)
        deliver_now(deps)
