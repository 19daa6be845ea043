"""The App Home tab: what it shows a person, and asking for it to be published (through the outbox)."""

from __future__ import annotations

from bot.flows.context import Context
from bot.services import agreements, clock, closings, events, meetings, outbox, partnerships, profiles, program
from messages.home import PartnershipLine, home_view


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
            lines.append(PartnershipLine(
                partnership_id=p.id, partner_user_id=p.other(person.id).slack_user_id,
                partner_name=p.other(person.id).display_name, status=p.status,
                agreement_status=agreements.status_words(agreement, p), has_agreement=agreement is not None,
                last_meeting=last.held_on if last else None, last_minutes=last.minutes if last else None,
                next_meeting=upcoming, planned_end=p.planned_end,
            ))
        return home_view(prog.name, person, lines, ov.incoming, ov.outgoing, objective=prog.objective,
                         testimonials=closings.testimonials_about(session, person))


def home_opened(ctx: Context, team_id: str, user_id: str, event_id: str | None) -> bool:
    """Someone opened the Home tab: publish it. The event is recorded in the same transaction as the publish it
    asks for, so a retry of it is a no-op and a crash before the commit leaves Slack's retry to do the work."""
    with ctx.db.uow() as session:
        if event_id and not events.first_delivery(session, event_id[:64], team_id):
            return False
        outbox.publish_home(session, team_id, user_id)
        return True
