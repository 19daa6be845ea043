"""The App Home tab: what it shows a person, and asking for it to be published (through the outbox)."""

from __future__ import annotations

from bot.flows.context import Context
from bot.services import actions, agenda, agreements, clock, closings, events, meetings, outbox, partnerships, profiles, program
from bot.services.circle_fit import mine as my_circles
from bot.services.circle_sessions import next_planned
from bot.services.planning import offered, open_plan
from bot.services.suggestions import zone_of
from messages import circle_sessions as circle_session_blocks
from messages import planning as planning_blocks
from messages.home import PartnershipLine, home_view
from models.status import MeetingPlanStatus


def render_home(ctx: Context, team_id: str, user_id: str) -> dict:
    """The Home view of one person as it is now (the sender calls this when it publishes)."""
    with ctx.db.uow() as session:
        person = profiles.current(session, team_id, user_id)
        prog = program.current(session, team_id, ctx.settings)
        if person is None:
            return home_view(prog.name, None, [], [], [], objective=prog.objective)
        today = clock.local_today(person.tz, person.tz_offset)
        ov = partnerships.overview(session, person)
        lines = []
        for p in ov.partnerships:
            agreement = agreements.current(session, p.id)
            last, upcoming = meetings.last_and_next(session, p.id, today)
            next_plan = agenda.next_plan(session, p.id, clock.now())
            lines.append(PartnershipLine(
                partnership_id=p.id, partner_user_id=p.other(person.id).slack_user_id,
                partner_name=p.other(person.id).display_name, status=p.status,
                agreement_status=agreements.status_words(agreement, p), has_agreement=agreement is not None,
                last_meeting=last.held_on if last else None, last_minutes=last.minutes if last else None,
                next_meeting=upcoming, planned_end=p.planned_end,
                agenda_plan_id=next_plan.id if next_plan else None,
                **_plan_facts(session, p.id, person),
            ))
        circles = my_circles(session, person)
        return home_view(prog.name, person, lines, ov.incoming, ov.outgoing, objective=prog.objective,
                         testimonials=closings.testimonials_about(session, person),
                         action_items=actions.open_for_owner(session, person), today=today,
                         circles=circles, circle_sessions=_circle_sessions(session, circles, person))


def home_opened(ctx: Context, team_id: str, user_id: str, event_id: str | None) -> bool:
    """Someone opened the Home tab: publish it. The event is recorded in the same transaction as the publish it
    asks for, so a retry of it is a no-op and a crash before the commit leaves Slack's retry to do the work."""
    with ctx.db.uow() as session:
        if event_id and not events.first_delivery(session, event_id[:64], team_id):
            return False
        outbox.publish_home(session, team_id, user_id)
        return True


def _circle_sessions(session, circles: list, person) -> list[dict]:
    """The next planned session of each of my circles, in my time zone (under "Your peer circles")."""
    planned = next_planned(session, [item.circle.id for item in circles], clock.now())
    items = [(item.circle.goal, row.starts_at, row.minutes) for item in circles
             if (row := planned.get(item.circle.id)) is not None and row.starts_at is not None]
    return circle_session_blocks.home_next(items, zone_of(person.tz, person.tz_offset))


def _plan_facts(session, partnership_id: int, person) -> dict:
    """The pair's meeting in planning, as the Home line shows it to `person` (in their own time zone)."""
    plan = open_plan(session, partnership_id, clock.now())
    if plan is None:
        return {}
    if plan.status == MeetingPlanStatus.PLANNED and plan.starts_at is not None:
        zone = zone_of(person.tz, person.tz_offset)
        return dict(plan_id=plan.id, plan_planned=True,
                    plan_words=f"Next meeting: {planning_blocks.long_when(plan.starts_at, plan.minutes, zone)}")
    mine = plan.proposed_by_id == person.id
    words = ("Times proposed: waiting for your partner to pick one" if mine
             else "Your partner proposed times: pick one in your DMs")
    return dict(plan_id=plan.id, plan_words=words if offered(session, plan, clock.now()) else None)
