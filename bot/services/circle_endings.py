"""A peer circle's end date: its chat gets a heads-up a few days before, then on the day a closing summary (what it
set out to learn, how long it ran, sessions held, how many of them each member came to) with "Renew or end?".
Any current member answers once, for everyone: renewing moves the end date (1, 2, 3 or 6 months) and the chat is
asked again at the new one; ending it frees everyone's place. Nobody answering within ANSWER_DAYS ends it. No Slack
here: bot/flows/circle_endings.py writes the messages.

Every change is a conditional UPDATE on the state it leaves (still waiting for an answer, the same renewal), so a
double click, two members clicking at once, or two replicas running the job have one effect. Button values are
hints: the clicker must be a current member of that circle, and the question must be the one still waiting.
Attendance is the circle's own log and is shown in its chat; check-in answers never are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db import rowcount
from bot.services import circles, clock, profiles
from bot.services.errors import Conflict, NotAllowed
from bot.services.lookup import by_hint
from models import Circle, CircleAttendance, CircleMember, CircleSession, Person
from models.status import CircleSessionStatus, CircleStatus

RENEW_MONTHS = (1, 2, 3, 6)  # what "Renew for…" offers
DEFAULT_RENEW_MONTHS = 3  # the "Renew for 3 months" button
ANSWER_DAYS = 7  # nobody answered this many days after the question: the circle ends
HEADS_UP_DAYS = 7  # "ends on …" this many days before the end date
WAITING = (CircleStatus.ACTIVE, CircleStatus.FULL)  # a started circle, not ended
NOT_YOURS = "Only the circle's current members can answer this."


# -- the summary -------------------------------------------------------------------------------------------------
@dataclass
class Summary:
    """What the circle did, as its chat sees it at the end: its members now, the sessions logged as held, and how
    many of those each member came to."""

    circle: Circle
    members: list[Person]
    held: int
    came: dict[int, int]  # person id -> held sessions they came to

    def came_to(self, person: Person) -> int:
        return self.came.get(person.id, 0)


def summary(session: Session, circle: Circle) -> Summary:
    held = select(CircleSession.id).where(CircleSession.circle_id == circle.id,
                                          CircleSession.status == CircleSessionStatus.HELD)
    count = int(session.scalar(select(func.count()).select_from(held.subquery())) or 0)
    came = {pid: int(n) for pid, n in session.execute(
        select(CircleAttendance.person_id, func.count()).where(CircleAttendance.session_id.in_(held))
        .group_by(CircleAttendance.person_id))}
    return Summary(circle, circles.members(session, circle.id), count, came)


# -- what the daily job finds -------------------------------------------------------------------------------------
def ending_soon(session: Session, team_id: str, today: date) -> list[Circle]:
    """Started circles whose end date is within HEADS_UP_DAYS (not today or past: those are asked)."""
    return list(session.scalars(select(Circle).where(
        Circle.team_id == team_id, Circle.status.in_(WAITING), Circle.end_asked_at.is_(None),
        Circle.ends_on > today, Circle.ends_on <= today + timedelta(days=HEADS_UP_DAYS)).order_by(Circle.id)))


def reaching_end(session: Session, team_id: str, today: date, now: datetime) -> list[Circle]:
    """Started circles at or past their end date, not asked yet; each is claimed here (asked once, whoever runs the
    job): its `end_asked_at` is set if the row still reads as it did."""
    due = session.scalars(select(Circle).where(
        Circle.team_id == team_id, Circle.status.in_(WAITING), Circle.end_asked_at.is_(None),
        Circle.ends_on <= today).order_by(Circle.id)).all()
    claimed = []
    for circle in due:
        if rowcount(session.execute(
                update(Circle).where(Circle.id == circle.id, Circle.status.in_(WAITING), Circle.end_asked_at.is_(None),
                                     Circle.ends_on == circle.ends_on, Circle.renewals == circle.renewals)
                .values(end_asked_at=now).execution_options(synchronize_session=False))) == 1:
            session.refresh(circle)
            claimed.append(circle)
    return claimed


def never_started(session: Session, team_id: str, today: date, now: datetime) -> list[tuple[Circle, list[Person]]]:
    """Circles still gathering people (open: never had three members) at or past their end date: each ends here, once
    whoever runs the job (a conditional UPDATE claims it), and comes back with its members, who are told."""
    due = session.scalars(select(Circle).where(
        Circle.team_id == team_id, Circle.status == CircleStatus.OPEN, Circle.started_at.is_(None),
        Circle.ends_on <= today).order_by(Circle.id)).all()
    ended = []
    for circle in due:
        if rowcount(session.execute(
                update(Circle).where(Circle.id == circle.id, Circle.status == CircleStatus.OPEN, Circle.started_at.is_(None))
                .values(status=CircleStatus.ENDED, ended_at=now).execution_options(synchronize_session=False))) == 1:
            session.refresh(circle)
            ended.append((circle, circles.members(session, circle.id)))
    return ended


def unanswered(session: Session, team_id: str, asked_before: datetime, now: datetime) -> list[Circle]:
    """Circles asked "Renew or end?" before `asked_before` (ANSWER_DAYS ago) that nobody answered: they end now."""
    due = session.scalars(select(Circle).where(
        Circle.team_id == team_id, Circle.status.in_(WAITING), Circle.end_asked_at.is_not(None),
        Circle.end_asked_at < asked_before).order_by(Circle.id)).all()
    return [circle for circle in due if _end(session, circle, circle.renewals, now, None)]


def _end(session: Session, circle: Circle, renewals: int, now: datetime, by: Person | None) -> bool:
    """End the circle if it is still waiting for the answer to that question (`by`: the member who ended it, or None
    when nobody answered in time)."""
    done = rowcount(session.execute(
        update(Circle).where(Circle.id == circle.id, Circle.status.in_(WAITING), Circle.end_asked_at.is_not(None),
                             Circle.renewals == renewals)
        .values(status=CircleStatus.ENDED, ended_at=now, end_answered_by_id=by.id if by else None)
        .execution_options(synchronize_session=False))) == 1
    session.refresh(circle)
    return done


# -- a member's answer ------------------------------------------------------------------------------------------
@dataclass
class Answer:
    circle: Circle
    me: Person
    members: list[Person]  # its members (still members after it ended: they get the closing line)
    asked_about: date  # the end date the question was about (names the question's message)
    renewed_until: date | None  # None: ended
    months: int = 0  # how many months it was renewed for


def _parse(raw: object) -> tuple[int, int, int | None]:
    """A button's value, "<circle id>:<renewals when asked>[:<months>]", as (circle id, renewals, months)."""
    parts = str(raw or "").split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() and len(p) <= 18 for p in parts):
        raise NotAllowed(NOT_YOURS)
    months = int(parts[2]) if len(parts) == 3 else None
    return int(parts[0]), int(parts[1]), months


