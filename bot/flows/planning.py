"""Planning a meeting, as the partners do it: open the suggestions, propose times, pick one, ask for others, move or
cancel the meeting, say whether it happened; and the job that asks "Did you meet?" afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.flows.context import Context
from bot.services import clock, invites, keys, outbox, partnerships, planning, profiles
from bot.services.errors import Conflict
from bot.services.planning import PlanForm
from bot.services.suggestions import zone_of
from messages import planning as blocks
from models import Person, PlannedMeeting
from models.status import MeetingPlanStatus, PersonStatus


def _zone(person: Person):
    return zone_of(person.tz, person.tz_offset)


def plan_form(ctx: Context, team_id: str, user_id: str, partnership_id: object) -> dict:
    """The "Plan our next meeting" modal for one of the person's partnerships: suggested times in their time zone."""
    with ctx.db.uow() as session:
        found = planning.options(session, team_id, user_id, partnership_id)
        current = found.current
        moving = (current.starts_at, current.minutes) if current and current.starts_at else None
        return blocks.plan_modal(found.partnership.id, found.partner.display_name, found.times, found.shared,
                                 found.minutes, _zone(found.me), current=moving)


def reschedule_form(ctx: Context, team_id: str, user_id: str, plan_id: object) -> dict:
    """"Reschedule" on a planned meeting: the same modal, for that meeting's pair."""
    with ctx.db.uow() as session:
        plan, _me = planning.plan_for_member(session, team_id, user_id, plan_id)
        if plan.status not in planning.OPEN_PLAN:
            raise Conflict("This meeting was cancelled or has happened: use Plan our next meeting for a new one.")
        if plan.starts_at is not None and plan.starts_at <= clock.now():
            raise Conflict("This meeting's time has passed, so it can't be moved. Did you meet? Log it; and use "
                           "Plan our next meeting for the next one.")
        partnership_id = plan.partnership_id
    return plan_form(ctx, team_id, user_id, partnership_id)


