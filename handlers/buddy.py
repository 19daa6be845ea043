"""Onboarding buddies: a new member of the program's onboarding channel, or someone an admin adds with
`/mentor buddy @person`, gets a welcome with a small form, then an introduction to a buddy from their department."""

from __future__ import annotations

import logging
import re

from pydantic import ValidationError

from bot.services import buddies, clock, outbox, profiles, program
from bot.services.errors import DomainError
from messages import ids
from messages import buddy as blocks
from messages import rounds as intro_messages
from handlers.common import (
    Deps,
    deliver_now,
    guarded,
    notice_view,
    open_view,
    refuse_in_modal,
    team_of,
    user_of,
)
from handlers.forms import field_errors, state_values
from handlers.profile import _mirror_slack_profile

log = logging.getLogger("mentor_bot.buddy")
MENTION = re.compile(r"<@([UW][A-Z0-9]{1,31})(?:\|[^>]*)?>")


def _send_welcome(session, result: buddies.Result) -> bool:
    """Write the welcome to the outbox (once per person, ever); False when it was written before."""
    prog = result.program
    return outbox.enqueue(session, prog.team_id, buddies.welcome_key(prog.team_id, result.user_id), "buddy-welcome",
                          result.user_id, blocks.welcome(prog.name, prog.objective, result.user_id))


def _tell_no_buddy(session, result: buddies.Result) -> None:
    """Nobody can be this newcomer's buddy: the admins are told (once a day per newcomer), and the newcomer too."""
    person, today = result.person, clock.now().date()
    department = person.department if person else ""
    for admin in result.admins:
        outbox.enqueue(session, result.program.team_id, buddies.no_buddy_key(person.id, admin, today), "buddy-none",
                       admin, blocks.no_buddy_for_admins(result.user_id, department))
    outbox.enqueue(session, result.program.team_id, buddies.no_buddy_key(person.id, result.user_id, today),
                   "buddy-none", result.user_id, blocks.no_buddy_for_newcomer(department))


def _admin_add(deps: Deps, team_id: str, actor: str, form: buddies.AddForm) -> str:
    """Run an admin's add and write its messages; returns the answer for the admin."""
    with deps.db.uow() as session:
        result = buddies.admin_add(session, team_id, actor, form, deps.settings, intro_messages)
        welcomed = True
        if result.outcome == "welcome":
            welcomed = _send_welcome(session, result)
        elif result.outcome == "no_buddy":
            _tell_no_buddy(session, result)
        return blocks.for_admin(result.outcome, result.user_id, welcomed=welcomed,
                                buddy_user_id=result.buddy.slack_user_id if result.buddy else None,
                                reason=result.reason, department=result.person.department if result.person else "")


def commands(deps: Deps) -> dict:
    """Subcommand name -> handler(ack, body, client, rest), added to /mentor's routes."""

    def buddy(ack, body, client, rest):
        team_id, actor = team_of(body), user_of(body)
        found = MENTION.search(rest or "")
        if found is None:
            with deps.db.uow() as session:  # a non-admin is refused before anything opens
                program.require_admin(session, team_id, actor, deps.settings)
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=blocks.admin_modal())
            return
        text = _admin_add(deps, team_id, actor, buddies.AddForm(user_id=found.group(1)))
        ack(response_type="ephemeral", text=text)
        deliver_now(deps)

    return {"buddy": buddy}


def register(app, deps: Deps) -> None:
    @app.event("member_joined_channel")
    def joined(body, event, context):
        team_id = body.get("team_id") or event.get("team") or ""
        user_id, channel_id = event.get("user") or "", event.get("channel") or ""
        if not user_id or user_id == context.get("bot_user_id"):
            return
        try:
            with deps.db.uow() as session:
                result = buddies.channel_joined(session, team_id, user_id, channel_id, deps.settings)
                if result is None or not _send_welcome(session, result):
                    return
        except Exception:
            log.exception("welcome for a new member failed team=%s user=%s channel=%s", team_id, user_id, channel_id)
            return
        deliver_now(deps)

    @app.action(ids.BUDDY_START)
    @guarded
    def start(ack, body, client):
        ack()
        with deps.db.uow() as session:
            person = profiles.current(session, team_of(body), user_of(body))
            view = blocks.newcomer_modal(person.department if person else "", person.level if person else None)
        open_view(client, body, view)

    @app.view(ids.BUDDY_MODAL)
    @guarded
    def answer(ack, body, view, client):
        values = state_values(view)
        try:
            form = buddies.NewcomerForm(department=values.get("department") or "", level=values.get("level"))
        except ValidationError as exc:
            return ack(response_action="errors", errors=field_errors(exc))
        team_id, user_id = team_of(body), user_of(body)
        try:
            with deps.db.uow() as session:
                person_id = buddies.enroll(session, team_id, user_id, form, deps.settings).id
        except DomainError as exc:
            return refuse_in_modal(ack, exc, "Your onboarding buddy")
        ack()
        _mirror_slack_profile(client, deps, person_id, user_id)  # the buddy's introduction names them
        with deps.db.uow() as session:
            result = buddies.find_buddy(session, team_id, user_id, deps.settings, intro_messages)
            if result.outcome == "no_buddy":
                _tell_no_buddy(session, result)
            elif result.outcome == "has_buddy":
                outbox.enqueue(session, team_id, f"buddy-has:{person_id}:{clock.now():%Y-%m-%d}", "buddy-none", user_id,
                               blocks.already_has_buddy())
        deliver_now(deps)

    @app.view(ids.BUDDY_ADMIN_MODAL)
    @guarded
    def admin_add(ack, body, view):
        try:
            form = buddies.AddForm(user_id=state_values(view).get("newcomer"))
        except ValidationError as exc:
            return ack(response_action="errors", errors=field_errors(exc, {"user_id": "newcomer"}))
        try:
            text = _admin_add(deps, team_of(body), user_of(body), form)
        except DomainError as exc:
            return refuse_in_modal(ack, exc, "Give a buddy")
        ack(response_action="update", view=notice_view("Give a buddy", text))
        deliver_now(deps)
