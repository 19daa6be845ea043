"""Participant lifecycle: `/mentor pause|resume|leave|export|end`, the Home buttons, the closing modal, testimonial
consent and the planned-end check-in's "Extend 3 months". Each listener calls one use case (bot/flows/lifecycle.py,
bot/flows/closings.py), answers, then delivers what it queued."""

from __future__ import annotations

from bot.flows import closings as closing_flow
from bot.flows import lifecycle as flow
from bot.services.closings import ClosingForm
from bot.services.lifecycle import PauseForm
from handlers.common import Deps, action_value, deliver_now, guarded, notice_view, open_view, reply, submit_form, team_of, user_of
from handlers.forms import metadata
from messages import ids
from messages import lifecycle as blocks


# -- /mentor subcommands ----------------------------------------------------------------------------------------
def cmd_pause(deps: Deps, ack, body, client, rest) -> None:
    """`/mentor pause`: the pause modal."""
    view = flow.pause_form(deps, team_of(body), user_of(body))
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def cmd_resume(deps: Deps, ack, body, client, rest) -> None:
    """`/mentor resume`: back in the program (partners are told)."""
    message = flow.resume(deps, team_of(body), user_of(body))
    ack(response_type="ephemeral", **message)
    deliver_now(deps)


def cmd_leave(deps: Deps, ack, body, client, rest) -> None:
    """`/mentor leave`: the leave modal."""
    view = flow.leave_form(deps, team_of(body), user_of(body))
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def cmd_export(deps: Deps, ack, body, client, rest) -> None:
    """`/mentor export`: my data as a JSON file in my DM with the bot."""
    message = flow.export(deps, team_of(body), user_of(body))
    ack(response_type="ephemeral", **message)
    deliver_now(deps)


def cmd_end(deps: Deps, ack, body, client, rest) -> None:
    """`/mentor end`: the closing modal of my one partnership, or a choice of them, or "nothing to end"."""
    ending = closing_flow.ending(deps, team_of(body), user_of(body))
    if ending.message is not None:
        return ack(response_type="ephemeral", **ending.message)
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=ending.view)


# -- buttons and modals -----------------------------------------------------------------------------------------
def register(app, deps: Deps) -> None:
    @app.action(ids.PAUSE_OPEN)
    @guarded
    def open_pause(ack, body, client):
        ack()
        open_view(client, body, flow.pause_form(deps, team_of(body), user_of(body)))

    @app.view(ids.PAUSE_MODAL)
    @guarded
    def save_pause(ack, body, view):
        notice = submit_form(ack, view, lambda values: PauseForm(how=values.get("how"), until=values.get("until")),
                             lambda form: flow.pause(deps, team_of(body), user_of(body), form), title="Not paused")
        if notice is None:
            return
        ack(response_action="update", view=notice_view("Paused", notice))
        deliver_now(deps)

    @app.view(ids.LEAVE_MODAL)
    @guarded
    def save_leave(ack, body, view):
        notice = submit_form(ack, view, lambda values: blocks.DELETE in (values.get(blocks.DELETE) or []),
                             lambda delete: flow.leave(deps, team_of(body), user_of(body), delete), title="Leave the program")
        if notice is None:
            return
        ack(response_action="update", view=notice_view("Goodbye", notice))
        deliver_now(deps)

    @app.action(ids.matcher(ids.END_OPEN))
    @guarded
    def open_closing(ack, body, client):
        ack()
        open_view(client, body, closing_flow.closing_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.view(ids.CLOSING_MODAL)
    @guarded
    def save_closing(ack, body, view):
        thanks = submit_form(
            ack, view,
            lambda values: ClosingForm(learned=values.get("learned"), recommend=values.get("recommend"),
                                       testimonial=values.get("testimonial"),
                                       show_on_profile="show" in (values.get("show_on_profile") or [])),
            lambda form: closing_flow.close_partnership(deps, team_of(body), user_of(body),
                                                        metadata(view).get("partnership_id"), form),
            title="Wrap up")
        if thanks is None:
            return
        ack(response_action="update", view=notice_view("Thank you", thanks))
        deliver_now(deps)

    def testimonial(body, respond, client, show: bool) -> None:
        message = closing_flow.decide_testimonial(deps, team_of(body), user_of(body), action_value(body), show)
        reply(deps, body, respond, message, replace=True)
        deliver_now(deps)

    @app.action(ids.TESTIMONIAL_SHOW)
    @guarded
    def show_testimonial(ack, body, respond, client):
        ack()
        testimonial(body, respond, client, True)

    @app.action(ids.TESTIMONIAL_HIDE)
    @guarded
    def hide_testimonial(ack, body, respond, client):
        ack()
        testimonial(body, respond, client, False)

    @app.action(ids.matcher(ids.EXTEND))
    @guarded
    def extend(ack, body, respond, client):
        ack()
        extended = closing_flow.extend(deps, team_of(body), user_of(body), action_value(body))
        reply(deps, body, respond, extended.message, replace=extended.done)
        if extended.done:
            deliver_now(deps)
