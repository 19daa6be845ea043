"""Recognition: testimonials former partners write (shown on a person's `/mentor find` card only while the writer
allows it), the sessions a person held in the program, and who kept their agreed cadence for the monthly thank-you
post (only people who opted in from their profile). No Slack here.

"Kept the cadence" over a window of three whole months: the person had at least one partnership live for the whole
window, and every such partnership never went longer than its agreed cadence (the newest agreement's frequency,
monthly without one: 7, 14 or 31 days) plus 3 days of grace without a logged meeting, counting from the last
meeting before the window (or the partnership's start) to the window's last day. It is the rule the cadence nudge
uses, read over three months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy import DateTime, Integer, String, Text, cast, delete, exists, func, literal_column, null, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import Prepared, param
from bot.services import clock
from bot.services.errors import Conflict
from bot.services.nudges import CADENCE_DAYS, DEFAULT_CADENCE, GRACE
from bot.services.partnerships import get_for_member
from bot.services.text import Paragraph
from models import Agreement, Meeting, Partnership, PartnershipClosing, Person
from models.fit import Testimonial
from models.status import LIVE_PARTNERSHIP, PartnershipStatus, PersonStatus, TestimonialStatus

MAX_TEXT = 1000
CARD_TESTIMONIALS = 2  # at most this many on one find card, newest first
WINDOW_MONTHS = 3


# -- testimonials -------------------------------------------------------------------------------------------------
class ThankForm(BaseModel):
    """"Thank your partner": a few words, and whether they may be shown on the partner's profile."""

    text: Paragraph = Field(min_length=1, max_length=MAX_TEXT)
    show_on_profile: bool = False


def thankable(session: Session, team_id: str, slack_user_id: str, partnership_id: object,
              ) -> tuple[Partnership, Person, Testimonial | None]:
    """An ended partnership I was in, with what I wrote about my partner so far (if anything)."""
    partnership, me = get_for_member(session, team_id, slack_user_id, partnership_id)
    if partnership.status != PartnershipStatus.ENDED:
        raise Conflict("You can thank your partner here once the partnership has ended.")
    return partnership, me, mine(session, partnership.id, me.id)


def mine(session: Session, partnership_id: int, writer_id: int) -> Testimonial | None:
    return session.scalars(select(Testimonial).where(Testimonial.partnership_id == partnership_id,
                                                     Testimonial.writer_id == writer_id)).first()


def write(session: Session, partnership: Partnership, writer: Person, text: str, show_on_profile: bool,
          now: datetime | None = None) -> tuple[Testimonial, bool]:
    """Keep what I wrote about my partner (writing again replaces it). Returns (row, created)."""
    now = now or clock.now()
    subject = partnership.other(writer.id)
    row = mine(session, partnership.id, writer.id)
    created = False
    if row is None:
        row = Testimonial(team_id=partnership.team_id, partnership_id=partnership.id, writer_id=writer.id,
                          subject_id=subject.id, text=text, show_on_profile=show_on_profile, created_at=now, updated_at=now)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            created = True
        except IntegrityError:  # written by a double submit just now: update that one
            row = mine(session, partnership.id, writer.id)
            assert row is not None
    if not created:
        row.text, row.show_on_profile, row.updated_at = text, show_on_profile, now
        session.flush()
    return row, created


# -- what a find card shows -----------------------------------------------------------------------------------------
@dataclass
class CardFacts:
    sessions: int = 0  # meetings logged by partnerships the person was in
    testimonials: list[tuple[str, str]] = field(default_factory=list)  # (writer's name, text), shown with consent


def _card_facts_statement(ids: list) -> Any:
    """Sessions held (as either member) and shareable testimonials of these people: one UNION. The testimonials
    come first: a UNION's column types are settled pair by pair from the left (PostgreSQL), and the meeting
    counts' empty columns are typed to match."""
    def blank():
        return cast(null(), String(200)), cast(null(), Text), cast(null(), DateTime)

    as_a = (select(Partnership.person_a_id, func.count(Meeting.id), *blank())
            .join(Meeting, Meeting.partnership_id == Partnership.id)
            .where(Partnership.person_a_id.in_(ids)).group_by(Partnership.person_a_id))
    as_b = (select(Partnership.person_b_id, func.count(Meeting.id), *blank())
            .join(Meeting, Meeting.partnership_id == Partnership.id)
            .where(Partnership.person_b_id.in_(ids)).group_by(Partnership.person_b_id))
    said = (select(Testimonial.subject_id, cast(literal_column("-1"), Integer), Person.display_name, Testimonial.text,
                   Testimonial.updated_at)
            .join(Person, Person.id == Testimonial.writer_id)
            .where(Testimonial.subject_id.in_(ids), Testimonial.show_on_profile.is_(True),
                   Person.status != PersonStatus.LEFT,
                   ~exists().where(  # the subject said "Keep it private" to the same words in the closing summary
                       PartnershipClosing.partnership_id == Testimonial.partnership_id,
                       PartnershipClosing.person_id == Testimonial.writer_id,
                       PartnershipClosing.testimonial_status == TestimonialStatus.DECLINED)))
    return union_all(said, as_a, as_b)


# per number of cards (1..CARD_PAGE, a find page): built and compiled once; a longer list is read as it comes
CARD_PAGE = 5


def _card_facts_prepared(n: int) -> Any:
    return _card_facts_statement([param(f"p{i}", Integer) for i in range(n)])


_CARD_FACTS = {n: Prepared(partial(_card_facts_prepared, n)) for n in range(1, CARD_PAGE + 1)}


