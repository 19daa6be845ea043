"""Monthly check-ins, played over simulated months: one DM each, reminders that stop once answered,
answers that stay anonymous, months that close once, pairs at risk and paused participation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from bot.services import digest
from models import CheckIn, CheckInAnswer, CheckInPeriod, Partnership, Person

PAIRS = [("U1", "Ada", "U2", "Bea"), ("U3", "Cy", "U4", "Dee"), ("U5", "Eve", "U6", "Fox")]


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=True)


def three_pairs(world) -> None:
    with at(2026, 11, 20, 9):
        for a, a_name, b, b_name in PAIRS:
            world.join(a, a_name, offers=[f"Skill {a}"], wants=[f"Skill {b}"])
            world.join(b, b_name, offers=[f"Skill {b}"], wants=[f"Skill {a}"])
            world.pair(a, b)


def checkin_dms(fake, user: str) -> list[dict]:
    return [m for m in fake.dms_to(user) if "check-in" in m["text"]]


def answer(world, user: str, message: dict, values: dict, button: str = "We met"):
    world.slack.click(user, message, button)
    modal = world.fake.wait_for(lambda: (m := world.fake.open_modal(user)) and m["callback_id"] == "checkin_submit" and m)
    response = world.slack.submit(user, modal, values)
    world.idle()
    return response


MET = {"minutes": "60", "next_not_planned": ["yes"], "effectiveness": "4", "expectations": "yes",
       "help": "More time for this at work"}
NOT_MET = {"next_not_planned": ["yes"], "expectations": "partly"}


def test_a_month_of_checkins(world, slack, fake, bot):
    three_pairs(world)
    with at(2026, 12, 1, 10):
        world.run_job("monthly-checkins")
        world.run_job("monthly-checkins")  # a second run (or replica) sends nothing more
        for user in ("U1", "U2", "U3", "U4", "U5", "U6"):
            assert len(checkin_dms(fake, user)) == 1, user
        first = checkin_dms(fake, "U1")[0]
        assert "Grow Together" in first["text"] and "December 2026" in first["text"] and "Bea" in first["text"]
        assert "anonymous" in str(first["blocks"])

        response = answer(world, "U1", first, dict(MET, next_not_planned=[], next_meeting_on="2026-12-20"))
        assert not response.view_errors, response.view_errors
        thanks = fake.message(first["channel"], first["ts"])
        assert "Thank you" in str(thanks["blocks"]) and "anonymous" in thanks["text"]
        answer(world, "U2", checkin_dms(fake, "U2")[0], NOT_MET, button="We didn't meet")

    with at(2026, 12, 4, 11):
        assert "4 reminder(s)" in world.run_job("checkin-reminders")
        assert "0 reminder(s)" in world.run_job("checkin-reminders")
        for user in ("U1", "U2"):
            assert len(checkin_dms(fake, user)) == 1, "no reminder once answered"
        reminder = checkin_dms(fake, "U3")[-1]
        assert "A gentle reminder" in str(reminder["blocks"]) and "Dee" in str(reminder["blocks"])
        answer(world, "U3", reminder, dict(MET, minutes="30", effectiveness="2", expectations="no", help=""))

    with at(2026, 12, 8, 11):
        assert "3 reminder(s)" in world.run_job("checkin-reminders")
        assert [len(checkin_dms(fake, u)) for u in ("U3", "U4", "U5", "U6")] == [2, 3, 3, 3]
        assert "Last reminder" in str(checkin_dms(fake, "U4")[-1]["blocks"])
        # Ada changes her answer: the modal shows her own answer, and only hers.
        slack.click("U1", fake.message(first["channel"], first["ts"]), "Change my answer")
        modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "checkin_submit" and m)
        assert modal["blocks"][2]["element"]["initial_value"] == "60"
        slack.submit("U1", modal, {"minutes": "90"})
        world.idle()

    # Nobody else ever saw an answer: not the partner, not a Home tab, not an admin.
    for user in ("U2", "U4", "U5", "U6"):
        seen = str(fake.dms_to(user)) + str(fake.home(user)) + str(fake.ephemerals(user))
        assert "More time for this at work" not in seen

    with at(2027, 1, 1, 10):
        result = world.run_job("monthly-checkins")
        assert "closed 2026-12 (3/6 answered" in result
        with bot.db.uow() as session:
            period = session.scalars(select(CheckInPeriod).where(CheckInPeriod.period == "2026-12")).one()
            assert (period.asked, period.answered, period.met, period.minutes) == (6, 3, 2, 120)
            assert (period.effectiveness_sum, period.effectiveness_n) == (6, 2)
            assert (period.expected_yes, period.expected_partly, period.expected_no) == (1, 1, 1)
            # answers left the invitations: the anonymous copies carry no person and no partnership
            december = session.scalars(select(CheckIn).where(CheckIn.period == "2026-12")).all()
            assert all(c.minutes is None and c.help is None and c.effectiveness is None for c in december)
            assert session.scalar(select(func.count()).select_from(CheckInAnswer)) == 3
            assert not {"person_id", "partnership_id"} & set(CheckInAnswer.__table__.columns.keys())
            # fewer than k (5) answers: nothing may be reported
            assert digest.closed_month(session, "T0TEST", datetime.now(UTC), 5).reportable is False
        # January's check-in went out; December's can no longer be changed
        assert len(checkin_dms(fake, "U1")) == 2 and "January 2027" in checkin_dms(fake, "U1")[-1]["text"]
        slack.click("U1", fake.message(first["channel"], first["ts"]), "Change my answer")
        world.idle()
        assert "The December 2026 check-in has closed" in fake.ephemerals("U1")[-1]["text"]


def test_checkin_form_errors(world, slack, fake):
    three_pairs(world)
    with at(2026, 12, 2, 10):
        world.run_job("monthly-checkins")
        message = checkin_dms(fake, "U1")[0]
        slack.click("U1", message, "We met")
        modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "checkin_submit" and m)
        response = slack.submit("U1", modal, {"expectations": "yes"})
        assert set(response.view_errors) == {"minutes", "effectiveness", "next_meeting_on"}
        response = slack.submit("U1", modal, dict(MET, minutes="lots"))
        assert "minutes" in response.view_errors
        response = slack.submit("U1", modal, dict(MET, next_not_planned=[], next_meeting_on="2026-11-01"))
        assert "next_meeting_on" in response.view_errors
        with world.bot.db.uow() as session:
            assert session.scalar(select(func.count()).where(CheckIn.answered_at.is_not(None))) == 0
        # someone else's check-in id in the metadata: refused, nothing saved
        with world.bot.db.uow() as session:
            other = session.scalars(select(CheckIn.id).join(Person, Person.id == CheckIn.person_id)
                                    .where(Person.slack_user_id == "U2")).one()
        response = world.forged_submit("U1", modal, {"minutes": "60", "effectiveness": "4", "expectations": "yes",
                                                     "next_not_planned": ["yes"], "met": "yes"},
                                       metadata=f'{{"checkin_id": {other}}}')
        world.idle()
        assert "That check-in isn't yours." in str(response.json["view"]["blocks"])
        with world.bot.db.uow() as session:
            assert session.scalar(select(func.count()).where(CheckIn.answered_at.is_not(None))) == 0


def test_enough_answers_are_reported_once_and_free_text_reaches_admins_unattributed(world, slack, fake, bot, monkeypatch):
    monkeypatch.setattr(bot.settings, "program_admins", ["UADMIN"])
    fake.add_user("UADMIN", "Ada Admin")
    three_pairs(world)
    with at(2026, 12, 1, 10):
        world.run_job("monthly-checkins")
        for n, user in enumerate(("U1", "U2", "U3", "U4", "U5")):
            answer(world, user, checkin_dms(fake, user)[0],
                   dict(MET, minutes=str(30 + 10 * n), effectiveness=str(1 + n), help=f"idea number {n}"))
        with bot.db.uow() as session:  # the open month is never reported, however many answered
            assert digest.closed_month(session, "T0TEST", datetime.now(UTC), 5) is None
    assert not fake.dms_to("UADMIN")
    with at(2027, 1, 1, 10):
        world.run_job("monthly-checkins")
        world.run_job("monthly-checkins")
        with bot.db.uow() as session:
            report = digest.closed_month(session, "T0TEST", datetime.now(UTC), 5)
        assert report.reportable and report.answered == 5 and report.effectiveness == 3.0
        assert report.expected_share == 1.0
    # the managers' digest shows the closed month's totals (and nothing of the open one)
    fake.add_channel("C0DIGEST", "mentoring-managers", bot_member=True)
    with at(2027, 1, 4, 8):
        world.run_job("weekly-digest", digest_channel="C0DIGEST")
    posted = str(fake.messages("C0DIGEST")[0]["blocks"])
    assert "Average effectiveness (December 2026): 3.0 of 5" in posted
    assert "Got what they expected (December 2026): 100%" in posted
    assert not any(name in posted for name in ("Ada", "Bea", "idea number"))
    admin = [m for m in fake.dms_to("UADMIN") if "what would help" in m["text"]]
    assert len(admin) == 1
    body = str(admin[0]["blocks"])
    assert all(f"idea number {n}" in body for n in range(5))
    assert not any(who in body for who in ("Bea", "Cy", "Dee", "Eve", "Fox", "<@U"))


def test_silent_pairs_are_at_risk_and_silent_people_are_paused(world, slack, fake, bot):
    three_pairs(world)
    for month in ((2026, 12), (2027, 1)):
        with at(*month, 1, 10):
            world.run_job("monthly-checkins")
            # Cy and Dee meet; Ada and Bea don't answer; Eve says they didn't meet, Fox doesn't answer
            for user in ("U3", "U4"):
                answer(world, user, checkin_dms(fake, user)[-1], MET)
            answer(world, "U5", checkin_dms(fake, "U5")[-1], NOT_MET, button="We didn't meet")
    with at(2027, 2, 1, 10):
        assert "closed 2027-01 (3/6 answered, 2 at risk, 0 paused)" in world.run_job("monthly-checkins")
        risky = {u: [m for m in fake.dms_to(u) if "haven't managed to meet" in m["text"] + str(m["blocks"])]
                 for u in ("U1", "U2", "U3", "U4", "U5", "U6")}
        assert [len(risky[u]) for u in ("U1", "U2", "U3", "U4", "U5", "U6")] == [1, 1, 0, 0, 1, 1]
        # Ada says they're fine; Eve pauses; Fox's copy of the message then no longer changes anything
        slack.click("U1", risky["U1"][0], "We're fine")
        slack.click("U5", risky["U5"][0], "Pause for a while")
        world.idle()
        assert world.partnership("U1", "U2").at_risk_since is None
        assert world.partnership("U5", "U6").status == "paused"
        told = fake.dms_to("U6")[-1]
        assert "paused your partnership" in told["text"]
        slack.click("U6", told, "Resume our partnership")
        world.idle()
        assert world.partnership("U5", "U6").status == "active"
        for user in ("U3", "U4", "U6"):  # February's check-in, asked before the pause
            answer(world, user, checkin_dms(fake, user)[-1], MET)
    with at(2027, 3, 1, 10):
        result = world.run_job("monthly-checkins")
        assert "2 paused" in result  # Ada and Bea: three months without an answer
        with bot.db.uow() as session:
            statuses = dict(session.execute(select(Person.slack_user_id, Person.status)).all())
        assert statuses["U1"] == statuses["U2"] == "paused" and statuses["U6"] == "active"
        pause_dm = next(m for m in fake.dms_to("U1") if "paused your participation" in str(m["blocks"]))
        # paused people are not asked about March
        assert not any("March 2027" in m["text"] for m in fake.dms_to("U1"))
        slack.app_home_opened("U2")
        world.idle()
        assert "Your participation is paused" in str(fake.home("U2")["blocks"])
        slack.click("U1", pause_dm, "Resume")
        slack.click("U2", fake.home("U2"), "Resume")  # from the Home tab: the answer comes as a DM
        world.idle()
        with bot.db.uow() as session:
            statuses = dict(session.execute(select(Person.slack_user_id, Person.status)).all())
        assert statuses["U1"] == statuses["U2"] == "active"
        assert any("Welcome back" in m["text"] for m in fake.dms_to("U2"))
        assert any("Ada is back" in m["text"] for m in fake.dms_to("U2"))  # the partner is told, as with /mentor resume
        assert "Your participation is paused" not in str(fake.home("U2")["blocks"])


def test_ending_a_partnership_at_risk_tells_the_partner(world, slack, fake, bot):
    three_pairs(world)
    for month in ((2026, 12), (2027, 1), (2027, 2)):
        with at(*month, 1, 10):
            world.run_job("monthly-checkins")
    with at(2027, 2, 1, 11):
        message = next(m for m in fake.dms_to("U3") if "haven't managed to meet" in str(m["blocks"]))
        slack.click("U3", message, "End and find someone new")  # the closing summary, as every ending has
        view = fake.wait_for(lambda: (m := fake.open_modal("U3")) and m["callback_id"] == "closing_submit" and m)
        slack.submit("U3", view, {"Would you recommend Dee as a partner to others?": "Yes"})
        slack.submit("U3", view, {"Would you recommend Dee as a partner to others?": "Yes"})  # twice: one ending
        world.idle()
        assert world.partnership("U3", "U4").status == "ended"
        assert len([m for m in fake.dms_to("U4") if "ended your partnership" in m["text"]]) == 1
        assert [m for m in fake.dms_to("U3") if "Looking for a new partner" in m["text"]]  # ...and find someone new
        for user in ("U3", "U4"):  # both are asked for a story, once
            assert len([m for m in fake.dms_to(user) if "Share a story" in str(m["blocks"])]) == 1
        # Dee (U4) cannot bring back an ended partnership with her own old button
        slack.click("U4", next(m for m in fake.dms_to("U4") if "haven't managed" in str(m["blocks"])), "We're fine")
        world.idle()
        assert world.partnership("U3", "U4").status == "ended"


@pytest.mark.parametrize("k", [5])
def test_report_pairs_cannot_be_subtracted(world, slack, fake, bot, k):
    """Weekly reports during an open month all show the last closed month: answers arriving in between
    change nothing a reader could subtract."""
    three_pairs(world)
    with at(2026, 12, 1, 10):
        world.run_job("monthly-checkins")
    with at(2027, 1, 1, 10):
        world.run_job("monthly-checkins")
        snapshots = []
        for user in ("U1", "U2", "U3", "U4", "U5", "U6"):
            with bot.db.uow() as session:
                snapshots.append(digest.closed_month(session, "T0TEST", datetime.now(UTC), k))
            answer(world, user, checkin_dms(fake, user)[-1], MET)
        assert all(s == snapshots[0] for s in snapshots)
        with bot.db.uow() as session:
            answered = session.scalars(select(CheckIn.answered_at).where(CheckIn.period == "2027-01")).all()
            assert len(answered) == 6 and all(answered)


def test_no_checkins_for_paused_partnerships(world, slack, fake, bot):
    three_pairs(world)
    with bot.db.uow() as session:
        p = session.scalars(select(Partnership).where(Partnership.status == "active")).first()
        p.status = "paused"
    with at(2026, 12, 1, 10):
        assert "4 unanswered check-in(s) asked" in world.run_job("monthly-checkins")

