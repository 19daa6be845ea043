"""The monthly check-in: answering it (anonymous: an answer is only ever shown to its author), the choices of a
partnership at risk, and the two jobs (close last month and ask about this one; remind after 3 and 7 days).
Peer circles have their own part: one DM per member and month, a section per circle (bot/services/circle_checkins.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.context import Context
from bot.services import checkins, circle_checkins, clock, keys, outbox, partnerships, profiles, program
from bot.services.checkins import CheckInForm
from bot.services.circle_checkins import CircleCheckInForm
from bot.services.errors import FormProblems
from messages import checkin as blocks
from models import CheckIn, OutboxMessage, Partnership, Person


# -- answering --------------------------------------------------------------------------------------------------
def _own_answer(checkin: CheckIn) -> dict:
    return {"answered": checkin.answered_at is not None, "minutes": checkin.minutes,
            "next_meeting_on": checkin.next_meeting_on, "effectiveness": checkin.effectiveness,
            "expectations": checkin.expectations, "help": checkin.help}


def checkin_form(ctx: Context, team_id: str, user_id: str, checkin_hint: object, met: str | None) -> dict:
    """The answer modal of my own check-in of an open month, filled with my answer so far (shown to me only).
    `met` is the button clicked ("yes"/"no"), or None for "Change my answer"."""
    now = clock.now()
    with ctx.db.uow() as session:
        k = program.current(session, team_id, ctx.settings).anonymity_min_group
        checkin, person = checkins.for_author(session, team_id, user_id, checkin_hint, now, ctx.settings.tz)
        name, _partner_id = checkins.partner_name(session, checkin)
        if met is None:
            met = "yes" if checkin.met else ("no" if checkin.met is False else None)
        return blocks.checkin_modal(checkin.id, checkins.month_name(checkin.period), name, met,
                                    clock.local_today(person.tz, person.tz_offset), k, _own_answer(checkin))


def answer_checkin(ctx: Context, team_id: str, user_id: str, checkin_hint: object, form: CheckInForm) -> str:
    """Save (or change) my answer to my own check-in. Every DM that asked me (the invitation and its reminders)
    becomes a thank-you with "Change my answer": one coalesced edit per message, to me only. Returns the modal's
    notice; answers that don't fit my own calendar (a next meeting in the past) are refused field by field."""
    now = clock.now()
    with ctx.db.uow() as session:
        prog = program.current(session, team_id, ctx.settings)
        person = profiles.require(session, team_id, user_id)
        problems = form.problems(clock.local_today(person.tz, person.tz_offset))
        if problems:
            raise FormProblems(problems)
        checkin, _first = checkins.answer(session, team_id, user_id, checkin_hint, form, now, ctx.settings.tz)
        name, partner_id = checkins.partner_name(session, checkin)
        month = checkins.month_name(checkin.period)
        thanks = blocks.thanks_message(prog.name, month, checkin.id, name, partner_id, prog.anonymity_min_group)
        for key in keys.checkin_messages(checkin.id):
            outbox.update_sent(session, team_id, key, thanks)
        return blocks.saved_notice(month, prog.anonymity_min_group)


# -- answering about a peer circle ------------------------------------------------------------------------------
def circle_checkin_form(ctx: Context, team_id: str, user_id: str, checkin_hint: object) -> dict:
    """The answer modal of my own check-in about one of my circles, in an open month, filled with my answer so far
    (shown to me only)."""
    now = clock.now()
    with ctx.db.uow() as session:
        k = program.current(session, team_id, ctx.settings).anonymity_min_group
        checkin, _person = circle_checkins.for_author(session, team_id, user_id, checkin_hint, now, ctx.settings.tz)
        current = {"answered": checkin.answered_at is not None, "met": checkin.met, "sessions": checkin.sessions,
                   "effectiveness": checkin.effectiveness, "expectations": checkin.expectations, "help": checkin.help}
        return blocks.circle_checkin_modal(checkin.id, checkins.month_name(checkin.period),
                                           circle_checkins.goal_of(session, checkin), k, current)


def _circle_message(prog: program.Program, inv: circle_checkins.Invitation, reminder: int = 0) -> dict:
    return blocks.circle_checkin_message(prog.name, checkins.month_name(inv.period), inv.parts, prog.anonymity_min_group,
                                         reminder)


