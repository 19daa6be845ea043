"""The managers' weekly digest: a known stretch of activity, every figure checked, this week against last.

The program runs in Europe/Berlin. The digest runs on Monday 7 April 2025 at 08:00, so "this week" is Monday
31 March to Sunday 6 April and "last week" Monday 24 to Sunday 30 March (which has the switch to summer time).
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from bot.services import digest as figures
from messages.digest import digest_message
from models import (
    Agreement,
    CheckIn,
    CheckInPeriod,
    Circle,
    CircleAttendance,
    CircleMember,
    CircleSession,
    Meeting,
    Partnership,
    Person,
    PersonSkill,
    Skill,
    Story,
    SupervisorAck,
)
from tests.conftest import TEAM
from tests.fakeslack import message_errors

BERLIN = ZoneInfo("Europe/Berlin")
CHANNEL = "C0DIGEST"
RUN_AT = datetime(2025, 4, 7, 8, 0, tzinfo=BERLIN)
NEXT_RUN_AT = datetime(2025, 4, 14, 8, 0, tzinfo=BERLIN)


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in 2025, Berlin time, as the UTC the database stores."""
    return datetime(2025, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


class Builder:
    """Rows inserted straight through the models, for a month of activity whose figures we know."""

    def __init__(self, session):
        self.session = session
        self.people: dict[str, Person] = {}
        self.skills: dict[str, Skill] = {}
        self.uid = 0

    def person(self, name: str, joined: datetime, status: str = "active", offers=(), wants=()) -> Person:
        self.uid += 1
        p = Person(team_id=TEAM, slack_user_id=f"U{self.uid:04d}", display_name=name, department="Eng",
                   department_key="eng", level=3, status=status, joined_at=joined)
        self.session.add(p)
        self.session.flush()
        for kind, names in (("offer", offers), ("want", wants)):
            for skill in names:
                if skill not in self.skills:
                    self.skills[skill] = Skill(team_id=TEAM, key=skill.lower(), name=skill)
                    self.session.add(self.skills[skill])
                    self.session.flush()
                self.session.add(PersonSkill(person_id=p.id, skill_id=self.skills[skill].id, kind=kind))
        self.people[name] = p
        return p

    def pair(self, a: str, b: str, status: str = "active", started: datetime | None = None, ended: datetime | None = None,
             at_risk: datetime | None = None) -> Partnership:
        ids = sorted([self.people[a].id, self.people[b].id])
        p = Partnership(team_id=TEAM, person_a_id=ids[0], person_b_id=ids[1], status=status, created_at=at(1, 1),
                        started_at=started, ended_at=ended, at_risk_since=at_risk)
        self.session.add(p)
        self.session.flush()
        return p

    def meeting(self, partnership: Partnership, held_on: date, minutes: int) -> None:
        self.session.add(Meeting(team_id=TEAM, partnership_id=partnership.id, held_on=held_on, minutes=minutes,
                                 topics="growth"))

    def agreement(self, partnership: Partnership, a: datetime | None, b: datetime | None, acks=()) -> Agreement:
        ag = Agreement(team_id=TEAM, partnership_id=partnership.id, version=1, drafted_by_id=partnership.person_a_id,
                       goals="learn", frequency="weekly", meeting_minutes=60, end_date=date(2025, 9, 1),
                       confirmed_a_at=a, confirmed_b_at=b)
        self.session.add(ag)
        self.session.flush()
        for n, when in enumerate(acks):
            self.session.add(SupervisorAck(team_id=TEAM, agreement_id=ag.id, supervisor_user_id=f"US{ag.id}{n}",
                                           acknowledged_at=when))
        return ag

    def checkin(self, partnership: Partnership, person: str, period: str, created: datetime,
                answered: datetime | None = None, effectiveness: int | None = None) -> None:
        self.session.add(CheckIn(team_id=TEAM, period=period, partnership_id=partnership.id,
                                 person_id=self.people[person].id, created_at=created, answered_at=answered,
                                 effectiveness=effectiveness, expectations="yes" if effectiveness else None))

    def closed_month(self, period: str, closed: datetime | None, answered: int, eff_sum: int, eff_n: int,
                     yes: int, partly: int, no: int, **circles: int) -> None:
        """`circles`: the month's circle_* aggregates (circle_asked=..., circle_answered=..., ...)."""
        self.session.add(CheckInPeriod(team_id=TEAM, period=period, opened_at=at(1, 1), closed_at=closed,
                                       asked=answered + 2, answered=answered, met=answered, minutes=0,
                                       effectiveness_sum=eff_sum, effectiveness_n=eff_n, expected_yes=yes,
                                       expected_partly=partly, expected_no=no, **circles))

    def circle(self, status: str, started: datetime | None, members: dict[str, tuple[datetime, datetime | None]],
               ended: datetime | None = None) -> Circle:
        """A peer circle with its members: name -> (joined, left)."""
        c = Circle(team_id=TEAM, goal="Speak up", size=5, frequency="weekly", meeting_minutes=60,
                   starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31), status=status, started_at=started,
                   ended_at=ended)
        self.session.add(c)
        self.session.flush()
        for name, (joined, left) in members.items():
            self.session.add(CircleMember(circle_id=c.id, person_id=self.people[name].id, joined_at=joined, left_at=left))
        return c

    def circle_session(self, circle: Circle, held_on: date, status: str = "held", present: tuple[str, ...] = ()) -> None:
        row = CircleSession(team_id=TEAM, circle_id=circle.id, status=status, minutes=60, held_on=held_on,
                            uid=f"circle-session-{circle.id}-{held_on}-{status}", topics="practice")
        self.session.add(row)
        self.session.flush()
        for name in present:
            self.session.add(CircleAttendance(session_id=row.id, person_id=self.people[name].id))

    def story(self, author: str, status: str, posted: datetime | None) -> None:
        self.session.add(Story(team_id=TEAM, author_id=self.people[author].id, title="Our story", body="...",
                               status=status, posted_at=posted))


