"""Ending a partnership: either partner, any time, with a closing summary (what I learned, would I recommend, a
testimonial shown only once the partner agrees); and the planned end, with a closing check-in and the option to
extend. No Slack here: handlers and the job render.

Every change is a conditional UPDATE on the state it leaves, so a double click, or two replicas, have one effect.
Ids that come back from Slack are hints: every function checks the acting person may touch the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import rowcount
from bot.services import clock, profiles
from bot.services.errors import Conflict, NotAllowed
from bot.services.lifecycle import live_partners
from bot.services.lookup import by_hint
from bot.services.partnerships import get_for_member, move
from bot.services.text import Paragraph
from models import Partnership, PartnershipClosing, Person
from models.status import LIVE_PARTNERSHIP, PartnershipStatus, PersonStatus, TestimonialStatus

EXTEND_MONTHS = 3
MAX_LEARNED = 3000
MAX_TESTIMONIAL = 1000


# -- ending a partnership and the closing summary ---------------------------------------------------------------
class ClosingForm(BaseModel):
    """The closing modal: what I learned, would I recommend my partner, an optional testimonial for them."""

    learned: Paragraph = Field(default="", max_length=MAX_LEARNED)
    recommend: Literal["yes", "no"]
    testimonial: Paragraph = Field(default="", max_length=MAX_TESTIMONIAL)
    show_on_profile: bool = False  # the writer allows the testimonial on the partner's find card (recognition)


def closable(session: Session, team_id: str, slack_user_id: str, partnership_id: object) -> tuple[Partnership, Person]:
    """The partnership, if I am in it and it is live, or it ended and I haven't written my closing yet."""
    partnership, me = get_for_member(session, team_id, slack_user_id, partnership_id)
    if partnership.status == PartnershipStatus.ENDED:
        if _closing_of(session, partnership.id, me.id) is not None:
            raise Conflict("You already shared how this partnership went. Thank you!")
        return partnership, me
    if partnership.status not in LIVE_PARTNERSHIP:
        raise Conflict("This partnership never started, so there is nothing to end.")
    return partnership, me


def live_for(session: Session, team_id: str, slack_user_id: str) -> list[tuple[Partnership, Person]]:
    """My partnerships I can end now, with the partner of each."""
    return live_partners(session, profiles.require(session, team_id, slack_user_id))


def _closing_of(session: Session, partnership_id: int, person_id: int) -> PartnershipClosing | None:
    return session.scalars(select(PartnershipClosing).where(PartnershipClosing.partnership_id == partnership_id,
                                                            PartnershipClosing.person_id == person_id)).first()


@dataclass
class Closed:
    partnership: Partnership
    me: Person
    partner: Person
    closing: PartnershipClosing
    ended_now: bool  # this submit ended the partnership (the partner is told)


def close(session: Session, team_id: str, slack_user_id: str, partnership_id: object, form: ClosingForm,
          now: datetime | None = None) -> Closed:
    """End the partnership (if it is still live) and keep my closing summary; once per person and partnership."""
    now = now or clock.now()
    partnership, me = closable(session, team_id, slack_user_id, partnership_id)
    ended_now = move(session, partnership, LIVE_PARTNERSHIP, status=PartnershipStatus.ENDED, ended_at=now, ended_by_id=me.id,
                     at_risk_since=None)
    partner = partnership.other(me.id)
    asks = bool(form.testimonial) and partner.status != PersonStatus.LEFT  # the partner is asked to show it
    closing = PartnershipClosing(
        team_id=team_id, partnership_id=partnership.id, person_id=me.id, learned=form.learned,
        would_recommend=form.recommend == "yes", testimonial=form.testimonial if partner.status != PersonStatus.LEFT else "",
        testimonial_status=TestimonialStatus.PENDING if asks else TestimonialStatus.NONE, created_at=now)
    try:
        with session.begin_nested():
            session.add(closing)
            session.flush()
    except IntegrityError:
        raise Conflict("You already shared how this partnership went. Thank you!") from None
    return Closed(partnership, me, partner, closing, ended_now)


