"""A participant's way through the program: pausing and resuming, leaving (and deleting their data), and taking a
copy of their data. Ending a partnership is in closings.py. No Slack here: handlers and the job render.

Every change is a conditional UPDATE on the state it leaves, so a double click, or two replicas, have one effect.
Ids that come back from Slack are hints: every function checks the acting person may touch the row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import String, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.db import rowcount
from bot.services import boundaries, circles, clock, fit, keys, profiles, recognition
from bot.services.errors import Conflict, FormProblems
from bot.services.partnerships import move
from models import (
    ActionItem,
    AgendaPoint,
    Agreement,
    CheckIn,
    CircleCheckIn,
    Introduction,
    JournalNote,
    Meeting,
    OutboxMessage,
    Partnership,
    PartnershipClosing,
    PartnershipRequest,
    Person,
    PlannedMeeting,
    Story,
    TopicAttendee,
    TopicSession,
)
from models.status import (
    LIVE_PARTNERSHIP,
    OPEN_PARTNERSHIP,
    OUTBOX_WAITING,
    OutboxStatus,
    PartnershipStatus,
    PersonStatus,
    SkillKind,
    StoryStatus,
    TestimonialStatus,
    TopicStatus,
)

MAX_PAUSE = timedelta(days=366)
REDACTED = "(removed: this person left the program and deleted their data)"
OWN_CHOICE = "own choice"


# -- pause and resume -----------------------------------------------------------------------------------------
class PauseForm(BaseModel):
    """The pause modal: "until I resume", or until a date (back on that day)."""

    how: Literal["resume", "date"]
    until: date | None = None

    def problems(self, today: date) -> dict[str, str]:
        if self.how == "resume":
            return {}
        if self.until is None:
            return {"until": "Pick the day you'll be back, or choose “Until I resume”."}
        if self.until <= today:
            return {"until": "Pick a day after today."}
        if self.until > today + MAX_PAUSE:
            return {"until": "Keep it to a year at most: you can always pause again."}
        return {}


@dataclass
class Change:
    """Who acted, whether this call changed anything, and the partners of their live partnerships to tell."""

    person: Person
    changed: bool
    partners: list[tuple[Partnership, Person]] = field(default_factory=list)


def live_partners(session: Session, person: Person) -> list[tuple[Partnership, Person]]:
    """(partnership, partner) for each of the person's active or paused partnerships (leaving ends them all)."""
    rows = session.scalars(select(Partnership).where(
        or_(Partnership.person_a_id == person.id, Partnership.person_b_id == person.id),
        Partnership.status.in_(LIVE_PARTNERSHIP)).order_by(Partnership.id)).unique().all()
    return [(p, p.other(person.id)) for p in rows]


def pause(session: Session, team_id: str, slack_user_id: str, form: PauseForm, now: datetime | None = None) -> Change:
    """Pause my participation (out of find, check-ins, nudges and requests). Pausing again changes the date."""
    now = now or clock.now()
    me = profiles.require(session, team_id, slack_user_id)
    today = clock.local_today(me.tz, me.tz_offset, now)
    problems = form.problems(today)
    if problems:
        raise FormProblems(problems)
    until = form.until if form.how == "date" else None
    changed = rowcount(session.execute(
        update(Person).where(Person.id == me.id, Person.status == PersonStatus.ACTIVE)
        .values(status=PersonStatus.PAUSED, paused_at=now, pause_reason=OWN_CHOICE, paused_until=until)
        .execution_options(synchronize_session=False))) == 1
    if not changed:  # already paused: only the date moves
        session.execute(update(Person).where(Person.id == me.id, Person.status == PersonStatus.PAUSED)
                        .values(paused_until=until).execution_options(synchronize_session=False))
    session.refresh(me)
    return Change(me, changed, live_partners(session, me) if changed else [])