def build_known_weeks(bot) -> dict:
    """The activity of February to early April 2025 whose digest for the week of 31 March we know by heart."""
    with bot.db.uow() as session:
        w = Builder(session)
        jan = at(1, 10)
        w.person("P1", jan, wants=["Kubernetes", "Rust", "Design"])
        w.person("P2", jan, wants=["Kubernetes", "Rust", "Design"])
        w.person("P3", jan, wants=["Kubernetes", "Rust", "Design"])
        w.person("P4", jan, wants=["Kubernetes", "Design", "Go"])
        w.person("P5", jan, wants=["Kubernetes", "Go"], offers=["Design"])
        w.person("P6", jan, wants=["Kubernetes", "Excel"], offers=["Go"])
        w.person("P7", jan, wants=["Kubernetes", "Figma"], offers=["Go"])
        w.person("P8", jan, wants=["Zig"], offers=["Kubernetes"])
        w.person("P9", at(3, 25, 10), offers=["Kubernetes"])  # joined last week
        w.person("P10", at(3, 30, 23, 30))  # last week: Sunday 23:30, summer time already
        w.person("P11", at(3, 31, 0, 30))  # this week's first minutes
        w.person("P12", at(4, 2))
        w.person("P13", at(4, 6, 23, 59))  # this week's last minute
        w.person("P14", at(4, 7, 0, 30), wants=["Accessibility"])  # after the week: not counted anywhere
        w.person("P15", jan, status="left", wants=["Kubernetes"])  # left: not counted
        w.person("P16", at(4, 2), status="left")
        w.person("P17", jan, status="paused")  # paused people are still in the program

        a = w.pair("P1", "P2", started=at(1, 15), at_risk=at(3, 3))
        b = w.pair("P3", "P4", started=at(3, 26))  # new last week
        c = w.pair("P5", "P6", started=at(4, 1))  # new this week
        d = w.pair("P7", "P8", status="paused", started=at(2, 1), at_risk=at(4, 2))  # at risk since this week
        e = w.pair("P1", "P3", status="ended", started=at(2, 1), ended=at(4, 3))  # ended this week
        f = w.pair("P2", "P3", status="ended", started=at(1, 5), ended=at(3, 10))
        w.pair("P4", "P5", status="requested")  # never accepted
        h = w.pair("P6", "P7", started=at(4, 7, 0, 30))  # after the week
        i = w.pair("P9", "P10", started=at(3, 31, 0, 30))  # new this week (its first minutes)

        # Meetings. This week: 3 (B on 31 March, A, C on Sunday) = 205 min; last week: 2 = 90 min.
        w.meeting(b, date(2025, 3, 31), 60)
        w.meeting(a, date(2025, 4, 2), 45)
        w.meeting(c, date(2025, 4, 6), 100)
        w.meeting(b, date(2025, 3, 28), 60)
        w.meeting(e, date(2025, 3, 25), 30)
        w.meeting(h, date(2025, 4, 7), 60)  # next week
        w.meeting(f, date(2025, 3, 5), 45)  # four weeks back (on the chart only)

        # Agreements: signed when the second person confirms.
        w.agreement(a, at(3, 20), at(4, 1), acks=[None])  # signed this week, not acknowledged
        w.agreement(b, at(3, 27), at(3, 26), acks=[at(3, 29), at(4, 1)])  # signed last week; acks: one each week
        w.agreement(c, at(4, 2), None)  # half confirmed: not signed
        w.agreement(d, at(4, 6, 23, 30), at(4, 6, 10), acks=[at(4, 5)])  # signed this week, late on Sunday
        w.agreement(i, at(4, 7, 0, 30), at(4, 1))  # signed after the week

        # Check-ins. March (last week's month): 6 asked, 3 answered by 31 March 00:00.
        for p, person in ((a, "P1"), (a, "P2"), (b, "P3"), (b, "P4"), (d, "P7"), (d, "P8")):
            answered = {"P1": at(3, 10), "P2": at(3, 10), "P3": at(3, 29), "P4": at(4, 2)}.get(person)
            w.checkin(p, person, "2025-03", at(3, 3), answered)
        # April (this week's month): 4 asked by the week's end, 1 answered by then; one asked after it.
        w.checkin(a, "P1", "2025-04", at(4, 1), at(4, 3), effectiveness=5)
        w.checkin(a, "P2", "2025-04", at(4, 1), at(4, 7, 0, 30), effectiveness=1)
        w.checkin(c, "P5", "2025-04", at(4, 1))
        w.checkin(c, "P6", "2025-04", at(4, 1))
        w.checkin(d, "P7", "2025-04", at(4, 7, 1))

        # Closed months: February closed on 1 March, March on 1 April (this week). April is open.
        w.closed_month("2025-02", at(3, 1, 10), answered=6, eff_sum=24, eff_n=6, yes=3, partly=2, no=1)
        w.closed_month("2025-03", at(4, 1, 10), answered=8, eff_sum=30, eff_n=7, yes=6, partly=1, no=1,
                       circle_asked=6, circle_answered=5, circle_met=4, circle_sessions=9, circle_effectiveness_sum=18,
                       circle_effectiveness_n=5, circle_expected_yes=3, circle_expected_partly=1, circle_expected_no=1)

        # Peer circles. At this week's end: C1 (4 members) and C5 (3); at last week's end: C1 (3) and C2 (3).
        c1 = w.circle("active", at(3, 20), {"P1": (at(3, 20), None), "P2": (at(3, 20), None), "P3": (at(3, 20), None),
                                            "P4": (at(4, 2), None),  # joined this week
                                            "P9": (at(3, 25, 11), at(3, 29))})  # left last week
        w.circle("ended", at(3, 26), {n: (at(3, 26), at(4, 3)) for n in ("P5", "P6", "P7")}, ended=at(4, 3))
        w.circle("open", None, {"P8": (at(3, 1), None)})  # not started: never counted
        c4 = w.circle("active", at(4, 7, 0, 30), {n: (at(4, 7, 0, 30), None) for n in ("P1", "P5", "P6")})  # after
        w.circle("full", at(4, 1), {n: (at(4, 1), None) for n in ("P10", "P11", "P12")})
        # Circle sessions held: 2 this week (5 attendances), 1 last week; planned, missed and later ones don't count.
        w.circle_session(c1, date(2025, 4, 2), present=("P1", "P2", "P3"))
        w.circle_session(c1, date(2025, 4, 6), present=("P1", "P4"))
        w.circle_session(c1, date(2025, 3, 25), present=("P1",))
        w.circle_session(c1, date(2025, 4, 3), status="missed")
        w.circle_session(c1, date(2025, 4, 5), status="planned")
        w.circle_session(c4, date(2025, 4, 7), present=("P1",))
        w.closed_month("2025-04", None, answered=9, eff_sum=9, eff_n=9, yes=0, partly=0, no=9)  # open: never shown

        # Stories: 1 posted this week, 2 last week.
        w.story("P1", "posted", at(4, 2))
        w.story("P2", "posted", at(3, 25))
        w.story("P3", "posted", at(3, 27))
        w.story("P4", "approved", None)
        w.story("P5", "posted", at(4, 7, 1))
    return {"a": a.id, "c": c.id}