def _refresh_circle_dms(session: Session, team_id: str, prog: program.Program, person_id: int, period: str) -> None:
    """Every DM that asked me about my circles this month (the invitation and its reminders) shows where each of my
    circles stands: one coalesced edit per message, to me only."""
    [inv] = circle_checkins.invitations(session, team_id, period, [person_id])
    message = _circle_message(prog, inv)
    for key in keys.circle_checkin_messages(person_id, period):
        outbox.update_sent(session, team_id, key, message)


def answer_circle_checkin(ctx: Context, team_id: str, user_id: str, checkin_hint: object,
                          form: CircleCheckInForm) -> str:
    """Save (or change) my answer about one of my circles. My circle check-in DMs then say it is saved, with
    "Change my answer". Returns the modal's notice; a missing figure is refused field by field."""
    now = clock.now()
    with ctx.db.uow() as session:
        prog = program.current(session, team_id, ctx.settings)
        problems = form.problems()
        if problems:
            raise FormProblems(problems)
        checkin, _first = circle_checkins.answer(session, team_id, user_id, checkin_hint, form, now, ctx.settings.tz)
        session.flush()
        _refresh_circle_dms(session, team_id, prog, checkin.person_id, checkin.period)
        return blocks.circle_saved_notice(checkins.month_name(checkin.period), circle_checkins.goal_of(session, checkin),
                                          prog.anonymity_min_group)


# -- a partnership at risk --------------------------------------------------------------------------------------
@dataclass
class Settled:
    message: dict  # what the person who clicked sees in place of the question
    changed: bool  # whether this click changed the partnership (then the partner gets a DM)


def settle_at_risk(ctx: Context, team_id: str, user_id: str, partnership_hint: object, choice: str) -> Settled:
    """"We're fine" (also resumes a paused partnership) or "Pause for a while", by either partner of a live
    partnership; the partner is told when it changed anything. Ending goes through the closing modal."""
    now = clock.now()
    with ctx.db.uow() as session:
        partnership, me, changed = partnerships.settle(session, team_id, user_id, partnership_hint, choice)
        other = partnership.other(me.id)
        if changed:
            key = keys.pair_paused(partnership.id, now) if choice == "paused" else keys.pair_fine(partnership.id, now)
            outbox.enqueue(session, team_id, key, "pair-update",
                           other.slack_user_id,
                           blocks.at_risk_outcome(choice, partnership.id, me.display_name, me.slack_user_id, by_me=False))
        return Settled(blocks.at_risk_outcome(choice, partnership.id, other.display_name, other.slack_user_id,
                                              by_me=True), changed)


# -- the jobs ---------------------------------------------------------------------------------------------------
def _invitation_rows(team_id: str, invitations: list[checkins.Invitation], prog: program.Program,
                     reminder: int = 0) -> list[dict]:
    return [dict(team_id=team_id,
                 key=keys.checkin_reminder(inv.checkin_id, reminder) if reminder else keys.checkin(inv.checkin_id),
                 kind="checkin-reminder" if reminder else "checkin", recipient=inv.user_id,
                 payload=blocks.checkin_message(prog.name, checkins.month_name(inv.period), inv.checkin_id,
                                                inv.partner_name, inv.partner_user_id, prog.anonymity_min_group, reminder))
            for inv in invitations]


def _announce_close(session: Session, ctx: Context, team_id: str, closed: checkins.Closed,
                    circles: circle_checkins.Closed) -> None:
    """Both people of a pair newly at risk get the choices; people paused for silence are told; admins get the
    month's free text (pairs' and circles' apart, each only over k answers, unattributed)."""
    month, prog = checkins.month_name(closed.period), program.current(session, team_id, ctx.settings)
    for pid in closed.at_risk:
        partnership = session.get_one(Partnership, pid)
        for me in (partnership.person_a, partnership.person_b):
            other = partnership.other(me.id)
            outbox.enqueue(session, team_id, keys.at_risk(pid, closed.period, me.id), "at-risk", me.slack_user_id,
                           blocks.at_risk_message(prog.name, pid, other.display_name, other.slack_user_id), priority=0)
    for person_id in closed.paused:
        person = session.get_one(Person, person_id)
        outbox.enqueue(session, team_id, keys.paused_for_silence(person_id, closed.period), "paused", person.slack_user_id,
                       blocks.paused_message(prog.name), priority=0)
    if closed.help_texts or circles.help_texts:
        for admin in program.admins(session, team_id, ctx.settings):
            outbox.enqueue(session, team_id, keys.checkin_help(team_id, closed.period, admin), "checkin-help", admin,
                           blocks.help_texts_message(prog.name, month, closed.answered, closed.help_texts,
                                                     circles.answered, circles.help_texts), priority=0)


