"""`/mentor stats` for admins: a known first quarter of 2026, every figure checked in the reply and in the CSV.

The program runs in Europe/Berlin; "today" is Wednesday 15 April 2026. The quarter is 1 January to 31 March.
"""

import csv
import io
import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from models import (
    Agreement,
    AuditEntry,
    CheckInPeriod,
    Meeting,
    OutboxMessage,
    Partnership,
    Story,
    SupervisorAck,
    TopicSession,
)
from tests.conftest import TEAM
from tests.fakeslack import message_errors
from tests.test_digest import Builder, lines_of

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = datetime(2026, 4, 15, 11, 0, tzinfo=BERLIN)
ADMIN = "UADMIN"


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment, Berlin time, as the UTC the database stores."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def admin(fake, bot, monkeypatch):
    monkeypatch.setattr(bot.settings, "program_admins", [ADMIN])
    monkeypatch.setattr(bot.settings, "program_timezone", "Europe/Berlin")
    fake.add_user(ADMIN, "Ada Admin")
    fake.add_user("UMALLORY", "Mallory")
    with time_machine.travel(TODAY, tick=True):
        yield ADMIN


class Quarter(Builder):
    """Rows inserted straight through the models (people as the digest's tests make them): a quarter whose
    figures we know by heart."""

    def partnership(self, a: str, b: str, started: datetime, status: str = "active", ended: datetime | None = None,
             planned_end: date | None = None, at_risk: datetime | None = None) -> Partnership:
        ids = sorted([self.people[a].id, self.people[b].id])
        p = Partnership(team_id=TEAM, person_a_id=ids[0], person_b_id=ids[1], status=status, created_at=started,
                        started_at=started, ended_at=ended, planned_end=planned_end, at_risk_since=at_risk)
        self.session.add(p)
        self.session.flush()
        return p

    def logged(self, p: Partnership, held_on: date, minutes: int, next_on: date | None = None, actions: str = ""):
        self.session.add(Meeting(team_id=TEAM, partnership_id=p.id, held_on=held_on, minutes=minutes, topics="growth",
                                 action_items=actions, next_meeting_on=next_on))

    def version(self, p: Partnership, version: int, created: datetime, goals: str, a: datetime | None = None,
                  b: datetime | None = None, ack: datetime | None = None) -> None:
        ag = Agreement(team_id=TEAM, partnership_id=p.id, version=version, drafted_by_id=p.person_a_id, goals=goals,
                       frequency="weekly", meeting_minutes=60, end_date=date(2026, 9, 1), created_at=created,
                       confirmed_a_at=a, confirmed_b_at=b)
        self.session.add(ag)
        self.session.flush()
        if ack:
            self.session.add(SupervisorAck(team_id=TEAM, agreement_id=ag.id, supervisor_user_id="USUP",
                                           acknowledged_at=ack))

    def topic(self, host: str, created: datetime, starts: datetime, status: str) -> None:
        self.session.add(TopicSession(team_id=TEAM, host_id=self.people[host].id, title="Come learn SQL",
                                      starts_at=starts, created_at=created, status=status))

    def month(self, period: str, closed: datetime | None, asked: int, answered: int, met: int, eff_sum: int,
              eff_n: int, yes: int, partly: int, no: int, **circles: int) -> None:
        self.session.add(CheckInPeriod(team_id=TEAM, period=period, opened_at=at(2025, 12, 1), closed_at=closed,
                                       asked=asked, answered=answered, met=met, minutes=0, effectiveness_sum=eff_sum,
                                       effectiveness_n=eff_n, expected_yes=yes, expected_partly=partly,
                                       expected_no=no, **circles))


