"""`/mentor succession` (an admin starts a plan) and `/mentor handover` (the checklist: add items, mark them
handed over, close the plan)."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.flows import succession as flow
from bot.services import succession
from handlers.common import (
    Deps,
    action_value,
    deliver_now,
    guarded,
    notice_view,
    open_view,
    reply,
    submit_form,
    team_of,
    user_of,
)
from handlers.forms import id_and_offset, metadata
from messages import ids
from messages import succession as blocks

log = logging.getLogger("mentor_bot.succession")


def _names(client, user_ids: list[str]) -> dict[str, str]:
    """Slack names for the item modal's choices (the id stands in when Slack can't say)."""
    names = {}
    for user_id in user_ids:
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            log.warning("users.info failed user=%s error=%s", user_id, exc.response.get("error"))
            continue
        profile = user.get("profile") or {}
        names[user_id] = profile.get("real_name") or user.get("real_name") or user.get("name") or user_id
    return names


def _in_place(body: dict) -> bool:
    """Replace the message clicked on only when it is the person's own ephemeral list, never a DM."""
    return bool((body.get("container") or {}).get("is_ephemeral"))


def cmd_succession(deps: Deps, ack, body, client, rest) -> None:
    view = flow.plan_form(deps, team_of(body), user_of(body))
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def cmd_handover(deps: Deps, ack, body, client, rest) -> None:
    ack(response_type="ephemeral", **flow.handover_view(deps, team_of(body), user_of(body)))


def register(app, deps: Deps) -> None:
    @app.view(ids.SUCCESSION_MODAL)
    @guarded
    def create(ack, body, view):
        notice = submit_form(
            ack, view,
            lambda values: succession.PlanForm(retiring=values.get("retiring"), retire_on=values.get("retire_on"),
                                               successors=values.get("successors")),
            lambda form: flow.start_plan(deps, team_of(body), user_of(body), form), title="Not started")
        if notice is None:
            return
        ack(response_action="update", view=notice_view("Plan started", notice))
        deliver_now(deps)

    @app.action(ids.matcher(ids.HANDOVER_OPEN))
    @guarded
    def open_checklist(ack, body, client, respond):
        ack()
        plan_id, offset = id_and_offset(action_value(body))
        reply(deps, body, respond, flow.checklist(deps, team_of(body), user_of(body), plan_id, offset),
              replace=_in_place(body))

    @app.action(ids.HANDOVER_ADD)
    @guarded
    def add(ack, body, client):
        ack()
        form = flow.item_form(deps, team_of(body), user_of(body), action_value(body))
        open_view(client, body, blocks.item_modal(form.plan, _names(client, form.successors)))

    @app.view(ids.HANDOVER_MODAL)
    @guarded
    def save_item(ack, body, view):
        notice = submit_form(
            ack, view,
            lambda values: succession.ItemForm(title=values.get("title"), detail=values.get("detail"),
                                               successor=values.get("successor")),
            lambda form: flow.add_item(deps, team_of(body), user_of(body), metadata(view).get("plan_id"), form),
            title="Not added")
        if notice is None:
            return
        ack(response_action="update", view=notice_view("Item added", notice))
        deliver_now(deps)

    @app.action(ids.matcher(ids.HANDOVER_DONE))
    @guarded
    def done(ack, body, client, respond):
        ack()
        item_id, offset = id_and_offset(action_value(body))
        reply(deps, body, respond, flow.mark_handed_over(deps, team_of(body), user_of(body), item_id, offset),
              replace=_in_place(body))

    @app.action(ids.HANDOVER_CLOSE)
    @guarded
    def close(ack, body, client, respond):
        ack()
        message = flow.close_plan(deps, team_of(body), user_of(body), action_value(body))
        reply(deps, body, respond, message, replace=_in_place(body))
        deliver_now(deps)