def answered_by(session: Session, circle: Circle, renewal: int | None) -> tuple[bool, Person | None]:
    """Who answered a question: the member who renewed it (`renewal`: that renewal's number) or ended it (None).
    (found, person): found False when no member answered, or it is not known who did (the circle ended by itself, as
    its last member left, or was renewed again since); person None when the job ended it, nobody having answered."""
    if renewal is not None:
        if circle.renewals != renewal or circle.end_answered_by_id is None:
            return False, None
        return True, session.get(Person, circle.end_answered_by_id)
    if circle.end_answered_by_id is not None:
        return True, session.get(Person, circle.end_answered_by_id)
    return circle.end_asked_at is not None, None  # (the question still open when it ended: nobody answered)


def _who(person: Person | None) -> str:
    if person is None or person.slack_user_id.startswith("deleted-"):
        return "a member"
    return f"<@{person.slack_user_id}>"


def _already(session: Session, circle: Circle, asked: int) -> Conflict:
    """Why a question can't be answered any more, naming who answered it."""
    if circle.status == CircleStatus.ENDED:
        found, person = answered_by(session, circle, None)
        if found and person is None:
            return Conflict("This circle already ended: nobody answered within "
                            f"{ANSWER_DAYS} days. Start or join another with `/mentor circles`.")
        by = f" by {_who(person)}" if found else ""
        return Conflict(f"This circle was already ended{by}. Start or join another with `/mentor circles`.")
    found, person = answered_by(session, circle, asked + 1)
    by = f" by {_who(person)}" if found else ""
    return Conflict(f"This circle was already renewed{by}: it now runs until {circle.ends_on:%d %B %Y}.")


