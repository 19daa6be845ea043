"""Topic sessions: a participant hosts "come learn about X" for a number of seats; others take a seat or give it up;
the host can cancel (everyone with a seat is told); the day before, everyone with a seat and the host are reminded."""

from __future__ import annotations

from datetime import datetime

from bot.flows.context import Context
from bot.services import clock, keys, outbox, profiles, program, topics
from messages import topics as blocks
from messages.common import esc


def host_form(ctx: Context, team_id: str, user_id: str) -> dict:
    """`/mentor topic` (or the list's "Host a session"): the modal, its time read in the host's own time zone.
    Only participants host, and only with topic sessions on."""
    with ctx.db.uow() as session:
        me = topics.can_host(session, team_id, user_id, ctx.settings)
        return blocks.topic_modal(me.tz or "UTC")


def host_topic(ctx: Context, team_id: str, user_id: str, form: topics.TopicForm) -> str:
    """List a new session; returns the host's notice (when it is, and that it is listed)."""
    with ctx.db.uow() as session:
        return blocks.hosted_notice(topics.host(session, team_id, user_id, form, ctx.settings))


def list_topics(ctx: Context, team_id: str, user_id: str, offset: int = 0, note: str | None = None) -> dict:
    """`/mentor topics`: the sessions coming up, one page from `offset`, with Join / Leave / Cancel for this person,
    and `note` (what just happened) on top."""
    with ctx.db.uow() as session:
        page = topics.upcoming(session, team_id, user_id, ctx.settings, offset)
        name = program.current(session, team_id, ctx.settings).name
    return blocks.topics_message(name, page, note)


def join_topic(ctx: Context, team_id: str, user_id: str, topic_id: object, offset: int = 0) -> dict:
    """Take a seat (the last seat goes to one person only); returns the list again with what happened on top."""
    with ctx.db.uow() as session:
        topic = topics.join(session, team_id, user_id, topic_id, ctx.settings)
        note = f"You have a seat at *{esc(topic.title)}*. You'll get a reminder the day before."
    return list_topics(ctx, team_id, user_id, offset, note)


def leave_topic(ctx: Context, team_id: str, user_id: str, topic_id: object, offset: int = 0) -> dict:
    """Give up one's seat; returns the list again with what happened on top."""
    with ctx.db.uow() as session:
        topic = topics.leave(session, team_id, user_id, topic_id, ctx.settings)
        note = f"You gave up your seat at *{esc(topic.title)}*."
    return list_topics(ctx, team_id, user_id, offset, note)


def cancel_topic(ctx: Context, team_id: str, user_id: str, topic_id: object, offset: int = 0) -> dict:
    """The host calls their session off (nobody else may): everyone with a seat gets a DM saying so, once. Returns
    the list again with what happened on top."""
    with ctx.db.uow() as session:
        topic, host, people = topics.cancel(session, team_id, user_id, topic_id, ctx.settings)
        message = blocks.cancelled_message(program.current(session, topic.team_id, ctx.settings).name, topic, host)
        outbox.enqueue_many(session, [
            {"team_id": topic.team_id, "key": keys.topic_cancelled(topic.id, person.id), "kind": "topic-cancelled",
             "recipient": person.slack_user_id, "payload": message, "priority": 1}
            for person in people])
        told = f" The {len(people)} people with a seat are being told." if len(people) > 1 else \
            " The person with a seat is being told." if people else ""
        note = f"*{esc(topic.title)}* is cancelled.{told}"
    return list_topics(ctx, team_id, user_id, offset, note)


def send_reminders(ctx: Context, now: datetime | None = None) -> int:
    """The topic-reminders job: the day before a session (in each person's own time zone), everyone with a seat
    and its host get a reminder, once. Returns how many were written."""
    now = now or clock.now()
    written = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            written += outbox.enqueue_many(session, [
                {"team_id": team_id, "key": keys.topic_reminder(d.topic.id, d.person.id), "kind": "topic-reminder",
                 "recipient": d.person.slack_user_id, "payload": blocks.reminder_message(d.topic, d.host, d.person, d.going)}
                for d in topics.reminders_due(session, team_id, now)])
    return written