def decide_testimonial(session: Session, team_id: str, slack_user_id: str, closing_id: object, show: bool) -> PartnershipClosing:
    """The person a testimonial is about says whether it may be shown; the first answer holds."""
    closing = by_hint(session, PartnershipClosing, closing_id)
    # a closing belongs to its partnership (the foreign key cascades), so the partnership is there
    subject = session.get_one(Partnership, closing.partnership_id).other(closing.person_id) if closing is not None else None
    if closing is None or closing.team_id != team_id or subject is None or subject.slack_user_id != slack_user_id:
        raise NotAllowed("That testimonial isn't about you.")
    done = rowcount(session.execute(
        update(PartnershipClosing).where(PartnershipClosing.id == closing.id,
                                         PartnershipClosing.testimonial_status == TestimonialStatus.PENDING)
        .values(testimonial_status=TestimonialStatus.SHOWN if show else TestimonialStatus.DECLINED)
        .execution_options(synchronize_session=False)
    ))
    session.refresh(closing)
    if done != 1:
        raise Conflict("You already answered: this testimonial is "
                       f"{'shown' if closing.testimonial_status == TestimonialStatus.SHOWN else 'kept private'}.")
    return closing


def testimonials_about(session: Session, person: Person) -> list[tuple[str, str]]:
    """(author's name, text) of the testimonials about this person that they agreed to show."""
    rows = session.execute(
        select(Person.display_name, PartnershipClosing.testimonial)
        .join(Partnership, Partnership.id == PartnershipClosing.partnership_id)
        .join(Person, Person.id == PartnershipClosing.person_id)
        .where(or_(Partnership.person_a_id == person.id, Partnership.person_b_id == person.id),
               PartnershipClosing.person_id != person.id, PartnershipClosing.testimonial_status == TestimonialStatus.SHOWN)
        .order_by(PartnershipClosing.created_at.desc())).all()
    return [(name, text) for name, text in rows]


# -- the planned end: a closing check-in, and extending ---------------------------------------------------------
def reaching_end(session: Session, team_id: str, today: date, now: datetime) -> list[Partnership]:
    """Live partnerships at or past their planned end, not yet asked about this end date, with someone not paused to
    ask; each is claimed here (asked once). The end date asked about is kept (`end_prompted_for`), so an end date
    moved after the check-in (a new agreement), by however little, is asked about again. A partnership asked
    before that column existed is claimed once more: its check-in's outbox key (partnership, end date, person) is
    the same, so nobody already asked gets it twice."""
    due = session.scalars(select(Partnership).where(
        Partnership.team_id == team_id, Partnership.status.in_(LIVE_PARTNERSHIP), Partnership.planned_end.is_not(None),
        Partnership.planned_end <= today).order_by(Partnership.id)).unique().all()
    return [p for p in due
            if not _asked_about_end(p)
            and PersonStatus.ACTIVE in (p.person_a.status, p.person_b.status) and _claim_end_prompt(session, p, now)]


def _asked_about_end(partnership: Partnership) -> bool:
    """The closing check-in went out for the partnership's current planned end (and was not answered by extending)."""
    return partnership.end_prompted_at is not None and partnership.end_prompted_for == partnership.planned_end


def _claim_end_prompt(session: Session, partnership: Partnership, now: datetime) -> bool:
    """Record the closing check-in about the current planned end as sent, if the row still reads as it did: of two
    replicas (or a new agreement moving the end meanwhile), one claim wins."""
    at, asked_for = partnership.end_prompted_at, partnership.end_prompted_for
    return rowcount(session.execute(
        update(Partnership).where(
            Partnership.id == partnership.id, Partnership.planned_end == partnership.planned_end,
            Partnership.end_prompted_at.is_(None) if at is None else Partnership.end_prompted_at == at,
            Partnership.end_prompted_for.is_(None) if asked_for is None else Partnership.end_prompted_for == asked_for)
        .values(end_prompted_at=now, end_prompted_for=partnership.planned_end)
        .execution_options(synchronize_session=False))) == 1


def extend(session: Session, team_id: str, slack_user_id: str, partnership_id: object, now: datetime | None = None,
           ) -> tuple[Partnership, Person, bool]:
    """Three more months from the planned end (or from today, if that is later), once per closing check-in: a
    second click, or the partner clicking too, finds it extended already (False) and changes nothing."""
    now = now or clock.now()
    partnership, me = get_for_member(session, team_id, slack_user_id, partnership_id)
    if partnership.status not in LIVE_PARTNERSHIP:
        raise Conflict("This partnership has ended, so it can't be extended. `/mentor find` suggests someone new.")
    today = clock.local_today(me.tz, me.tz_offset, now)
    new_end = clock.add_months(max(partnership.planned_end or today, today), EXTEND_MONTHS)
    done = move(session, partnership, LIVE_PARTNERSHIP, Partnership.end_prompted_at.is_not(None), planned_end=new_end,
                end_prompted_at=None, end_prompted_for=None)
    return partnership, me, done
