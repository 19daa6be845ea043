"""Topic sessions' use cases: the last seat goes to one person however many take it at once, only the host cancels
(everyone with a seat is told, once), and the day-before reminders are written once however often the job runs."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.flows import topics as flow
from bot.services import clock, keys, profiles, program, topics
from bot.services.errors import Conflict, DomainError, NotAllowed
from models import Person, TopicAttendee, TopicSession
from tests.flows.conftest import TEAM, outbox_rows


@pytest.fixture
def people(ctx):
    """Topic sessions on; Ada (U1), Bea (U2) and Cy (U3) joined the program (their time zone: UTC)."""
    with ctx.db.uow() as session:
        program.config_row(session, TEAM).program_types = ["peer", "topics"]
        for user_id in ("U1", "U2", "U3"):
            profiles.save(session, TEAM, user_id, profiles.ProfileForm(offers=["SQL"], wants=["Go"], goals=["knowledge"],
                                                                       department="Engineering", level=3))
    return ctx


def host(ctx, user_id: str = "U1", *, seats: int = 5, days: int = 2) -> int:
    day = (clock.now() + timedelta(days=days)).date()
    flow.host_topic(ctx, TEAM, user_id, topics.TopicForm(title="Come learn about SQL", day=day, at=time(12, 0),
                                                         minutes=60, seats=seats))
    with ctx.db.uow() as session:
        return session.scalars(select(TopicSession.id).order_by(TopicSession.id.desc())).first()


def person_id(ctx, user_id: str) -> int:
    with ctx.db.uow() as session:
        return session.scalars(select(Person.id).where(Person.slack_user_id == user_id)).one()


def test_the_last_seat_taken_twice_at_once_gives_one_seat(people):
    ctx = people
    topic_id = host(ctx, seats=1)
    start, outcomes = threading.Barrier(2), {}

    def take(user_id: str) -> None:
        start.wait()
        try:
            flow.join_topic(ctx, TEAM, user_id, str(topic_id))
            outcomes[user_id] = "seat"
        except Conflict as exc:
            outcomes[user_id] = exc.message

    threads = [threading.Thread(target=take, args=(u,)) for u in ("U2", "U3")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == ["Sorry, all 1 seats at “Come learn about SQL” are taken.", "seat"]
    with ctx.db.uow() as session:
        assert len(session.scalars(select(TopicAttendee).where(TopicAttendee.session_id == topic_id)).all()) == 1


def test_joining_shows_the_list_again_with_the_seat_on_top(people):
    ctx = people
    topic_id = host(ctx)
    message = flow.join_topic(ctx, TEAM, "U2", str(topic_id), 0)
    assert message["text"] == "You have a seat at *Come learn about SQL*. You'll get a reminder the day before."
    with pytest.raises(Conflict, match="already have a seat"):
        flow.join_topic(ctx, TEAM, "U2", str(topic_id), 0)
    assert "gave up your seat" in flow.leave_topic(ctx, TEAM, "U2", str(topic_id))["text"]


def test_a_forged_cancel_of_someone_elses_topic_is_refused(people):
    ctx = people
    topic_id = host(ctx, "U1")
    flow.join_topic(ctx, TEAM, "U2", str(topic_id))
    with pytest.raises(NotAllowed, match="Only the session's host"):
        flow.cancel_topic(ctx, TEAM, "U2", str(topic_id))
    with pytest.raises(DomainError):  # an id from another workspace is no better
        flow.cancel_topic(ctx, "T0OTHER", "U1", str(topic_id))
    with ctx.db.uow() as session:
        assert session.get(TopicSession, topic_id).status == "open"
    assert outbox_rows(ctx) == []


def test_the_host_cancels_and_everyone_with_a_seat_is_told_once(people):
    ctx = people
    topic_id = host(ctx, "U1")
    for user_id in ("U2", "U3"):
        flow.join_topic(ctx, TEAM, user_id, str(topic_id))
    message = flow.cancel_topic(ctx, TEAM, "U1", str(topic_id))
    assert message["text"] == "*Come learn about SQL* is cancelled. The 2 people with a seat are being told."
    with pytest.raises(Conflict):  # a double click
        flow.cancel_topic(ctx, TEAM, "U1", str(topic_id))
    rows = outbox_rows(ctx, "topic-cancelled")
    assert sorted((r.recipient, r.key) for r in rows) == [
        ("U2", keys.topic_cancelled(topic_id, person_id(ctx, "U2"))),
        ("U3", f"topic-cancelled:{topic_id}:{person_id(ctx, 'U3')}")]


def test_the_day_before_everyone_with_a_seat_and_the_host_are_reminded_once(people):
    ctx = people
    topic_id = host(ctx, "U1", days=1)
    flow.join_topic(ctx, TEAM, "U2", str(topic_id))
    now = datetime.combine(clock.now().date(), time(9, 0), tzinfo=UTC)
    assert flow.send_reminders(ctx, now) == 2
    assert flow.send_reminders(ctx, now) == 0  # the job ran twice
    rows = outbox_rows(ctx, "topic-reminder")
    assert sorted((r.recipient, r.key) for r in rows) == [
        ("U1", f"topic-reminder:{topic_id}:{person_id(ctx, 'U1')}"), ("U2", keys.topic_reminder(topic_id, person_id(ctx, "U2")))]