def _resume(session: Session, person: Person) -> bool:
    done = rowcount(session.execute(
        update(Person).where(Person.id == person.id, Person.status == PersonStatus.PAUSED)
        .values(status=PersonStatus.ACTIVE, paused_at=None, pause_reason=None, paused_until=None)
        .execution_options(synchronize_session=False))) == 1
    session.refresh(person)
    return done


def resume(session: Session, team_id: str, slack_user_id: str) -> Change:
    me = profiles.require(session, team_id, slack_user_id)
    changed = _resume(session, me)
    return Change(me, changed, live_partners(session, me) if changed else [])


def resume_due(session: Session, team_id: str, today: date) -> list[Change]:
    """People whose pause ran until today or earlier: back in the program."""
    due = session.scalars(select(Person).where(Person.team_id == team_id, Person.status == PersonStatus.PAUSED,
                                               Person.paused_until.is_not(None), Person.paused_until <= today)
                          .order_by(Person.id)).all()
    return [Change(p, True, live_partners(session, p)) for p in due if _resume(session, p)]


# -- leaving ----------------------------------------------------------------------------------------------------
@dataclass
class Departure:
    person_id: int
    slack_user_id: str  # as it was: the handler answers them
    deleted: bool
    ended: list[tuple[int, str, str, date | None]] = field(default_factory=list)  # (partnership, partner id, name, started)
    cancelled: list[tuple[int, str, bool]] = field(default_factory=list)  # (partnership, other's id, they asked me)


def leave(session: Session, team_id: str, slack_user_id: str, delete_data: bool, now: datetime | None = None) -> Departure:
    """Leave the program: open partnerships end, pending requests are cancelled; with `delete_data`, personal data
    goes too (aggregates stay). A second click finds them gone already (NotFound from profiles.require)."""
    now = now or clock.now()
    me = profiles.require(session, team_id, slack_user_id)
    if rowcount(session.execute(update(Person).where(Person.id == me.id, Person.status != PersonStatus.LEFT)
                                .values(status=PersonStatus.LEFT, left_at=now, paused_at=None, pause_reason=None,
                                        paused_until=None)
                                .execution_options(synchronize_session=False))) != 1:
        raise Conflict("You have already left the program.")
    out = Departure(me.id, me.slack_user_id, delete_data)
    rows = session.scalars(select(Partnership).where(
        or_(Partnership.person_a_id == me.id, Partnership.person_b_id == me.id),
        Partnership.status.in_(OPEN_PARTNERSHIP)).order_by(Partnership.id)).unique().all()
    for p in rows:
        other = p.other(me.id)
        if p.status == PartnershipStatus.REQUESTED:
            if move(session, p, (PartnershipStatus.REQUESTED,), status=PartnershipStatus.CANCELLED, decided_at=now):
                asked_me = p.request is not None and p.request.to_person_id == me.id
                out.cancelled.append((p.id, other.slack_user_id, asked_me))
        elif move(session, p, LIVE_PARTNERSHIP, status=PartnershipStatus.ENDED, ended_at=now, ended_by_id=me.id,
                  at_risk_since=None):
            if other.status != PersonStatus.LEFT:
                out.ended.append((p.id, other.slack_user_id, other.display_name,
                                  p.started_at.date() if p.started_at else None))
    circles.leave_all(session, me.id, now)  # their places in peer circles open again
    if delete_data:
        erase(session, me)
    return out


