"""Planning a meeting, use case by use case: bad input refused with nothing changed, picks of withdrawn, passed or
forged times, "Ask for other times", "Did you meet?" and missed meetings, and the day-before reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from icalendar import Calendar
from pydantic import ValidationError
from sqlalchemy import func, select

from bot.flows import nudges as nudge_flow
from bot.flows import planning as flow
from bot.services import meetings, planning, profiles, suggestions
from bot.services.errors import Conflict, FormProblems, NotAllowed
from bot.services.meetings import MeetingForm
from bot.services.planning import PlanForm
from models import Partnership, Person, PlannedMeeting, PlanSlot
from tests.conftest import PINNED_NOW
from tests.flows.conftest import TEAM, outbox_rows
from tests.flows.partners import join, pair

NOW = PINNED_NOW  # every test here runs on the pinned clock (a Wednesday), and its dates are days around it


def tomorrow_at(hour: int) -> str:
    return suggestions.token(datetime(2028, 1, 13, hour, 0, tzinfo=UTC))


def propose(ctx, pid: int, *tokens: str, user: str = "U1", minutes: int = 60) -> None:
    flow.propose(ctx, TEAM, user, PlanForm(partnership_id=pid, slots=list(tokens), minutes=minutes))


def slot_ids(ctx) -> list[int]:
    with ctx.db.uow() as session:
        return list(session.scalars(select(PlanSlot.id).order_by(PlanSlot.id)))


def plan_row(ctx, pid: int) -> PlannedMeeting:
    with ctx.db.uow() as session:
        return session.scalars(select(PlannedMeeting).where(PlannedMeeting.partnership_id == pid)).one()


def counts(ctx) -> tuple[int, int, int]:
    with ctx.db.uow() as session:
        return (session.scalar(select(func.count()).select_from(PlannedMeeting)),
                session.scalar(select(func.count()).select_from(PlanSlot)), len(outbox_rows(ctx)))


def test_bad_plans_are_refused_field_by_field_and_change_nothing(ctx):
    pid = pair(ctx)
    before = counts(ctx)
    with pytest.raises(FormProblems) as refused:  # a time of one's own in the past
        flow.propose(ctx, TEAM, "U1", PlanForm(partnership_id=pid, minutes=60, custom_date=date(2028, 1, 12),
                                               custom_time=time(9, 0)))
    assert refused.value.fields == {"custom_time": "That time is in the past: pick a time in the future."}
    with pytest.raises(FormProblems) as refused:  # nothing picked at all
        propose(ctx, pid)
    assert "Pick at least one time" in refused.value.fields["slots"]
    with pytest.raises(FormProblems) as refused:  # three ticked and one of one's own
        flow.propose(ctx, TEAM, "U1", PlanForm(partnership_id=pid, slots=[tomorrow_at(9), tomorrow_at(10), tomorrow_at(11)],
                                               minutes=60, custom_date=date(2028, 1, 20), custom_time=time(9, 0)))
    assert "at most 3" in refused.value.fields["slots"]
    with pytest.raises(FormProblems) as refused:  # a date without a time
        flow.propose(ctx, TEAM, "U1", PlanForm(partnership_id=pid, minutes=60, custom_date=date(2028, 1, 20)))
    assert refused.value.fields == {"custom_time": "Give both a date and a time."}
    with pytest.raises(ValidationError, match="at most 8 hours"):  # longer than 8 hours
        PlanForm(partnership_id=pid, slots=[tomorrow_at(9)], minutes=481)
    with pytest.raises(ValidationError):  # a time the modal never offered
        PlanForm(partnership_id=pid, slots=["2028-01-13 09:00"], minutes=60)
    join(ctx, "U3", "Go", "Rust")
    with pytest.raises(NotAllowed):  # someone else's partnership
        propose(ctx, pid, tomorrow_at(9), user="U3")
    assert counts(ctx) == before


def test_the_partner_picks_once_and_withdrawn_passed_or_forged_times_change_nothing(ctx):
    pid = pair(ctx)
    other = pair(ctx, "U3", "U4")
    propose(ctx, other, tomorrow_at(9), user="U3")
    propose(ctx, pid, tomorrow_at(9), tomorrow_at(10))
    theirs, first, second = slot_ids(ctx)
    with pytest.raises(NotAllowed):  # a time proposed to another pair
        flow.pick(ctx, TEAM, "U2", theirs)
    with pytest.raises(NotAllowed):
        flow.pick(ctx, TEAM, "U2", "1e9")
    with pytest.raises(Conflict, match="You proposed these times"):
        flow.pick(ctx, TEAM, "U1", first)
    # Bea asks for other times: Ada is asked, and the times on offer are withdrawn
    flow.ask_other_times(ctx, TEAM, "U2", plan_row(ctx, pid).id)
    [asked] = outbox_rows(ctx, "plan-other-times")
    assert asked.recipient == "U1" and "Propose other times" in str(asked.payload)
    with pytest.raises(Conflict, match="withdrawn"):
        flow.pick(ctx, TEAM, "U2", first)
    with pytest.raises(Conflict):  # asking twice: nothing is on offer any more
        flow.ask_other_times(ctx, TEAM, "U2", plan_row(ctx, pid).id)
    # new times; one passes before Bea answers
    propose(ctx, pid, tomorrow_at(9), tomorrow_at(15), minutes=45)
    early, late = slot_ids(ctx)[-2:]
    with time_machine.travel(datetime(2028, 1, 13, 11, 0, tzinfo=UTC), tick=True):
        with pytest.raises(Conflict, match="passed"):
            flow.pick(ctx, TEAM, "U2", early)
        assert flow.pick(ctx, TEAM, "U2", late).moved is False
        with pytest.raises(Conflict, match="already picked"):
            flow.pick(ctx, TEAM, "U2", late)
    plan = plan_row(ctx, pid)
    assert (plan.status, plan.starts_at, plan.minutes, plan.sequence) == ("planned", datetime(2028, 1, 13, 15, 0, tzinfo=UTC),
                                                                          45, 0)
    assert sorted(r.recipient for r in outbox_rows(ctx, "plan-invite")) == ["U1", "U2"]
    assert {r.payload["file"]["filename"] for r in outbox_rows(ctx, "plan-invite")} == {"mentoring-meeting.ics"}


def test_did_you_meet_after_the_meeting_and_missed_when_nobody_logs_it(ctx):
    pid = pair(ctx)
    propose(ctx, pid, tomorrow_at(9))
    flow.pick(ctx, TEAM, "U2", slot_ids(ctx)[0])
    plan_id = plan_row(ctx, pid).id
    assert flow.send_followups(ctx, NOW).asked == 0  # not yet
    with pytest.raises(Conflict, match="hasn't happened"):
        flow.didnt_meet(ctx, TEAM, "U1", plan_id)
    after = datetime(2028, 1, 13, 10, 5, tzinfo=UTC)
    assert flow.send_followups(ctx, after) == flow.FollowedUp(asked=2, missed=0)
    assert flow.send_followups(ctx, after + timedelta(hours=1)).asked == 0  # once per person
    asks = outbox_rows(ctx, "did-you-meet")
    assert sorted(a.recipient for a in asks) == ["U1", "U2"]
    assert f'"value": "plan:{plan_id}"' in str(asks[0].payload).replace("'", '"')  # "Log it" names the plan
    with time_machine.travel(after, tick=True):
        answer = flow.didnt_meet(ctx, TEAM, "U2", plan_id)
    assert "Plan our next meeting" in str(answer) and plan_row(ctx, pid).status == "missed"

    # a second meeting nobody logs: missed a week after its time
    with time_machine.travel(after, tick=True):
        propose(ctx, pid, suggestions.token(datetime(2028, 1, 14, 9, 0, tzinfo=UTC)))
        flow.pick(ctx, TEAM, "U2", slot_ids(ctx)[-1])
    assert flow.send_followups(ctx, datetime(2028, 1, 20, 9, 0, tzinfo=UTC)).missed == 0
    assert flow.send_followups(ctx, datetime(2028, 1, 21, 9, 1, tzinfo=UTC)).missed == 1
    with ctx.db.uow() as session:
        assert sorted(session.scalars(select(PlannedMeeting.status))) == ["missed", "missed"]


def test_the_day_before_reminder_follows_the_planned_meeting(ctx):
    pid = pair(ctx)
    other = pair(ctx, "U3", "U4")
    with ctx.db.uow() as session:  # the other pair only named a date in their last log
        meetings.log(session, TEAM, "U3", MeetingForm(partnership_id=other, held_on=date(2028, 1, 5), minutes=30, topics="x",
                                                      next_meeting_on=date(2028, 1, 13)), date(2028, 1, 12))
        meetings.log(session, TEAM, "U1", MeetingForm(partnership_id=pid, held_on=date(2028, 1, 5), minutes=30, topics="x",
                                                      next_meeting_on=date(2028, 1, 13)), date(2028, 1, 12))
        ada = profiles.get(session, TEAM, "U1")
        profiles.refresh_from_slack(session, ada.id, name="Ada", title="", tz="America/New_York", tz_offset=-18000)
    # Ada and Bea planned a meeting for the day after tomorrow instead: no reminder tomorrow's eve for the old date
    propose(ctx, pid, suggestions.token(datetime(2028, 1, 14, 15, 0, tzinfo=UTC)))
    flow.pick(ctx, TEAM, "U2", slot_ids(ctx)[0])
    assert nudge_flow.send_meeting_nudges(ctx, NOW).reminders == 1
    assert sorted(r.recipient for r in outbox_rows(ctx, "meeting-reminder")) == ["U3", "U4"]
    assert nudge_flow.send_meeting_nudges(ctx, NOW + timedelta(days=1)).reminders == 1
    reminder = next(r for r in outbox_rows(ctx, "meeting-reminder") if r.recipient == "U1")
    assert "Friday 14 January, 10:00–11:00 (your time, America/New_York)" in str(reminder.payload)


def test_partners_without_shared_working_hours_are_told_and_offered_waking_hours(ctx):
    pid = pair(ctx)
    with ctx.db.uow() as session:
        for user, tz, offset in (("U1", "Europe/London", 0), ("U2", "Australia/Sydney", 39600)):
            person = session.scalars(select(Person).where(Person.slack_user_id == user)).one()
            profiles.refresh_from_slack(session, person.id, name=user, title="", tz=tz, tz_offset=offset)
    view = flow.plan_form(ctx, TEAM, "U1", pid)
    assert "no working hours in common" in str(view["blocks"])
    with ctx.db.uow() as session:
        found = planning.options(session, TEAM, "U1", pid)
    assert not found.shared and found.times


def test_a_partnership_that_ends_takes_its_planned_meeting_out_of_both_calendars(ctx):
    pid = pair(ctx)
    propose(ctx, pid, tomorrow_at(9))
    flow.pick(ctx, TEAM, "U2", slot_ids(ctx)[0])
    with ctx.db.uow() as session:
        session.get(Partnership, pid).status = "ended"
    assert flow.send_followups(ctx, NOW).asked == 0
    plan = plan_row(ctx, pid)
    assert (plan.status, plan.sequence) == ("cancelled", 1)
    files = outbox_rows(ctx, "plan-invite")[-2:]
    assert sorted(f.recipient for f in files) == ["U1", "U2"]
    cal = Calendar.from_ical(files[0].attachment)
    assert str(cal["METHOD"]) == "CANCEL" and str(cal.walk("VEVENT")[0]["UID"]) == plan.uid
    assert "partnership with" in str(outbox_rows(ctx, "plan-cancelled")[0].payload)
    flow.send_followups(ctx, NOW)  # once
    assert len(outbox_rows(ctx, "plan-invite")) == 4


def test_once_a_planned_meeting_is_over_planning_starts_the_next_one(ctx):
    pid = pair(ctx)
    propose(ctx, pid, tomorrow_at(9))
    flow.pick(ctx, TEAM, "U2", slot_ids(ctx)[0])
    with ctx.db.uow() as session:
        first = session.scalars(select(PlannedMeeting)).one()
    with time_machine.travel(datetime(2028, 1, 13, 11, 0, tzinfo=UTC), tick=True):
        with pytest.raises(Conflict, match="has passed"):
            flow.reschedule_form(ctx, TEAM, "U1", first.id)
        with pytest.raises(Conflict, match="has passed"):
            flow.cancel(ctx, TEAM, "U1", first.id)
        propose(ctx, pid, suggestions.token(datetime(2028, 1, 20, 9, 0, tzinfo=UTC)))
    with ctx.db.uow() as session:
        plans = session.scalars(select(PlannedMeeting).order_by(PlannedMeeting.id)).all()
        assert [(p.status, p.uid == first.uid) for p in plans] == [("planned", True), ("proposed", False)]
        assert plans[0].starts_at == first.starts_at  # the meeting that happened keeps its time, to be logged
