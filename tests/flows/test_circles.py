"""Peer circles' use cases over SQLite: a bad form changes nothing, the third member starts the circle (its group
chat opens with the kickoff), a later member gets a new chat, the last seat goes to one person, a boundary holds,
a circle counts toward capacity, and export and delete-my-data cover circle membership."""

from __future__ import annotations

import threading

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from bot.flows import circles as flow
from bot.services import boundaries, circle_fit, circles, lifecycle, matching, profiles
from bot.services.errors import Conflict, DomainError, NotAllowed
from models import Circle, CircleMember
from tests.flows.conftest import TEAM, outbox_rows


def join_program(ctx, user_id: str, offers: str = "SQL", wants: str = "Public speaking", capacity: int = 2) -> int:
    form = profiles.ProfileForm(offers=[offers], wants=[wants], goals=["knowledge"], department="Engineering", level=3,
                                capacity=capacity)
    with ctx.db.uow() as session:
        person, _ = profiles.save(session, TEAM, user_id, form)
        return person.id


def form(**changes) -> circles.CircleForm:
    values = dict(goal="Present with confidence", skills="Public speaking", size=4, frequency="fortnightly", minutes=60,
                  months=3)
    return circles.CircleForm(**(values | changes))


def start(ctx, user_id: str = "U1", **changes) -> int:
    flow.start(ctx, TEAM, user_id, form(**changes))
    with ctx.db.uow() as session:
        return session.scalars(select(Circle.id).order_by(Circle.id.desc())).first()


@pytest.fixture
def four(ctx):
    for user_id in ("U1", "U2", "U3", "U4"):
        join_program(ctx, user_id)
    return ctx


@pytest.mark.parametrize("changes, field", [
    (dict(goal=""), "goal"), (dict(size=50), "size"), (dict(size="50"), "size"), (dict(frequency="daily"), "frequency"),
    (dict(skills=""), "skills"),
])
def test_a_bad_form_names_the_field(changes, field):
    with pytest.raises(ValidationError) as caught:
        form(**changes)
    assert caught.value.errors()[0]["loc"][0] == field


def test_the_third_member_starts_the_circle_with_a_kickoff_in_its_group_chat(four):
    ctx = four
    circle_id = start(ctx)
    flow.join(ctx, TEAM, "U2", str(circle_id))
    assert not outbox_rows(ctx, "circle-kickoff")
    shown = flow.join(ctx, TEAM, "U3", str(circle_id))
    assert "The circle has started" in shown["blocks"][0]["text"]["text"]
    [kickoff] = outbox_rows(ctx, "circle-kickoff")
    assert kickoff.recipient == "U1,U2,U3"
    assert "Present with confidence" in str(kickoff.payload) and "every two weeks" in str(kickoff.payload)
    with ctx.db.uow() as session:
        circle = session.get(Circle, circle_id)
        assert circle.status == "active" and circle.chat_key == kickoff.key
    flow.join(ctx, TEAM, "U4", str(circle_id))  # a later member: a new chat with everyone, the old one is told
    [welcome] = outbox_rows(ctx, "circle-welcome")
    [moved] = outbox_rows(ctx, "circle-moved")
    assert welcome.recipient == "U1,U2,U3,U4" and moved.recipient == "U1,U2,U3"
    with ctx.db.uow() as session:
        assert session.get(Circle, circle_id).status == "full"


def test_a_full_circle_refuses_and_the_last_seat_goes_to_one_person(ctx):
    for user_id in ("U1", "U2", "U3", "U4"):
        join_program(ctx, user_id)
    circle_id = start(ctx, size=3)
    flow.join(ctx, TEAM, "U2", str(circle_id))
    gate, outcomes = threading.Barrier(2), {}

    def take(user_id: str) -> None:
        gate.wait()
        try:
            flow.join(ctx, TEAM, user_id, str(circle_id))
            outcomes[user_id] = "in"
        except Conflict as exc:
            outcomes[user_id] = exc.message

    threads = [threading.Thread(target=take, args=(u,)) for u in ("U3", "U4")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values())[1] == "in"
    assert sorted(outcomes.values())[0].startswith("Sorry, this circle is full")
    with ctx.db.uow() as session:
        assert len(session.scalars(select(CircleMember).where(CircleMember.circle_id == circle_id)).all()) == 3
    assert len(outbox_rows(ctx, "circle-kickoff")) == 1
    with pytest.raises(Conflict, match="already in this circle"):
        flow.join(ctx, TEAM, "U2", str(circle_id))


