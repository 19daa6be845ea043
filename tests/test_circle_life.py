"""A peer circle's whole life as its members click through it: found in `/mentor circles`, started by its third
member, a session planned from the kickoff and logged with who came, the monthly check-in about it answered, and
at its end date one closing summary that counts that session, then "End the circle"."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import time_machine
from sqlalchemy import select

from messages import ids
from models import Circle
from tests.fakeslack import message_errors
from tests.test_circle_sessions import circle_of_three, modal_of


def at(day: date, hour: int) -> time_machine.travel:
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=UTC), tick=True)


def chat(fake, group: str, words: str) -> list[dict]:
    return [m for m in fake.messages(group) if words in json.dumps(m, ensure_ascii=False)]


def test_from_the_circle_list_to_its_closing_summary(world, slack, fake, bot):
    group = circle_of_three(world, slack, fake)
    [kickoff] = chat(fake, group, "Welcome to your peer circle")
    with bot.db.uow() as session:
        ends_on = session.scalars(select(Circle)).one().ends_on

    # Bea plans the next session from the kickoff, at a time of her own (New York)
    slack.click("U2", kickoff, "Plan a session")
    modal = modal_of(fake, "U2", ids.CSESSION_PLAN_MODAL)
    r = slack.submit("U2", modal, {"Another date": date(2028, 1, 20), "Another time (your time)": "10:00"})
    assert r.view_errors is None, r.text
    world.idle()
    assert chat(fake, group, "Next session planned")

    with at(date(2028, 1, 20), 17):  # after it, the chat is asked; Cy logs it: Ada and Cy came
        world.run_job("circle-followups")
        [asked] = chat(fake, group, "Did the circle meet?")
        slack.click("U3", asked, "Log it")
        modal = modal_of(fake, "U3", ids.CSESSION_LOG_MODAL)
        r = slack.submit("U3", modal, {"What we covered": "Openings", "Who came": ["Ada Lovelace", "Cy Young"]})
        assert r.view_errors is None, r.text
        world.idle()
        assert chat(fake, group, "Session logged: 2 of 3 came")

    with at(date(2028, 2, 1), 10):  # the monthly check-in asks each member about the circle, once
        world.run_job("monthly-checkins")
        for user in ("U1", "U2", "U3"):
            asks = [m for m in fake.dms_to(user) if "Answer the check-in" in json.dumps(m)]
            assert len(asks) == 1, (user, asks)
            assert message_errors(asks[0]["blocks"], asks[0]["text"]) == []

    with at(ends_on, 9):  # its end date: one closing summary counting the session, then Ada ends it
        world.run_job("circle-endings")
        world.run_job("circle-endings")
        [question] = chat(fake, group, "reached its end date")
        shown = json.dumps(question)
        assert "*Sessions held:* 1" in shown
        assert "<@U1>: came to 1 of 1 session" in shown and "<@U2>: came to 0 of 1 session" in shown
        assert "Openings" not in shown  # the summary counts; what was said stays in the log
        slack.click("U1", question, "End the circle")
        world.idle()
        assert len(chat(fake, group, "This circle has ended")) == 1
        listed = slack.command("U1", "circles")
        assert "Your circles" not in json.dumps(listed.ephemeral)
    assert fake.rejected == []