def erase(session: Session, person: Person) -> None:
    """Delete a person's personal data and keep what reports count: the person row (anonymised), partnerships,
    meetings' dates and minutes, check-in invitations and anonymous answers, posted stories' dates."""
    pid, slack_id, name = person.id, person.slack_user_id, (person.display_name or "").strip()
    person.skills.clear()
    session.flush()
    boundaries.forget(session, pid, slack_id)  # my manager and list, and every line, list or rule naming me
    person.slack_user_id = f"deleted-{pid}"
    person.display_name = person.title = person.goals_note = ""
    person.tz, person.tz_offset, person.goals, person.self_assessment = None, None, [], {}
    person.department, person.department_key = "(removed)", "(removed)"
    person.leadership_interest = person.mentor_trained = person.recognition_opt_in = False
    session.execute(delete(JournalNote).where(JournalNote.person_id == pid))
    session.execute(update(Meeting).where(Meeting.logged_by_id == pid).values(topics="", action_items="")
                    .execution_options(synchronize_session=False))
    # action items and agenda points they wrote or own: the words go, the rows stay (the figures count them)
    session.execute(update(ActionItem).where(or_(ActionItem.created_by_id == pid, ActionItem.owner_id == pid))
                    .values(text="").execution_options(synchronize_session=False))
    session.execute(update(AgendaPoint).where(or_(AgendaPoint.added_by_id == pid, AgendaPoint.owner_id == pid))
                    .values(text="").execution_options(synchronize_session=False))
    session.execute(update(Agreement).where(Agreement.drafted_by_id == pid).values(goals="", boundaries="")
                    .execution_options(synchronize_session=False))
    session.execute(update(PartnershipRequest).where(PartnershipRequest.from_person_id == pid).values(note="")
                    .execution_options(synchronize_session=False))
    for invitation in (CheckIn, CircleCheckIn):  # the free text of answers in months still open (closed ones hold none)
        session.execute(update(invitation).where(invitation.person_id == pid).values(help=None)
                        .execution_options(synchronize_session=False))
    session.execute(delete(Story).where(Story.author_id == pid, Story.status != StoryStatus.POSTED))
    session.execute(update(Story).where(Story.author_id == pid).values(title="(removed)", body="")
                    .execution_options(synchronize_session=False))
    session.execute(delete(Story).where(Story.partner_id == pid, Story.status != StoryStatus.POSTED))
    mine = select(Partnership.id).where(or_(Partnership.person_a_id == pid, Partnership.person_b_id == pid))
    session.execute(update(PartnershipClosing).where(PartnershipClosing.person_id == pid)
                    .values(learned="", testimonial="", testimonial_status=TestimonialStatus.NONE)
                    .execution_options(synchronize_session=False))
    session.execute(update(PartnershipClosing).where(PartnershipClosing.partnership_id.in_(mine),
                                                     PartnershipClosing.person_id != pid)
                    .values(testimonial="", testimonial_status=TestimonialStatus.NONE)
                    .execution_options(synchronize_session=False))
    # introductions' context boxes describe both people (department, level, skills)
    session.execute(update(Introduction).where(or_(Introduction.giver_id == pid, Introduction.taker_id == pid))
                    .values(reason="").execution_options(synchronize_session=False))
    session.execute(delete(TopicAttendee).where(TopicAttendee.person_id == pid))
    circles.forget(session, pid)  # circle memberships and invitations
    fit.erase_answers(session, pid)  # my private fit answers (closed months keep their counts)
    recognition.erase_testimonials(session, pid)  # those I wrote and those about me
    session.execute(update(TopicSession).where(TopicSession.host_id == pid, TopicSession.status == TopicStatus.OPEN)
                    .values(status=TopicStatus.CANCELLED).execution_options(synchronize_session=False))
    session.execute(update(TopicSession).where(TopicSession.host_id == pid).values(title="(removed)", description="")
                    .execution_options(synchronize_session=False))
    _scrub_outbox(session, person.team_id, pid, slack_id, name)


