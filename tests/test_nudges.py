"""Meeting reminders the day before, and nudges when a pair goes quiet past its agreed cadence."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from tests.test_agreement import agreed_values, open_agreement_modal
from tests.test_meeting import log_modal


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=True)


def nudges_to(fake, user: str) -> list[dict]:
    return [m for m in fake.dms_to(user) if "since you and" in str(m["blocks"])]


def test_reminder_the_day_before_and_nudges_past_the_cadence(world, slack, fake, bot):
    with at(2026, 11, 2, 9):
        for a, an, b, bn in (("U1", "Ada", "U2", "Bea"), ("U3", "Cy", "U4", "Dee")):
            world.join(a, an, offers=[f"Skill {a}"], wants=[f"Skill {b}"])
            world.join(b, bn, offers=[f"Skill {b}"], wants=[f"Skill {a}"])
            world.pair(a, b)
        # Ada and Bea agree to meet every two weeks; Cy and Dee write no agreement (a month is assumed)
        group = fake.group_dm("U1", "U2")
        slack.submit("U1", open_agreement_modal(world, "U1", group), agreed_values(**{"Partnership ends on": date(2027, 5, 1)}))
        world.idle()
        slack.submit("U1", log_modal(world, "U1"), {"Date of the meeting": date(2026, 11, 2), "Length in minutes": "45",
                                                  "Topics we talked about": "Kick-off", "Next meeting": date(2026, 11, 10)})
        world.idle()

    with at(2026, 11, 9, 9):  # the day before: both hear, once
        world.run_job("meeting-nudges")
        world.run_job("meeting-nudges")
        for user in ("U1", "U2"):
            assert len([m for m in fake.dms_to(user) if "Tomorrow, Tuesday 10 November" in str(m["blocks"])]) == 1
        assert not nudges_to(fake, "U1") and not nudges_to(fake, "U3")

    with at(2026, 11, 20, 9):  # 18 days after their last meeting: past a fortnight plus grace
        world.run_job("meeting-nudges")
        assert len(nudges_to(fake, "U1")) == len(nudges_to(fake, "U2")) == 1
        assert "every two weeks" in str(nudges_to(fake, "U1")[0]["blocks"])
        assert not nudges_to(fake, "U3")  # a month is not over yet for Cy and Dee

    with at(2026, 11, 21, 9):  # the next day: no second nudge for the same gap
        world.run_job("meeting-nudges")
        assert len(nudges_to(fake, "U1")) == 1

    with at(2026, 12, 8, 9):  # Cy and Dee: 36 days; Ada and Bea: another fortnight gone, one more nudge
        world.run_job("meeting-nudges")
        assert len(nudges_to(fake, "U3")) == len(nudges_to(fake, "U4")) == 1
        assert "once a month" in str(nudges_to(fake, "U3")[0]["blocks"])
        assert len(nudges_to(fake, "U1")) == 2
        # the nudge's button opens the meeting log for that pair; logging stops the nudges
        slack.click("U1", nudges_to(fake, "U1")[-1], "Log a meeting")
        modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "meeting_submit" and m)
        slack.submit("U1", modal, {"Date of the meeting": date(2026, 12, 7), "Length in minutes": "30",
                                   "Topics we talked about": "Catch-up"})
        world.idle()
    with at(2026, 12, 15, 9):
        world.run_job("meeting-nudges")
        assert len(nudges_to(fake, "U1")) == 2
