"""Check-ins as use cases: one invitation each however often the job runs, an answer only its author may give (and
whose thank-you edits only their own messages, one coalesced edit each), and form problems that save nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.flows import checkins
from bot.services import clock, keys
from bot.services.checkins import CheckInForm
from bot.services.errors import FormProblems, NotAllowed
from models import CheckIn, OutboxMessage, Person
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