def _scrub_outbox(session: Session, team_id: str, person_id: int, slack_id: str, name: str) -> None:
    """Messages to or about the person keep their key (nothing is sent twice) and lose their content; those not
    yet sent are cancelled. Their Slack id, where a key or a recipient (alone, or in a group "U1,U2") names it,
    becomes "deleted-<person id>"."""
    text = cast(OutboxMessage.payload, String)
    recipient, key = OutboxMessage.recipient, OutboxMessage.key
    about = [  # the id as a whole part of a recipient ("U1", "U1,U2") or of a key (its last or a middle part), never "U12"
        recipient == slack_id, recipient.startswith(slack_id + ",", autoescape=True),
        recipient.endswith("," + slack_id, autoescape=True),
        key.endswith(":" + slack_id, autoescape=True), key.contains(":" + slack_id + ":", autoescape=True),
        key.startswith(keys.export_prefix(person_id), autoescape=True),
        # in a message: a mention (<@U1>, <@U1|name>), or a value that is the id ("U1"), or one of a group ("U1,U2")
        *(text.contains(form, autoescape=True) for form in (f"<@{slack_id}>", f"<@{slack_id}|", f'"{slack_id}"',
                                                            f'"{slack_id},', f',{slack_id}"', f",{slack_id},"))]
    if len(name) >= 3:  # as typed, and as JSON spells it (non-ASCII letters escaped)
        about += [text.contains(spelling, autoescape=True) for spelling in {name, json.dumps(name)[1:-1]}]
    session.execute(delete(OutboxMessage).where(OutboxMessage.key == keys.home(team_id, slack_id)))  # holds nothing else
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.team_id == team_id, or_(*about))).all()
    for row in rows:
        if row.status in OUTBOX_WAITING:
            row.status = OutboxStatus.CANCELLED
        row.payload = {"text": REDACTED}
        row.attachment = None
        row.last_error = None
        gone = f"deleted-{person_id}"
        row.recipient = ",".join(gone if part == slack_id else part for part in row.recipient.split(","))
        row.key = ":".join(gone if part == slack_id else part for part in row.key.split(":"))


