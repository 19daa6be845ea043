"""Check-ins as use cases: one invitation each however often the job runs, an answer only its author may give (and
whose thank-you edits only their own messages, one coalesced edit each), and form problems that save nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.flows import checkins
from bot.flows import circles as circle_flow
from bot.services import clock, keys, profiles
from bot.services.checkins import CheckInForm, period_of
from bot.services.circle_checkins import CircleCheckInForm
from bot.services.circles import CircleForm
from bot.services.errors import FormProblems, NotAllowed
from bot.services.profiles import ProfileForm
from models import CheckIn, Circle, CircleCheckIn, OutboxMessage, Person
from models.status import OutboxStatus
from tests.flows.conftest import TEAM, outbox_rows
from tests.flows.partners import pair

SECRET = "More time for this at work"
MET = CheckInForm(met="yes", minutes=60, effectiveness=4, expectations="yes", next_not_planned=True, help=SECRET)


def checkin_of(ctx, user_id: str) -> int:
    with ctx.db.uow() as session:
        return session.scalars(select(CheckIn.id).join(Person, Person.id == CheckIn.person_id)
                               .where(Person.slack_user_id == user_id)).one()


def slack_has(ctx, key: str, channel: str, ts: str) -> None:
    """What the sender records once Slack took a message."""
    with ctx.db.uow() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.key == key)
                        .values(status=OutboxStatus.SENT, slack_channel=channel, slack_ts=ts))


@pytest.fixture
def asked(ctx) -> int:
    """Ada (U1) and Bea (U2) are partners and were asked about this month; Ada's invitation and first reminder are
    in her DM (D1). Returns Ada's check-in id."""
    pair(ctx)
    checkins.run_monthly(ctx)
    ada = checkin_of(ctx, "U1")
    slack_has(ctx, keys.checkin(ada), "D1", "100.1")
    with ctx.db.uow() as session:  # asked four days ago: the first reminder is due
        session.execute(update(CheckIn).values(created_at=clock.now() - timedelta(days=4)))
    assert checkins.run_reminders(ctx) == "2 reminder(s) queued"
    slack_has(ctx, keys.checkin_reminder(ada, 1), "D1", "100.2")
    return ada


def test_the_monthly_job_asks_each_person_once(ctx):
    pair(ctx)
    assert checkins.run_monthly(ctx).endswith(": 2 unanswered check-in(s) asked")
    checkins.run_monthly(ctx)  # run again (or on a second replica): the same invitations, no new DM
    rows = outbox_rows(ctx, "checkin")
    assert sorted((r.recipient, r.key) for r in rows) == sorted(
        [("U1", keys.checkin(checkin_of(ctx, "U1"))), ("U2", keys.checkin(checkin_of(ctx, "U2")))])


def test_answering_queues_one_coalesced_edit_per_checkin_message(ctx, asked):
    notice = checkins.answer_checkin(ctx, TEAM, "U1", asked, MET)  # saved: no FormProblems raised
    assert "check-in is saved" in notice
    checkins.answer_checkin(ctx, TEAM, "U1", asked, MET.model_copy(update={"minutes": 90}))  # changed: same edits
    edits = outbox_rows(ctx, "update")
    assert sorted(r.key for r in edits) == [keys.update("D1", "100.1"), keys.update("D1", "100.2")]
    assert {r.recipient for r in edits} == {"D1"} and {r.status for r in edits} == {OutboxStatus.PENDING}
    assert all("Change my answer" in str(r.payload["blocks"]) for r in edits)


def test_an_answer_is_never_queued_to_anyone_but_its_author(ctx, asked):
    with pytest.raises(NotAllowed):
        checkins.answer_checkin(ctx, TEAM, "U2", asked, MET)  # Bea, with Ada's check-in id
    assert outbox_rows(ctx, "update") == []
    checkins.answer_checkin(ctx, TEAM, "U1", asked, MET)
    assert {r.recipient for r in outbox_rows(ctx, "update")} == {"D1"}  # Ada's own DM
    assert not [r for r in outbox_rows(ctx) if SECRET in str(r.payload)]  # the words are in no message at all
    with pytest.raises(NotAllowed):  # nor shown to anyone else in the form
        checkins.checkin_form(ctx, TEAM, "U2", asked, None)
    assert SECRET in str(checkins.checkin_form(ctx, TEAM, "U1", asked, None))


def test_a_form_with_problems_saves_nothing(ctx, asked):
    with pytest.raises(FormProblems) as refused:  # no notice: the form comes back with its errors
        checkins.answer_checkin(ctx, TEAM, "U1", asked, CheckInForm(met="yes", expectations="yes"))
    assert set(refused.value.fields) == {"minutes", "effectiveness", "next_meeting_on"}
    with ctx.db.uow() as session:
        assert session.get(CheckIn, asked).answered_at is None
    assert outbox_rows(ctx, "update") == []


# -- peer circles -----------------------------------------------------------------------------------------------
CIRCLE_SECRET = "A quiet room for the circle"
CIRCLE_MET = CircleCheckInForm(met="yes", sessions=2, effectiveness=4, expectations="yes", help=CIRCLE_SECRET)


def circle_of(ctx, organiser: str, joiners: tuple[str, ...], goal: str) -> int:
    """`organiser` starts a circle and the joiners take places (the third member starts it)."""
    circle_flow.start(ctx, TEAM, organiser, CircleForm(goal=goal, skills="Public speaking", size=4, frequency="fortnightly",
                                                       minutes=60, months=3))
    with ctx.db.uow() as session:
        circle_id = session.scalars(select(Circle.id).where(Circle.goal == goal)).one()
    for user_id in joiners:
        circle_flow.join(ctx, TEAM, user_id, str(circle_id))
    return circle_id


