"""topic-reminders: the day before a topic session, a reminder to everyone with a seat and to its host, once."""

from __future__ import annotations

from bot.services import clock, outbox, profiles, topics
from messages.topics import reminder_message
from jobs import JobContext


def run(ctx: JobContext) -> str:
    now = clock.now()
    new = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            due = topics.reminders_due(session, team_id, now)
            new += outbox.enqueue_many(session, [
                {"team_id": team_id, "key": topics.reminder_key(d.topic.id, d.person.id), "kind": "topic-reminder",
                 "recipient": d.person.slack_user_id, "payload": reminder_message(d.topic, d.host, d.person, d.going)}
                for d in due])
    report = ctx.deliver()
    return f"{new} topic session reminder(s) written; delivery: {report}"
