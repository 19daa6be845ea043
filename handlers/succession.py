"""`/mentor succession` (an admin starts a plan) and `/mentor handover` (the checklist: add items, mark them
handed over, close the plan)."""

from __future__ import annotations

import logging

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError

from bot.services import outbox, program, succession
from bot.services.errors import DomainError
from messages import ids
from messages import succession as blocks
from messages.common import esc, mention, section
from handlers.common import (
    Deps,
    action_value,
    deliver_now,
    guarded,
    notice_view,
    open_view,
    refuse_in_modal,
    reply,
    team_of,
    user_of,
)
from handlers.forms import field_errors, id_and_offset, metadata, state_values

log = logging.getLogger("mentor_bot.succession")


def handover_message(deps: Deps, team_id: str, user_id: str, note: str | None = None) -> dict:
    """Everything the person may see: one plan's checklist, or a line per plan when there are several."""
    with deps.db.uow() as session:
        plans = succession.visible(session, team_id, user_id, deps.settings)
        if len(plans) == 1:
            return _checklist(session, deps, team_id, user_id, plans[0], 0, note)
        if not plans:
            message = blocks.no_plans_message(program.is_admin(session, team_id, user_id, deps.settings))
            return {**message, "blocks": ([section(note)] if note else []) + message["blocks"]}
        return blocks.plans_message(plans, note)


def _checklist(session, deps: Deps, team_id: str, user_id: str, plan, offset: int, note: str | None) -> dict:
    return blocks.checklist_message(
        plan, can_add=succession.can_add(session, team_id, user_id, plan, deps.settings),
        is_admin=program.is_admin(session, team_id, user_id, deps.settings), offset=offset, note=note)


def checklist(deps: Deps, team_id: str, user_id: str, plan_id: object, offset: int = 0, note: str | None = None) -> dict:
    with deps.db.uow() as session:
        plan = succession.plan_for(session, team_id, user_id, plan_id, deps.settings)
        return _checklist(session, deps, team_id, user_id, plan, offset, note)


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


def commands(deps: Deps) -> dict:
    """Subcommand name -> handler(ack, body, client, rest), added to /mentor's routes."""

    def start(ack, body, client, rest):
        with deps.db.uow() as session:
            succession.can_plan(session, team_of(body), user_of(body), deps.settings)
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=blocks.plan_modal())

    def handover(ack, body, client, rest):
        ack(response_type="ephemeral", **handover_message(deps, team_of(body), user_of(body)))

    return {"succession": start, "handover": handover}


def register(app, deps: Deps) -> None:
    @app.view(ids.SUCCESSION_MODAL)
    @guarded
    def create(ack, body, view):
        values = state_values(view)
        try:
            form = succession.PlanForm(retiring=values.get("retiring"), retire_on=values.get("retire_on"),
                                       successors=values.get("successors"))
        except ValidationError as exc:
            errors = field_errors(exc)
            if not errors:  # the form-wide rule (retiring person among the successors)
                errors = {"successors": exc.errors()[0]["msg"].removeprefix("Value error, ")}
            ack(response_action="errors", errors=errors)
            return
        try:
            with deps.db.uow() as session:
                plan = succession.create(session, team_of(body), user_of(body), form, deps.settings)
                name = program.current(session, plan.team_id, deps.settings).name
                outbox.enqueue(session, plan.team_id, f"succession-ask:{plan.id}", "succession", plan.retiring_user_id,
                               blocks.ask_retiring(name, plan))
                for user_id in succession.successor_ids(plan):
                    outbox.enqueue(session, plan.team_id, f"succession-named:{plan.id}:{user_id}", "succession",
                                   user_id, blocks.tell_successor(name, plan))
                notice = blocks.created_notice(plan)
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Not started")
            return
        ack(response_action="update", view=notice_view("Plan started", notice))
        deliver_now(deps)

    @app.action(ids.matcher(ids.HANDOVER_OPEN))
    @guarded
    def open_checklist(ack, body, client, respond):
        ack()
        plan_id, offset = id_and_offset(action_value(body))
        reply(client, body, respond, checklist(deps, team_of(body), user_of(body), plan_id, offset),
              replace=_in_place(body))

    @app.action(ids.HANDOVER_ADD)
    @guarded
    def add(ack, body, client):
        ack()
        with deps.db.uow() as session:
            plan = succession.plan_to_add_to(session, team_of(body), user_of(body), action_value(body), deps.settings)
            successors = succession.successor_ids(plan)
        view = blocks.item_modal(plan, _names(client, successors))
        open_view(client, body, view)

    @app.view(ids.HANDOVER_MODAL)
    @guarded
    def save_item(ack, body, view):
        values = state_values(view)
        try:
            form = succession.ItemForm(title=values.get("title"), detail=values.get("detail"),
                                       successor=values.get("successor"))
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc))
            return
        try:
            with deps.db.uow() as session:
                item = succession.add_item(session, team_of(body), user_of(body), metadata(view).get("plan_id"), form,
                                           deps.settings)
                if item.successor_user_id and item.successor_user_id != user_of(body):
                    plan = succession.plan_for(session, team_of(body), user_of(body), item.plan_id, deps.settings)
                    outbox.enqueue(session, item.team_id, f"succession-item:{item.id}", "succession",
                                   item.successor_user_id, blocks.item_for_successor(plan, item))
                notice = blocks.item_added_notice(item)
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Not added")
            return
        ack(response_action="update", view=notice_view("Item added", notice))
        deliver_now(deps)

    @app.action(ids.matcher(ids.HANDOVER_DONE))
    @guarded
    def done(ack, body, client, respond):
        ack()
        item_id, offset = id_and_offset(action_value(body))
        team_id, user_id = team_of(body), user_of(body)
        with deps.db.uow() as session:
            item = succession.mark_done(session, team_id, user_id, item_id, deps.settings)
            plan = succession.plan_for(session, team_id, user_id, item.plan_id, deps.settings)
            message = _checklist(session, deps, team_id, user_id, plan, offset,
                                 f"*{esc(item.title)}* is marked handed over.")
        reply(client, body, respond, message, replace=_in_place(body))

    @app.action(ids.HANDOVER_CLOSE)
    @guarded
    def close(ack, body, client, respond):
        ack()
        team_id, user_id = team_of(body), user_of(body)
        with deps.db.uow() as session:
            plan = succession.close(session, team_id, user_id, action_value(body), deps.settings)
            message = blocks.closed_message(program.current(session, team_id, deps.settings).name, plan)
            for member in sorted(succession.members(plan) - {user_id}):
                outbox.enqueue(session, team_id, f"succession-closed:{plan.id}:{member}", "succession", member, message)
        note = f"The plan for {mention(plan.retiring_user_id)} is closed; everyone in it is being told."
        reply(client, body, respond, handover_message(deps, team_id, user_id, note), replace=_in_place(body))
        deliver_now(deps)
