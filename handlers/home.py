"""App Home: published when opened and after anything that changes what it shows."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.services import agreements, clock, closings, meetings, partnerships, profiles, program
from handlers import ids
from handlers.blocks.help import help_message
from handlers.blocks.home import PartnershipLine, home_view
from handlers.common import Deps, guarded, program_of, reply, team_of, user_of

log = logging.getLogger("mentor_bot.home")


def build_home(deps: Deps, team_id: str, user_id: str) -> dict:
    with deps.db.uow() as session:
        person = profiles.current(session, team_id, user_id)
        prog = program.current(session, team_id, deps.settings)
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


def publish_home(client, deps: Deps, team_id: str, *user_ids: str) -> None:
    """Refresh the Home tab of these people; a failure here never undoes what they did."""
    for user_id in dict.fromkeys(user_ids):
        try:
            client.views_publish(user_id=user_id, view=build_home(deps, team_id, user_id))
        except SlackApiError as exc:
            log.warning("home publish failed team=%s user=%s error=%s", team_id, user_id, exc.response.get("error"))


def register(app, deps: Deps) -> None:
    @app.event("app_home_opened")
    @guarded
    def home_opened(body, event, client):
        if event.get("tab", "home") == "home":
            publish_home(client, deps, team_of(body), event["user"])

    @app.action(ids.HELP)
    @guarded
    def show_help(ack, body, client, respond):
        ack()
        with deps.db.uow() as session:
            joined = profiles.current(session, team_of(body), user_of(body)) is not None
        prog = program_of(deps, team_of(body))
        reply(client, body, respond, help_message(prog.name, joined=joined, objective=prog.objective))
