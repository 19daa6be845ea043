"""`/mentor find`: ranked peers with reasons, paging, and the "Ask to partner" modal."""

from __future__ import annotations

import threading
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, ValidationError

from bot.services import match_index, matching, outbox, partnerships, profiles, program
from bot.services.errors import DomainError
from messages import ids
from messages import find as find_blocks
from messages import requests as request_blocks
from handlers.common import (
    Deps,
    action_value,
    deliver_now,
    guarded,
    notice_view,
    open_view,
    refuse_in_modal,
    reply,
    team_of,
    user_of,
)
from handlers.forms import field_errors, metadata, state_values
from handlers.home import publish_home

MAX_WORDS = 5


class PageHint(BaseModel):
    """What a "Show more" button carries: the next page and the words searched for."""

    p: int = Field(default=0, ge=0, le=1000)
    q: list[Annotated[str, StringConstraints(max_length=60)]] = Field(default_factory=list, max_length=MAX_WORDS)


def find_message(deps: Deps, team_id: str, user_id: str, words: list[str], page: int = 0) -> dict:
    with deps.db.uow() as session:
        me = profiles.current(session, team_id, user_id)
        if me is None:
            return find_blocks.not_joined()
        result = matching.find(session, me, words[:MAX_WORDS], page)
        return find_blocks.results(result, words[:MAX_WORDS])


def register(app, deps: Deps) -> None:
    # find ranks from an in-memory index of skills (bot/services/match_index.py): build it now, not on the first search
    threading.Thread(target=match_index.warm, args=(deps.db,), name="find-index", daemon=True).start()

    @app.action(ids.FIND)
    @guarded
    def find_button(ack, body, client, respond):
        ack()
        reply(client, body, respond, find_message(deps, team_of(body), user_of(body), []))

    @app.action(ids.FIND_MORE)
    @guarded
    def more(ack, body, client, respond):
        ack()
        try:
            hint = PageHint.model_validate_json(action_value(body) or "{}")
        except ValidationError:
            hint = PageHint()
        reply(client, body, respond, find_message(deps, team_of(body), user_of(body), hint.q, hint.p), replace=True)

    @app.action(ids.matcher(ids.ASK))
    @guarded
    def ask(ack, body, client):
        ack()
        with deps.db.uow() as session:
            profiles.require(session, team_of(body), user_of(body))
            target = profiles.participant(session, team_of(body), action_value(body))
            view = find_blocks.ask_modal(target.id, target.slack_user_id)
        open_view(client, body, view)

    @app.view(ids.ASK_MODAL)
    @guarded
    def send_request(ack, body, view, client):
        team_id, user_id = team_of(body), user_of(body)
        try:
            note = partnerships.RequestForm(note=state_values(view).get("note")).note
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc))
            return
        try:
            with deps.db.uow() as session:
                me = profiles.require(session, team_id, user_id)
                partnership = partnerships.request(session, me, metadata(view).get("person_id"), note)
                target = partnership.other(me.id)
                message = request_blocks.request_dm(program.current(session, team_id, deps.settings).name, me, note,
                                                    partnership.id,
                                                    partnership.request.expires_at)
                target_user, pid = target.slack_user_id, partnership.id
                outbox.enqueue(session, team_id, f"request:{pid}", "request", target_user, message,
                               if_undelivered=(user_id, request_blocks.undelivered_for_requester(target_user)))
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Request not sent")
            return
        ack(response_action="update", view=notice_view("Request sent", request_blocks.request_sent(target_user)))
        deliver_now(deps)
        with deps.db.uow() as session:
            if (sent := outbox.sent(session, f"request:{pid}")) is not None:
                partnerships.record_request_message(session, pid, sent.slack_channel, sent.slack_ts)
        publish_home(client, deps, team_id, user_id, target_user)
