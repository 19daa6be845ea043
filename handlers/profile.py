"""`/mentor join` and `/mentor profile`: the profile modal and what happens when it is saved."""

from __future__ import annotations

import logging

from bot.flows import profiles
from bot.services.profiles import SELF_ASSESSMENT, ProfileForm
from handlers import boundaries
from handlers.common import Deps, deliver_now, guarded, open_view, slack_profile, submit_form, team_of, user_of
from messages import ids

log = logging.getLogger("mentor_bot.profile")

# The form's self-assessment is one field of the ProfileForm but several inputs in the modal: its errors go on the first.
_BLOCK_FOR = {"self_assessment": f"assess_{next(iter(SELF_ASSESSMENT))}"}


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
        recognition_opt_in="yes" in (values.get("recognition_opt_in") or []),
        **{field: values[field] for field in ("work_start", "work_end", "work_days") if values.get(field) is not None},
    )


def cmd_profile(deps: Deps, ack, body, client, rest: str) -> None:
    """`/mentor join`, `/mentor profile`, `/mentor edit`: the profile modal."""
    ack()
    open_view(client, body, profiles.profile_form(deps, team_of(body), user_of(body)))


def register(app, deps: Deps) -> None:
    @app.action(ids.OPEN_PROFILE)
    @guarded
    def open_from_button(ack, body, client):
        ack()
        open_view(client, body, profiles.profile_form(deps, team_of(body), user_of(body)))

    @app.view(ids.PROFILE_MODAL)
    @guarded
    def save(ack, body, view, client):
        team_id, user_id = team_of(body), user_of(body)
        saved = submit_form(ack, view, parse, lambda form: profiles.save_profile(deps, team_id, user_id, form),
                            title="Not saved", block_for=_BLOCK_FOR)
        if saved is None:
            return
        ack()
        if (slack := slack_profile(client, user_id)) is not None:
            profiles.mirror_slack_profile(deps, saved.person_id, slack)
        boundaries.mirror_manager(deps, client, team_id, user_id)  # the Slack profile's manager field, when set
        deliver_now(deps)
