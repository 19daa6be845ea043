"""Formal pairing rounds and introductions as use cases: only an admin runs a round, ids from Slack are hints,
and a double click (confirm twice, accept twice) sends nothing twice."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.flows import admin, introductions, rounds
from bot.services import keys, profiles
from bot.services.errors import Conflict, NotAllowed, NotFound
from bot.services.profiles import ProfileForm
from bot.services.program import ProgramForm
from bot.services.rounds import RoundForm
from bot.settings import Settings
from models import Introduction
from models.status import IntroductionStatus
from tests.flows.conftest import TEAM, outbox_rows

ADMIN = "UADMIN"
OTHER_TEAM = "T0OTHER"
MENTORS, MENTEES = ("U1", "U3"), ("U2", "U4")


@pytest.fixture
def ctx(ctx):
    ctx.settings = ctx.settings.model_copy(update={"program_admins": [ADMIN]})
    return ctx


def program_with_rounds(ctx, team_id: str = TEAM) -> None:
    """Formal pairing switched on, and two mentors (level 6) and two mentees (level 2) with skills in common."""
    admin.save_settings(ctx, team_id, ADMIN, ProgramForm(
        name="Grow Together", anonymity_min_group=Settings.model_fields["anonymity_min_group"].default,
        default_length_months=6, default_capacity=2, program_types=["peer", "formal"], admins=[ADMIN]))
    people = [("U1", 6, ["Python"], ["Leadership"]), ("U2", 2, ["Design"], ["Python"]),
              ("U3", 6, ["Testing"], ["Design"]), ("U4", 2, ["Writing"], ["Testing"])]
    with ctx.db.uow() as session:
        for user_id, level, offers, wants in people:
            profiles.save(session, team_id, user_id, ProfileForm(offers=offers, wants=wants, goals=["knowledge"],
                                                                 department="Engineering", level=level))


def open_round(ctx, team_id: str = TEAM) -> list[Introduction]:
    """A round proposed in `team_id`: its pairs."""
    program_with_rounds(ctx, team_id)
    rounds.open_round(ctx, team_id, ADMIN, RoundForm(criteria=[], min_level=5), None)
    return pairs(ctx, team_id)


def pairs(ctx, team_id: str = TEAM) -> list[Introduction]:
    with ctx.db.uow() as session:
        return list(session.scalars(select(Introduction).where(Introduction.team_id == team_id)
                                    .order_by(Introduction.id)).unique())


def test_only_an_admin_opens_a_round(ctx):
    program_with_rounds(ctx)
    with pytest.raises(NotAllowed):
        rounds.round_form(ctx, TEAM, "U1")
    with pytest.raises(NotAllowed):
        rounds.open_round(ctx, TEAM, "U1", RoundForm(criteria=[], min_level=5), None)
    assert pairs(ctx) == []
    assert "Propose pairs" in str(rounds.round_form(ctx, TEAM, ADMIN))


def test_confirming_a_round_twice_sends_each_introduction_once(ctx):
    proposed = open_round(ctx)
    assert {(p.giver.slack_user_id, p.taker.slack_user_id) for p in proposed} == {("U1", "U2"), ("U3", "U4")}
    assert outbox_rows(ctx, "introduction") == []  # nothing goes out before the admin confirms

    review = rounds.confirm_round(ctx, TEAM, ADMIN)
    assert "confirmed" in review["text"]
    with pytest.raises(Conflict):
        rounds.confirm_round(ctx, TEAM, ADMIN)
    expected = {(keys.introduction(p.id, person.id), person.slack_user_id) for p in proposed for person in (p.giver, p.taker)}
    assert {(r.key, r.recipient) for r in outbox_rows(ctx, "introduction")} == expected
    assert len(outbox_rows(ctx, "introduction")) == 4
    assert {p.status for p in pairs(ctx)} == {IntroductionStatus.SENT}


def test_a_forged_drop_of_another_programs_pair_is_refused(ctx):
    theirs = open_round(ctx, OTHER_TEAM)[0]
    mine = open_round(ctx)[0]
    with pytest.raises(NotFound):
        rounds.drop_pair(ctx, TEAM, ADMIN, theirs.id)
    with pytest.raises(NotAllowed):
        rounds.drop_pair(ctx, TEAM, "U1", mine.id)  # a participant's forged click
    assert {p.status for p in pairs(ctx, OTHER_TEAM) + pairs(ctx)} == {IntroductionStatus.PROPOSED}

    dropped = rounds.drop_pair(ctx, TEAM, ADMIN, mine.id)
    assert dropped.pair_id == mine.id and "1 dropped" in str(dropped.review)
    rounds.confirm_round(ctx, TEAM, ADMIN)
    assert {r.recipient for r in outbox_rows(ctx, "introduction")} == {"U3", "U4"}  # the dropped pair hears nothing


def test_two_yeses_queue_the_kickoff_for_the_pair_once(ctx):
    pair = open_round(ctx)[0]
    rounds.confirm_round(ctx, TEAM, ADMIN)
    with pytest.raises(NotAllowed):
        introductions.answer_introduction(ctx, TEAM, "U3", pair.id, True)  # not their introduction

    first = introductions.answer_introduction(ctx, TEAM, "U1", pair.id, True)
    assert first.partnership_id is None and "as soon as they answer" in first.message["text"]
    both = introductions.answer_introduction(ctx, TEAM, "U2", pair.id, True)
    again = introductions.answer_introduction(ctx, TEAM, "U2", pair.id, True)  # a double click
    assert both.partnership_id is not None and again.partnership_id == both.partnership_id
    assert [(r.key, r.recipient) for r in outbox_rows(ctx, "kickoff")] == [(keys.kickoff(both.partnership_id), "U1,U2")]
    accepted = {(r.key, r.recipient) for r in outbox_rows(ctx, "introduction") if r.key.startswith("intro-accepted")}
    assert accepted == {(keys.intro_accepted(pair.id, pair.giver_id), "U1"), (keys.intro_accepted(pair.id, pair.taker_id), "U2")}
    assert {"U1", "U2"} <= {r.recipient for r in outbox_rows(ctx, "home")}


def test_a_decline_tells_the_other_person_and_the_rounds_admin(ctx):
    pair = open_round(ctx)[0]
    rounds.confirm_round(ctx, TEAM, ADMIN)
    answered = introductions.answer_introduction(ctx, TEAM, "U2", pair.id, False)
    assert answered.partnership_id is None and "You declined" in answered.message["text"]
    declined = {(r.key, r.recipient) for r in outbox_rows(ctx, "introduction") if r.key.startswith("intro-declined")}
    assert declined == {(keys.intro_declined(pair.id, pair.giver_id), "U1"), (keys.intro_declined(pair.id, "admin"), ADMIN)}
    assert outbox_rows(ctx, "kickoff") == []