def card_facts(session: Session, person_ids: list[int]) -> dict[int, CardFacts]:
    """Sessions held and shareable testimonials of the people on the cards shown, in one query. A testimonial is
    shareable while its writer allows it, unless its subject kept the same words private when the closing summary
    asked them."""
    out = {pid: CardFacts() for pid in person_ids}
    if not person_ids:
        return out
    rows: list[Any]
    ids = list(dict.fromkeys(person_ids))
    if len(ids) in _CARD_FACTS:
        rows = _CARD_FACTS[len(ids)].rows(session, **{f"p{i}": pid for i, pid in enumerate(ids)})
    else:
        rows = list(session.execute(_card_facts_statement(ids)).all())
    quotes: dict[int, list[tuple[object, str, str]]] = {}
    for pid, n, name, body, at in rows:
        if n == -1:
            quotes.setdefault(pid, []).append((at, name or "", body or ""))
        else:
            out[pid].sessions += int(n)
    for pid, items in quotes.items():
        items.sort(key=lambda item: str(item[0]), reverse=True)
        out[pid].testimonials = [(name, body) for _at, name, body in items[:CARD_TESTIMONIALS]]
    return out


# -- the monthly thank-you post ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """Three whole months before the run's month, in the program's time zone; `period` names the run's month."""

    first_day: date
    end_day: date  # exclusive: the 1st of the run's month
    period: str


def window(now: datetime, tz: ZoneInfo) -> Window:
    this_month = now.astimezone(tz).date().replace(day=1)
    return Window(clock.add_months(this_month, -WINDOW_MONTHS), this_month, f"{this_month:%Y-%m}")


def kept_cadence(session: Session, team_id: str, win: Window, tz: ZoneInfo) -> list[Person]:
    """Active people who opted in to the thank-you post and kept their agreed cadence over the window (see the
    module's definition), by name."""
    people = session.scalars(select(Person).where(Person.team_id == team_id, Person.status == PersonStatus.ACTIVE,
                                                  Person.recognition_opt_in.is_(True))).all()
    if not people:
        return []
    ids = [p.id for p in people]
    from_utc = datetime.combine(win.first_day, datetime.min.time(), tzinfo=tz)
    to_utc = datetime.combine(win.end_day, datetime.min.time(), tzinfo=tz)
    pairs = session.scalars(select(Partnership).where(
        or_(Partnership.person_a_id.in_(ids), Partnership.person_b_id.in_(ids)),
        Partnership.started_at.is_not(None), Partnership.started_at <= from_utc,
        or_(Partnership.status.in_(LIVE_PARTNERSHIP), Partnership.ended_at >= to_utc))).unique().all()
    pair_ids = [p.id for p in pairs]
    held: dict[int, list[date]] = {}
    for pid, day in session.execute(select(Meeting.partnership_id, Meeting.held_on).where(
            Meeting.partnership_id.in_(pair_ids), Meeting.held_on < win.end_day).order_by(Meeting.held_on)).all():
        held.setdefault(pid, []).append(day)
    newest = (select(Agreement.partnership_id, func.max(Agreement.version).label("version"))
              .where(Agreement.partnership_id.in_(pair_ids)).group_by(Agreement.partnership_id).subquery())
    cadence = dict(session.execute(select(Agreement.partnership_id, Agreement.frequency).join(
        newest, (newest.c.partnership_id == Agreement.partnership_id) & (newest.c.version == Agreement.version))).all())
    kept: dict[int, bool] = {}
    for p in pairs:
        assert p.started_at is not None  # selected above
        ok = _kept(p.started_at.astimezone(tz).date(), held.get(p.id, []), cadence.get(p.id), win)
        for person_id in p.member_ids():
            kept[person_id] = kept.get(person_id, True) and ok
    return sorted((p for p in people if kept.get(p.id)), key=lambda p: ((p.display_name or "").lower(), p.id))


def _kept(started: date, days: list[date], frequency: str | None, win: Window) -> bool:
    """No stretch without a meeting longer than the cadence plus grace, from the last meeting before the window
    (or the start) to the window's last day."""
    limit = CADENCE_DAYS[frequency if frequency in CADENCE_DAYS else DEFAULT_CADENCE] + GRACE.days
    before = [d for d in days if d < win.first_day]
    last = before[-1] if before else started
    for day in [d for d in days if d >= win.first_day] + [win.end_day - timedelta(days=1)]:
        if (day - last).days > limit:
            return False
        last = max(last, day)
    return True


# -- my data ------------------------------------------------------------------------------------------------------
def export_testimonials(session: Session, person: Person) -> dict:
    """What I wrote about partners (and whether it may be shown), and what partners wrote about me."""
    def rows(column, other_column):
        return session.execute(select(Testimonial, Person.display_name).join(Person, Person.id == other_column)
                               .where(column == person.id).order_by(Testimonial.id)).all()

    return {
        "written_by_me": [{"about": name or "(left the program)", "text": t.text, "shown_on_their_profile": t.show_on_profile,
                           "written_at": t.created_at.isoformat()} for t, name in rows(Testimonial.writer_id,
                                                                                        Testimonial.subject_id)],
        "about_me": [{"by": name or "(left the program)", "text": t.text, "shown_on_my_profile": t.show_on_profile,
                      "written_at": t.created_at.isoformat()} for t, name in rows(Testimonial.subject_id,
                                                                                   Testimonial.writer_id)],
    }


def erase_testimonials(session: Session, person_id: int) -> None:
    """Testimonials I wrote and those about me go."""
    session.execute(delete(Testimonial).where(or_(Testimonial.writer_id == person_id, Testimonial.subject_id == person_id)))