def lines_of(message: dict) -> list[str]:
    """The digest's figures as lines of text ('• ' bullets), the way a manager reads them."""
    out = []
    for block in message["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        out += [line[2:] for line in text.split("\n") if line.startswith("• ")]
    return out


def test_the_digest_reports_every_figure_of_the_week_against_the_week_before(world, fake, bot):
    fake.add_channel(CHANNEL, "mentoring-managers", bot_member=True)
    build_known_weeks(bot)

    with time_machine.travel(RUN_AT, tick=False):
        result = world.run_job("weekly-digest", digest_channel=CHANNEL, program_timezone="Europe/Berlin")
    assert result.startswith("weekly digest for the week of 2025-03-31: 1 of 1 team(s) posted to C0DIGEST (1 chart(s))")

    posts = fake.messages(CHANNEL)
    assert len(posts) == 2  # the digest, then the chart
    digest, chart_post = posts
    assert message_errors(digest["blocks"], digest["text"]) == []
    shown = str(digest["blocks"])
    assert "Grow Together: weekly digest" in shown
    assert "Monday 31 March 2025 to Sunday 6 April 2025 (Europe/Berlin)" in shown
    assert lines_of(digest) == [
        "Opted in: 14 (last week 11, +3)",
        "New this week: 3 (last week 2, +1)",
        "Kubernetes: 7 want it, 2 offer it",
        "Design: 4 want it, 1 offer it",
        "Rust: 3 want it, 0 offer it",
        "Excel: 1 want it, 0 offer it",
        "Figma: 1 want it, 0 offer it",  # Zig (also 1 to 0) is the sixth: only five are shown
        "Active at the week's end: 5 (last week 4, +1)",
        "New this week: 2 (last week 1, +1)",
        "At risk: 2 (last week 1, +1)",
        "Signed: 2 (last week 1, +1)",
        "Acknowledged by supervisors: 2 (last week 1, +1)",
        "Meetings logged: 3 (last week 2, +1)",
        "Hours: 3.4 (last week 1.5, +1.9)",
        "Pairs that met this month (1 April to 6 April): 40%, 2 of 5 active pairs (last week 50%, -10 points)",
        "Agenda points added: 0 (last week 0, ±0)",
        "Agenda points covered: 0 (last week 0, ±0)",
        "Action items logged: 0 (last week 0, ±0)",
        "Action items done: 0 (last week 0, ±0)",
        "Action items due this week, done: none due (last week none due)",
        "Planned meetings held: none planned (last week none planned)",
        "Response rate (April 2025): 25%, 1 of 4 answered (last week 50%, -25 points)",
        "Average effectiveness (March 2025): 4.3 of 5 (last week 4.0 for February 2025, +0.3)",
        "Got what they expected (March 2025): 75% (last week 50% for February 2025, +25 points)",
        "Active circles at the week's end: 2 (last week 2, ±0)",
        "Members in active circles: 7 (last week 6, +1)",
        "Circle sessions held: 2 (last week 1, +1)",
        "Circle check-ins (March 2025): 5 of 6 answered; circle met: 80%; average effectiveness: 3.6 of 5; "
        "got what they expected: 60%",
        "Good fits: no month of fit answers has ended yet",
        "Stories posted: 1 (last week 2, -1)",
    ]
    assert "at least 5 people answered" in shown  # the k-rule in small print
    assert "at least 5 circle members answered" in shown  # for circles too, counted apart
    assert "P1" not in shown and "U0001" not in shown  # no names anywhere, at-risk pairs included

    # The chart follows as its own post: a real PNG of the last 12 weeks.
    [png] = fake.files()
    assert png["completed"] and png["channels"] == [CHANNEL]
    assert png["filename"] == "mentoring-12-weeks-2025-03-31.png"
    assert png["data"].startswith(b"\x89PNG\r\n\x1a\n") and len(png["data"]) > 10_000
    assert chart_post["files"][0]["id"] == png["id"] and chart_post.get("thread_ts") is None

    # The chart's numbers: meetings per week (bars) and active partnerships at each week's end (line).
    with bot.db.uow() as session:
        week = figures.report_week(RUN_AT, BERLIN)
        chart = figures.compute(session, TEAM, week, k=5).chart
    assert chart[0].first_day == date(2025, 1, 13) and chart[-1].first_day == date(2025, 3, 31)
    assert [c.meetings for c in chart] == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 3]
    assert [c.active_partnerships for c in chart] == [2, 2, 4, 4, 4, 4, 4, 4, 3, 3, 4, 5]


