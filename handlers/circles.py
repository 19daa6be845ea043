"""`/mentor circle` (start a peer circle) and `/mentor circles` (my circles and the open ones that fit me), with
Join circle / Leave circle, and the invitation DM's Join circle / No thanks."""

from __future__ import annotations

from bot.flows import circles as flow
from bot.services.circles import CircleForm
from handlers.common import Deps, action_value, deliver_now, guarded, notice_view, open_view, reply, submit_form, team_of, user_of
from messages import ids


def parse(values: dict) -> CircleForm:
    return CircleForm(goal=values.get("goal"), skills=values.get("skills") or "", size=values.get("size"),
                      frequency=values.get("frequency"), minutes=values.get("minutes"), months=values.get("months"),
                      invite_only=values.get("who") == "invite", invitees=values.get("invitees") or [])


def cmd_circle(deps: Deps, ack, body, client, rest: str) -> None:
    """`/mentor circle`: the "Start a peer circle" modal."""
    view = flow.start_form(deps, team_of(body), user_of(body))
    ack()
    open_view(client, body, view)


def cmd_circles(deps: Deps, ack, body, client, rest: str) -> None:
    """`/mentor circles`: my circles (Leave circle) and the open circles that fit me (Join circle)."""
    ack(response_type="ephemeral", **flow.list_circles(deps, team_of(body), user_of(body)))


def register(app, deps: Deps) -> None:
    @app.action(ids.CIRCLE_START)
    @guarded
    def start_button(ack, body, client):
        ack()
        open_view(client, body, flow.start_form(deps, team_of(body), user_of(body)))

    @app.action(ids.CIRCLE_LIST)
    @guarded
    def list_button(ack, body, client, respond):
        ack()
        reply(deps, body, respond, flow.list_circles(deps, team_of(body), user_of(body)))

    @app.view(ids.CIRCLE_MODAL)
    @guarded
    def save(ack, body, view):
        team_id, user_id = team_of(body), user_of(body)
        notice = submit_form(ack, view, parse, lambda form: flow.start(deps, team_id, user_id, form),
                             title="Circle not started")
        if notice is None:
            return
        ack(response_action="update", view=notice_view("Circle started", notice))
        deliver_now(deps)

    @app.action(ids.matcher(ids.CIRCLE_JOIN))
    @guarded
    def join(ack, body, client, respond):
        ack()
        in_list = bool((body.get("container") or {}).get("is_ephemeral"))  # the list comes back in its place
        reply(deps, body, respond, flow.join(deps, team_of(body), user_of(body), action_value(body)), replace=in_list)
        deliver_now(deps)

    @app.action(ids.matcher(ids.CIRCLE_LEAVE))
    @guarded
    def leave(ack, body, client, respond):
        ack()
        reply(deps, body, respond, flow.leave(deps, team_of(body), user_of(body), action_value(body)), replace=True)
        deliver_now(deps)

    @app.action(ids.matcher(ids.CIRCLE_DECLINE))
    @guarded
    def decline(ack, body, client, respond):
        ack()
        reply(deps, body, respond, flow.decline(deps, team_of(body), user_of(body), action_value(body)))
        deliver_now(deps)
