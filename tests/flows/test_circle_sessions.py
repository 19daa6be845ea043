"""A circle's sessions as use cases over SQLite: `cancel_open` (what ending a circle calls) takes a planned session
out of calendars once; the job cancels the sessions of circles that ended; with no common working time the
suggestions suit most members and name whom they don't suit; export and delete-my-data cover attendance."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.flows import circle_sessions as flow
from bot.flows import circles as circle_flow
from bot.services import circle_sessions, circles, profiles
from bot.services.circle_sessions import LogForm, PlanForm
from bot.services.errors import Conflict
from models import Circle, CircleAttendance, CircleSession
from models.status import CircleStatus
from tests.flows.conftest import TEAM, outbox_rows


def circle_of_three(ctx) -> int:
    for user_id in ("U1", "U2", "U3"):
        form = profiles.ProfileForm(offers=["SQL"], wants=["Public speaking"], goals=["knowledge"],
                                    department="Engineering", level=3)
        with ctx.db.uow() as session:
            profiles.save(session, TEAM, user_id, form)
    circle_flow.start(ctx, TEAM, "U1", circles.CircleForm(goal="Present with confidence", skills="Public speaking",
                                                          size=4, frequency="fortnightly", minutes=60, months=3))
    with ctx.db.uow() as session:
        circle_id = session.scalars(select(Circle.id)).one()
    for user_id in ("U2", "U3"):
        circle_flow.join(ctx, TEAM, user_id, str(circle_id))
    return circle_id


def plan(ctx, circle_id: int, user_id: str = "U1", day: date = date(2028, 1, 14)) -> CircleSession:
    flow.plan(ctx, TEAM, user_id, PlanForm(circle_id=circle_id, minutes=60, custom_date=day, custom_time=time(10, 0)))
    with ctx.db.uow() as session:
        return session.scalars(select(CircleSession).order_by(CircleSession.id.desc())).first()


def test_cancel_open_takes_the_planned_session_out_of_calendars_once(ctx):
    circle_id = circle_of_three(ctx)
    planned = plan(ctx, circle_id)
    [request] = outbox_rows(ctx, "circle-session-invite")
    assert str(Calendar.from_ical(request.attachment)["METHOD"]) == "REQUEST"
    for _ in range(2):  # a second call (a retried ending) sends nothing again
        with ctx.db.uow() as session:
            circle = session.get(Circle, circle_id)
            circle.status = CircleStatus.ENDED
            flow.cancel_open(session, TEAM, circle)
    [told] = outbox_rows(ctx, "circle-session-cancelled")
    assert "is no longer meeting" in str(told.payload)
    cancel = Calendar.from_ical(outbox_rows(ctx, "circle-session-invite")[-1].attachment)
    [event] = cancel.walk("VEVENT")
    assert str(cancel["METHOD"]) == "CANCEL" and str(event["UID"]) == planned.uid and int(event["SEQUENCE"]) == 1
    assert len(outbox_rows(ctx, "circle-session-invite")) == 2
    with ctx.db.uow() as session:
        assert session.get(CircleSession, planned.id).status == "cancelled"


def test_a_form_opened_before_another_member_planned_changes_nothing(ctx):
    circle_id = circle_of_three(ctx)
    first = plan(ctx, circle_id, "U1")
    with pytest.raises(Conflict, match="Meanwhile another member planned"):
        plan(ctx, circle_id, "U2", day=date(2028, 1, 17))  # Bea's form had no session to move
    flow.plan(ctx, TEAM, "U2", PlanForm(circle_id=circle_id, session_id=first.id, minutes=45,
                                        custom_date=date(2028, 1, 17), custom_time=time(10, 0)))
    with ctx.db.uow() as session:
        [moved] = session.scalars(select(CircleSession)).all()
    assert (moved.uid, moved.sequence, moved.minutes, moved.planned_by_id) == (first.uid, 1, 45, first.planned_by_id)
    assert len(outbox_rows(ctx, "circle-session-planned")) == 2


def test_the_job_cancels_the_sessions_of_a_circle_that_ended(ctx):
    circle_id = circle_of_three(ctx)
    plan(ctx, circle_id)
    with ctx.db.uow() as session:
        session.get(Circle, circle_id).status = CircleStatus.ENDED
    done = flow.send_followups(ctx)
    assert (done.asked, done.cancelled) == (0, 1)
    assert len(outbox_rows(ctx, "circle-session-cancelled")) == 1
    assert flow.send_followups(ctx).cancelled == 0


def _member(name: str, tz: str):
    return SimpleNamespace(display_name=name, slack_user_id=name, tz=tz, tz_offset=0, work_start_minutes=9 * 60,
                           work_end_minutes=17 * 60, work_days="01234")


def test_with_no_common_working_time_the_times_suit_most_and_say_whom_they_don_t_suit():
    ada, bea, cy = _member("Ada", "Europe/London"), _member("Bea", "Europe/London"), _member("Cy", "Australia/Sydney")
    times, shared = circle_sessions.suggest([ada, bea, cy], ada, 60, datetime(2028, 1, 13, tzinfo=UTC))
    assert not shared and len(times) == 6
    for item in times:
        assert item.not_for == [cy]  # inside both Londoners' working hours, outside Sydney's
        local = item.at.astimezone(circle_sessions.zone(cy))  # but inside Cy's waking day
        assert time(7) <= local.time() <= time(20)


def test_export_lists_the_sessions_i_came_to_and_delete_clears_them(ctx):
    circle_id = circle_of_three(ctx)
    flow.log(ctx, TEAM, "U2", LogForm(circle_id=circle_id, held_on=date(2028, 1, 11), minutes=45, topics="Openings",
                                      came=[_id(ctx, "U1"), _id(ctx, "U2")]))
    with ctx.db.uow() as session:
        mine = circles.export(session, profiles.require(session, TEAM, "U2"))
        theirs = circles.export(session, profiles.require(session, TEAM, "U3"))
    assert mine[0]["sessions_i_came_to"] == [{"held_on": "2028-01-11", "minutes": 45, "status": "held",
                                              "i_logged_it": True, "topics": "Openings"}]
    assert theirs[0]["sessions_i_came_to"] == []  # Cy didn't come
    with ctx.db.uow() as session:
        circles.forget(session, _id(ctx, "U2"))
    with ctx.db.uow() as session:
        assert session.scalars(select(CircleAttendance.person_id)).all() == [_id(ctx, "U1")]
        assert session.scalars(select(CircleSession.topics)).one() == ""


def _id(ctx, user_id: str) -> int:
    with ctx.db.uow() as session:
        return profiles.require(session, TEAM, user_id).id
