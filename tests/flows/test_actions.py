"""Action items and agenda points as use cases: added with a meeting log, carried over, ticked done by their owner;
ids of another pair refused with nothing changed; and what the digest and stats count of them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.flows import agenda as agenda_flow
from bot.flows import meetings
from bot.services import actions, agenda, clock, digest, lifecycle, profiles
from bot.services.agenda import PointForm
from bot.services.errors import Conflict, FormProblems, NotAllowed
from bot.services.meetings import MeetingForm
from messages import digest as digest_blocks
from messages import stats as stats_blocks
from models import ActionItem, AgendaPoint, Meeting, PlannedMeeting
from tests.flows.conftest import TEAM, outbox_rows
from tests.flows.partners import pair

TODAY = date(2028, 1, 12)  # the pinned clock's day


def plan(ctx, pid: int, starts_at: datetime | None, status: str = "planned") -> int:
    with ctx.db.uow() as session:
        row = PlannedMeeting(team_id=TEAM, partnership_id=pid, status=status, starts_at=starts_at, minutes=30,
                             uid=f"flow-{pid}-{starts_at}-{status}")
        session.add(row)
        session.flush()
        return row.id


def log(ctx, user: str, pid: int, held_on: date = TODAY, **fields) -> str:
    return meetings.log_meeting(ctx, TEAM, user, MeetingForm(partnership_id=pid, held_on=held_on, minutes=30,
                                                              topics="Talk", **fields))


def test_items_carry_over_until_their_owner_ticks_them_done(ctx):
    pid = pair(ctx)
    said = log(ctx, "U1", pid, item_1_text="Send the slides", item_1_owner="me", item_1_due=TODAY + timedelta(days=7),
               item_2_text="Find a dataset", item_2_owner="partner")
    assert "2 new action items" in said
    [told] = outbox_rows(ctx, "meeting-logged")
    assert "Send the slides" in str(told.payload) and "Find a dataset" in str(told.payload)
    with ctx.db.uow() as session:
        ada, bea = profiles.require(session, TEAM, "U1"), profiles.require(session, TEAM, "U2")
        assert [i.text for i in actions.open_for_owner(session, ada)] == ["Send the slides"]
        assert [i.text for i in actions.open_for_owner(session, bea)] == ["Find a dataset"]
        slides, dataset = (i.id for i in actions.open_items(session, pid))

    # The next planned meeting's agenda carries both; Bea ticks hers done (once)
    upcoming = plan(ctx, pid, clock.now() + timedelta(days=6))
    with ctx.db.uow() as session:
        shown = agenda.agenda(session, TEAM, "U2", upcoming)
        assert [i.text for i in shown.items] == ["Send the slides", "Find a dataset"]
    assert "Find a dataset" in agenda_flow.tick_done(ctx, TEAM, "U2", dataset)
    with pytest.raises(Conflict, match="Already done"):
        agenda_flow.tick_done(ctx, TEAM, "U2", dataset)
    # The next log ticks Ada's item
    log(ctx, "U2", pid, held_on=TODAY, done_items=[slides])
    with ctx.db.uow() as session:
        assert actions.open_items(session, pid) == []
        done = session.get(ActionItem, slides)
        assert done.done_by_id == profiles.require(session, TEAM, "U2").id


def test_ids_of_another_pair_are_refused_and_nothing_changes(ctx):
    pid = pair(ctx)
    other = pair(ctx, "U3", "U4")
    log(ctx, "U3", other, item_1_text="Read the book", item_1_owner="me")
    theirs_plan = plan(ctx, other, clock.now() + timedelta(days=2))
    with ctx.db.uow() as session:
        [theirs] = actions.open_items(session, other)
    with pytest.raises(NotAllowed):
        agenda_flow.tick_done(ctx, TEAM, "U1", theirs.id)
    with pytest.raises(NotAllowed):
        log(ctx, "U1", pid, done_items=[theirs.id])
    with pytest.raises(NotAllowed):
        log(ctx, "U1", pid, plan_id=theirs_plan)
    with pytest.raises(NotAllowed):
        agenda_flow.agenda_view(ctx, TEAM, "U1", theirs_plan)
    with pytest.raises(NotAllowed):
        agenda_flow.add_point(ctx, TEAM, "U1", PointForm(plan_id=theirs_plan, point="Spy", owner="me"))
    with pytest.raises(NotAllowed):
        meetings.log_form(ctx, TEAM, "U1", f"plan:{theirs_plan}")
    for bad in ("x", "-1", "99999999999999999999999", ""):
        with pytest.raises(NotAllowed):
            agenda_flow.tick_done(ctx, TEAM, "U1", bad)
    with ctx.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Meeting).where(Meeting.partnership_id == pid)) == 0
        assert session.get(ActionItem, theirs.id).done_at is None
        assert session.scalar(select(func.count()).select_from(AgendaPoint)) == 0
        assert session.get(PlannedMeeting, theirs_plan).status == "planned"


def test_an_item_needs_an_owner_and_a_due_date_on_or_after_the_meeting(ctx):
    pid = pair(ctx)
    with pytest.raises(FormProblems) as refused:
        log(ctx, "U1", pid, item_1_text="No owner", item_3_text="Too early", item_3_owner="me",
            item_3_due=TODAY - timedelta(days=1))
    assert refused.value.fields == {"item_1_owner": "Pick who does this item."}
    with pytest.raises(FormProblems) as refused:
        log(ctx, "U1", pid, item_3_text="Too early", item_3_owner="me", item_3_due=TODAY - timedelta(days=1))
    assert set(refused.value.fields) == {"item_3_due"}
    with ctx.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_points_go_on_the_agenda_until_a_meeting_covers_them(ctx):
    pid = pair(ctx)
    coming = plan(ctx, pid, clock.now() + timedelta(days=1))
    view = agenda_flow.add_point(ctx, TEAM, "U2", PointForm(plan_id=coming, point="  My   talk ", owner="partner"))
    assert "My talk — led by U1" in str(view["blocks"])  # (no Slack names here: ids)
    [told] = outbox_rows(ctx, "agenda-point")
    assert told.recipient == "U1" and "Led by you." in str(told.payload)
    # the log form opened from the plan starts with the agenda
    form = meetings.log_form(ctx, TEAM, "U1", f"plan:{coming}")
    topics = next(b for b in form["blocks"] if b.get("block_id") == "topics")["element"]["initial_value"]
    assert topics.splitlines() == ["- Since last time", "- What I want to learn today", "- Next steps", "- My talk (U1)"]
    log(ctx, "U1", pid, plan_id=coming)
    with ctx.db.uow() as session:
        assert agenda.open_points(session, pid) == []
        assert session.get(PlannedMeeting, coming).status == "held"
    with pytest.raises(Conflict):  # the agenda of a held meeting is closed
        agenda_flow.add_point(ctx, TEAM, "U1", PointForm(plan_id=coming, point="Late", owner="me"))


def test_the_figures_count_points_items_due_and_plans_held(ctx):
    pid = pair(ctx)
    now = clock.now()
    held = plan(ctx, pid, now - timedelta(days=2))
    plan(ctx, pid, now - timedelta(days=3), status="missed")
    plan(ctx, pid, now - timedelta(days=1))  # nobody logged it: not held
    plan(ctx, pid, now - timedelta(days=1), status="cancelled")  # left out
    agenda_flow.add_point(ctx, TEAM, "U1", PointForm(plan_id=plan(ctx, pid, now + timedelta(days=1)), point="A",
                                                     owner="me"))
    log(ctx, "U1", pid, held_on=TODAY - timedelta(days=2), plan_id=held, item_1_text="Due soon", item_1_owner="me",
        item_1_due=TODAY, item_2_text="Due later", item_2_owner="me", item_2_due=TODAY + timedelta(days=30),
        item_3_text="Undated", item_3_owner="partner")
    with ctx.db.uow() as session:
        first = session.scalars(select(ActionItem).where(ActionItem.text == "Due soon")).one().id
    agenda_flow.tick_done(ctx, TEAM, "U1", first)
    span = digest.Span(TODAY - timedelta(days=6), TODAY + timedelta(days=1), "UTC")
    with ctx.db.uow() as session:
        [f] = digest.figures(session, TEAM, [span])
    assert (f.agenda_points, f.agenda_points_covered) == (1, 0)  # its meeting is still to come
    assert (f.action_items, f.action_items_done, f.action_items_due, f.action_items_due_done) == (3, 1, 1, 1)
    assert (f.plans_held, f.plans_not_held) == (1, 2)
    assert digest_blocks.structure_lines(f, f)[4:] == [
        "Action items due this week, done: 100%, 1 of 1 due (last week 100%, ±0 points)",
        "Planned meetings held: 33%, 1 of 3 planned (last week 33%, ±0 points)"]
    assert stats_blocks.structure_lines(f)[2:] == ["Action items due in the period, done by its end: 100%, 1 of 1",
                                                   "Planned meetings held: 33%, 1 of 3"]


def test_deleting_my_data_clears_my_items_words_and_the_export_has_them(ctx):
    pid = pair(ctx)
    log(ctx, "U1", pid, item_1_text="Mine", item_1_owner="me", item_2_text="Hers", item_2_owner="partner")
    with ctx.db.uow() as session:
        exported = lifecycle.export(session, TEAM, "U2")
    items = exported["partnerships"][0]["action_items"]
    assert [(i["text"], i["mine"], i["added_by_me"]) for i in items] == [("Mine", False, False), ("Hers", True, False)]
    with ctx.db.uow() as session:
        lifecycle.leave(session, TEAM, "U1", delete_data=True, now=datetime.now(UTC))
    with ctx.db.uow() as session:
        assert [i.text for i in session.scalars(select(ActionItem).order_by(ActionItem.id))] == ["", ""]


def test_a_full_agenda_and_a_full_log_form_stay_within_slack_s_limits(ctx):
    from tests.fakeslack.blockkit import view_errors

    pid = pair(ctx)
    log(ctx, "U1", pid, **{f"item_{n}_{part}": value for n in (1, 2, 3)
                           for part, value in (("text", "y" * 300), ("owner", "me"), ("due", TODAY))})
    for _ in range(4):
        log(ctx, "U1", pid, held_on=TODAY - timedelta(days=_ + 1),
            **{f"item_{n}_{part}": value for n in (1, 2, 3) for part, value in (("text", "z" * 300), ("owner", "partner"))})
    coming = plan(ctx, pid, clock.now() + timedelta(days=1))
    for n in range(agenda.MAX_OPEN_POINTS):
        view = agenda_flow.add_point(ctx, TEAM, "U1", PointForm(plan_id=coming, point=f"{n} " + "x" * 290, owner="me"))
    assert view_errors(view) == [] and view.get("submit") is None  # full: no more points
    with pytest.raises(Conflict):
        agenda_flow.add_point(ctx, TEAM, "U1", PointForm(plan_id=coming, point="One more", owner="me"))
    form = meetings.log_form(ctx, TEAM, "U1", f"plan:{coming}")
    assert view_errors(form) == []
    ticks = next(b for b in form["blocks"] if b.get("block_id") == "done_items")
    assert len(ticks["element"]["options"]) == 10 and "5 more open items" in str(form["blocks"])


def test_the_log_opened_from_a_plan_starts_with_its_date_in_each_partner_s_time_zone(ctx):
    pid = pair(ctx)
    with ctx.db.uow() as session:
        profiles.require(session, TEAM, "U1").tz = "Europe/London"
        profiles.require(session, TEAM, "U2").tz = "Australia/Sydney"
    held = plan(ctx, pid, datetime(2028, 1, 11, 20, tzinfo=UTC))  # London 11 Jan 20:00, Sydney 12 Jan 07:00

    def prefilled(user: str) -> str:
        form = meetings.log_form(ctx, TEAM, user, f"plan:{held}")
        return next(b for b in form["blocks"] if b.get("block_id") == "held_on")["element"]["initial_date"]

    assert (prefilled("U1"), prefilled("U2")) == ("2028-01-11", "2028-01-12")


def test_the_agenda_closes_when_the_meeting_starts(ctx):
    pid = pair(ctx)
    started = plan(ctx, pid, clock.now() - timedelta(minutes=5))
    view = agenda_flow.agenda_view(ctx, TEAM, "U1", started)
    assert view.get("submit") is None and "This meeting has started" in str(view["blocks"])
    with pytest.raises(Conflict, match="started already"):
        agenda_flow.add_point(ctx, TEAM, "U1", PointForm(plan_id=started, point="Late", owner="me"))