def _ask_circles(session: Session, team_id: str, period: str, now: datetime, prog: program.Program) -> int:
    """One DM per member of an active circle about all their circles (however often it runs); a DM sent before a
    member's new circle started this month gets that circle added in place. Returns how many members were asked."""
    pending = circle_checkins.open_period(session, team_id, period, now)
    added = circle_checkins.asked_at(session, team_id, period, now)
    invitations = circle_checkins.invitations(session, team_id, period, sorted(set(pending) | added))
    dm_keys = [keys.circle_checkin(person_id, period) for person_id in sorted(added)]
    asked_before = {key for start in range(0, len(dm_keys), 500) for key in session.scalars(
        select(OutboxMessage.key).where(OutboxMessage.key.in_(dm_keys[start:start + 500])))}
    outbox.enqueue_many(session, [
        dict(team_id=team_id, key=keys.circle_checkin(inv.person_id, period), kind="circle-checkin", recipient=inv.user_id,
             payload=_circle_message(prog, inv)) for inv in invitations if inv.unanswered])
    for person_id in sorted(added):  # a new circle of someone asked before this run: their DMs get it in place
        if keys.circle_checkin(person_id, period) in asked_before:
            _refresh_circle_dms(session, team_id, prog, person_id, period)
    return sum(1 for inv in invitations if inv.unanswered)


def run_monthly(ctx: Context, now: datetime | None = None) -> str:
    """Close every earlier month still open (once: aggregates, at-risk pairs, paused people, and their DMs) and ask
    both people of every active partnership about this month (one DM each, however often it runs), and every member
    of an active peer circle (one DM each, a section per circle)."""
    now = now or clock.now()
    period = checkins.period_of(now, ctx.settings.tz)
    closed_words, asked, circle_asked = [], 0, 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:  # close what ended, and say so, in one transaction
            k = program.current(session, team_id, ctx.settings).anonymity_min_group  # as admins set it
            for old in checkins.open_periods_before(session, team_id, period):
                closed = checkins.close_period(session, team_id, old, now, k)
                if closed is not None:  # this run claimed the month: its circle answers close with it, once
                    circles = circle_checkins.close_period(session, team_id, old, k)
                    _announce_close(session, ctx, team_id, closed, circles)
                    closed_words.append(f"closed {old} ({closed.answered}/{closed.asked} answered, "
                                        f"{len(closed.at_risk)} at risk, {len(closed.paused)} paused)"
                                        + (f" and circles ({circles.answered}/{circles.asked} answered)"
                                           if circles.asked else ""))
        with ctx.db.uow() as session:  # ask, and queue the DMs, in one transaction
            prog = program.current(session, team_id, ctx.settings)
            pending = checkins.open_period(session, team_id, period, now)
            rows = _invitation_rows(team_id, checkins.invitations(session, pending), prog)
            outbox.enqueue_many(session, rows)
            asked += len(rows)
            circle_asked += _ask_circles(session, team_id, period, now, prog)
    words = closed_words + [f"{period}: {asked} unanswered check-in(s) asked"]
    if circle_asked:
        words.append(f"{circle_asked} circle member(s) with an unanswered circle check-in asked")
    return "; ".join(words)


def run_reminders(ctx: Context, now: datetime | None = None) -> str:
    """Remind people who have not answered this month's check-in, after 3 and after 7 days (each once); a circle
    member gets one reminder for all their circles."""
    now = now or clock.now()
    period = checkins.period_of(now, ctx.settings.tz)
    total = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            by_number: dict[int, list[int]] = {}
            for checkin_id, number in checkins.due_reminders(session, team_id, period, now):
                by_number.setdefault(number, []).append(checkin_id)
            prog = program.current(session, team_id, ctx.settings)
            for number, ids in by_number.items():
                rows = _invitation_rows(team_id, checkins.invitations(session, ids), prog, reminder=number)
                outbox.enqueue_many(session, rows)
                total += len(rows)
            due = circle_checkins.due_reminders(session, team_id, period, now)
            rows = [dict(team_id=team_id, key=keys.circle_checkin_reminder(inv.person_id, period, due[inv.person_id]),
                         kind="circle-checkin-reminder", recipient=inv.user_id,
                         payload=_circle_message(prog, inv, reminder=due[inv.person_id]))
                    for inv in circle_checkins.invitations(session, team_id, period, sorted(due)) if inv.unanswered]
            total += outbox.enqueue_many(session, rows)
    return f"{total} reminder(s) queued"
