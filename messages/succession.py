"""Succession: the admin's plan modal, the DMs to the retiring person and successors, the knowledge-item modal,
and the checklist with "Mark handed over"."""

from __future__ import annotations

import json
from datetime import date

from bot.services.succession import ANY, MAX_DETAIL, MAX_SUCCESSORS, MAX_TITLE
from messages import ids
from messages.common import (
    actions,
    button,
    confirm_dialog,
    context,
    cut,
    datepicker,
    esc,
    input_block,
    mention,
    modal,
    option,
    section,
    select,
    text_input,
)
from models.status import ItemStatus, PlanStatus

ITEMS_PAGE = 20
PLANS_SHOWN = 40
DETAIL_SHOWN = 400
QUESTION = "What do you do that is not in your job description?"


def _day(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "a date not set"


def _people(user_ids: list[str]) -> str:
    names = [mention(u) for u in user_ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _successors(plan) -> list[str]:
    return sorted(s.slack_user_id for s in plan.successors)


def _done(plan) -> tuple[int, int]:
    return sum(i.status == ItemStatus.DONE for i in plan.items), len(plan.items)


def plan_modal() -> dict:
    blocks = [
        section("Name someone who is retiring and the colleagues who will carry on their work. The retiring person "
                f"is asked *{QUESTION}* and lists those things one by one; their successors follow the checklist "
                "and mark each item handed over. Nobody needs to have joined the program."),
        input_block("retiring", "Who is retiring?", {"type": "users_select", "action_id": "value",
                                                     "placeholder": {"type": "plain_text", "text": "Pick a person"}}),
        input_block("retire_on", "Retirement date", datepicker()),
        input_block("successors", "Successors", {"type": "multi_users_select", "action_id": "value",
                                                 "max_selected_items": MAX_SUCCESSORS,
                                                 "placeholder": {"type": "plain_text", "text": "Pick people"}},
                    hint=f"Up to {MAX_SUCCESSORS} people."),
    ]
    return modal("New succession plan", ids.SUCCESSION_MODAL, blocks, submit="Start plan")


def created_notice(plan) -> str:
    return (f"The succession plan for {mention(plan.retiring_user_id)} is started. They have been asked what they do "
            f"that is not in their job description, and {_people(_successors(plan))} have been told they are "
            "named as successors. Follow it with `/mentor handover`.")


def _plan_buttons(plan, *, add: bool) -> dict:
    elements = [button("Add an item", ids.HANDOVER_ADD, plan.id, style="primary")] if add else []
    elements.append(button("Open the checklist", ids.HANDOVER_OPEN, f"{plan.id}:0"))
    return actions(*elements, block_id=f"handover_plan_{plan.id}")


def ask_retiring(program_name: str, plan) -> dict:
    text = (f"Hello! Ahead of your retirement on {_day(plan.retire_on)}, *{esc(program_name)}* helps you pass on what "
            f"you know to {_people(_successors(plan))}.\n\n*{QUESTION}* The things people count on you for, the "
            "contacts, the yearly tasks nobody wrote down. Add them one at a time, with a few words on how it is done "
            "and who should take it over: they become a checklist you and your successors work through together.")
    blocks = [section(text), _plan_buttons(plan, add=True), context("Any time: `/mentor handover`.")]
    return {"text": f"Before you retire: {QUESTION}", "blocks": blocks}


def tell_successor(program_name: str, plan) -> dict:
    text = (f"{mention(plan.retiring_user_id)} retires on {_day(plan.retire_on)}, and you are named as one of their "
            f"successors in *{esc(program_name)}*. They are listing what they do that is not in their job description; "
            "follow the checklist and mark each item handed over once you have it.")
    blocks = [section(text), _plan_buttons(plan, add=False), context("Any time: `/mentor handover`.")]
    return {"text": "You are named a successor: follow the handover checklist.", "blocks": blocks}


def closed_message(program_name: str, plan) -> dict:
    done, total = _done(plan)
    text = (f"The succession plan for {mention(plan.retiring_user_id)} in *{esc(program_name)}* is closed, with "
            f"{done} of {total} items handed over. Thank you for passing it on!")
    return {"text": "A succession plan is closed.", "blocks": [section(text)]}


def item_modal(plan, names: dict[str, str]) -> dict:
    choices = [option("Any successor", ANY)] + [option(names.get(u, u), u) for u in _successors(plan)]
    blocks = [
        section(f"*{QUESTION}* One thing at a time: what it is, how it is done, and who should take it over."),
        text_input("title", "What is it?", max_length=MAX_TITLE, placeholder="Renewing the fire safety certificate"),
        text_input("detail", "How it is done", multiline=True, max_length=MAX_DETAIL, optional=True,
                   placeholder="When, who to call, where the papers are"),
        input_block("successor", "Who takes it over?", select(choices, initial=ANY)),
    ]
    return modal("Add a handover item", ids.HANDOVER_MODAL, blocks, submit="Add",
                 private_metadata=json.dumps({"plan_id": plan.id}))


def item_for_successor(plan, item) -> dict:
    text = (f"{mention(plan.retiring_user_id)} added *{esc(item.title)}* to their handover checklist, for you to take "
            "over." + (f"\n{esc(cut(item.detail, DETAIL_SHOWN))}" if item.detail else ""))
    return {"text": f"New on the handover checklist for you: {item.title}",
            "blocks": [section(text), _plan_buttons(plan, add=False)]}


def item_added_notice(item) -> str:
    return (f"*{esc(item.title)}* is on the checklist. Add the next one, or see them all with `/mentor handover`.")


def _summary(plan) -> str:
    done, total = _done(plan)
    return (f"*Handover from {mention(plan.retiring_user_id)}*, retiring {_day(plan.retire_on)}, to "
            f"{_people(_successors(plan))}\n{done} of {total} items handed over")


def plans_message(plans: list, note: str | None = None) -> dict:
    """Several plans (an admin, or someone in more than one): a line each, with "Open the checklist"."""
    blocks = [section(note)] if note else []
    blocks.append(section(f"*Succession plans* ({len(plans)} open)"))
    for plan in plans[:PLANS_SHOWN]:
        blocks.append(section(_summary(plan), block_id=f"handover_{plan.id}",
                              accessory=button("Open the checklist", ids.unique(ids.HANDOVER_OPEN, plan.id),
                                               f"{plan.id}:0")))
    if len(plans) > PLANS_SHOWN:
        blocks.append(context(f"And {len(plans) - PLANS_SHOWN} more, retiring later."))
    return {"text": note or "Succession plans", "blocks": blocks}


def no_plans_message(is_admin: bool) -> dict:
    text = ("No succession plan is open. Start one with `/mentor succession`." if is_admin
            else "You are not part of any succession plan.")
    return {"text": text, "blocks": [section(text)]}


def _item(item, offset: int, open_plan: bool) -> dict:
    whom = f" (for {mention(item.successor_user_id)})" if item.successor_user_id else ""
    if item.status == ItemStatus.DONE:
        text = (f":white_check_mark: *{esc(item.title)}*{whom}\nHanded over"
                + (f", marked by {mention(item.done_by)} on {item.done_at:%d %B %Y}" if item.done_by and item.done_at else ""))
        accessory = None
    else:
        text = f":white_medium_square: *{esc(item.title)}*{whom}"
        accessory = button("Mark handed over", ids.unique(ids.HANDOVER_DONE, item.id), f"{item.id}:{offset}") \
            if open_plan else None
    if item.detail:
        text += "\n" + esc(cut(item.detail, DETAIL_SHOWN))
    return section(text, block_id=f"handover_item_{item.id}", accessory=accessory)


def checklist_message(plan, *, can_add: bool, is_admin: bool, offset: int = 0, note: str | None = None) -> dict:
    items = plan.items
    offset = max(0, min(offset, max(len(items) - 1, 0)))
    offset -= offset % ITEMS_PAGE
    shown = items[offset:offset + ITEMS_PAGE]
    open_plan = plan.status == PlanStatus.ACTIVE
    blocks = [section(note)] if note else []
    blocks.append(section(_summary(plan) + ("" if open_plan else " (closed)")))
    if not items:
        blocks.append(context(f"No items yet. {QUESTION} The retiring person adds them."))
    blocks += [_item(item, offset, open_plan) for item in shown]
    if len(items) > ITEMS_PAGE:
        blocks.append(context(f"Items {offset + 1} to {offset + len(shown)} of {len(items)}."))
    elements = []
    if can_add and open_plan:
        elements.append(button("Add an item", ids.HANDOVER_ADD, plan.id, style="primary"))
    if offset > 0:
        elements.append(button("Previous", ids.unique(ids.HANDOVER_OPEN, "prev"), f"{plan.id}:{offset - ITEMS_PAGE}"))
    if offset + ITEMS_PAGE < len(items):
        elements.append(button("Next", ids.unique(ids.HANDOVER_OPEN, "next"), f"{plan.id}:{offset + ITEMS_PAGE}"))
    if is_admin and open_plan:
        elements.append(button("Close plan", ids.HANDOVER_CLOSE, plan.id, style="danger", confirm=confirm_dialog(
            "Close this plan?", "It leaves the digest; everyone in it is told.", "Close it", "Keep it")))
    if elements:
        blocks.append(actions(*elements, block_id=f"handover_actions_{plan.id}"))
    return {"text": note or "Handover checklist", "blocks": blocks}
