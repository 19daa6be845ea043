"""Joining and the profile: the profile modal, saving it, and the name, title and time zone Slack knows."""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows.context import Context
from bot.services import keys, outbox, profiles, program, skills
from bot.services.profiles import ProfileForm, SlackProfile
from messages.profile import profile_modal, welcome


@dataclass(frozen=True)
class Saved:
    person_id: int
    created: bool


def profile_form(ctx: Context, team_id: str, user_id: str) -> dict:
    """The profile modal: filled in with the person's profile, or empty (with popular skills to pick) to join."""
    with ctx.db.uow() as session:
        person = profiles.current(session, team_id, user_id)
        form = profiles.to_form(person) if person is not None else None
        known = [s.name for s in skills.popular(session, team_id)]
        prog = program.current(session, team_id, ctx.settings)
        return profile_modal(prog.name, form, known, default_capacity=prog.default_capacity)


def save_profile(ctx: Context, team_id: str, user_id: str, form: ProfileForm) -> Saved:
    """Save the profile. Someone who just joined gets the welcome DM (once) with "Find a partner"; their Home tab
    shows the profile."""
    with ctx.db.uow() as session:
        person, created = profiles.save(session, team_id, user_id, form)
        if created:
            prog = program.current(session, team_id, ctx.settings)
            outbox.enqueue(session, team_id, keys.welcome(team_id, user_id), "welcome", user_id,
                           welcome(prog.name, prog.objective))
        outbox.publish_home(session, team_id, user_id)
        return Saved(person.id, created)


def mirror_slack_profile(ctx: Context, person_id: int, slack: SlackProfile) -> None:
    """Keep the name, title and time zone as Slack has them."""
    with ctx.db.uow() as session:
        profiles.refresh_from_slack(session, person_id, name=slack.name, title=slack.title, tz=slack.tz,
                                    tz_offset=slack.tz_offset)
