"""Peer circles in the monthly check-in, the weekly digest and `/mentor stats`: a circle of three whose group chat
has started is asked once a month (one DM per member, a part per circle, reminders like pairs get), answers stay
anonymous (only their author ever sees them), a closed month shows circle figures only over k answers, and the
managers' figures count active circles, their members and the sessions they held."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import func, select

from bot.services import digest
from models import CheckInAnswer, CheckInPeriod, Circle, CircleAttendance, CircleCheckIn, CircleSession
from tests.fakeslack import message_errors

GOAL = "Present with confidence"
SECRET = "A quiet room for the circle"


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=True)


def start_circle(world, organiser: str, joiners: tuple[str, ...], goal: str = GOAL, size: str = "4") -> None:
    """`organiser` starts an open circle with `/mentor circle`; each joiner presses "Join circle" in `/mentor circles`
    (the third member opens the circle's group chat)."""
    assert world.slack.command(organiser, "circle").status == 200
    modal = world.fake.wait_for(lambda: (m := world.fake.open_modal(organiser)) and m["callback_id"] == "circle_submit" and m)
    response = world.slack.submit(organiser, modal, {
        "Learning goal": goal, "Skills": "Public speaking", "Circle size": size,
        "How often we meet": "Every two weeks", "Meeting length": "60 minutes"})
    assert not response.view_errors, response.text
    world.idle()
    for user in joiners:
        shown = world.slack.command(user, "circles")
        world.slack.click(user, shown, "Join circle")
        world.idle()


def circle_id(world, goal: str = GOAL) -> int:
    with world.bot.db.uow() as session:
        return session.scalars(select(Circle.id).where(Circle.goal == goal)).one()


def circle_world(world) -> None:
    """Ada, Bea and Cy are a circle whose chat has started; Ada also has a partner, Dee."""
    with at(2026, 11, 20, 9):
        world.join("U1", "Ada", offers=["Design"], wants=["Public speaking"], capacity=3)
        world.join("U2", "Bea", offers=["SQL"], wants=["Public speaking"])
        world.join("U3", "Cy", offers=["Public speaking"], wants=["Design"])
        world.join("U4", "Dee", offers=["Public speaking"], wants=["Design"])
        start_circle(world, "U1", ("U2", "U3"))
        assert world.fake.group_dm("U1", "U2", "U3") is not None  # the circle has started
        world.pair("U1", "U4")


def circle_dms(fake, user: str) -> list[dict]:
    return [m for m in fake.dms_to(user) if "peer circle check-in" in m["text"]]


def pair_dms(fake, user: str) -> list[dict]:
    return [m for m in fake.dms_to(user) if "check-in" in m["text"] and "peer circle" not in m["text"]]


def circle_modal(world, user: str, message: dict, button: str = "Answer the check-in") -> dict:
    world.slack.click(user, message, button)
    return world.fake.wait_for(
        lambda: (m := world.fake.open_modal(user)) and m["callback_id"] == "circle_checkin_submit" and m)


def answer(world, user: str, message: dict, values: dict, button: str = "Answer the check-in"):
    response = world.slack.submit(user, circle_modal(world, user, message, button), values)
    world.idle()
    return response


MET = {"met": "yes", "sessions": "2", "effectiveness": "4", "expectations": "yes", "help": SECRET}


def everything_seen_by(fake, user: str) -> str:
    return json.dumps([fake.dms_to(user), fake.home(user), fake.ephemerals(user), fake.responses(user)])


def add_sessions(bot, held: list[date], present: int = 2) -> None:
    """Sessions the circle logged as held (the planning helper's table), with who came."""
    with bot.db.uow() as session:
        circle = session.get_one(Circle, session.scalars(select(Circle.id)).one())
        people = [m for m in session.scalars(select(CircleCheckIn.person_id)).all()][:present] or []
        for n, day in enumerate(held):
            row = CircleSession(team_id=circle.team_id, circle_id=circle.id, status="held", minutes=60,
                                uid=f"circle-test-{circle.id}-{n}", held_on=day, topics="practice")
            session.add(row)
            session.flush()
            for person_id in dict.fromkeys(people):
                session.add(CircleAttendance(session_id=row.id, person_id=person_id))
        session.add(CircleSession(team_id=circle.team_id, circle_id=circle.id, status="cancelled", minutes=60,
                                  uid=f"circle-test-{circle.id}-cancelled", held_on=held[0], topics=""))


def test_a_circle_month_from_the_dm_to_the_closed_figures(world, slack, fake, bot, monkeypatch):
    monkeypatch.setattr(bot.settings, "anonymity_min_group", 3)
    circle_world(world)
    with at(2026, 12, 1, 10):
        result = world.run_job("monthly-checkins")
        assert "3 circle member(s)" in result
        world.run_job("monthly-checkins")  # a second run (or replica) sends nothing more
        for user in ("U1", "U2", "U3"):
            assert len(circle_dms(fake, user)) == 1, user
        assert circle_dms(fake, "U4") == []  # Dee is in no circle
        assert len(pair_dms(fake, "U1")) == 1 and len(pair_dms(fake, "U4")) == 1  # the pair's check-in, as before
        first = circle_dms(fake, "U1")[0]
        assert message_errors(first["blocks"], first["text"]) == []
        assert GOAL in str(first["blocks"]) and "December 2026" in first["text"]
        assert "not the other members of your circle" in str(first["blocks"])

        # Bad answers come back on their fields and save nothing.
        modal = circle_modal(world, "U1", first)
        assert [b.get("label", {}).get("text") for b in modal["blocks"] if b["type"] == "input"][:2] == [
            "Did the circle meet this month?", "How many of its sessions did you go to?"]
        response = slack.submit("U1", modal, {"met": "yes", "expectations": "yes"})
        assert set(response.view_errors) == {"sessions"}
        response = slack.submit("U1", modal, dict(MET, sessions="xy"))
        assert "sessions" in response.view_errors
        response = slack.submit("U1", modal, {k: v for k, v in MET.items() if k != "effectiveness"})
        assert set(response.view_errors) == {"effectiveness"}
        with bot.db.uow() as session:
            assert session.scalar(select(func.count()).where(CircleCheckIn.answered_at.is_not(None))) == 0

        response = answer(world, "U1", first, MET)
        assert not response.view_errors, response.text
        thanks = fake.message(first["channel"], first["ts"])
        assert "thank you" in thanks["text"] and "Change my answer" in str(thanks["blocks"])
        assert "anonymous" in str(response.json)

        # Someone else's circle check-in id in the metadata: refused, nothing saved.
        with bot.db.uow() as session:
            bea_checkin = session.scalars(select(CircleCheckIn.id).where(
                CircleCheckIn.person_id == world.person_id("U2"))).one()
        forged = world.forged_submit("U1", modal, dict(MET, help="not mine"),
                                     metadata=f'{{"circle_checkin_id": {bea_checkin}}}')
        world.idle()
        assert "That check-in isn't yours." in str(forged.json["view"]["blocks"])
        with bot.db.uow() as session:
            assert session.get_one(CircleCheckIn, bea_checkin).answered_at is None

    with at(2026, 12, 4, 11):
        assert "4 reminder(s)" in world.run_job("checkin-reminders")  # Bea and Cy's circle DM, Ada and Dee's pair
        assert len(circle_dms(fake, "U1")) == 1, "no reminder once answered"
        reminder = circle_dms(fake, "U2")[-1]
        assert len(circle_dms(fake, "U2")) == 2 and "A gentle reminder" in str(reminder["blocks"])
        answer(world, "U2", reminder, {"met": "no", "expectations": "partly"})
        # Ada changes her answer: the modal shows her own answer, and only hers.
        modal = circle_modal(world, "U1", fake.message(first["channel"], first["ts"]), "Change my answer")
        assert SECRET in json.dumps(modal)
        slack.submit("U1", modal, dict(MET, sessions="3"))
        world.idle()
        add_sessions(bot, [date(2026, 12, 2), date(2026, 12, 16)])

    # Nobody else ever saw an answer: not the other members, not the circle's chat.
    for user in ("U2", "U3", "U4"):
        assert SECRET not in everything_seen_by(fake, user)
    assert SECRET not in json.dumps(fake.messages(fake.group_dm("U1", "U2", "U3")))

    with at(2027, 1, 1, 10):
        result = world.run_job("monthly-checkins")
        assert "and circles (2/3 answered)" in result
        with bot.db.uow() as session:
            period = session.scalars(select(CheckInPeriod).where(CheckInPeriod.period == "2026-12")).one()
            assert (period.circle_asked, period.circle_answered, period.circle_met, period.circle_sessions) == (3, 2, 1, 3)
            assert (period.circle_effectiveness_sum, period.circle_effectiveness_n) == (4, 1)
            assert (period.circle_expected_yes, period.circle_expected_partly, period.circle_expected_no) == (1, 1, 0)
            december = session.scalars(select(CircleCheckIn).where(CircleCheckIn.period == "2026-12")).all()
            assert all(c.help is None and c.sessions is None and c.met is None for c in december)
            assert session.scalar(select(func.count()).where(CheckInAnswer.circle.is_(True))) == 2
            # fewer than k (3) circle answers: nothing circle-level may be reported
            closed = digest.closed_month(session, "T0TEST", datetime.now(UTC), 3)
            assert closed is not None and closed.circles.reportable is False and closed.circles.effectiveness is None
        assert len(circle_dms(fake, "U1")) == 2 and "January 2027" in circle_dms(fake, "U1")[-1]["text"]
        slack.click("U1", fake.message(first["channel"], first["ts"]), "Change my answer")
        world.idle()
        assert "The December 2026 check-in has closed" in fake.ephemerals("U1")[-1]["text"]
        for user in ("U1", "U2", "U3"):  # January: everyone answers
            answer(world, user, circle_dms(fake, user)[-1], dict(MET, effectiveness=str(2 + int(user[1]))))

    monkeypatch.setattr(bot.settings, "program_admins", ["UADMIN"])
    fake.add_user("UADMIN", "Ada Admin")
    fake.add_channel("C0DIGEST", "mentoring-managers", bot_member=True)
    with at(2027, 2, 1, 10):
        assert "and circles (3/3 answered)" in world.run_job("monthly-checkins")
    help_dm = [m for m in fake.dms_to("UADMIN") if "what would help" in m["text"]]
    assert len(help_dm) == 1 and "what would help peer circles" in str(help_dm[0]["blocks"])
    assert not any(name in str(help_dm[0]["blocks"]) for name in ("Ada", "Bea", "Cy", "<@U1>", "<@U2>", "<@U3>"))
    with at(2027, 2, 1, 12):  # Monday: last week is 25 to 31 January, January closed after it (shown next week)
        world.run_job("weekly-digest", digest_channel="C0DIGEST")
    with at(2027, 2, 8, 8):
        world.run_job("weekly-digest", digest_channel="C0DIGEST")
    posted = fake.messages("C0DIGEST")
    latest = str([m for m in posted if "weekly digest" in m["text"]][-1]["blocks"])
    assert "Active circles at the week's end: 1" in latest and "Members in active circles: 3" in latest
    assert "Circle check-ins (January 2027): 3 of 3 answered; circle met: 100%; average effectiveness: 4.0 of 5" in latest
    earlier = str([m for m in posted if "weekly digest" in m["text"]][0]["blocks"])
    assert "Circle check-ins (December 2026): 2 of 3 answered; fewer than 3 answers, not shown" in earlier
    for text in (latest, earlier):
        assert SECRET not in text and "Bea" not in text and "Cy" not in text

    # /mentor stats: active circles, members, sessions held in the period, and the closed months under the k-rule
    with at(2027, 2, 8, 9):
        r = slack.command("UADMIN", "stats 2026-12-01 2027-01-31")
        shown = json.dumps(r.ephemeral)
        assert message_errors(r.ephemeral["blocks"], r.ephemeral["text"]) == []
        assert "Active circles at the end: 1" in shown and "Members in active circles at the end: 3" in shown
        assert "Circle sessions held: 2 (4 attendances)" in shown
        assert "December 2026: 2 of 3 answered; fewer than 3 answers, not shown" in shown
        assert "January 2027: 3 of 3 answered; circle met: 100%; average effectiveness: 4.0 of 5" in shown
        assert SECRET not in shown
        slack.command("UADMIN", "stats csv 2026-12-01 2027-01-31")
        world.idle()
        rows = list(csv.DictReader(io.StringIO(fake.files()[-1]["data"].decode("utf-8"))))
        assert [(r["month"], r["circles_active_at_end"], r["circle_members_at_end"], r["circle_sessions_held"],
                 r["circle_checkins_answered"], r["circle_average_effectiveness"]) for r in rows] == [
            ("2026-12", "1", "3", "2", "2", ""), ("2027-01", "1", "3", "0", "3", "4.0")]


def test_delete_my_data_takes_my_words_out_of_the_open_months_circle_check_in(world, slack, fake, bot, monkeypatch):
    monkeypatch.setattr(bot.settings, "anonymity_min_group", 1)
    monkeypatch.setattr(bot.settings, "program_admins", ["UADMIN"])
    fake.add_user("UADMIN", "Ada Admin")
    circle_world(world)
    with at(2026, 12, 1, 10):
        world.run_job("monthly-checkins")
        answer(world, "U1", circle_dms(fake, "U1")[0], MET)
        answer(world, "U2", circle_dms(fake, "U2")[0], dict(MET, help="Bea's wish"))
        slack.command("U1", "leave")
        leave = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "leave_submit" and m)
        r = slack.submit("U1", leave, {"Your data": ["Also delete my personal data (profile, notes, journal)"]})
        assert r.view_errors is None
        world.idle()
        with bot.db.uow() as session:
            assert SECRET not in json.dumps([c.help for c in session.scalars(select(CircleCheckIn))])
    with at(2027, 1, 1, 10):
        world.run_job("monthly-checkins")
    help_dm = str([m["blocks"] for m in fake.dms_to("UADMIN") if "what would help" in m["text"]])
    assert "Bea's wish" in help_dm and SECRET not in help_dm  # what Ada wrote never reaches the program team


def test_the_admins_schedule_settings_say_the_monthly_check_in_asks_circle_members_too(world, slack, fake, bot, monkeypatch):
    monkeypatch.setattr(bot.settings, "program_admins", ["UADMIN"])
    fake.add_user("UADMIN", "Ada Admin")
    assert slack.command("UADMIN", "admin").status == 200
    view = fake.wait_for(lambda: (m := fake.open_modal("UADMIN")) and m["callback_id"] == "admin_program_submit" and m)
    [monthly] = [b for b in view["blocks"] if b.get("block_id") == "cron_monthly-checkins"]
    assert "every member of a peer circle" in monthly["hint"]["text"]