def test_running_twice_in_a_week_posts_once(world, fake, bot):
    fake.add_channel(CHANNEL, "mentoring-managers", bot_member=True)
    build_known_weeks(bot)
    with time_machine.travel(RUN_AT, tick=False):
        world.run_job("weekly-digest", digest_channel=CHANNEL, program_timezone="Europe/Berlin")
    with time_machine.travel(RUN_AT + timedelta(hours=5), tick=False):
        again = world.run_job("weekly-digest", digest_channel=CHANNEL, program_timezone="Europe/Berlin")
    assert "1 of 1 team(s) posted" in again and "0 written this run" in again
    assert len(fake.messages(CHANNEL)) == 2 and len(fake.files()) == 1
    # The next Monday is a new week: a new digest.
    with time_machine.travel(NEXT_RUN_AT, tick=False):
        world.run_job("weekly-digest", digest_channel=CHANNEL, program_timezone="Europe/Berlin")
    posts = fake.messages(CHANNEL)
    assert len(posts) == 4 and len(fake.files()) == 2
    assert "Monday 7 April 2025 to Sunday 13 April 2025" in str(posts[2]["blocks"])
    # Both weeks name the same closed month (March), and say so rather than repeat a comparison.
    assert "Average effectiveness (March 2025): 4.3 of 5 (same month as last week)" in lines_of(posts[2])