def build_quarter(bot) -> None:
    with bot.db.uow() as session:
        q = Quarter(session)
        q.person("A1", at(2025, 12, 10), offers=["Python"])  # before the quarter
        q.person("J1", at(2026, 1, 5), offers=["Python"], wants=["Go"])  # January: both
        q.person("J2", at(2026, 1, 20), wants=["Go"])
        q.person("J3", at(2026, 1, 31, 23, 30), offers=["SQL"])  # January's last half hour
        q.person("F1", at(2026, 2, 1, 0, 30), wants=["SQL"])  # February in Berlin (still 31 January in UTC)
        q.person("F2", at(2026, 2, 14))  # neither offers nor wants
        q.person("M1", at(2026, 3, 3), "left", offers=["Go"])  # left: not counted
        q.person("M2", at(2026, 3, 30), offers=["Go"], wants=["Rust"])
        q.person("A2", at(2026, 4, 2), wants=["Rust"])  # after the quarter

        p1 = q.partnership("A1", "J1", at(2026, 1, 10), planned_end=date(2026, 7, 1))
        p2 = q.partnership("J2", "J3", at(2026, 2, 2), "ended", ended=at(2026, 3, 20), planned_end=date(2026, 3, 15))
        p3 = q.partnership("A1", "J2", at(2025, 11, 1), "ended", ended=at(2026, 2, 10), planned_end=date(2026, 5, 1))
        p4 = q.partnership("F1", "F2", at(2026, 3, 5), "paused", at_risk=at(2026, 3, 25))
        q.partnership("J1", "M2", at(2026, 4, 3))  # after the quarter
        q.partnership("A1", "J3", at(2025, 10, 1), "ended", ended=at(2026, 3, 31, 9), planned_end=date(2026, 3, 31))

        q.logged(p1, date(2026, 1, 15), 60, next_on=date(2026, 1, 29), actions="Read the book")
        q.logged(p1, date(2026, 1, 29), 30)
        q.logged(p2, date(2026, 2, 20), 45, next_on=date(2026, 3, 5), actions="   ")  # blank: no action items
        q.logged(p2, date(2026, 3, 5), 60, actions="Ship it")
        q.logged(p4, date(2026, 3, 31), 105, next_on=date(2026, 4, 14))
        q.logged(p1, date(2026, 4, 1), 30, next_on=date(2026, 4, 8), actions="after")  # after the quarter
        q.logged(p3, date(2025, 12, 20), 30, actions="before")

        q.version(p1, 1, at(2026, 1, 12), "Grow in Python", at(2026, 1, 12), at(2026, 1, 13), ack=at(2026, 1, 14))
        q.version(p1, 2, at(2026, 2, 15), "")  # a new version without goals
        q.version(p2, 1, at(2026, 2, 3), "Learn Go", at(2026, 2, 3), at(2026, 2, 4), ack=at(2026, 4, 2))
        q.version(p4, 1, at(2026, 3, 6), "SQL", at(2026, 3, 6))  # half confirmed

        q.topic("A1", at(2026, 2, 10), at(2026, 2, 20), "held")
        q.topic("A1", at(2026, 3, 10), at(2026, 4, 20), "open")
        q.topic("A1", at(2025, 12, 1), at(2026, 1, 10), "held")

        q.month("2025-12", at(2026, 1, 1, 10), 9, 9, 9, 45, 9, 9, 0, 0)  # before the quarter: never shown
        q.month("2026-01", at(2026, 2, 1, 10), 10, 8, 6, 32, 8, 4, 2, 2,
                circle_asked=3, circle_answered=3, circle_met=3, circle_effectiveness_sum=15,
                circle_effectiveness_n=3, circle_expected_yes=3)  # 3 circle answers: below k
        q.month("2026-02", at(2026, 3, 1, 10), 6, 3, 3, 15, 3, 3, 0, 0,  # 3 answers: below k
                circle_asked=7, circle_answered=6, circle_met=5, circle_sessions=8, circle_effectiveness_sum=24,
                circle_effectiveness_n=6, circle_expected_yes=4, circle_expected_partly=2)  # 6 circle answers
        q.month("2026-03", at(2026, 4, 1, 10), 10, 6, 3, 20, 4, 3, 2, 1)  # 4 rated effectiveness: below k
        q.month("2026-04", None, 10, 10, 10, 50, 10, 10, 0, 0, circle_asked=5, circle_answered=5)  # open: never shown

        # Peer circles: Q1 from January (J3 in it from 5 February to 10 March); Q2 from February to 20 March.
        c1 = q.circle("active", at(2026, 1, 10), {"A1": (at(2026, 1, 10), None), "J1": (at(2026, 1, 10), None),
                                                  "J2": (at(2026, 1, 10), None),
                                                  "J3": (at(2026, 2, 5), at(2026, 3, 10))})
        c2 = q.circle("ended", at(2026, 2, 1, 0, 30), {n: (at(2026, 2, 1, 0, 30), at(2026, 3, 20)) for n in ("F1", "F2", "M2")},
                      ended=at(2026, 3, 20))
        q.circle_session(c1, date(2026, 1, 20), present=("A1", "J1"))
        q.circle_session(c1, date(2026, 2, 10), present=("A1", "J1", "J2", "J3"))
        q.circle_session(c2, date(2026, 2, 15), present=("F1",))
        q.circle_session(c1, date(2026, 3, 31), present=("J1",))
        q.circle_session(c1, date(2026, 3, 12), status="cancelled")
        q.circle_session(c1, date(2026, 4, 2), present=("A1",))  # after the quarter

        session.add(Story(team_id=TEAM, author_id=q.people["J1"].id, title="Ours", body="...", status="posted",
                          posted_at=at(2026, 3, 10)))
        session.add(Story(team_id=TEAM, author_id=q.people["J2"].id, title="Later", body="...", status="posted",
                          posted_at=at(2026, 4, 2)))


