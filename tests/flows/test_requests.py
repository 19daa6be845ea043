"""Partnership requests as use cases: who may answer, what is queued to whom under which key, and double clicks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.flows import profiles, requests
from bot.services import clock, keys
from bot.services.errors import Conflict, NotAllowed
from bot.services.profiles import ProfileForm
from models import Partnership
from models.status import PartnershipStatus
from tests.flows.conftest import TEAM, outbox_rows


def join(ctx, user_id: str, offers: str, wants: str) -> int:
    form = ProfileForm(offers=[offers], wants=[wants], goals=["knowledge"], department="Engineering", level=3)
    return profiles.save_profile(ctx, TEAM, user_id, form).person_id


@pytest.fixture
def asked(ctx) -> requests.Asked:
    """U1 asked U2 to partner."""
    join(ctx, "U1", "Python", "Public speaking")
    bea = join(ctx, "U2", "Public speaking", "Python")
    return requests.ask(ctx, TEAM, "U1", bea, "Hello!")


def partnerships(ctx) -> list[Partnership]:
    with ctx.db.uow() as session:
        return list(session.scalars(select(Partnership)))


def test_asking_queues_one_request_dm_to_the_person_asked(ctx, asked):
    rows = outbox_rows(ctx, "request")
    assert [(r.key, r.recipient) for r in rows] == [(keys.request(asked.partnership_id), "U2")]
    assert "Accept" in str(rows[0].payload["blocks"]) and "Hello!" in str(rows[0].payload["blocks"])
    assert asked.target_user_id == "U2"
    assert sorted(r.recipient for r in outbox_rows(ctx, "home")) == ["U1", "U2"]


def test_asking_again_while_the_request_is_open_is_refused(ctx, asked):
    with pytest.raises(Conflict):
        requests.ask(ctx, TEAM, "U1", partnerships(ctx)[0].person_b_id, "Again")
    assert len(outbox_rows(ctx, "request")) == 1


def test_accepting_twice_makes_one_partnership_and_one_kickoff(ctx, asked):
    answered = requests.accept(ctx, TEAM, "U2", asked.partnership_id)
    with pytest.raises(Conflict):
        requests.accept(ctx, TEAM, "U2", asked.partnership_id)
    assert [p.status for p in partnerships(ctx)] == [PartnershipStatus.ACTIVE]
    kickoffs = outbox_rows(ctx, "kickoff")
    assert [(r.key, r.recipient) for r in kickoffs] == [(keys.kickoff(asked.partnership_id), "U1,U2")]
    assert [(r.key, r.recipient) for r in outbox_rows(ctx, "request-answer")] == \
        [(keys.request_accepted(asked.partnership_id), "U1")]
    assert (answered.asker_user_id, answered.asked_user_id) == ("U1", "U2")


def test_a_forged_accept_by_someone_else_is_refused_and_writes_nothing(ctx, asked):
    join(ctx, "U3", "Go", "Rust")
    before = len(outbox_rows(ctx))
    for who in ("U3", "U1"):  # a stranger, and the asker answering their own request
        with pytest.raises(NotAllowed):
            requests.accept(ctx, TEAM, who, asked.partnership_id)
    assert [p.status for p in partnerships(ctx)] == [PartnershipStatus.REQUESTED]
    assert len(outbox_rows(ctx)) == before


def test_a_decline_tells_the_asker_kindly_and_only_the_asker_may_withdraw(ctx, asked):
    with pytest.raises(NotAllowed):
        requests.withdraw(ctx, TEAM, "U2", asked.partnership_id)
    requests.decline(ctx, TEAM, "U2", asked.partnership_id)
    rows = outbox_rows(ctx, "request-answer")
    assert [(r.key, r.recipient) for r in rows] == [(keys.request_declined(asked.partnership_id), "U1")]
    with pytest.raises(Conflict):
        requests.withdraw(ctx, TEAM, "U1", asked.partnership_id)
    assert outbox_rows(ctx, "kickoff") == []


def test_an_unanswered_request_expires_once_and_the_asker_is_told(ctx, asked):
    later = clock.now() + timedelta(days=15)
    assert requests.expire_requests(ctx, later) == 1
    assert requests.expire_requests(ctx, later) == 0
    rows = outbox_rows(ctx, "request-expired")
    assert [(r.key, r.recipient) for r in rows] == [(keys.request_expired(asked.partnership_id), "U1")]
    with ctx.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Partnership)
                              .where(Partnership.status == PartnershipStatus.EXPIRED)) == 1
