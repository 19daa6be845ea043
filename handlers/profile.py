"""`/mentor join` and `/mentor profile`: the profile modal and what happens when it is saved."""

from __future__ import annotations

import logging

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError

from bot.services import profiles, program, skills
from bot.services.profiles import SELF_ASSESSMENT, ProfileForm
from messages import ids
from messages.common import actions, button, cut, esc, section
from messages.profile import profile_modal
from handlers.common import Deps, dm, guarded, open_view, program_of, team_of, user_of
from handlers.forms import field_errors, state_values
from handlers.home import publish_home

log = logging.getLogger("mentor_bot.profile")


def open_profile(client, deps: Deps, body: dict) -> None:
    with deps.db.uow() as session:
        person = profiles.current(session, team_of(body), user_of(body))
        form = profiles.to_form(person) if person is not None else None
        known = [s.name for s in skills.popular(session, team_of(body))]
        prog = program.current(session, team_of(body), deps.settings)
    open_view(client, body, profile_modal(prog.name, form, known, default_capacity=prog.default_capacity))


def parse(values: dict) -> ProfileForm:
    def names(kind: str) -> list[str]:
        return list(values.get(f"{kind}_pick") or []) + [values.get(kind) or ""]

    return ProfileForm(
        offers=names("offers"),
        wants=names("wants"),
        goals=values.get("goals") or [],
        goals_note=values.get("goals_note") or "",
        department=values.get("department") or "",
        level=values.get("level"),
        capacity=values.get("capacity") or 2,
        cross_department=values.get("cross_department") != "no",
        reverse_mentoring="yes" in (values.get("reverse_mentoring") or []),
        leadership_interest="yes" in (values.get("leadership_interest") or []),
        self_assessment={k: values[f"assess_{k}"] for k in SELF_ASSESSMENT if values.get(f"assess_{k}")},
    )


def _mirror_slack_profile(client, deps: Deps, person_id: int, user_id: str) -> None:
    """Name, title and time zone come from Slack, never from the form."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        log.warning("users.info failed user=%s error=%s", user_id, exc.response.get("error"))
        return
    prof = user.get("profile") or {}
    with deps.db.uow() as session:
        profiles.refresh_from_slack(
            session, person_id,
            name=prof.get("real_name") or user.get("real_name") or prof.get("display_name") or user.get("name") or "",
            title=prof.get("title") or "", tz=user.get("tz"), tz_offset=user.get("tz_offset"),
        )


def register(app, deps: Deps) -> None:
    @app.action(ids.OPEN_PROFILE)
    @guarded
    def open_from_button(ack, body, client):
        ack()
        open_profile(client, deps, body)

    @app.view(ids.PROFILE_MODAL)
    @guarded
    def save(ack, body, view, client):
        try:
            form = parse(state_values(view))
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc, {"self_assessment": "assess_listening"}))
            return
        team_id, user_id = team_of(body), user_of(body)
        with deps.db.uow() as session:
            person, created = profiles.save(session, team_id, user_id, form)
            person_id = person.id
        ack()
        _mirror_slack_profile(client, deps, person_id, user_id)
        if created:
            prog = program_of(deps, team_id)
            dm(client, user_id, {
                "text": f"Welcome to {prog.name}!",
                "blocks": [
                    section(f"*Welcome to {esc(prog.name)}!* Your profile is saved. Next, see which peers suit "
                            "you best and ask one to partner."
                            + (f"\n*Our objective:* {esc(cut(prog.objective, 500))}" if prog.objective else "")),
                    actions(button("Find a partner", ids.FIND, style="primary"), block_id="welcome_actions"),
                ],
            })
        publish_home(client, deps, team_id, user_id)
