"""The agenda of a planned meeting (template points, points the partners added, open action items carried over),
the form to add a point, the partner's notice, and the owner's open action items on the Home tab."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from messages import ids
from messages.common import (
    actions,
    bullet_sections,
    button,
    context,
    cut,
    divider,
    esc,
    input_block,
    mention,
    modal,
    option,
    section,
    select,
    text_input,
)
from messages.meeting import item_line, when
from models.agenda import POINT_MAX


@dataclass
class AgendaLine:
    text: str
    who: str  # the partner who leads it, or owns the item
    due_on: date | None = None


@dataclass
class AgendaShown:
    """An agenda as one of the partners reads it."""

    plan_id: int
    partner_name: str
    starts_at: datetime | None
    template: tuple[str, ...]
    points: list[AgendaLine]
    items: list[AgendaLine]
    can_add: bool
    closed_why: str = ""


def agenda_text(agenda: AgendaShown) -> list[dict]:
    """The agenda as sections (each within Slack's 3,000 characters)."""
    head = f"*Agenda of your meeting with {esc(agenda.partner_name)}*"
    head += f"\n{when(agenda.starts_at)}" if agenda.starts_at else "\n_No time picked yet._"
    blocks = [section(head)]
    if agenda.template:
        blocks += bullet_sections("Every session", [esc(p) for p in agenda.template])
    if agenda.points:
        blocks += bullet_sections("Points you added", [esc(cut(p.text, 300)) + (f" — led by {esc(p.who)}" if p.who else "")
                                               for p in agenda.points])
    else:
        blocks.append(context("Neither of you has added a point yet."))
    if agenda.items:
        carried = [item_line(i.text, i.who, i.due_on) for i in agenda.items[:20]]
        blocks += bullet_sections("Open action items, carried over", carried)
        if len(agenda.items) > 20:
            blocks.append(context(f"And {len(agenda.items) - 20} more open items."))
    return blocks


def agenda_modal(agenda: AgendaShown) -> dict:
    """The agenda, and (before the meeting) a point to add with the partner who leads it."""
    blocks = agenda_text(agenda)
    if not agenda.can_add:
        blocks.append(context(agenda.closed_why or "This agenda is closed."))
        return modal("Meeting agenda", ids.AGENDA_MODAL, blocks, submit=None, close="Close",
                     private_metadata=json.dumps({"plan_id": agenda.plan_id}))
    blocks += [
        divider(),
        text_input("point", "Add an agenda point", max_length=POINT_MAX,
                   placeholder="Something you want to talk about", hint="Both of you see the agenda."),
        input_block("owner", "Who leads this point", select([option("Me", "me"), option(agenda.partner_name, "partner")],
                                                            initial="me")),
    ]
    return modal("Meeting agenda", ids.AGENDA_MODAL, blocks, submit="Add point", close="Close",
                 private_metadata=json.dumps({"plan_id": agenda.plan_id}))


def point_added_for_partner(adder_user_id: str, point: str, leader: str, starts_at: datetime | None,
                            plan_id: int) -> dict:
    """The partner's notice: a point was put on the agenda of their meeting."""
    at = f" of {when(starts_at)}" if starts_at else ""
    text = (f"{mention(adder_user_id)} added a point to the agenda of your meeting{at}:\n"
            f">{esc(cut(point, 300))}\nLed by {esc(leader)}.")
    return {"text": "A point was added to your meeting's agenda", "blocks": [
        section(text),
        actions(button("See the agenda", ids.unique(ids.AGENDA_OPEN, plan_id), plan_id), block_id=f"agenda_{plan_id}"),
    ]}


def home_items(items: list, today: date, most: int = 10) -> list[dict]:
    """The person's own open action items on their Home tab, each with a "Done" button (items: OwnedItem)."""
    blocks = [section("*Your action items*")]
    for item in items[:most]:
        late = " *(overdue)*" if item.due_on and item.due_on < today else ""
        due = f" · due {item.due_on:%d %b %Y}{late}" if item.due_on else ""
        blocks.append(section(f"{esc(cut(item.text, 300))}\nWith {esc(item.partner_name or item.partner_user_id)}{due}",
                              accessory=button("Done", ids.unique(ids.ACTION_DONE, item.id), item.id)))
    if len(items) > most:
        blocks.append(context(f"And {len(items) - most} more: tick them when you log your next meeting."))
    return blocks