def said_to(fake, user_id: str) -> str:
    return json.dumps([r.get("text") for r in fake.responses(user_id)] + [m["text"] for m in fake.dms_to(user_id)])


def test_an_admin_sees_every_figure_of_the_quarter(world, slack, fake, bot, admin):
    build_quarter(bot)
    r = slack.command(ADMIN, "stats 2026-Q1")
    assert r.status == 200 and r.ephemeral is not None, r.text
    shown = r.ephemeral
    assert message_errors(shown["blocks"], shown["text"]) == []
    assert "Grow Together: stats" in str(shown["blocks"])
    assert "1 January 2026 to 31 March 2026 (Europe/Berlin)" in str(shown["blocks"])
    assert lines_of(shown) == [
        "Opted in at the end: 7",
        "Signed up: 6 (3 can mentor, 4 want a mentor)",
        "January 2026: 3 signed up: 2 can mentor, 2 want a mentor",
        "February 2026: 2 signed up: 0 can mentor, 1 want a mentor",
        "March 2026: 1 signed up: 1 can mentor, 1 want a mentor",
        "Go: 2 want it, 1 offer it",
        "Rust: 1 want it, 0 offer it",
        "Active at the end: 2",
        "Started: 3",
        "Ended: 3, of which completed (ran to their planned end): 2",
        "At risk at the end: 1",
        "Agreements signed: 2",
        "Acknowledged by supervisors: 1",
        "Goals logged: 3",
        "Booked: 5 (3 next meetings planned, 2 topic sessions created)",
        "Completed: 7 (5 meetings held, 2 topic sessions held)",
        "Hours met: 5.0",
        "Action items logged: 2",
        "Pairs that met: 2 of 2 active at the end",
        "Agenda points added: 0, covered in logged meetings: 0",
        "Action items done: 0",
        "Action items due in the period, done by its end: none due",
        "Planned meetings held: none planned",
        "January 2026: 8 of 10 answered; met: 75%; average effectiveness: 4.0 of 5; got what they expected: 50%",
        "February 2026: 3 of 6 answered; not enough answers to report",
        "March 2026: 6 of 10 answered; met: 50%; average effectiveness: not enough answers to report; "
        "got what they expected: 50%",
        "Active circles at the end: 1",
        "Members in active circles at the end: 3",
        "Circle sessions held: 4 (8 attendances)",
        "January 2026: 3 of 3 answered; fewer than 5 answers, not shown",
        "February 2026: 6 of 7 answered; circle met: 83%; average effectiveness: 4.0 of 5; got what they expected: 67%",
        "Stories posted: 1",
    ]
    small_print = str(shown["blocks"][-3:])
    assert "wants a mentor* wants at least one" in small_print and "counts in both" in small_print
    assert "ran to their planned end date" in small_print and "at least 5 people answered" in small_print
    assert "at least 5 circle members answered" in small_print and "counted apart from the pairs'" in small_print
    assert "J1" not in str(shown["blocks"]) and "U0002" not in str(shown["blocks"])  # no one is named