def schedule_choices(ctx: Context, team_id: str, user_id: str) -> list[tuple[int, str]]:
    """`/mentor schedule`: the person's live partnerships (id, partner's name). Refused before joining."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        return [(p.id, p.other(me.id).display_name or p.other(me.id).slack_user_id)
                for p in partnerships.overview(session, me).partnerships]


def propose(ctx: Context, team_id: str, user_id: str, form: PlanForm) -> str:
    """Send the picked times to the partner (one button each, in their time zone); earlier times on offer are
    withdrawn. Returns what the proposer sees."""
    with ctx.db.uow() as session:
        done = planning.propose(session, team_id, user_id, form)
        plan, me, partner = done.plan, done.me, done.partner
        if done.withdrawn_proposal is not None:
            outbox.update_sent(session, team_id, keys.plan_proposed(plan.id, done.withdrawn_proposal, partner.id),
                               blocks.proposal_closed(blocks.WITHDRAWN))
            outbox.update_sent(session, team_id, keys.plan_proposed(plan.id, done.withdrawn_proposal, me.id),
                               blocks.proposal_closed(blocks.WITHDRAWN))
        moving = (plan.starts_at, plan.minutes) if plan.status == MeetingPlanStatus.PLANNED and plan.starts_at else None
        message = blocks.proposal(me.display_name, me.slack_user_id, plan.id, [(s.id, s.starts_at) for s in done.slots],
                                  form.minutes, _zone(partner), moving=moving)
        outbox.enqueue(session, team_id, keys.plan_proposed(plan.id, plan.proposal, partner.id), "plan-proposed",
                       partner.slack_user_id, message,
                       if_undelivered=(user_id, blocks.proposal_closed(
                           f"I couldn't deliver your proposed times to {partner.display_name or 'your partner'}.")))
        outbox.publish_home(session, team_id, me.slack_user_id, partner.slack_user_id)
        return blocks.proposed_notice(partner.display_name, len(done.slots))


def _send_invites(session, plan: PlannedMeeting, *, moved: bool) -> None:
    """The confirmation and its calendar file, to both partners (one key per person per sequence)."""
    organizer, other = planning.organizer_of(plan)
    summary = blocks.summary(organizer.display_name, other.display_name)
    assert plan.starts_at is not None
    for person in (organizer, other):
        if person.status == PersonStatus.LEFT:
            continue
        partner = plan.partnership.other(person.id)
        zone = _zone(person)
        confirmed = keys.plan_confirmed(plan.id, plan.sequence, person.id)
        outbox.enqueue(session, plan.team_id, confirmed, "plan-confirmed", person.slack_user_id,
                       blocks.confirmation(plan.id, partner.display_name, partner.slack_user_id, plan.starts_at,
                                           plan.minutes, zone, moved=moved))
        ics = invites.invite(plan, organizer, other, zone, summary=summary,
                             description=f"Peer mentoring meeting of {organizer.display_name} and {other.display_name}.")
        outbox.enqueue(session, plan.team_id, keys.plan_invite(plan.id, plan.sequence, person.id), "plan-invite",
                       person.slack_user_id, blocks.invite_file(partner.display_name), after_key=confirmed, attachment=ics)


@dataclass(frozen=True)
class PickResult:
    moved: bool


def pick(ctx: Context, team_id: str, user_id: str, slot_id: object) -> PickResult:
    """The partner picks a time: both get the confirmation and the calendar invite (an update, same UID and a higher
    SEQUENCE, when the meeting moves); the proposal DM loses its buttons."""
    with ctx.db.uow() as session:
        done = planning.pick(session, team_id, user_id, slot_id)
        plan, me = done.plan, done.me
        assert plan.starts_at is not None
        # the picked proposal's number is the plan's; its DM went to me
        outbox.update_sent(session, team_id, keys.plan_proposed(plan.id, plan.proposal, me.id), blocks.proposal_closed(
            blocks.picked_text(blocks.long_when(plan.starts_at, plan.minutes, _zone(me)))))
        _send_invites(session, plan, moved=done.moved)
        outbox.publish_home(session, team_id, me.slack_user_id, done.partner.slack_user_id)
        return PickResult(done.moved)


def ask_other_times(ctx: Context, team_id: str, user_id: str, plan_id: object) -> None:
    """None of the times suit the partner: they are withdrawn, and the proposer is asked for others."""
    with ctx.db.uow() as session:
        plan, me, proposer = planning.ask_other_times(session, team_id, user_id, plan_id)
        outbox.update_sent(session, team_id, keys.plan_proposed(plan.id, plan.proposal, me.id),
                           blocks.proposal_closed(blocks.ASKED))
        outbox.enqueue(session, team_id, keys.plan_other_times(plan.id, plan.proposal, proposer.id), "plan-other-times",
                       proposer.slack_user_id, blocks.other_times(me.display_name, me.slack_user_id, plan.partnership_id))


def cancel(ctx: Context, team_id: str, user_id: str, plan_id: object) -> None:
    """Either partner cancels: both are told; a meeting that was in calendars gets a METHOD:CANCEL file (same UID)."""
    with ctx.db.uow() as session:
        done = planning.cancel(session, team_id, user_id, plan_id)
        plan = done.plan
        for person in (done.me, done.partner):
            outbox.update_sent(session, team_id, keys.plan_proposed(plan.id, done.proposal, person.id),
                         blocks.proposal_closed(blocks.WITHDRAWN))
        _send_cancellations(session, plan, done.me, had_time=done.had_time)
        outbox.publish_home(session, team_id, done.me.slack_user_id, done.partner.slack_user_id)


def _send_cancellations(session, plan: PlannedMeeting, by: Person | None, *, had_time: bool = True) -> None:
    """Both partners are told the meeting is cancelled (by one of them, or, `by` None, because the partnership
    ended); a meeting that was in calendars comes with its METHOD:CANCEL file."""
    organizer, other = planning.organizer_of(plan)
    for person in (organizer, other):
        if person.status == PersonStatus.LEFT:
            continue
        partner = plan.partnership.other(person.id)
        zone = _zone(person)
        when = blocks.long_when(plan.starts_at, plan.minutes, zone) if had_time and plan.starts_at else None
        key = keys.plan_cancelled(plan.id, plan.sequence, person.id)
        message = (blocks.cancelled(person.id == by.id, partner.display_name, partner.slack_user_id, plan.partnership_id, when)
                   if by is not None else blocks.ended(partner.display_name, partner.slack_user_id, when or ""))
        outbox.enqueue(session, plan.team_id, key, "plan-cancelled", person.slack_user_id, message)
        if when:
            ics = invites.invite(plan, organizer, other, zone, summary=blocks.summary(organizer.display_name,
                                                                                       other.display_name), cancel=True)
            outbox.enqueue(session, plan.team_id, keys.plan_invite(plan.id, plan.sequence, person.id), "plan-invite",
                           person.slack_user_id, blocks.invite_file(partner.display_name, cancel=True),
                           after_key=key, attachment=ics)


def didnt_meet(ctx: Context, team_id: str, user_id: str, plan_id: object) -> dict:
    """"We didn't": the meeting counts as missed; the answer offers to plan the next one."""
    with ctx.db.uow() as session:
        plan, me = planning.didnt_meet(session, team_id, user_id, plan_id)
        partner = plan.partnership.other(me.id)
        outbox.publish_home(session, team_id, me.slack_user_id, partner.slack_user_id)
        return blocks.didnt_meet(plan.partnership_id, partner.display_name)


@dataclass(frozen=True)
class FollowedUp:
    asked: int  # people asked "Did you meet?"
    missed: int  # planned meetings nobody logged within a week: now missed


def send_followups(ctx: Context, now: datetime | None = None) -> FollowedUp:
    """After a planned meeting's time, each partner is asked "Did you meet?" (once per version of the meeting); a
    week later, a meeting nobody logged counts as missed."""
    now = now or clock.now()
    asked = missed = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            missed += planning.expire_unlogged(session, team_id, now)
            for plan in planning.cancel_for_ended(session, team_id, now):
                _send_cancellations(session, plan, None)
            for plan in planning.due_followups(session, team_id, now):
                if not planning.followup_due(plan, now) or plan.starts_at is None:
                    continue
                for me in (plan.partnership.person_a, plan.partnership.person_b):
                    if me.status != PersonStatus.ACTIVE:
                        continue
                    other = plan.partnership.other(me.id)
                    asked += outbox.enqueue(session, team_id, keys.did_you_meet(plan.id, plan.sequence, me.id),
                                            "did-you-meet", me.slack_user_id,
                                            blocks.did_you_meet(plan.id, other.display_name, other.slack_user_id,
                                                                plan.starts_at, plan.minutes, _zone(me)), priority=0)
    return FollowedUp(asked, missed)
