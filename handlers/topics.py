"""`/mentor topic` (host a session) and `/mentor topics` (the list, with Join / Leave / Cancel)."""

from __future__ import annotations

from pydantic import ValidationError

from bot.services import outbox, program, topics
from bot.services.errors import DomainError
from messages import ids
from messages import topics as blocks
from messages.common import esc
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
from handlers.forms import field_errors, id_and_offset, state_values


def topics_message(deps: Deps, team_id: str, user_id: str, offset: int = 0, note: str | None = None) -> dict:
    with deps.db.uow() as session:
        page = topics.upcoming(session, team_id, user_id, deps.settings, offset)
        name = program.current(session, team_id, deps.settings).name
    return blocks.topics_message(name, page, note)


def host_modal(deps: Deps, team_id: str, user_id: str) -> dict:
    with deps.db.uow() as session:
        me = topics.can_host(session, team_id, user_id, deps.settings)
        label = me.tz or "UTC"
    return blocks.topic_modal(label)


def commands(deps: Deps) -> dict:
    """Subcommand name -> handler(ack, body, client, rest), added to /mentor's routes."""

    def topic(ack, body, client, rest):
        view = host_modal(deps, team_of(body), user_of(body))
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def listing(ack, body, client, rest):
        ack(response_type="ephemeral", **topics_message(deps, team_of(body), user_of(body)))

    return {"topic": topic, "topics": listing}


def register(app, deps: Deps) -> None:
    @app.action(ids.TOPIC_HOST)
    @guarded
    def host_button(ack, body, client):
        ack()
        open_view(client, body, host_modal(deps, team_of(body), user_of(body)))

    @app.view(ids.TOPIC_MODAL)
    @guarded
    def save(ack, body, view):
        values = state_values(view)
        try:
            form = topics.TopicForm(**{k: values.get(k) for k in ("title", "description", "day", "at", "minutes",
                                                                  "seats")})
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc))
            return
        try:
            with deps.db.uow() as session:
                topic = topics.host(session, team_of(body), user_of(body), form, deps.settings)
                notice = blocks.hosted_notice(topic)
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Not listed")
            return
        ack(response_action="update", view=notice_view("Session listed", notice))

    @app.action(ids.matcher(ids.TOPIC_PAGE))
    @guarded
    def page(ack, body, client, respond):
        ack()
        _, offset = id_and_offset(":" + (action_value(body) or ""))
        reply(client, body, respond, topics_message(deps, team_of(body), user_of(body), offset), replace=True)

    def act(body, client, respond, change) -> None:
        sid, offset = id_and_offset(action_value(body))
        note = change(sid)
        reply(client, body, respond, topics_message(deps, team_of(body), user_of(body), offset, note), replace=True)

    def seat_action(action_id: str, service, note: str) -> None:
        """Join or Leave: change the seat, then show the list again in place, with what happened on top."""
        @app.action(ids.matcher(action_id))
        @guarded
        def seat(ack, body, client, respond):
            ack()

            def change(sid):
                with deps.db.uow() as session:
                    topic = service(session, team_of(body), user_of(body), sid, deps.settings)
                    return note.format(title=esc(topic.title))
            act(body, client, respond, change)

    seat_action(ids.TOPIC_JOIN, topics.join, "You have a seat at *{title}*. You'll get a reminder the day before.")
    seat_action(ids.TOPIC_LEAVE, topics.leave, "You gave up your seat at *{title}*.")

    @app.action(ids.matcher(ids.TOPIC_CANCEL))
    @guarded
    def cancel(ack, body, client, respond):
        ack()

        def change(sid):
            with deps.db.uow() as session:
                topic, host, people = topics.cancel(session, team_of(body), user_of(body), sid, deps.settings)
                message = blocks.cancelled_message(program.current(session, topic.team_id, deps.settings).name, topic, host)
                outbox.enqueue_many(session, [
                    {"team_id": topic.team_id, "key": f"topic-cancelled:{topic.id}:{person.id}",
                     "kind": "topic-cancelled", "recipient": person.slack_user_id, "payload": message, "priority": 1}
                    for person in people])
                told = f" The {len(people)} people with a seat are being told." if len(people) > 1 else \
                    " The person with a seat is being told." if people else ""
                return f"*{esc(topic.title)}* is cancelled.{told}"
        act(body, client, respond, change)
        deliver_now(deps)
