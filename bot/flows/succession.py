"""Succession: an admin names a retiring person and their successors; the retiring person lists what they do that is
not in their job description; items are marked handed over one by one; an admin closes the plan. Only the plan's
people and the program's admins see a plan (the service checks every id that comes back from Slack)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.flows.context import Context
from bot.services import keys, outbox, program, succession
from messages import succession as blocks
from messages.common import esc, mention, section
from models import SuccessionPlan


def plan_form(ctx: Context, team_id: str, user_id: str) -> dict:
    """`/mentor succession`: the admin's "New succession plan" modal (admins only, with succession on)."""
    with ctx.db.uow() as session:
        succession.can_plan(session, team_id, user_id, ctx.settings)
    return blocks.plan_modal()


def start_plan(ctx: Context, team_id: str, user_id: str, form: succession.PlanForm) -> str:
    """An admin starts a plan: the retiring person is asked what they do that is not in their job description, and
    each successor is told they are named (a DM each, once). Returns the admin's notice."""
    with ctx.db.uow() as session:
        plan = succession.create(session, team_id, user_id, form, ctx.settings)
        name = program.current(session, plan.team_id, ctx.settings).name
        outbox.enqueue(session, plan.team_id, keys.succession_ask(plan.id), "succession", plan.retiring_user_id,
                       blocks.ask_retiring(name, plan))
        for successor in succession.successor_ids(plan):
            outbox.enqueue(session, plan.team_id, keys.succession_named(plan.id, successor), "succession", successor,
                           blocks.tell_successor(name, plan))
        return blocks.created_notice(plan)


def _checklist(session: Session, ctx: Context, team_id: str, user_id: str, plan: SuccessionPlan, offset: int,
               note: str | None) -> dict:
    return blocks.checklist_message(
        plan, can_add=succession.can_add(session, team_id, user_id, plan, ctx.settings),
        is_admin=program.is_admin(session, team_id, user_id, ctx.settings), offset=offset, note=note)


def handover_view(ctx: Context, team_id: str, user_id: str, note: str | None = None) -> dict:
    """`/mentor handover`: everything the person may see: one plan's checklist, or a line per plan when there are
    several, or that there is none; `note` (what just happened) on top."""
    with ctx.db.uow() as session:
        plans = succession.visible(session, team_id, user_id, ctx.settings)
        if len(plans) == 1:
            return _checklist(session, ctx, team_id, user_id, plans[0], 0, note)
        if not plans:
            message = blocks.no_plans_message(program.is_admin(session, team_id, user_id, ctx.settings))
            return {**message, "blocks": ([section(note)] if note else []) + message["blocks"]}
        return blocks.plans_message(plans, note)


def checklist(ctx: Context, team_id: str, user_id: str, plan_id: object, offset: int = 0) -> dict:
    """One plan's checklist, a page of items from `offset` (for its people and the admins only)."""
    with ctx.db.uow() as session:
        plan = succession.plan_for(session, team_id, user_id, plan_id, ctx.settings)
        return _checklist(session, ctx, team_id, user_id, plan, offset, None)


@dataclass(frozen=True)
class ItemFormFor:
    """What the "Add a handover item" modal needs: the plan, and the successors to name (from Slack)."""

    plan: SuccessionPlan
    successors: list[str]


def item_form(ctx: Context, team_id: str, user_id: str, plan_id: object) -> ItemFormFor:
    """"Add an item": only the retiring person or an admin, on an open plan."""
    with ctx.db.uow() as session:
        plan = succession.plan_to_add_to(session, team_id, user_id, plan_id, ctx.settings)
        return ItemFormFor(plan, succession.successor_ids(plan))


def add_item(ctx: Context, team_id: str, user_id: str, plan_id: object, form: succession.ItemForm) -> str:
    """Add a knowledge item; the successor it names (when it is not the person adding it) gets a DM, once.
    Returns the notice for the person who added it."""
    with ctx.db.uow() as session:
        item = succession.add_item(session, team_id, user_id, plan_id, form, ctx.settings)
        if item.successor_user_id and item.successor_user_id != user_id:
            plan = succession.plan_for(session, team_id, user_id, item.plan_id, ctx.settings)
            outbox.enqueue(session, item.team_id, keys.succession_item(item.id), "succession", item.successor_user_id,
                           blocks.item_for_successor(plan, item))
        return blocks.item_added_notice(item)


def mark_handed_over(ctx: Context, team_id: str, user_id: str, item_id: object, offset: int = 0) -> dict:
    """The retiring person, a successor or an admin marks an item handed over (the first click wins); returns the
    checklist again with what happened on top."""
    with ctx.db.uow() as session:
        item = succession.mark_done(session, team_id, user_id, item_id, ctx.settings)
        plan = succession.plan_for(session, team_id, user_id, item.plan_id, ctx.settings)
        return _checklist(session, ctx, team_id, user_id, plan, offset, f"*{esc(item.title)}* is marked handed over.")


def close_plan(ctx: Context, team_id: str, user_id: str, plan_id: object) -> dict:
    """An admin closes a plan: everyone else in it gets a DM (once each). Returns what the admin sees next."""
    with ctx.db.uow() as session:
        plan = succession.close(session, team_id, user_id, plan_id, ctx.settings)
        message = blocks.closed_message(program.current(session, team_id, ctx.settings).name, plan)
        for member in sorted(succession.members(plan) - {user_id}):
            outbox.enqueue(session, team_id, keys.succession_closed(plan.id, member), "succession", member, message)
    return handover_view(ctx, team_id, user_id,
                         f"The plan for {mention(plan.retiring_user_id)} is closed; everyone in it is being told.")