def _for_member(session: Session, team_id: str, user_id: str, raw: object) -> tuple[Circle, Person, int, int | None]:
    circle_id, asked, months = _parse(raw)
    me = profiles.require(session, team_id, user_id)
    circle = by_hint(session, Circle, circle_id)
    if circle is None or circle.team_id != team_id:
        raise NotAllowed(NOT_YOURS)
    membership = session.scalars(select(CircleMember).where(CircleMember.circle_id == circle.id,
                                                            CircleMember.person_id == me.id)).first()
    if membership is None or membership.left_at is not None:
        raise NotAllowed(NOT_YOURS)
    return circle, me, asked, months


def _still_waiting(session: Session, circle: Circle, asked: int) -> None:
    session.refresh(circle)
    if asked > circle.renewals:  # a question never asked (a hand-made click)
        raise NotAllowed("This circle isn't waiting for that answer.")
    if circle.status == CircleStatus.ENDED or circle.renewals != asked:
        raise _already(session, circle, asked)
    if circle.end_asked_at is None:  # the circle was never asked this (a hand-made click)
        raise NotAllowed("This circle isn't waiting for that answer.")


def renew(session: Session, team_id: str, user_id: str, raw: object, now: datetime | None = None) -> Answer:
    """Renew the circle for 1, 2, 3 or 6 months from its end date (or from today, if that is later); once per
    question: a second click, or another member's, finds it answered and changes nothing."""
    now = now or clock.now()
    circle, me, asked, months = _for_member(session, team_id, user_id, raw)
    chosen = DEFAULT_RENEW_MONTHS if months is None else months
    if chosen not in RENEW_MONTHS:
        raise NotAllowed(f"A circle renews for {', '.join(str(m) for m in RENEW_MONTHS[:-1])} or "
                         f"{RENEW_MONTHS[-1]} months.")
    _still_waiting(session, circle, asked)
    asked_about = circle.ends_on
    today = clock.local_today(me.tz, me.tz_offset, now)
    until = clock.add_months(max(circle.ends_on, today), chosen)
    done = rowcount(session.execute(
        update(Circle).where(Circle.id == circle.id, Circle.status.in_(WAITING), Circle.end_asked_at.is_not(None),
                             Circle.renewals == asked)
        .values(ends_on=until, renewals=asked + 1, end_asked_at=None, end_answered_by_id=me.id)
        .execution_options(synchronize_session=False)))
    if done != 1:  # someone answered meanwhile
        session.refresh(circle)
        raise _already(session, circle, asked)
    session.refresh(circle)
    return Answer(circle, me, circles.members(session, circle.id), asked_about, until, chosen)


def end(session: Session, team_id: str, user_id: str, raw: object, now: datetime | None = None) -> Answer:
    """End the circle now, for everyone; once per question, like renewing."""
    now = now or clock.now()
    circle, me, asked, _ = _for_member(session, team_id, user_id, raw)
    _still_waiting(session, circle, asked)
    asked_about = circle.ends_on
    if not _end(session, circle, asked, now, me):
        raise _already(session, circle, asked)
    return Answer(circle, me, circles.members(session, circle.id), asked_about, None)


def weeks_or_months(start: date, until: date) -> str:
    """How long a circle ran, in words ("6 weeks", "3 months")."""
    days = max((until - start).days, 0)
    if days < 28:
        weeks = max(round(days / 7), 1)
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    months = round(days / 30.44)
    return f"{months} month{'s' if months != 1 else ''}"