def test_check_in_results_follow_the_k_rule_and_open_months_change_nothing(world, fake, bot):
    fake.add_channel(CHANNEL, "mentoring-managers", bot_member=True)
    ids = build_known_weeks(bot)
    week = figures.report_week(RUN_AT, BERLIN)

    def closed_lines(k: int = 5) -> list[str]:
        with bot.db.uow() as session:
            message = digest_message(figures.compute(session, TEAM, week, k=k), "Grow Together", "Europe/Berlin")
        return [line for line in lines_of(message) if line.startswith(("Average effectiveness", "Got what"))]

    # More answers arriving in the open month (April) move the response rate, and nothing else.
    before = closed_lines()
    with bot.db.uow() as session:
        w = Builder(session)
        for n in range(6):
            w.people[f"X{n}"] = Person(team_id=TEAM, slack_user_id=f"UX{n}", department="Eng", department_key="eng",
                                       level=2, joined_at=at(1, 10))
            session.add(w.people[f"X{n}"])
            session.flush()
            w.checkin(session.get(Partnership, ids["c"]), f"X{n}", "2025-04", at(4, 1), at(4, 4), effectiveness=1)
    assert closed_lines() == before
    with bot.db.uow() as session:
        assert "Response rate (April 2025): 70%, 7 of 10 answered" in str(
            digest_message(figures.compute(session, TEAM, week, k=5), "Grow Together", "Europe/Berlin"))

    # k both ways: March had 8 answers, 7 of them rating effectiveness, 8 on expectations; February had 6.
    feb = "(last week, February 2025: not enough answers to report)"
    assert closed_lines(k=7) == [f"Average effectiveness (March 2025): 4.3 of 5 {feb}",
                                 f"Got what they expected (March 2025): 75% {feb}"]
    assert closed_lines(k=8) == [f"Average effectiveness (March 2025): not enough answers to report {feb}",
                                 f"Got what they expected (March 2025): 75% {feb}"]
    assert closed_lines(k=9) == [f"Average effectiveness (March 2025): not enough answers to report {feb}",
                                 f"Got what they expected (March 2025): not enough answers to report {feb}"]

    # And in the channel, with ANONYMITY_MIN_GROUP=9: no figure of March's answers at all.
    with time_machine.travel(RUN_AT, tick=False):
        world.run_job("weekly-digest", digest_channel=CHANNEL, program_timezone="Europe/Berlin", anonymity_min_group=9)
    shown = str(fake.messages(CHANNEL)[0]["blocks"])
    assert "not enough answers to report" in shown and "4.3" not in shown and "75%" not in shown
    assert "at least 9 people answered" in shown
    # Circle members' answers follow their own k: 5 answered March, so nothing of them is shown either.
    assert "Circle check-ins (March 2025): 5 of 6 answered; fewer than 9 answers, not shown" in shown
    assert "3.6" not in shown and "80%" not in shown and "60%" not in shown


