"""Succession: an admin names a retiring person and their successors; the retiring person lists what they do
that is not in their job description (knowledge items), and items are marked handed over one by one.
No Slack here: the handlers render.

People in a plan are Slack users, not participants: neither the retiring person nor a successor needs to have
joined the program. Only the plan's people and the program's admins see a plan; creating and closing one is an
admin action (checked here, audited in the same transaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from pydantic import BaseModel, Field, ValidationInfo, field_validator
from sqlalchemy import CursorResult, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import clock, program
from bot.services.errors import Conflict, DomainError, NotAllowed
from bot.services.lookup import by_hint
from bot.services.text import OneLine, Paragraph
from bot.settings import Settings
from models import KnowledgeItem, SuccessionPlan, Successor
from models.status import ItemStatus, PlanStatus

MAX_SUCCESSORS = 10
MAX_TITLE = 150
MAX_DETAIL = 2000
MAX_ITEMS = 200
ANY = "any"  # "any successor" in the item form
OFF = ("Succession plans are not part of *{name}* right now. A program admin can switch them on "
       "(`/mentor admin`).")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


def _user_id(value: object) -> str:
    if not isinstance(value, str) or not USER_ID.match(value):
        raise ValueError("Pick a person.")
    return value


class PlanForm(BaseModel):
    """The `/mentor succession` modal."""

    retiring: str
    retire_on: date
    successors: list[str] = Field(min_length=1, max_length=MAX_SUCCESSORS)

    @field_validator("retiring", mode="before")
    @classmethod
    def _retiring(cls, value: object) -> str:
        return _user_id(value)

    @field_validator("successors", mode="before")
    @classmethod
    def _successors(cls, value: object) -> object:
        if not value:
            raise ValueError("Pick at least one successor.")
        if not isinstance(value, list):
            raise ValueError("Pick people.")
        return list(dict.fromkeys(_user_id(v) for v in value))

    @field_validator("successors")
    @classmethod
    def _not_their_own(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("retiring") in value:  # reported on the successors' field
            raise ValueError("The retiring person can't be their own successor.")
        return value


class ItemForm(BaseModel):
    """A knowledge item: what it is, how it is done, and who takes it over (None: any successor)."""

    title: OneLine = Field(min_length=1, max_length=MAX_TITLE)
    detail: Paragraph = Field(default="", max_length=MAX_DETAIL)
    successor: str | None = None

    @field_validator("successor", mode="before")
    @classmethod
    def _successor(cls, value: object) -> object:
        return None if value in (None, "", ANY) else _user_id(value)


# -- who may do what ----------------------------------------------------------------------------------------------

def require_on(session: Session, team_id: str, settings: Settings) -> None:
    current = program.current(session, team_id, settings)
    if not current.on("succession"):
        raise DomainError(OFF.format(name=current.name))


def can_plan(session: Session, team_id: str, user_id: str, settings: Settings) -> None:
    """Creating a plan: admins only, with succession switched on."""
    program.require_admin(session, team_id, user_id, settings)
    require_on(session, team_id, settings)


def members(plan: SuccessionPlan) -> set[str]:
    return {plan.retiring_user_id, *(s.slack_user_id for s in plan.successors)}


def successor_ids(plan: SuccessionPlan) -> list[str]:
    return sorted(s.slack_user_id for s in plan.successors)


def plan_for(session: Session, team_id: str, user_id: str, plan_id: object, settings: Settings) -> SuccessionPlan:
    """A plan the acting person may see: they are in it, or they are an admin."""
    plan = by_hint(session, SuccessionPlan, plan_id)
    if plan is None or plan.team_id != team_id or (
            user_id not in members(plan) and not program.is_admin(session, team_id, user_id, settings)):
        raise NotAllowed("That succession plan doesn't exist, or you are not part of it.")
    return plan


def _active(plan: SuccessionPlan) -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise Conflict("This succession plan is closed.")


# -- plans ----------------------------------------------------------------------------------------------------------

def create(session: Session, team_id: str, user_id: str, form: PlanForm, settings: Settings,
           now: datetime | None = None) -> SuccessionPlan:
    now = now or clock.now()
    can_plan(session, team_id, user_id, settings)
    if form.retire_on < clock.local_today(settings.program_timezone, None, now):
        raise DomainError("Pick today or a later day.", field="retire_on")
    open_plan = session.scalar(select(SuccessionPlan.id).where(
        SuccessionPlan.team_id == team_id, SuccessionPlan.retiring_user_id == form.retiring,
        SuccessionPlan.status == PlanStatus.ACTIVE))
    if open_plan is not None:
        raise Conflict("This person already has an open succession plan: see `/mentor handover`.", field="retiring")
    plan = SuccessionPlan(team_id=team_id, retiring_user_id=form.retiring, retire_on=form.retire_on, status=PlanStatus.ACTIVE,
                          created_by=user_id, created_at=now,
                          successors=[Successor(slack_user_id=s) for s in form.successors])
    session.add(plan)
    session.flush()
    program.audit(session, team_id, user_id, "succession.create", plan_id=plan.id, retiring=form.retiring,
                  retire_on=form.retire_on.isoformat(), successors=list(form.successors))
    return plan


def close(session: Session, team_id: str, user_id: str, plan_id: object, settings: Settings) -> SuccessionPlan:
    program.require_admin(session, team_id, user_id, settings)
    plan = plan_for(session, team_id, user_id, plan_id, settings)
    moved = cast(CursorResult, session.execute(
        update(SuccessionPlan).where(SuccessionPlan.id == plan.id, SuccessionPlan.status == PlanStatus.ACTIVE)
        .values(status=PlanStatus.CLOSED).execution_options(synchronize_session=False)))
    session.refresh(plan)
    if moved.rowcount != 1:
        raise Conflict("This succession plan was already closed.")
    done = sum(item.status == ItemStatus.DONE for item in plan.items)
    program.audit(session, team_id, user_id, "succession.close", plan_id=plan.id, retiring=plan.retiring_user_id,
                  handed_over=done, items=len(plan.items))
    return plan


def visible(session: Session, team_id: str, user_id: str, settings: Settings) -> list[SuccessionPlan]:
    """The active plans the person may see: every one for an admin, else those they are in. Soonest retiring first."""
    query = select(SuccessionPlan).where(SuccessionPlan.team_id == team_id, SuccessionPlan.status == PlanStatus.ACTIVE)
    if not program.is_admin(session, team_id, user_id, settings):
        named = select(Successor.plan_id).where(Successor.slack_user_id == user_id)
        query = query.where((SuccessionPlan.retiring_user_id == user_id) | SuccessionPlan.id.in_(named))
    return list(session.scalars(query.order_by(SuccessionPlan.retire_on, SuccessionPlan.id)).unique())


# -- knowledge items ------------------------------------------------------------------------------------------------

def can_add(session: Session, team_id: str, user_id: str, plan: SuccessionPlan, settings: Settings) -> bool:
    return plan.status == PlanStatus.ACTIVE and (
        user_id == plan.retiring_user_id or program.is_admin(session, team_id, user_id, settings))


def plan_to_add_to(session: Session, team_id: str, user_id: str, plan_id: object, settings: Settings) -> SuccessionPlan:
    plan = plan_for(session, team_id, user_id, plan_id, settings)
    _active(plan)
    if not can_add(session, team_id, user_id, plan, settings):
        raise NotAllowed("Only the retiring person (or a program admin) adds items to this plan.")
    return plan


def add_item(session: Session, team_id: str, user_id: str, plan_id: object, form: ItemForm, settings: Settings,
             now: datetime | None = None) -> KnowledgeItem:
    now = now or clock.now()
    plan = plan_to_add_to(session, team_id, user_id, plan_id, settings)
    if form.successor is not None and form.successor not in successor_ids(plan):
        raise DomainError("Pick one of this plan's successors.", field="successor")
    if len(plan.items) >= MAX_ITEMS:
        raise Conflict(f"A plan holds at most {MAX_ITEMS} items.")
    item = KnowledgeItem(team_id=team_id, plan_id=plan.id, title=form.title, detail=form.detail,
                         successor_user_id=form.successor, status=ItemStatus.OPEN, added_by=user_id, created_at=now)
    try:
        with session.begin_nested():
            session.add(item)
            session.flush()
    except IntegrityError:
        raise Conflict("This plan already has an item with that title.", field="title") from None
    if user_id != plan.retiring_user_id:  # an admin writing for them
        program.audit(session, team_id, user_id, "succession.item_add", plan_id=plan.id, item_id=item.id)
    return item


def mark_done(session: Session, team_id: str, user_id: str, item_id: object, settings: Settings,
              now: datetime | None = None) -> KnowledgeItem:
    """The retiring person, a successor or an admin marks an item handed over; the first click wins."""
    now = now or clock.now()
    item = by_hint(session, KnowledgeItem, item_id)
    if item is None or item.team_id != team_id:
        raise NotAllowed("That item doesn't exist, or you are not part of its plan.")
    plan = plan_for(session, team_id, user_id, item.plan_id, settings)
    _active(plan)
    moved = cast(CursorResult, session.execute(
        update(KnowledgeItem).where(KnowledgeItem.id == item.id, KnowledgeItem.status == ItemStatus.OPEN)
        .values(status=ItemStatus.DONE, done_at=now, done_by=user_id).execution_options(synchronize_session=False)))
    session.refresh(item)
    if moved.rowcount != 1:
        raise Conflict(f"“{item.title}” was already marked handed over.")
    return item


# -- the digest -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    retiring_user_id: str
    retire_on: date | None
    done: int
    total: int


def progress(session: Session, team_id: str) -> list[Progress]:
    """Items handed over against all items, for every active plan (soonest retiring first). One query."""
    done = func.coalesce(func.sum(case((KnowledgeItem.status == ItemStatus.DONE, 1), else_=0)), 0)
    rows = session.execute(
        select(SuccessionPlan.retiring_user_id, SuccessionPlan.retire_on,
               func.count(KnowledgeItem.id), done)
        .outerjoin(KnowledgeItem, KnowledgeItem.plan_id == SuccessionPlan.id)
        .where(SuccessionPlan.team_id == team_id, SuccessionPlan.status == PlanStatus.ACTIVE)
        .group_by(SuccessionPlan.id, SuccessionPlan.retiring_user_id, SuccessionPlan.retire_on)
        .order_by(SuccessionPlan.retire_on, SuccessionPlan.id)
    ).all()
    return [Progress(user, day, int(d), int(total)) for user, day, total, d in rows]