def test_the_csv_has_one_row_per_month_with_every_figure(world, slack, fake, bot, admin):
    build_quarter(bot)
    r = slack.command(ADMIN, "stats 2026-Q1")
    click = slack.click(ADMIN, r, "Export CSV")
    assert click.status == 200
    world.idle()
    assert "Your CSV is on its way to your DM" in said_to(fake, ADMIN)
    [upload] = fake.files()
    assert upload["completed"] and upload["channels"] == [fake.dm_channel(ADMIN)]
    assert upload["filename"] == "mentoring-stats-2026-01-01-to-2026-03-31.csv"
    assert "one row per month" in upload["initial_comment"]
    rows = list(csv.DictReader(io.StringIO(upload["data"].decode("utf-8"))))
    assert [r["month"] for r in rows] == ["2026-01", "2026-02", "2026-03"]
    expected = {
        "from": ["2026-01-01", "2026-02-01", "2026-03-01"],
        "to": ["2026-01-31", "2026-02-28", "2026-03-31"],
        "people_opted_in_at_end": ["4", "6", "7"],
        "signups": ["3", "2", "1"],
        "signups_can_mentor": ["2", "0", "1"],
        "signups_want_mentor": ["2", "1", "1"],
        "partnerships_active_at_end": ["3", "3", "2"],
        "partnerships_started": ["1", "1", "1"],
        "partnerships_ended": ["0", "1", "2"],
        "partnerships_completed": ["0", "0", "2"],
        "partnerships_at_risk_at_end": ["0", "0", "1"],
        "agreements_signed": ["1", "1", "0"],
        "supervisor_acknowledgements": ["1", "0", "0"],
        "goals_logged": ["1", "1", "1"],
        "sessions_booked": ["1", "2", "2"],
        "next_meetings_planned": ["1", "1", "1"],
        "topic_sessions_created": ["0", "1", "1"],
        "sessions_completed": ["3", "2", "2"],
        "meetings_held": ["2", "1", "2"],
        "topic_sessions_held": ["1", "1", "0"],
        "meeting_hours": ["1.5", "0.8", "2.8"],
        "action_items_logged": ["1", "0", "1"],
        "pairs_met": ["1", "1", "1"],
        "stories_posted": ["0", "0", "1"],
        "checkin_month_closed": ["yes", "yes", "yes"],
        "checkins_asked": ["10", "6", "10"],
        "checkins_answered": ["8", "3", "6"],
        "checkins_met_percent": ["75", "", "50"],
        "average_effectiveness": ["4.0", "", ""],
        "got_expected_percent": ["50", "", "50"],
        # agenda points, action items and planned meetings (none in this quarter: tests/test_agenda.py counts them)
        "circles_active_at_end": ["1", "2", "1"],
        "circle_members_at_end": ["3", "7", "3"],
        "circle_sessions_held": ["1", "2", "1"],
        "circle_attendances": ["2", "5", "1"],
        "circle_checkins_asked": ["3", "7", "0"],
        "circle_checkins_answered": ["3", "6", "0"],
        "circle_met_percent": ["", "83", ""],
        "circle_average_effectiveness": ["", "4.0", ""],
        "circle_got_expected_percent": ["", "67", ""],
        **{name: ["0", "0", "0"] for name in ("agenda_points_added", "agenda_points_covered", "action_items_done",
                                              "action_items_due", "action_items_due_done", "planned_meetings_held",
                                              "planned_meetings_not_held")},
    }
    assert {name: [r[name] for r in rows] for name in expected} == expected
    assert set(rows[0]) == {"month", *expected}

    # A second click on the same report (a double click) sends nothing new; a new report's button does.
    slack.click(ADMIN, r, "Export CSV")
    world.idle()
    assert len(fake.files()) == 1
    slack.click(ADMIN, slack.command(ADMIN, "stats 2026-Q1"), "Export CSV")
    world.idle()
    assert len(fake.files()) == 2 and fake.files()[1]["data"] == upload["data"]

    # The same file by command, for a period cut mid-month; the export is in the audit log.
    r = slack.command(ADMIN, "stats csv 2026-03-20 2026-04-30")
    assert r.status == 200 and "on its way" in r.ephemeral["text"]
    world.idle()
    second = fake.files()[-1]
    assert len(fake.files()) == 3
    assert second["filename"] == "mentoring-stats-2026-03-20-to-2026-04-15.csv"  # ends today
    rows = list(csv.DictReader(io.StringIO(second["data"].decode("utf-8"))))
    assert [(r["month"], r["from"], r["to"], r["signups"], r["checkin_month_closed"], r["checkins_answered"])
            for r in rows] == [("2026-03", "2026-03-20", "2026-03-31", "1", "yes", "6"),
                               ("2026-04", "2026-04-01", "2026-04-15", "1", "no", "")]
    with bot.db.uow() as session:
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(a.actor_user_id, a.action, a.detail) for a in audit] == [
        (ADMIN, "stats.export_csv", {"first_day": "2026-01-01", "last_day": "2026-03-31"}),
        (ADMIN, "stats.export_csv", {"first_day": "2026-01-01", "last_day": "2026-03-31"}),
        (ADMIN, "stats.export_csv", {"first_day": "2026-03-20", "last_day": "2026-04-15"}),
    ]


