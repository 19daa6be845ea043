"""The agreement as use cases: the draft goes to the pair's group chat, both confirm, supervisors acknowledge."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.flows import agreements, meetings, profiles, requests
from bot.services import clock, keys
from bot.services import profiles as people
from bot.services.agreements import AgreementForm
from bot.services.errors import Conflict, NotAllowed
from bot.services.meetings import MeetingForm
from bot.services.profiles import ProfileForm
from tests.flows.conftest import TEAM, outbox_rows


@pytest.fixture
def pid(ctx) -> int:
    """U1 and U2 are partners."""
    for user_id in ("U1", "U2", "U3"):
        profiles.save_profile(ctx, TEAM, user_id, ProfileForm(offers=["Python"], wants=["Go"], goals=["knowledge"],
                                                              department="Engineering", level=3))
    with ctx.db.uow() as session:
        bea = people.current(session, TEAM, "U2").id
    asked = requests.ask(ctx, TEAM, "U1", bea, "")
    requests.accept(ctx, TEAM, "U2", asked.partnership_id)
    return asked.partnership_id


def form(**changes) -> AgreementForm:
    values = dict(purposes=["knowledge"], goals="Learn Go", frequency="weekly", meeting_minutes=30,
                  end_date=clock.now().date() + timedelta(days=120), confidentiality=True, my_supervisor="U9")
    return AgreementForm(**(values | changes))


def test_a_draft_is_posted_to_the_pairs_group_chat_and_confirming_asks_the_supervisor(ctx, pid):
    agreement_id = agreements.write(ctx, TEAM, "U1", pid, form())
    drafts = outbox_rows(ctx, "agreement-draft")
    assert [(r.key, r.recipient) for r in drafts] == [(keys.agreement_draft(agreement_id), "U1,U2")]

    with pytest.raises(Conflict):  # the author confirmed it by writing it
        agreements.confirm(ctx, TEAM, "U1", agreement_id)
    agreements.confirm(ctx, TEAM, "U2", agreement_id)
    assert [r.recipient for r in outbox_rows(ctx, "supervisor-ack")] == ["U9"]
    assert [(r.key, r.recipient) for r in outbox_rows(ctx, "agreement-confirmed")] == \
        [(keys.agreement_confirmed(agreement_id), "U1,U2")]


def test_only_the_named_supervisor_acknowledges_and_only_once(ctx, pid):
    agreement_id = agreements.write(ctx, TEAM, "U1", pid, form())
    agreements.confirm(ctx, TEAM, "U2", agreement_id)
    ack_id = int(outbox_rows(ctx, "supervisor-ack")[0].key.rsplit(":", 1)[1])
    with pytest.raises(NotAllowed):
        agreements.acknowledge(ctx, TEAM, "U3", ack_id)
    agreements.acknowledge(ctx, TEAM, "U9", ack_id)
    with pytest.raises(Conflict):
        agreements.acknowledge(ctx, TEAM, "U9", ack_id)
    assert [r.key for r in outbox_rows(ctx, "agreement-acknowledged")] == [keys.agreement_acknowledged(ack_id)]


def test_someone_outside_the_pair_can_neither_write_their_agreement_nor_log_their_meeting(ctx, pid):
    with pytest.raises(NotAllowed):
        agreements.write(ctx, TEAM, "U3", pid, form())
    with pytest.raises(NotAllowed):
        meetings.log_meeting(ctx, TEAM, "U3", MeetingForm(partnership_id=pid, held_on=clock.now().date(), minutes=30,
                                                                 topics="Go"))
    assert outbox_rows(ctx, "agreement-draft") == [] and outbox_rows(ctx, "meeting-logged") == []


def test_a_logged_meeting_tells_the_partner(ctx, pid):
    confirmation = meetings.log_meeting(ctx, TEAM, "U1", MeetingForm(partnership_id=pid, held_on=clock.now().date(),
                                                                      minutes=45, topics="Go modules"))
    assert "Your partner has been told" in confirmation
    assert [r.recipient for r in outbox_rows(ctx, "meeting-logged")] == ["U2"]
