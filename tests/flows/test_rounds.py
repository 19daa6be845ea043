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
    form = str(rounds.round_form(ctx, TEAM, ADMIN))
    assert "What this round forms" in form and "Peer circles" in form and "Circle size" in form


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


# -- rounds that form peer circles ---------------------------------------------------------------------------------
def circles_pool(ctx, people: int = 6, team_id: str = TEAM, skills: int = 1) -> None:
    """Formal rounds on, and `people` (U101...) who want one of `skills` skills ("Skill 0"...), round robin."""
    program_with_rounds(ctx, team_id)
    with ctx.db.uow() as session:
        for n in range(people):
            profiles.save(session, team_id, f"U{101 + n}", ProfileForm(
                offers=["Writing"], wants=[f"Skill {n % skills}"], goals=["knowledge"], department="Engineering", level=3))


def open_circles_round(ctx, size: int = 3, team_id: str = TEAM) -> dict:
    return rounds.open_round(ctx, team_id, ADMIN, RoundForm(kind="circles", circle_size=size), None)


def formed(ctx, team_id: str = TEAM) -> list:
    from models import Circle

    with ctx.db.uow() as session:
        return list(session.scalars(select(Circle).where(Circle.team_id == team_id, Circle.round_id.is_not(None))))


def test_confirming_a_circles_round_twice_forms_each_circle_once(ctx):
    circles_pool(ctx)
    review = open_circles_round(ctx)
    assert "*2* peer circles proposed" in str(review) and formed(ctx) == []
    assert outbox_rows(ctx, "circle-kickoff") == []  # nothing before the admin confirms

    rounds.confirm_round(ctx, TEAM, ADMIN)
    with pytest.raises(Conflict):
        rounds.confirm_round(ctx, TEAM, ADMIN)
    circles = formed(ctx)
    assert len(circles) == 2 and {c.goal for c in circles} == {"Learn Skill 0 together"}
    kickoffs = outbox_rows(ctx, "circle-kickoff")
    assert sorted(r.key for r in kickoffs) == sorted(c.chat_key for c in circles)
    assert all(len(r.recipient.split(",")) == 3 for r in kickoffs)
    # the six want the same skill; U1 to U4 each want a skill nobody else wants: they are told, once
    assert sorted(r.recipient for r in outbox_rows(ctx, "left-out")) == ["U1", "U2", "U3", "U4"]


def test_a_circles_round_keeps_capacity_at_confirm(ctx):
    from bot.services import circles
    from bot.services.circles import CircleForm

    circles_pool(ctx)
    open_circles_round(ctx)
    with ctx.db.uow() as session:  # after the review, U101 fills their one place with another circle
        person = profiles.require(session, TEAM, "U101")
        person.capacity = 1
        circles.create(session, TEAM, "U101", CircleForm(goal="Knit", skills="Knitting", size=3, frequency="weekly",
                                                         minutes=30, months=1))
    rounds.confirm_round(ctx, TEAM, ADMIN)
    from models import CircleMember

    with ctx.db.uow() as session:
        in_round = session.scalars(select(CircleMember.person_id).where(
            CircleMember.circle_id.in_([c.id for c in formed(ctx)]))).all()
        assert profiles.require(session, TEAM, "U101").id not in in_round
    assert len(formed(ctx)) == 1  # the circle that lost U101 had two left: not formed
    told = outbox_rows(ctx, "left-out")
    assert {r.recipient for r in told} == {"U1", "U2", "U3", "U4", "U101", "U102", "U103"}  # their circle didn't go ahead
    assert all("<@" not in str(r.payload) for r in told)


def test_a_forged_drop_of_another_programs_circle_is_refused(ctx):
    from models import RoundCircle

    circles_pool(ctx, team_id=OTHER_TEAM)
    open_circles_round(ctx, team_id=OTHER_TEAM)
    circles_pool(ctx)
    open_circles_round(ctx)
    with ctx.db.uow() as session:
        ids = list(session.scalars(select(RoundCircle.id).order_by(RoundCircle.id)))
        theirs, mine = ids[0], ids[-1]
    with pytest.raises(NotFound):
        rounds.drop_circle(ctx, TEAM, ADMIN, theirs)
    with pytest.raises(NotAllowed):
        rounds.drop_circle(ctx, TEAM, "U101", mine)  # a participant's forged click
    review = rounds.drop_circle(ctx, TEAM, ADMIN, mine)
    assert f"Dropped circle #{mine}" in str(review) and "1 dropped" in str(review)
    with pytest.raises(Conflict):
        rounds.drop_circle(ctx, TEAM, ADMIN, mine)  # a double click


def test_a_big_circles_round_is_paged_within_block_kit_limits(ctx):
    from tests.fakeslack import message_errors

    circles_pool(ctx, people=60, skills=20)
    review = open_circles_round(ctx)
    assert message_errors(review["blocks"], review["text"]) == [] and len(review["blocks"]) <= 50
    assert "*20* peer circles proposed" in str(review) and "Page 1 of 2" in str(review)
    second = rounds.show_round(ctx, TEAM, ADMIN, None, 1)
    assert message_errors(second["blocks"], second["text"]) == [] and "Page 2 of 2" in str(second)
    assert str(second).count("round_circle_drop:") == 5


def test_a_cancelled_circles_round_forms_nothing_and_tells_nobody(ctx):
    from models import RoundCircle

    circles_pool(ctx)
    open_circles_round(ctx)
    with pytest.raises(NotAllowed):
        rounds.confirm_round(ctx, TEAM, "U101")  # a participant's forged Confirm round
    assert "cancelled" in rounds.cancel_round(ctx, TEAM, ADMIN)["text"]
    with pytest.raises(Conflict):
        rounds.confirm_round(ctx, TEAM, ADMIN)
    with ctx.db.uow() as session:
        assert set(session.scalars(select(RoundCircle.status))) == {"dropped"}
    assert formed(ctx) == [] and outbox_rows(ctx, "circle-kickoff") == [] and outbox_rows(ctx, "left-out") == []
