"""Action items: what one partner agreed to do, with an optional due date. Added and ticked done in the meeting log;
ticked done by their owner from the Home tab. No Slack here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.services import clock
from bot.services.errors import Conflict, FormProblems, NotAllowed
from bot.services.lookup import by_hint
from bot.services.partnerships import get_for_member
from models import ActionItem, Meeting, Partnership, Person
from models.agenda import ITEM_MAX
from models.status import LIVE_PARTNERSHIP

NEW_ITEMS = 3  # new items one meeting log can add
DUE_AT_MOST = timedelta(days=366)
NOT_YOURS = "That action item isn't one of your partnerships' items, so nothing was changed."


class NewItem(BaseModel):
    """One new action item of a meeting log: what, who does it (one of the two partners), by when (optional)."""

    text: str = Field(min_length=1, max_length=ITEM_MAX)
    owner: Literal["me", "partner"]
    due_on: date | None = None

    @field_validator("text", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return " ".join(value.split()) if isinstance(value, str) else value


def open_items(session: Session, partnership_id: int) -> list[ActionItem]:
    """The pair's items not done yet, oldest first: they carry over into the next meeting's agenda."""
    return list(session.scalars(
        select(ActionItem).where(ActionItem.partnership_id == partnership_id, ActionItem.done_at.is_(None))
        .order_by(ActionItem.created_at, ActionItem.id)))


def open_for_people(session: Session, partnerships: list[Partnership]) -> list[ActionItem]:
    """The open items of several partnerships, oldest first (the log form of someone with several partners)."""
    if not partnerships:
        return []
    return list(session.scalars(
        select(ActionItem).where(ActionItem.partnership_id.in_([p.id for p in partnerships]), ActionItem.done_at.is_(None))
        .order_by(ActionItem.created_at, ActionItem.id)))


@dataclass
class OwnedItem:
    """One open item on its owner's Home tab."""

    id: int
    text: str
    due_on: date | None
    partner_user_id: str
    partner_name: str


def open_for_owner(session: Session, person: Person) -> list[OwnedItem]:
    """The person's own open items in their live partnerships: due soonest first, undated last."""
    rows = session.execute(
        select(ActionItem, Partnership).join(Partnership, Partnership.id == ActionItem.partnership_id)
        .where(ActionItem.owner_id == person.id, ActionItem.done_at.is_(None),
               Partnership.status.in_(LIVE_PARTNERSHIP))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.created_at, ActionItem.id)
    ).unique().all()
    out = []
    for item, partnership in rows:
        partner = partnership.other(person.id)
        out.append(OwnedItem(item.id, item.text, item.due_on, partner.slack_user_id, partner.display_name))
    return out


def _tickable(session: Session, me: Person, partnership: Partnership, raw_ids: list[int], field: str
              ) -> list[ActionItem]:
    """The items ticked in a meeting log, each checked: an id of someone else's pair is refused outright (a forged
    form), an item of the person's other partnership is a field error."""
    items = []
    for raw in dict.fromkeys(raw_ids):
        item = by_hint(session, ActionItem, raw)
        if item is None or item.team_id != partnership.team_id:
            raise NotAllowed(NOT_YOURS)
        if item.partnership_id != partnership.id:
            other = session.get(Partnership, item.partnership_id)
            if other is None or me.id not in other.member_ids():
                raise NotAllowed(NOT_YOURS)
            raise FormProblems({field: "That item belongs to another of your partnerships: tick it when you log a "
                                       "meeting with that partner (or from your Home tab)."})
        items.append(item)
    return items


def check_new(items: dict[int, NewItem | None], held_on: date) -> None:
    """The new items' due dates: on or after the meeting, within a year of it. `items` maps each row number of the
    form to its item (None: left blank)."""
    problems = {}
    for n, item in items.items():
        if item is None or item.due_on is None:
            continue
        if item.due_on < held_on:
            problems[f"item_{n}_due"] = "A due date comes on or after the meeting: pick a later date."
        elif item.due_on > held_on + DUE_AT_MOST:
            problems[f"item_{n}_due"] = "Pick a due date within a year of the meeting."
    if problems:
        raise FormProblems(problems)


def ticked_in_log(session: Session, partnership: Partnership, me: Person, done_ids: list[int],
                  field: str = "done_items") -> list[ActionItem]:
    """The open items ticked in a meeting log, checked before anything is written (see `_tickable`)."""
    return [i for i in _tickable(session, me, partnership, done_ids, field) if i.done_at is None]


def record(session: Session, partnership: Partnership, me: Person, meeting: Meeting, new: list[NewItem],
           ticked: list[ActionItem], now: datetime) -> tuple[list[ActionItem], list[ActionItem]]:
    """The action items of a meeting log: the open ones ticked (`ticked_in_log`) are done by the person logging,
    the new ones are added to the pair. Returns (added, ticked)."""
    for item in ticked:
        item.done_at, item.done_by_id = now, me.id
    added = []
    for entry in new:
        owner = me if entry.owner == "me" else partnership.other(me.id)
        item = ActionItem(team_id=partnership.team_id, partnership_id=partnership.id, owner_id=owner.id,
                          created_by_id=me.id, meeting_id=meeting.id, text=entry.text, due_on=entry.due_on,
                          created_at=now)
        session.add(item)
        added.append(item)
    session.flush()
    return added, ticked


def tick(session: Session, team_id: str, slack_user_id: str, item_id: object, now: datetime | None = None
         ) -> tuple[ActionItem, Partnership, Person]:
    """The owner (or their partner) ticks an item done. Ticking one already done is refused kindly (a double click
    changes nothing)."""
    now = now or clock.now()
    item = by_hint(session, ActionItem, item_id)
    if item is None or item.team_id != team_id:
        raise NotAllowed(NOT_YOURS)
    try:
        partnership, me = get_for_member(session, team_id, slack_user_id, item.partnership_id)
    except NotAllowed:
        raise NotAllowed(NOT_YOURS) from None
    if partnership.status not in LIVE_PARTNERSHIP:
        raise Conflict("That partnership has ended, so its action items are closed.")
    if item.done_at is not None:
        raise Conflict(f"Already done: “{item.text[:80]}” was ticked on {item.done_at:%d %B %Y}.")
    item.done_at, item.done_by_id = now, me.id
    session.flush()
    return item, partnership, me


def of_partnership(session: Session, partnership_id: int) -> list[ActionItem]:
    """Every item of a pair, oldest first (the data export)."""
    return list(session.scalars(select(ActionItem).where(ActionItem.partnership_id == partnership_id)
                                .order_by(ActionItem.created_at, ActionItem.id)))


def mine_filter(person_id: int):
    """Items a person owns or wrote (what "delete my data" clears the text of)."""
    return or_(ActionItem.owner_id == person_id, ActionItem.created_by_id == person_id)
