"""`/mentor find`: ranked peers with reasons, paging, and the "Ask to partner" modal."""

from __future__ import annotations

import threading
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, ValidationError

from bot.flows import find, requests
from bot.services.partnerships import RequestForm
from handlers.common import Deps, action_value, deliver_now, guarded, notice_view, open_view, reply, submit_form, team_of, user_of
from handlers.forms import metadata
from messages import ids
from messages import requests as request_blocks


class PageHint(BaseModel):
    """What a "Show more" button carries: the next page and the words searched for."""

    p: int = Field(default=0, ge=0, le=1000)
    q: list[Annotated[str, StringConstraints(max_length=60)]] = Field(default_factory=list, max_length=find.MAX_WORDS)


def cmd_find(deps: Deps, ack, body, client, rest: str) -> None:
    """`/mentor find [words]`: the first page of suggestions, only for the person who asked."""
    ack(response_type="ephemeral", **find.find_message(deps, team_of(body), user_of(body), rest.split()))


def register(app, deps: Deps) -> None:
    threading.Thread(target=find.warm_index, args=(deps,), name="find-index", daemon=True).start()

    @app.action(ids.FIND)
    @guarded
    def find_button(ack, body, client, respond):
        ack()
        reply(deps, body, respond, find.find_message(deps, team_of(body), user_of(body), []))

    @app.action(ids.FIND_MORE)
    @guarded
    def more(ack, body, client, respond):
        ack()
        try:
            hint = PageHint.model_validate_json(action_value(body) or "{}")
        except ValidationError:
            hint = PageHint()
        reply(deps, body, respond, find.find_message(deps, team_of(body), user_of(body), hint.q, hint.p), replace=True)

    @app.action(ids.matcher(ids.ASK))
    @guarded
    def ask(ack, body, client):
        ack()
        open_view(client, body, requests.ask_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.view(ids.ASK_MODAL)
    @guarded
    def send_request(ack, body, view):
        asked = submit_form(ack, view, lambda values: RequestForm(note=values.get("note")),
                            lambda form: requests.ask(deps, team_of(body), user_of(body), metadata(view).get("person_id"),
                                                      form.note),
                            title="Request not sent")
        if asked is None:
            return
        ack(response_action="update", view=notice_view("Request sent", request_blocks.request_sent(asked.target_user_id)))
        deliver_now(deps)
