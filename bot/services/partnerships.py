"""Asking someone to partner, accepting, declining, and finding a person's partnerships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import rowcount
from bot.services import boundaries, clock, keys, outbox, profiles
from bot.services.errors import Conflict, NotAllowed
from bot.services.lookup import by_hint
from bot.services.matching import DECLINE_MEMORY, load, pair_kind
from models import Partnership, PartnershipRequest, Person
from models.status import LIVE_PARTNERSHIP, OPEN_PARTNERSHIP, PartnershipKind, PartnershipStatus, PersonStatus

REQUEST_LIFETIME = timedelta(days=14)
DEFAULT_MONTHS = 6
MAX_NOTE = 1000


class RequestForm(BaseModel):
    """The "Ask to partner" modal: an optional note for the person asked."""

    note: str = Field(default="", max_length=MAX_NOTE)

    @field_validator("note", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return (value or "").strip() if isinstance(value, (str, type(None))) else value


def _pair(a: Person, b: Person) -> tuple[int, int]:
    return (a.id, b.id) if a.id < b.id else (b.id, a.id)


def lock_people(session: Session, person_ids: list[int]) -> None:
    """Hold these people's rows until the transaction ends, so two transactions that both want someone's last
    free place take turns (a row lock on PostgreSQL; SQLite has one writer at a time, taken by a write)."""
    ids = sorted(set(person_ids))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Person.id).where(Person.id.in_(ids)).order_by(Person.id).with_for_update())
    else:
        session.execute(update(Person).where(Person.id.in_(ids)).values(updated_at=Person.updated_at)
                        .execution_options(synchronize_session=False))


def _check_capacity(session: Session, *people: Person, asking: Person | None = None) -> None:
    """Refuse when either side is at capacity. The rows are locked first: of two accepts racing for one person's
    last place, the second counts the first's partnership and is refused."""
    lock_people(session, [p.id for p in people])
    counts = load(session, [p.id for p in people])
    for person in people:
        if counts.get(person.id, 0) >= person.capacity:
            if person is asking:
                raise Conflict(
                    f"You already have {person.capacity} partner{'s' if person.capacity != 1 else ''}, "
                    "the most your profile allows. Raise your limit in your profile first."
                )
            raise Conflict(f"{person.display_name or 'They'} can't take on another partner right now.")


def request(session: Session, me: Person, target_id: object, note: str = "", now: datetime | None = None) -> Partnership:
    """Ask `target_id` to partner with `me`; checks everything `find` checked, again."""
    now = now or clock.now()
    target = profiles.participant(session, me.team_id, target_id)
    if target.id == me.id:
        raise Conflict("You can't partner with yourself.")
    boundaries.require_allowed(session, me, target)  # a boundary: the same neutral words whatever it is
    if target.status != PersonStatus.ACTIVE:
        raise Conflict(f"{target.display_name or 'They'} has paused their participation for now.")
    expire_due(session, now, pair=_pair(me, target))
    a, b = _pair(me, target)
    existing = session.scalars(
        select(Partnership).where(Partnership.person_a_id == a, Partnership.person_b_id == b,
                                  Partnership.status.in_(OPEN_PARTNERSHIP))
    ).first()
    if existing is not None:
        if existing.status == PartnershipStatus.REQUESTED:
            raise Conflict("There is already an open request between you two. It stays open for 14 days.")
        raise Conflict(f"You and {target.display_name or 'they'} are already partners.")
    recently_declined = session.scalars(
        select(Partnership.id)
        .join(PartnershipRequest, PartnershipRequest.partnership_id == Partnership.id)
        .where(
            PartnershipRequest.from_person_id == me.id,
            PartnershipRequest.to_person_id == target.id,
            Partnership.status == PartnershipStatus.DECLINED,
            Partnership.decided_at >= now - DECLINE_MEMORY,
        )
    ).first()
    if recently_declined is not None:
        raise Conflict(f"{target.display_name or 'They'} isn't available for a new partnership right now.")
    _check_capacity(session, me, target, asking=me)
    partnership = Partnership(team_id=me.team_id, person_a_id=a, person_b_id=b, status=PartnershipStatus.REQUESTED,
                              created_at=now, kind=pair_kind(session, me, target))
    partnership.request = PartnershipRequest(
        from_person_id=me.id, to_person_id=target.id, note=note.strip()[:MAX_NOTE], created_at=now,
        expires_at=now + REQUEST_LIFETIME,
    )
    return _insert(session, partnership, "There is already an open request between you two.")


def _insert(session: Session, partnership: Partnership, taken: str) -> Partnership:
    """Add a new open partnership; the pair's unique open index settles a race, with `taken` as the answer."""
    try:
        with session.begin_nested():
            session.add(partnership)
            session.flush()
    except IntegrityError:
        raise Conflict(taken) from None
    return partnership


