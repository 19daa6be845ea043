"""Ending a partnership: either partner, any time, with a closing summary (what I learned, would I recommend, a
testimonial shown only once the partner agrees); and the planned end, with a closing check-in and the option to
extend. No Slack here: handlers and the job render.

Every change is a conditional UPDATE on the state it leaves, so a double click, or two replicas, have one effect.
Ids that come back from Slack are hints: every function checks the acting person may touch the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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
    partnership = session.get(Partnership, closing.partnership_id) if closing is not None else None
    subject = partnership.other(closing.person_id) if partnership is not None else None
    if closing is None or closing.team_id != team_id or subject is None or subject.slack_user_id != slack_user_id:
        raise NotAllowed("That testimonial isn't about you.")
    done = session.execute(
        update(PartnershipClosing).where(PartnershipClosing.id == closing.id,
                                         PartnershipClosing.testimonial_status == TestimonialStatus.PENDING)
        .values(testimonial_status=TestimonialStatus.SHOWN if show else TestimonialStatus.DECLINED)
        .execution_options(synchronize_session=False)
    ).rowcount
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
    ask; each is claimed here (asked once). An end date moved later (a new agreement) is asked about again; a day's
    slack keeps a prompt sent early in UTC (a time zone east of it) from counting as one for an earlier date."""
    due = session.scalars(select(Partnership).where(
        Partnership.team_id == team_id, Partnership.status.in_(LIVE_PARTNERSHIP), Partnership.planned_end.is_not(None),
        Partnership.planned_end <= today).order_by(Partnership.id)).unique().all()
    return [p for p in due
            if (p.end_prompted_at is None or p.end_prompted_at.date() < p.planned_end - timedelta(days=1))
            and PersonStatus.ACTIVE in (p.person_a.status, p.person_b.status) and _claim_end_prompt(session, p, now)]


def _claim_end_prompt(session: Session, partnership: Partnership, now: datetime) -> bool:
    before = partnership.end_prompted_at
    seen = Partnership.end_prompted_at.is_(None) if before is None else Partnership.end_prompted_at == before
    return session.execute(
        update(Partnership).where(Partnership.id == partnership.id, seen)
        .values(end_prompted_at=now).execution_options(synchronize_session=False)).rowcount == 1


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
                end_prompted_at=None)
    return partnership, me, done