def circle_checkin_of(ctx, user_id: str, circle_id: int) -> int:
    with ctx.db.uow() as session:
        return session.scalars(select(CircleCheckIn.id).join(Person, Person.id == CircleCheckIn.person_id)
                               .where(Person.slack_user_id == user_id, CircleCheckIn.circle_id == circle_id)).one()


def four_people(ctx) -> None:
    for user_id in ("U1", "U2", "U3", "U4"):
        form = ProfileForm(offers=["SQL"], wants=["Public speaking"], goals=["knowledge"], department="Engineering",
                           level=3, capacity=3)
        with ctx.db.uow() as session:
            profiles.save(session, TEAM, user_id, form)


@pytest.fixture
def circles(ctx) -> tuple[int, int]:
    """Ada (U1) is in two started circles: "Speak up" with Bea and Cy, "Write well" with Bea and Dee."""
    four_people(ctx)
    return circle_of(ctx, "U1", ("U2", "U3"), "Speak up"), circle_of(ctx, "U1", ("U2", "U4"), "Write well")


def test_a_member_of_two_circles_gets_one_dm_with_a_part_per_circle(ctx, circles):
    assert "4 circle member(s)" in checkins.run_monthly(ctx)
    checkins.run_monthly(ctx)  # again: nothing new
    rows = outbox_rows(ctx, "circle-checkin")
    assert sorted(r.recipient for r in rows) == ["U1", "U2", "U3", "U4"]
    ada = next(r for r in rows if r.recipient == "U1")
    assert "Speak up" in str(ada.payload) and "Write well" in str(ada.payload)
    assert str(ada.payload).count("Answer the check-in") == 2
    assert outbox_rows(ctx, "checkin") == []  # no pair: no pair check-in


def test_a_circle_answer_edits_only_its_authors_dms_and_nobody_else_may_give_or_see_it(ctx, circles):
    speak, _write = circles
    checkins.run_monthly(ctx)
    ada = circle_checkin_of(ctx, "U1", speak)
    with ctx.db.uow() as session:
        person_id = session.get_one(CircleCheckIn, ada).person_id
        period = session.get_one(CircleCheckIn, ada).period
    slack_has(ctx, keys.circle_checkin(person_id, period), "D1", "200.1")
    with pytest.raises(NotAllowed):
        checkins.answer_circle_checkin(ctx, TEAM, "U2", ada, CIRCLE_MET)  # Bea, with Ada's check-in id
    with pytest.raises(FormProblems) as refused:
        checkins.answer_circle_checkin(ctx, TEAM, "U1", ada, CircleCheckInForm(met="yes", expectations="yes"))
    assert set(refused.value.fields) == {"sessions"}
    assert outbox_rows(ctx, "update") == []
    notice = checkins.answer_circle_checkin(ctx, TEAM, "U1", ada, CIRCLE_MET)
    assert "is saved" in notice and "Speak up" in notice
    checkins.answer_circle_checkin(ctx, TEAM, "U1", ada, CIRCLE_MET.model_copy(update={"sessions": 3}))
    [edit] = outbox_rows(ctx, "update")  # one coalesced edit of Ada's own DM
    assert edit.recipient == "D1" and "Change my answer" in str(edit.payload)
    assert "Answer the check-in" in str(edit.payload)  # "Write well" is still to answer
    assert not [r for r in outbox_rows(ctx) if CIRCLE_SECRET in str(r.payload)]
    with pytest.raises(NotAllowed):
        checkins.circle_checkin_form(ctx, TEAM, "U2", ada)
    assert CIRCLE_SECRET in str(checkins.circle_checkin_form(ctx, TEAM, "U1", ada))


def test_circle_reminders_come_once_per_member_and_stop_once_answered(ctx, circles):
    speak, write = circles
    checkins.run_monthly(ctx)
    for circle_id in (speak, write):
        checkins.answer_circle_checkin(ctx, TEAM, "U4" if circle_id == write else "U3",
                                       circle_checkin_of(ctx, "U4" if circle_id == write else "U3", circle_id), CIRCLE_MET)
    with ctx.db.uow() as session:
        session.execute(update(CircleCheckIn).values(created_at=clock.now() - timedelta(days=4)))
    assert checkins.run_reminders(ctx) == "2 reminder(s) queued"  # Ada (one for both circles) and Bea
    assert checkins.run_reminders(ctx) == "0 reminder(s) queued"
    assert sorted(r.recipient for r in outbox_rows(ctx, "circle-checkin-reminder")) == ["U1", "U2"]


def test_a_circle_that_starts_later_in_the_month_joins_the_dm_already_sent(ctx):
    four_people(ctx)
    circle_of(ctx, "U1", ("U2", "U3"), "Speak up")
    checkins.run_monthly(ctx)
    with ctx.db.uow() as session:
        ada = session.scalars(select(Person.id).where(Person.slack_user_id == "U1")).one()
    period = period_of(clock.now(), ctx.settings.tz)
    slack_has(ctx, keys.circle_checkin(ada, period), "D1", "300.1")
    circle_of(ctx, "U1", ("U2", "U4"), "Write well")
    checkins.run_monthly(ctx)
    assert sorted(r.recipient for r in outbox_rows(ctx, "circle-checkin")) == ["U1", "U2", "U3", "U4"]  # Dee is new
    edits = outbox_rows(ctx, "update")
    assert [e.recipient for e in edits] == ["D1"] and "Write well" in str(edits[0].payload)  # Ada's DM, in place