def request_message(session: Session, partnership: Partnership) -> tuple[str, str] | None:
    """Where the request DM is in Slack (channel, ts), once Slack has it: recorded on the request, or read from
    the sent outbox row (the sender delivers it after the ask)."""
    req = partnership.request
    if req is not None and req.dm_channel and req.dm_ts:
        return req.dm_channel, req.dm_ts
    sent = outbox.sent(session, keys.request(partnership.id))
    if sent is not None and sent.slack_channel and sent.slack_ts:
        return sent.slack_channel, sent.slack_ts
    return None


def get_for_member(session: Session, team_id: str, slack_user_id: str, partnership_id: object) -> tuple[Partnership, Person]:
    """The partnership, if the acting Slack user is one of its two people; otherwise NotAllowed."""
    partnership = by_hint(session, Partnership, partnership_id)
    if partnership is None or partnership.team_id != team_id:
        raise NotAllowed("That button or form doesn't belong to one of your partnerships.")
    for person in (partnership.person_a, partnership.person_b):
        if person.slack_user_id == slack_user_id:
            return partnership, person
    raise NotAllowed("That button or form doesn't belong to one of your partnerships.")


def _decide(session: Session, team_id: str, slack_user_id: str, partnership_id: object, now: datetime) -> Partnership:
    partnership, person = get_for_member(session, team_id, slack_user_id, partnership_id)
    req = partnership.request
    if req is None or req.to_person_id != person.id:
        raise NotAllowed("Only the person who was asked can answer this request.")
    if partnership.status != PartnershipStatus.REQUESTED:
        raise Conflict(f"This request was already answered ({_status_words(partnership.status)}).")
    if req.expires_at <= now:
        expire_due(session, now, pair=partnership.member_ids())
        raise Conflict(f"This request expired on {req.expires_at:%d %B %Y}. You can ask them yourself with `/mentor find`.")
    return partnership


def _claim(session: Session, partnership: Partnership, **values: object) -> None:
    """Move a request on exactly once, even when two clicks race."""
    result = session.execute(
        update(Partnership)
        .where(Partnership.id == partnership.id, Partnership.status == PartnershipStatus.REQUESTED)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise Conflict("This request was already answered.")
    session.refresh(partnership)


def accept(session: Session, team_id: str, slack_user_id: str, partnership_id: object, now: datetime | None = None,
           *, tz: tzinfo) -> Partnership:
    """The person asked accepts: the partnership starts now and is planned to end six months after the day it
    started in the program's time zone `tz` (settings.tz)."""
    now = now or clock.now()
    partnership = _decide(session, team_id, slack_user_id, partnership_id, now)
    me = partnership.person_a if partnership.person_a.slack_user_id == slack_user_id else partnership.person_b
    boundaries.require_allowed(session, me, partnership.other(me.id), "This request can't go ahead.")
    _check_capacity(session, partnership.person_a, partnership.person_b, asking=me)
    _claim(session, partnership, status=PartnershipStatus.ACTIVE, decided_at=now, started_at=now,
           planned_end=clock.add_months(now.astimezone(tz).date(), DEFAULT_MONTHS))
    return partnership


BUDDY_DAYS = 45


def start_introduced(session: Session, giver: Person, taker: Person, kind: str, length_months: int,
                     now: datetime | None = None, *, tz: tzinfo) -> Partnership:
    """Two people who both accepted an introduction (formal round, onboarding buddy) become an active partnership
    of that kind, as an accepted request does; a buddy's runs 45 days, others the program's default length, both
    counted from the day it started in the program's time zone `tz` (settings.tz).
    The caller sends the kickoff to the pair (which opens their group chat), as for a request."""
    now = now or clock.now()
    a, b = _pair(giver, taker)
    if session.scalars(select(Partnership.id).where(Partnership.person_a_id == a, Partnership.person_b_id == b,
                                                    Partnership.status.in_(OPEN_PARTNERSHIP))).first() is not None:
        raise Conflict(f"You and {taker.display_name or 'they'} already have a partnership or an open request.")
    buddy = kind == PartnershipKind.BUDDY
    boundaries.require_allowed(session, giver, taker, "This introduction can't go ahead.", departments=not buddy)
    _check_capacity(session, giver, taker)
    start = now.astimezone(tz).date()
    end = start + timedelta(days=BUDDY_DAYS) if buddy else clock.add_months(start, length_months)
    partnership = Partnership(team_id=giver.team_id, person_a_id=a, person_b_id=b, status=PartnershipStatus.ACTIVE, kind=kind,
                              created_at=now, decided_at=now, started_at=now, planned_end=end)
    return _insert(session, partnership, "These two already have an open partnership.")


def decline(session: Session, team_id: str, slack_user_id: str, partnership_id: object,
            now: datetime | None = None) -> Partnership:
    now = now or clock.now()
    partnership = _decide(session, team_id, slack_user_id, partnership_id, now)
    _claim(session, partnership, status=PartnershipStatus.DECLINED, decided_at=now)
    return partnership


def cancel(session: Session, team_id: str, slack_user_id: str, partnership_id: object,
           now: datetime | None = None) -> Partnership:
    """The asker withdraws an open request."""
    now = now or clock.now()
    partnership, person = get_for_member(session, team_id, slack_user_id, partnership_id)
    if partnership.request is None or partnership.request.from_person_id != person.id:
        raise NotAllowed("Only the person who asked can withdraw this request.")
    if partnership.status != PartnershipStatus.REQUESTED:
        raise Conflict(f"This request was already answered ({_status_words(partnership.status)}).")
    _claim(session, partnership, status=PartnershipStatus.CANCELLED, decided_at=now)
    return partnership


def group_chat(session: Session, partnership: Partnership) -> str:
    """Where the pair's group chat is, as an outbox recipient: its channel when known (stored, or where the kickoff
    went, which is then stored), else the pair's user ids ("U1,U2"), for the sender to open the chat."""
    if partnership.channel_id:
        return partnership.channel_id
    sent = outbox.sent(session, keys.kickoff(partnership.id))
    if sent is not None and sent.slack_channel:
        partnership.channel_id = sent.slack_channel
        return sent.slack_channel
    return f"{partnership.person_a.slack_user_id},{partnership.person_b.slack_user_id}"


def expire_due(session: Session, now: datetime | None = None, pair: tuple[int, int] | None = None) -> list[int]:
    """Mark requests past their expiry as expired; returns the partnership ids that expired."""
    now = now or clock.now()
    query = (
        select(Partnership.id)
        .join(PartnershipRequest, PartnershipRequest.partnership_id == Partnership.id)
        .where(Partnership.status == PartnershipStatus.REQUESTED, PartnershipRequest.expires_at <= now)
    )
    if pair is not None:
        query = query.where(Partnership.person_a_id == pair[0], Partnership.person_b_id == pair[1])
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(Partnership)
            .where(Partnership.id.in_(ids), Partnership.status == PartnershipStatus.REQUESTED)
            .values(status=PartnershipStatus.EXPIRED, decided_at=now)
            .execution_options(synchronize_session=False)
        )
        session.expire_all()
    return ids