def test_no_channel_set_posts_nothing(world, fake, bot):
    build_known_weeks(bot)
    with time_machine.travel(RUN_AT, tick=False):
        assert world.run_job("weekly-digest", program_timezone="Europe/Berlin") == \
            "DIGEST_CHANNEL is not set; no digest posted"
    assert fake.calls_to("chat.postMessage") == [] and fake.files() == []


def test_a_channel_the_bot_is_not_in_is_reported_not_crashed_on(world, fake, bot):
    fake.add_channel(CHANNEL, "mentoring-managers", bot_member=False)
    build_known_weeks(bot)
    with time_machine.travel(RUN_AT, tick=False):
        result = world.run_job("weekly-digest", digest_channel=CHANNEL, program_timezone="Europe/Berlin")
    assert "0 of 1 team(s) posted" in result
    assert f"NOT posted: digest:{TEAM}:2025-03-31: not_in_channel" in result and "invite the bot" in result
    assert fake.messages(CHANNEL) == []
    assert [c.error for c in fake.calls_to("chat.postMessage")] == ["not_in_channel"]
    # the operator invites the bot and runs the job again: this week's digest goes out, once
    fake.add_channel(CHANNEL, "mentoring-managers", bot_member=True)
    with time_machine.travel(RUN_AT, tick=False):
        result = world.run_job("weekly-digest", digest_channel=CHANNEL, program_timezone="Europe/Berlin")
        assert "1 of 1 team(s) posted" in result and "NOT posted" not in result
        world.run_job("weekly-digest", digest_channel=CHANNEL, program_timezone="Europe/Berlin")
    assert len(fake.messages(CHANNEL)) == 2  # the digest and its chart
