"""Onboarding buddies: a new member of the program's onboarding channel, or someone an admin adds with
`/mentor buddy @person`, gets a welcome with a small form, then an introduction to a buddy from their department."""

from __future__ import annotations

import logging
import re

from bot.flows import buddies as flow
from bot.services import buddies
from handlers.common import (
    Deps,
    deliver_now,
    guarded,
    notice_view,
    open_view,
    slack_profile,
    submit_form,
    team_of,
    user_of,
)
from messages import ids

log = logging.getLogger("mentor_bot.buddy")
MENTION = re.compile(r"<@([UW][A-Z0-9]{1,31})(?:\|[^>]*)?>")


def cmd_buddy(deps: Deps, ack, body, client, rest) -> None:
    """`/mentor buddy @person` gives them a buddy now; `/mentor buddy` opens the admin's modal."""
    team_id, actor = team_of(body), user_of(body)
    found = MENTION.search(rest or "")
    if found is None:
        view = flow.admin_buddy_form(deps, team_id, actor)  # a non-admin is refused before anything opens
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)
        return
    text = flow.add_buddy(deps, team_id, actor, buddies.AddForm(user_id=found.group(1)))
    ack(response_type="ephemeral", text=text)
    deliver_now(deps)


def register(app, deps: Deps) -> None:
    @app.event("member_joined_channel")
    def joined(body, event, context):
        team_id = team_of(body) or event.get("team") or ""
        user_id, channel_id = event.get("user") or "", event.get("channel") or ""
        if not user_id or user_id == context.get("bot_user_id"):
            return
        try:
            if not flow.member_joined(deps, team_id, user_id, channel_id, body.get("event_id")):
                return
        except Exception:
            log.exception("welcome for a new member failed team=%s user=%s channel=%s", team_id, user_id, channel_id)
            return
        deliver_now(deps)

    @app.action(ids.BUDDY_START)
    @guarded
    def start(ack, body, client):
        ack()
        open_view(client, body, flow.newcomer_form(deps, team_of(body), user_of(body)))

    @app.view(ids.BUDDY_MODAL)
    @guarded
    def answer(ack, body, view, client):
        team_id, user_id = team_of(body), user_of(body)
        outcome = submit_form(
            ack, view,
            lambda values: buddies.NewcomerForm(department=values.get("department") or "", level=values.get("level")),
            lambda form: flow.submit_newcomer_form(deps, team_id, user_id, form, slack_profile(client, user_id)),
            title="Your onboarding buddy")
        if outcome is None:
            return
        ack()
        deliver_now(deps)

    @app.view(ids.BUDDY_ADMIN_MODAL)
    @guarded
    def admin_add(ack, body, view):
        text = submit_form(ack, view, lambda values: buddies.AddForm(newcomer=values.get("newcomer")),
                           lambda form: flow.add_buddy(deps, team_of(body), user_of(body), form), title="Give a buddy")
        if text is None:
            return
        ack(response_action="update", view=notice_view("Give a buddy", text))
        deliver_now(deps)
