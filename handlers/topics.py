"""`/mentor topic` (host a session) and `/mentor topics` (the list, with Join / Leave / Cancel)."""

from __future__ import annotations

from bot.flows import topics as flow
from bot.services import topics
from handlers.common import (
    Deps,
    action_value,
    deliver_now,
    guarded,
    notice_view,
    open_view,
    reply,
    submit_form,
    team_of,
    user_of,
)
from handlers.forms import id_and_offset
from messages import ids

FIELDS = ("title", "description", "day", "at", "minutes", "seats")


def cmd_topic(deps: Deps, ack, body, client, rest) -> None:
    view = flow.host_form(deps, team_of(body), user_of(body))
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def cmd_topics(deps: Deps, ack, body, client, rest) -> None:
    ack(response_type="ephemeral", **flow.list_topics(deps, team_of(body), user_of(body)))


def register(app, deps: Deps) -> None:
    @app.action(ids.TOPIC_HOST)
    @guarded
    def host_button(ack, body, client):
        ack()
        open_view(client, body, flow.host_form(deps, team_of(body), user_of(body)))

    @app.view(ids.TOPIC_MODAL)
    @guarded
    def save(ack, body, view):
        notice = submit_form(ack, view, lambda values: topics.TopicForm(**{k: values.get(k) for k in FIELDS}),
                             lambda form: flow.host_topic(deps, team_of(body), user_of(body), form), title="Not listed")
        if notice is None:
            return
        ack(response_action="update", view=notice_view("Session listed", notice))

    @app.action(ids.matcher(ids.TOPIC_PAGE))
    @guarded
    def page(ack, body, client, respond):
        ack()
        _, offset = id_and_offset(":" + (action_value(body) or ""))
        reply(deps, body, respond, flow.list_topics(deps, team_of(body), user_of(body), offset), replace=True)

    def on_topic(action_id: str, use_case, *, sends: bool = False) -> None:
        """Join, Leave or Cancel on a session of the list: the list comes back in place, with what happened on top."""
        @app.action(ids.matcher(action_id))
        @guarded
        def change(ack, body, client, respond):
            ack()
            topic_id, offset = id_and_offset(action_value(body))
            reply(deps, body, respond, use_case(deps, team_of(body), user_of(body), topic_id, offset), replace=True)
            if sends:  # a cancellation tells everyone with a seat
                deliver_now(deps)

    on_topic(ids.TOPIC_JOIN, flow.join_topic)
    on_topic(ids.TOPIC_LEAVE, flow.leave_topic)
    on_topic(ids.TOPIC_CANCEL, flow.cancel_topic, sends=True)