def test_the_k_rule_hides_months_with_too_few_answers(world, slack, fake, bot, admin, monkeypatch):
    build_quarter(bot)
    monkeypatch.setattr(bot.settings, "anonymity_min_group", 9)
    r = slack.command(ADMIN, "stats 2026-Q1")
    checkins = [line for line in lines_of(r.ephemeral) if " answered" in line]
    assert checkins == ["January 2026: 8 of 10 answered; not enough answers to report",
                        "February 2026: 3 of 6 answered; not enough answers to report",
                        "March 2026: 6 of 10 answered; not enough answers to report",
                        # circle members' answers, with their own count against the same k
                        "January 2026: 3 of 3 answered; fewer than 9 answers, not shown",
                        "February 2026: 6 of 7 answered; fewer than 9 answers, not shown"]
    assert "75%" not in str(r.ephemeral["blocks"]) and "4.0 of 5" not in str(r.ephemeral["blocks"])
    slack.command(ADMIN, "stats csv 2026-Q1")
    world.idle()
    rows = list(csv.DictReader(io.StringIO(fake.files()[-1]["data"].decode("utf-8"))))
    assert "83%" not in str(r.ephemeral["blocks"])
    for name in ("checkins_met_percent", "average_effectiveness", "got_expected_percent", "circle_met_percent",
                 "circle_average_effectiveness", "circle_got_expected_percent"):
        assert [r[name] for r in rows] == ["", "", ""]


def test_the_default_period_is_the_last_30_days_today_included(world, slack, fake, bot, admin):
    build_quarter(bot)
    r = slack.command(ADMIN, "stats")
    shown = str(r.ephemeral["blocks"])
    assert "17 March 2026 to 15 April 2026" in shown
    lines = lines_of(r.ephemeral)
    assert "March 2026 (17 to 31): 1 signed up: 1 can mentor, 1 want a mentor" in lines
    assert "April 2026 (1 to 15): 1 signed up: 0 can mentor, 1 want a mentor" in lines
    assert "Completed: 2 (2 meetings held, 0 topic sessions held)" in lines  # 31 March and 1 April