# -- export ---------------------------------------------------------------------------------------------------
def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def export(session: Session, team_id: str, slack_user_id: str, now: datetime | None = None) -> dict:
    """Everything the program holds about me that I may see. Never a check-in answer (mine are anonymous once
    the month closes, and nobody else's is ever shown)."""
    now = now or clock.now()
    me = profiles.require(session, team_id, slack_user_id)
    partnerships = session.scalars(select(Partnership).where(
        or_(Partnership.person_a_id == me.id, Partnership.person_b_id == me.id)).order_by(Partnership.id)).unique().all()
    out_partnerships = []
    for p in partnerships:
        other = p.other(me.id)
        req = p.request
        meetings = session.scalars(select(Meeting).where(Meeting.partnership_id == p.id).order_by(Meeting.held_on)).all()
        agreements = session.scalars(select(Agreement).where(Agreement.partnership_id == p.id)
                                     .order_by(Agreement.version)).unique().all()
        closings = session.scalars(select(PartnershipClosing).where(PartnershipClosing.partnership_id == p.id)).all()
        mine = next((c for c in closings if c.person_id == me.id), None)
        theirs = next((c for c in closings if c.person_id != me.id), None)
        out_partnerships.append({
            "partner": {"name": other.display_name or "(left the program)",
                        "slack_user_id": None if other.slack_user_id.startswith("deleted-") else other.slack_user_id},
            "status": p.status, "kind": p.kind, "requested_at": _iso(p.created_at), "started_at": _iso(p.started_at),
            "planned_end": _iso(p.planned_end), "ended_at": _iso(p.ended_at),
            "ended_by_me": p.ended_by_id == me.id if p.ended_at else None,
            "request": {"asked_by_me": req.from_person_id == me.id, "note": req.note} if req else None,
            "agreements": [{"version": a.version, "drafted_by_me": a.drafted_by_id == me.id, "purposes": a.purposes,
                            "goals": a.goals, "boundaries": a.boundaries, "frequency": a.frequency,
                            "meeting_minutes": a.meeting_minutes, "end_date": _iso(a.end_date),
                            "confidentiality": a.confidentiality, "confirmed": a.confirmed} for a in agreements],
            "meetings": [{"held_on": _iso(m.held_on), "minutes": m.minutes, "topics": m.topics,
                          "action_items": m.action_items, "next_meeting_on": _iso(m.next_meeting_on),
                          "logged_by_me": m.logged_by_id == me.id} for m in meetings],
            "action_items": [{"text": i.text, "mine": i.owner_id == me.id, "due_on": _iso(i.due_on),
                              "added_at": _iso(i.created_at), "added_by_me": i.created_by_id == me.id,
                              "done_at": _iso(i.done_at), "done_by_me": i.done_by_id == me.id if i.done_at else None}
                             for i in session.scalars(select(ActionItem).where(ActionItem.partnership_id == p.id)
                                                      .order_by(ActionItem.created_at, ActionItem.id))],
            "agenda_points": [{"text": a.text, "led_by_me": a.owner_id == me.id, "added_by_me": a.added_by_id == me.id,
                               "added_at": _iso(a.created_at), "covered_at": _iso(a.covered_at)}
                              for a in session.scalars(select(AgendaPoint).where(AgendaPoint.partnership_id == p.id)
                                                       .order_by(AgendaPoint.created_at, AgendaPoint.id))],
            "planned_meetings": [{"status": m.status, "starts_at": _iso(m.starts_at), "minutes": m.minutes,
                                  "proposed_by_me": m.proposed_by_id == me.id, "calendar_uid": m.uid}
                                 for m in session.scalars(select(PlannedMeeting).where(PlannedMeeting.partnership_id == p.id)
                                                          .order_by(PlannedMeeting.id))],
            "my_closing": {"learned": mine.learned, "would_recommend": mine.would_recommend,
                           "testimonial_for_partner": mine.testimonial,
                           "testimonial_status": mine.testimonial_status} if mine else None,
            "testimonial_about_me": (theirs.testimonial if theirs and theirs.testimonial_status == TestimonialStatus.SHOWN
                                     else None),
        })
    journal = session.scalars(select(JournalNote).where(JournalNote.person_id == me.id)
                              .order_by(JournalNote.created_at, JournalNote.id)).all()
    stories = session.scalars(select(Story).where(Story.author_id == me.id).order_by(Story.id)).unique().all()
    return {
        "exported_at": _iso(now),
        "profile": {
            "slack_user_id": me.slack_user_id, "name": me.display_name, "title": me.title, "time_zone": me.tz,
            "department": me.department, "level": me.level, "partners_at_once": me.capacity,
            "other_departments_welcome": me.cross_department, "open_to_reverse_mentoring": me.reverse_mentoring,
            "can_share": me.skill_names(SkillKind.OFFER), "wants_to_learn": me.skill_names(SkillKind.WANT),
            "goals": list(me.goals), "goals_note": me.goals_note, "leadership_interest": me.leadership_interest,
            "working_hours": {"from_minute": me.work_start_minutes, "until_minute": me.work_end_minutes,
                              "weekdays": me.work_days},
            "mentor_trained": me.mentor_trained, "self_assessment": dict(me.self_assessment or {}),
            "status": me.status, "paused_until": _iso(me.paused_until), "joined_at": _iso(me.joined_at),
        },
        "partnerships": out_partnerships,
        "journal": [{"written_at": _iso(n.created_at), "text": n.body} for n in journal],
        "stories": [{"title": s.title, "text": s.body, "status": s.status, "written_at": _iso(s.created_at),
                     "posted_at": _iso(s.posted_at)} for s in stories],
        "matching_boundaries": boundaries.export(session, me),
        "circles": circles.export(session, me),
        "checkins": "Not included: check-in answers are anonymous.",
        "fit_answers": fit.export_answers(session, me),  # my own answers to "Is this a good fit?"
        "testimonials": recognition.export_testimonials(session, me),
        "thank_you_post": {"include_me": me.recognition_opt_in},
    }