def test_a_boundary_keeps_a_person_out_and_unshown(four):
    ctx = four
    circle_id = start(ctx)
    with ctx.db.uow() as session:
        boundaries.save_mine(session, profiles.require(session, TEAM, "U2"), boundaries.BoundariesForm(manager="U1"))
    with ctx.db.uow() as session:
        assert circle_fit.open_for(session, profiles.require(session, TEAM, "U2")) == []
        assert [i.circle.id for i in circle_fit.open_for(session, profiles.require(session, TEAM, "U3"))] == [circle_id]
    with pytest.raises(NotAllowed, match="isn't open to you"):
        flow.join(ctx, TEAM, "U2", str(circle_id))


def test_a_circle_counts_toward_capacity(ctx):
    join_program(ctx, "U1")
    join_program(ctx, "U2", capacity=1)
    first = start(ctx, "U1")
    flow.join(ctx, TEAM, "U2", str(first))
    with ctx.db.uow() as session:
        assert matching.load(session, [profiles.require(session, TEAM, "U2").id]) == {
            profiles.require(session, TEAM, "U2").id: 1}
    second = start(ctx, "U1", goal="Learn SQL")
    with pytest.raises(Conflict, match="a circle counts as one"):
        flow.join(ctx, TEAM, "U2", str(second))


def test_invite_only_circles_take_only_invited_people(four):
    ctx = four
    with pytest.raises(DomainError, match="Pick the people you invite"):
        flow.start(ctx, TEAM, "U1", form(invite_only=True))
    circle_id = start(ctx, invite_only=True, invitees=["U2", "U3"])
    assert [r.recipient for r in outbox_rows(ctx, "circle-invite")] == ["U2", "U3"]
    with pytest.raises(NotAllowed, match="by invitation only"):
        flow.join(ctx, TEAM, "U4", str(circle_id))
    flow.decline(ctx, TEAM, "U2", str(circle_id))
    with pytest.raises(NotAllowed):
        flow.join(ctx, TEAM, "U2", str(circle_id))
    flow.join(ctx, TEAM, "U3", str(circle_id))
    assert not outbox_rows(ctx, "circle-kickoff")


def test_leaving_opens_the_place_and_the_last_one_out_ends_it(four):
    ctx = four
    circle_id = start(ctx)
    for user_id in ("U2", "U3"):
        flow.join(ctx, TEAM, user_id, str(circle_id))
    flow.leave(ctx, TEAM, "U3", str(circle_id))
    [left] = outbox_rows(ctx, "circle-left")
    assert "left the circle" in left.payload["text"]
    with pytest.raises(Conflict, match="not in this circle"):
        flow.leave(ctx, TEAM, "U3", str(circle_id))
    flow.join(ctx, TEAM, "U3", str(circle_id))  # coming back is fine
    for user_id in ("U1", "U2", "U3"):
        flow.leave(ctx, TEAM, user_id, str(circle_id))
    with ctx.db.uow() as session:
        assert session.get(Circle, circle_id).status == "ended"


def test_export_and_delete_my_data_cover_circles(four):
    ctx = four
    circle_id = start(ctx)
    flow.join(ctx, TEAM, "U2", str(circle_id))
    with ctx.db.uow() as session:
        exported = lifecycle.export(session, TEAM, "U2")
    assert exported["circles"][0]["goal"] == "Present with confidence"
    with ctx.db.uow() as session:
        lifecycle.leave(session, TEAM, "U2", delete_data=True)
    with ctx.db.uow() as session:
        assert [m.person_id for m in session.scalars(select(CircleMember))] == [profiles.require(session, TEAM, "U1").id]