@pytest.mark.parametrize("words, hint", [
    ("2026-13", "`2026-13` is not a month"),
    ("2026-02-30 2026-03-31", "`2026-02-30` is not a date"),
    ("next week", "I can't read `next week` as a period"),
    ("2026-03-31 2026-01-01", "ends (2026-01-01) before it starts (2026-03-31)"),
    ("2027-Q1", "starts after today (2026-04-15)"),
    ("last 5000d", "Count from 1 to 1830 days back"),
    ("2015-01-01 2026-01-01", "at most 60 months"),
])
def test_a_bad_period_gets_a_hint_with_examples(world, slack, fake, bot, admin, words, hint):
    r = slack.command(ADMIN, f"stats {words}")
    assert r.status == 200
    world.idle()
    answer = said_to(fake, ADMIN)
    assert hint in answer and "/mentor stats last 90d" in answer and "2026-Q3" in answer
    assert fake.files() == []


def forged_export_click(slack, fake, user_id: str, value: str):
    """An Export CSV click posted by hand, with any value, from someone who never saw the button."""
    payload = slack._base_payload("block_actions", user_id)
    payload.update(actions=[{"type": "button", "action_id": "stats_export_csv", "block_id": "x", "value": value,
                             "action_ts": "1776250000.000001", "text": {"type": "plain_text", "text": "Export CSV"}}],
                   container={"type": "message", "message_ts": "1776250000.000001", "channel_id": "C0GENERAL",
                              "is_ephemeral": True},
                   channel={"id": "C0GENERAL", "name": "general"},
                   response_url=fake.new_response_url(user_id, "C0GENERAL"))
    return slack._interactive(payload)


def test_a_non_admin_is_refused_even_with_a_forged_export_click(world, slack, fake, bot, admin):
    build_quarter(bot)
    for words in ("stats", "stats 2026-Q1", "stats csv 2026-Q1", "stats 2026-13", "stats " + "9" * 200):
        r = slack.command("UMALLORY", words)
        assert r.status == 200
    world.idle()
    assert said_to(fake, "UMALLORY").count("Only the program's admins") == 5

    # Mallory posts the Export button's click by hand, as if she had the admin's report.
    assert forged_export_click(slack, fake, "UMALLORY", "2026-01-01 2026-03-31").status == 200
    # And a tampered value from an admin gets a hint, not a file.
    assert forged_export_click(slack, fake, ADMIN, "'; DROP TABLE people; --").status == 200
    world.idle()
    assert said_to(fake, "UMALLORY").count("Only the program's admins") == 6
    assert "no longer knows its period" in said_to(fake, ADMIN)
    assert fake.files() == []
    with bot.db.uow() as session:
        assert session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "stats-csv")).all() == []
        assert session.scalars(select(AuditEntry)).all() == []


@pytest.mark.parametrize("words, shown", [
    ("2026-03", "1 March 2026 to 31 March 2026"),
    ("2026-q1", "1 January 2026 to 31 March 2026"),
    ("last 90d", "16 January 2026 to 15 April 2026"),
    ("last 7 days", "9 April 2026 to 15 April 2026"),
    ("2026", "1 January 2026 to 15 April 2026"),  # never past today
    ("2026-02-10 to 2026-02-20", "10 February 2026 to 20 February 2026"),
])
def test_every_kind_of_period_is_understood(world, slack, fake, bot, admin, words, shown):
    r = slack.command(ADMIN, f"stats {words}")
    assert shown in str(r.ephemeral["blocks"]), r.text


def test_five_years_of_months_still_fit_in_one_message(world, slack, fake, bot, admin):
    build_quarter(bot)
    r = slack.command(ADMIN, "stats 2021-05-01 2026-04-15")
    message = r.ephemeral
    assert message_errors(message["blocks"], message["text"]) == [] and len(message["blocks"]) <= 50
    months = [line for line in lines_of(message) if " signed up: " in line]
    assert len(months) == 60 and months[0].startswith("May 2021: 0 signed up")
    assert months[-1] == "April 2026 (1 to 15): 1 signed up: 0 can mentor, 1 want a mentor"
    assert "Sign-ups per month: can mentor against want a mentor (continued)" in str(message["blocks"])
