"""`/mentor boundaries` (my manager, my private don't-suggest list), `/mentor admin rules` (the program's matching
rules), and reading the manager field of a person's Slack profile."""

from __future__ import annotations

import logging
import re

from slack_sdk.errors import SlackApiError

from bot.flows import boundaries as flow
from bot.services.boundaries import BoundariesForm, RulesForm
from handlers.common import Deps, guarded, open_view, reply, submit_form, team_of, user_of
from messages import boundaries as blocks
from messages import ids
from messages.common import note

log = logging.getLogger("mentor_bot.boundaries")
_USER = re.compile(r"\b[UW][A-Z0-9]{1,31}\b")
UNREAD = object()  # Slack could not say: keep what is known


def parse_mine(values: dict) -> BoundariesForm:
    return BoundariesForm(manager=values.get("manager"), dont_suggest=values.get("dont_suggest") or [])


def parse_rules(values: dict) -> RulesForm:
    return RulesForm(separate_departments="yes" in (values.get("separate_departments") or []),
                     first=values.get("first"), second=values.get("second"), remove=values.get("remove") or [])


def cmd_boundaries(deps: Deps, ack, body, client, rest: str) -> None:
    """`/mentor boundaries`: the "Matching boundaries" modal (refused before anything opens for someone not in the
    program)."""
    view = flow.boundaries_form(deps, team_of(body), user_of(body))
    ack()
    open_view(client, body, view)


def cmd_rules(deps: Deps, ack, body, client, rest: str) -> None:
    """`/mentor admin rules`: the admins' "Matching rules" modal."""
    view = flow.rules_form(deps, team_of(body), user_of(body))
    ack()
    open_view(client, body, view)


def slack_manager(client, user_id: str, field_id: str) -> object:
    """The Slack user id the profile's manager field names (None: it names nobody), or UNREAD when Slack can't say
    (users.profile.get failed): a person's boundaries never drop because Slack had a bad minute."""
    try:
        profile = client.users_profile_get(user=user_id)["profile"] or {}
    except SlackApiError as exc:
        log.warning("users.profile.get failed user=%s error=%s", user_id, exc.response.get("error"))
        return UNREAD
    fields = profile.get("fields") or {}
    value = ((fields.get(field_id) or {}).get("value") or "") if isinstance(fields, dict) else ""
    found = _USER.search(str(value))
    return found.group(0) if found else None


def mirror_manager(deps: Deps, client, team_id: str, user_id: str) -> None:
    """Read the manager field (when SLACK_MANAGER_FIELD_ID names one) and keep it as a boundary."""
    field_id = deps.settings.slack_manager_field_id
    if not field_id:
        return
    try:
        manager = slack_manager(client, user_id, field_id)
        if manager is not UNREAD:
            flow.mirror_slack_manager(deps, team_id, user_id, manager if isinstance(manager, str) else None)
    except Exception:  # never in the way of what the person came for (their Home tab, their saved profile)
        log.exception("reading the Slack manager field failed user=%s", user_id)


def register(app, deps: Deps) -> None:
    @app.view(ids.BOUNDARIES_MODAL)
    @guarded
    def save_mine(ack, body, view):
        team_id, user_id = team_of(body), user_of(body)
        saved = submit_form(ack, view, parse_mine, lambda form: flow.save_boundaries(deps, team_id, user_id, form),
                            title="Not saved")
        if saved is None:
            return
        ack()
        reply(deps, body, None, note(blocks.boundaries_saved(saved.manager, saved.dont_suggest)))

    @app.view(ids.RULES_MODAL)
    @guarded
    def save_rules(ack, body, view):
        team_id, user_id = team_of(body), user_of(body)
        changes = submit_form(ack, view, parse_rules, lambda form: flow.save_rules(deps, team_id, user_id, form),
                              title="Matching rules")
        if changes is None:
            return
        ack()
        reply(deps, body, None, note(blocks.rules_saved(changes)))