@dataclass
class Overview:
    partnerships: list[Partnership]  # active and paused
    incoming: list[Partnership]  # open requests to me
    outgoing: list[Partnership]  # open requests from me


def overview(session: Session, person: Person, now: datetime | None = None) -> Overview:
    now = now or clock.now()
    rows = session.scalars(
        select(Partnership)
        .where(
            or_(Partnership.person_a_id == person.id, Partnership.person_b_id == person.id),
            Partnership.status.in_(OPEN_PARTNERSHIP),
        )
        .order_by(Partnership.created_at)
    ).unique().all()
    live = [p for p in rows if p.status in LIVE_PARTNERSHIP]
    pending = [p for p in rows if p.status == PartnershipStatus.REQUESTED and p.request and p.request.expires_at > now]
    return Overview(
        live,
        [p for p in pending if p.request is not None and p.request.to_person_id == person.id],
        [p for p in pending if p.request is not None and p.request.from_person_id == person.id],
    )


def _status_words(status: str) -> str:
    words: dict[str, str] = {
        PartnershipStatus.ACTIVE: "accepted",
        PartnershipStatus.DECLINED: "declined",
        PartnershipStatus.EXPIRED: "expired",
        PartnershipStatus.CANCELLED: "withdrawn",
        PartnershipStatus.ENDED: "ended",
        PartnershipStatus.PAUSED: "accepted",
    }
    return words.get(status, status)


def move(session: Session, partnership: Partnership, from_statuses: tuple[str, ...], *conditions,
         **values: object) -> bool:
    """A conditional state change (from one of `from_statuses`, and `conditions` if any): True if this call made
    it, so a double click or two replicas make it once."""
    done = rowcount(session.execute(
        update(Partnership).where(Partnership.id == partnership.id, Partnership.status.in_(from_statuses), *conditions)
        .values(**values).execution_options(synchronize_session=False)
    ))
    session.refresh(partnership)
    return done == 1


def settle(session: Session, team_id: str, slack_user_id: str, partnership_id: object,
           choice: str) -> tuple[Partnership, Person, bool]:
    """A partner's answer to "at risk": "fine" keeps it going, "paused" pauses it (ending goes through the
    closing summary: closings.close)."""
    partnership, person = get_for_member(session, team_id, slack_user_id, partnership_id)
    if partnership.status not in LIVE_PARTNERSHIP:
        raise Conflict(f"This partnership is already {_status_words(partnership.status)}.")
    if choice == "fine":  # also resumes a paused partnership
        changed = move(session, partnership, LIVE_PARTNERSHIP, status=PartnershipStatus.ACTIVE, at_risk_since=None)
    elif choice == "paused":
        changed = move(session, partnership, (PartnershipStatus.ACTIVE,), status=PartnershipStatus.PAUSED, at_risk_since=None)
    else:
        raise ValueError(choice)
    return partnership, person, changed
