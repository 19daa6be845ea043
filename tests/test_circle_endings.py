"""A peer circle at its end date, through Slack: a few days before, its chat hears when it ends; on the day the daily
`circle-endings` job posts one closing summary (goal, skills, how long it ran, sessions held, how many of them each
member came to) with "Renew or end?". One member renews and the end date moves; another member's click on the same
question is told it was already renewed, and nothing changes. "End the circle" ends it for everyone with a closing
line; a question nobody answers ends the circle after 7 days. An outsider's hand-made click is refused and changes
nothing. An ended circle is no longer among mine and no longer takes a place toward my partners at once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import select

from bot.services import clock
from bot.services.matching import load
from models import Circle, CircleAttendance, CircleMember, CircleSession, Person
from tests.fakeslack import message_errors
from tests.test_circles import GOAL, circles_list, start

QUESTION = "reached its end date"


def at(day: date, hour: int = 9) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=True)


def circle_of_three(world, slack, fake) -> tuple[int, str]:
    """Ada starts a circle of three that runs a month; Bea and Cy join, its chat opens. Dee stays outside."""
    world.join("U1", "Ada Lovelace", offers=["Design"], wants=["Public speaking"])
    world.join("U2", "Bea Brown", offers=["SQL"], wants=["Public speaking"], tz="America/New_York", tz_offset=-5 * 3600)
    world.join("U3", "Cy Young", offers=["Public speaking"], wants=["Design"])
    world.join("U4", "Dee Dane", offers=["Go"], wants=["Public speaking"])
    response = start(world, **{"Circle size": "3", "How long the circle runs": "1 month"})
    assert not response.view_errors, response.text
    for user_id in ("U2", "U3"):
        slack.click(user_id, circles_list(world, user_id), "Join circle")
        world.idle()
    chat = fake.group_dm("U1", "U2", "U3")
    assert chat is not None
    with world.bot.db.uow() as session:
        circle = session.scalars(select(Circle)).one()
        assert circle.status == "full" and circle.channel_id == chat
        return circle.id, chat


def log_sessions(bot, circle_id: int, came: dict[str, int], held: int) -> None:
    """`held` sessions logged as held (each member came to as many as `came` says), one missed, one planned ahead."""
    with bot.db.uow() as session:
        people = {p.slack_user_id: p.id for p in session.scalars(select(Person))}
        day = clock.now().date()
        rows = [CircleSession(team_id="T0TEST", circle_id=circle_id, status="held", held_on=day - timedelta(days=7 * n),
                              minutes=60, uid=f"held-{circle_id}-{n}@test") for n in range(held)]
        rows += [CircleSession(team_id="T0TEST", circle_id=circle_id, status="missed", minutes=60,
                               uid=f"missed-{circle_id}@test"),
                 CircleSession(team_id="T0TEST", circle_id=circle_id, status="planned", minutes=60,
                               starts_at=clock.now() + timedelta(days=40), uid=f"planned-{circle_id}@test")]
        session.add_all(rows)
        session.flush()
        for user_id, count in came.items():
            for row in rows[:count]:
                session.add(CircleAttendance(session_id=row.id, person_id=people[user_id]))


def circle(bot, circle_id: int) -> Circle:
    with bot.db.uow() as session:
        row = session.get(Circle, circle_id)
        assert row is not None
        session.expunge(row)
        return row


def in_chat(fake, chat: str, words: str) -> list[dict]:
    return [m for m in fake.messages(chat) if words in json.dumps(m)]


def told(fake, user_id: str) -> str:
    return json.dumps([r.get("text") for r in fake.responses(user_id)] + [m["text"] for m in fake.dms_to(user_id)])


def test_a_circle_gets_one_closing_summary_at_its_end_and_renews_once(world, slack, fake, bot):
    circle_id, chat = circle_of_three(world, slack, fake)
    log_sessions(bot, circle_id, {"U1": 3, "U2": 2, "U3": 1}, held=3)
    ends_on = circle(bot, circle_id).ends_on

    with at(ends_on - timedelta(days=7)):  # a week before: a heads-up, once
        assert "1 circle(s) told their end is near" in world.run_job("circle-endings")
        assert "0 circle(s) told" in world.run_job("circle-endings")
    assert len(in_chat(fake, chat, f"ends on {ends_on:%A %d %B %Y}")) == 1

    with at(ends_on):
        assert "1 circle(s) asked to renew or end" in world.run_job("circle-endings")
        assert "0 circle(s) asked" in world.run_job("circle-endings")  # once
        [question] = in_chat(fake, chat, QUESTION)
        assert message_errors(question["blocks"], question["text"]) == []
        shown = json.dumps(question)
        assert GOAL in shown and "Public speaking, storytelling" in shown and "(1 month)" in shown
        assert "*Sessions held:* 3" in shown
        assert "<@U1>: came to 3 of 3 sessions" in shown and "<@U2>: came to 2 of 3 sessions" in shown
        assert "<@U3>: came to 1 of 3 sessions" in shown
        assert "Renew for 3 months" in shown and "End the circle" in shown

        world.forged_click("U4", "circle_end", f"{circle_id}:0")  # Dee is not in it: refused, nothing changes
        world.forged_click("U4", "circle_renew", f"{circle_id}:0:3")
        assert "Only the circle's current members can answer this." in told(fake, "U4")
        assert circle(bot, circle_id).status == "full" and circle(bot, circle_id).ends_on == ends_on
        world.forged_click("U1", "circle_renew", f"{circle_id}:0:5")  # a member, but a length not offered
        world.forged_click("U1", "circle_renew", f"{circle_id}:4:3")  # a question never asked
        assert "A circle renews for 1, 2, 3 or 6 months." in told(fake, "U1")
        assert "This circle isn't waiting for that answer." in told(fake, "U1")
        assert circle(bot, circle_id).renewals == 0 and circle(bot, circle_id).ends_on == ends_on

        slack.click("U2", question, "Renew for 3 months")
        world.idle()
        renewed = circle(bot, circle_id)
        new_end = clock.add_months(ends_on, 3)
        assert (renewed.ends_on, renewed.renewals, renewed.end_asked_at, renewed.status) == (new_end, 1, None, "full")
        assert "You renewed the circle until" in told(fake, "U2")
        assert len(in_chat(fake, chat, "renewed the circle for 3 months")) == 1
        edited = json.dumps(fake.message(chat, question["ts"]))
        assert "<@U2> renewed the circle until" in edited and "End the circle" not in edited

        slack.click("U3", question, "End the circle")  # Cy's copy still shows the buttons: already answered
        slack.click("U1", question, "Renew for…", selected="Renew for 6 months")
        world.idle()
        assert "already renewed by <@U2>" in told(fake, "U3") and "already renewed by <@U2>" in told(fake, "U1")
        again = circle(bot, circle_id)
        assert (again.ends_on, again.renewals, again.status) == (new_end, 1, "full")
        assert len(in_chat(fake, chat, "renewed the circle for")) == 1
        assert "0 circle(s) asked" in world.run_job("circle-endings")  # the new end date is months away

    with at(new_end):  # at the new end, a new question; this time Ada picks 6 months under "Renew for…"
        assert "1 circle(s) asked" in world.run_job("circle-endings")
        second = in_chat(fake, chat, QUESTION)[-1]
        assert "renewed once" in json.dumps(second)
        slack.click("U1", second, "Renew for…", selected="Renew for 6 months")
        world.idle()
        assert circle(bot, circle_id).ends_on == clock.add_months(new_end, 6)


def test_ending_the_circle_frees_everyone_and_a_second_click_is_told_who_ended_it(world, slack, fake, bot):
    circle_id, chat = circle_of_three(world, slack, fake)
    log_sessions(bot, circle_id, {}, held=0)  # nothing held; one session planned ahead
    ends_on = circle(bot, circle_id).ends_on
    with at(ends_on):
        world.run_job("circle-endings")
        [question] = in_chat(fake, chat, QUESTION)
        assert "no session was logged as held" in json.dumps(question)
        slack.click("U3", question, "End the circle")
        world.idle()
        ended = circle(bot, circle_id)
        assert ended.status == "ended" and ended.ended_at is not None
        [closing] = in_chat(fake, chat, "This circle has ended")
        assert "<@U3> ended the circle" in closing["text"] and "/mentor circles" in closing["text"]
        assert "You ended the circle" in told(fake, "U3")
        with bot.db.uow() as session:  # its planned session is cancelled, and the chat told so
            planned = session.scalars(select(CircleSession).where(CircleSession.uid == f"planned-{circle_id}@test")).one()
            assert planned.status == "cancelled"
        assert in_chat(fake, chat, "the session of")

        slack.click("U1", question, "Renew for 3 months")
        world.idle()
        assert "already ended by <@U3>" in told(fake, "U1")
        assert circle(bot, circle_id).status == "ended" and circle(bot, circle_id).ends_on == ends_on
        assert "Your circles" not in json.dumps(circles_list(world, "U1").ephemeral)
        with bot.db.uow() as session:
            people = [world.person_id(u) for u in ("U1", "U2", "U3")]
            assert load(session, people) == {}  # the circle no longer takes a place
        assert "0 circle(s) asked" in world.run_job("circle-endings") and len(in_chat(fake, chat, "has ended")) == 1


def test_a_question_nobody_answers_ends_the_circle_after_seven_days(world, slack, fake, bot):
    circle_id, chat = circle_of_three(world, slack, fake)
    ends_on = circle(bot, circle_id).ends_on
    with at(ends_on):
        world.run_job("circle-endings")
    [question] = in_chat(fake, chat, QUESTION)
    assert f"If nobody answers by *{ends_on + timedelta(days=7):%A %d %B %Y}*" in json.dumps(question)
    with at(ends_on + timedelta(days=6)):
        assert "0 circle(s) ended unanswered" in world.run_job("circle-endings")
        assert circle(bot, circle_id).status == "full"
    with at(ends_on + timedelta(days=7)):
        assert "1 circle(s) ended unanswered" in world.run_job("circle-endings")
        assert "0 circle(s) ended unanswered" in world.run_job("circle-endings")
        assert circle(bot, circle_id).status == "ended"
        [closing] = in_chat(fake, chat, "Nobody answered within 7 days, so this circle has ended")
        assert "Thank you all" in closing["text"] and "/mentor circles" in closing["text"]
        assert "End the circle" not in json.dumps(fake.message(chat, question["ts"]))  # the question says so instead
        slack.click("U2", question, "Renew for 3 months")
        world.idle()
        assert "already ended: nobody answered within 7 days" in told(fake, "U2")
        assert circle(bot, circle_id).status == "ended"


def test_a_circle_that_never_had_three_people_ends_at_its_end_date_and_its_members_are_told_once(world, slack, fake, bot):
    world.join("U1", "Ada Lovelace", offers=["Design"], wants=["Public speaking"])
    world.join("U2", "Bea Brown", offers=["SQL"], wants=["Public speaking"])
    world.join("U4", "Dee Dane", offers=["Go"], wants=["Public speaking"])
    response = start(world, **{"Circle size": "3", "How long the circle runs": "1 month"})
    assert not response.view_errors, response.text
    slack.click("U2", circles_list(world, "U2"), "Join circle")
    world.idle()
    with bot.db.uow() as session:
        row = session.scalars(select(Circle)).one()
        circle_id, ends_on = row.id, row.ends_on
    assert GOAL in json.dumps(circles_list(world, "U4").ephemeral)  # open, one place left

    with at(ends_on - timedelta(days=7)):  # not started: no heads-up (it has no chat)
        assert "0 circle(s) told their end is near" in world.run_job("circle-endings")
    with at(ends_on, 8):  # its end date, before the job has run: nobody new is shown it or let in
        assert GOAL not in json.dumps(circles_list(world, "U4").ephemeral)
        world.forged_click("U4", "circle_join", circle_id)
        assert "This circle reached its end date" in told(fake, "U4")
        assert circle(bot, circle_id).status == "open"
    with at(ends_on, 10):
        assert "1 circle(s) ended without enough people to start" in world.run_job("circle-endings")
        assert "0 circle(s) ended without enough people" in world.run_job("circle-endings")  # once
        ended = circle(bot, circle_id)
        assert ended.status == "ended" and ended.ended_at is not None
    for user_id in ("U1", "U2"):  # the organiser too
        [dm] = [m for m in fake.dms_to(user_id) if "ended without enough people" in m["text"]]
        assert message_errors(dm["blocks"], dm["text"]) == []
        assert GOAL in json.dumps(dm) and "`/mentor circles`" in json.dumps(dm) and "three people" in json.dumps(dm)
    assert not [m for m in fake.dms_to("U4") if "ended without enough people" in m["text"]]
    assert "Your circles" not in json.dumps(circles_list(world, "U1").ephemeral)
    with bot.db.uow() as session:
        assert load(session, [world.person_id("U1"), world.person_id("U2")]) == {}


def test_nobody_joins_a_circle_whose_renew_or_end_question_is_waiting(world, slack, fake, bot):
    for user_id, name in (("U1", "Ada Lovelace"), ("U2", "Bea Brown"), ("U3", "Cy Young"), ("U4", "Dee Dane")):
        world.join(user_id, name, offers=["Go"], wants=["Public speaking"])
    start(world, **{"Circle size": "4", "How long the circle runs": "1 month"})
    for user_id in ("U2", "U3"):
        slack.click(user_id, circles_list(world, user_id), "Join circle")
        world.idle()
    with bot.db.uow() as session:
        row = session.scalars(select(Circle)).one()
        circle_id, ends_on = row.id, row.ends_on
    assert circle(bot, circle_id).status == "active"
    with at(ends_on):
        assert "1 circle(s) asked to renew or end" in world.run_job("circle-endings")
        assert GOAL not in json.dumps(circles_list(world, "U4").ephemeral)
        world.forged_click("U4", "circle_join", circle_id)
        assert "This circle is about to end" in told(fake, "U4")
        with bot.db.uow() as session:
            assert session.scalars(select(CircleMember).where(CircleMember.person_id == world.person_id("U4"))).first() is None
        assert fake.group_dm("U1", "U2", "U3", "U4") is None  # no new chat with Dee
