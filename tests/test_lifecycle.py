"""A participant's lifecycle: pause and resume, leave (and delete my data), export my data, end a partnership with
a closing summary and testimonial, and the closing check-in when a partnership reaches its planned end."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import LargeBinary, func, select

from bot.services import clock, introductions
from models import Base, CheckIn, Meeting, OutboxMessage, Partnership, PartnershipClosing, Person, Story
from tests.test_stories import dms_saying  # the same reads as the stories' tests

MET = {"minutes": "45", "next_not_planned": ["yes"], "effectiveness": "4", "expectations": "yes"}


def modal(world, user_id: str, callback_id: str) -> dict:
    return world.fake.wait_for(lambda: (m := world.fake.open_modal(user_id)) and m["callback_id"] == callback_id and m)


def told(fake, user_id: str) -> str:
    """Everything the person was shown in answer to clicks (ephemeral replies and DMs)."""
    return json.dumps([r.get("text") for r in fake.responses(user_id)] + [m["text"] for m in fake.dms_to(user_id)])


def person(bot, user_id: str) -> Person | None:
    with bot.db.uow() as session:
        return session.scalars(select(Person).where(Person.slack_user_id == user_id)).first()


def today() -> date:
    return clock.local_today("Europe/London", 0)


def pause(world, user_id: str, values: dict):
    world.slack.command(user_id, "pause")
    response = world.slack.submit(user_id, modal(world, user_id, "pause_submit"), values)
    world.idle()
    return response


def trio(world) -> None:
    world.join("U1", "Ada", offers=["Python"], wants=["Go"], capacity=3)
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cy", offers=["Go"], wants=["Python"])


# -- 1. pause ----------------------------------------------------------------------------------------------------
def test_pause_until_a_date_hides_me_from_find_checkins_and_requests_then_the_job_brings_me_back(world, slack, fake, bot):
    trio(world)
    world.pair("U2", "U1")
    ada = world.person_id("U1")

    r = pause(world, "U1", {"Pause": "Until a date"})
    assert r.view_errors == {"until": "Pick the day you'll be back, or choose “Until I resume”."}
    r = slack.submit("U1", fake.open_modal("U1"), {"Pause": "Until a date", "Back on": today()})
    assert r.view_errors == {"until": "Pick a day after today."}
    back_on = today() + timedelta(days=10)
    r = slack.submit("U1", fake.open_modal("U1"), {"Pause": "Until a date", "Back on": back_on})
    assert r.view_errors is None and f"paused until {back_on:%A %d %B %Y}" in json.dumps(fake.open_modal("U1"))
    world.idle()
    assert person(bot, "U1").status == "paused" and person(bot, "U1").paused_until == back_on
    [note] = dms_saying(fake, "U2", "has paused their participation")
    assert "<@U1>" in note["blocks"][0]["text"]["text"] and f"{back_on:%d %B %Y}" in note["blocks"][0]["text"]["text"]
    assert "Your participation is paused" in json.dumps(fake.home("U1"))

    # Out of find, and no request reaches her: not from a stale button, not from a forged modal.
    assert "<@U1>" not in json.dumps(world.find("U3").json)
    world.forged_click("U3", "partner_ask:1", ada)
    assert "Ada has paused their participation for now." in told(fake, "U3")
    world.join("U4", "Dee", offers=["Python"], wants=["Go"])
    found = world.find("U3")  # Cy opens the ask modal for Dee, then forges it to ask Ada
    slack.click("U3", found, "Ask to partner", value=str(world.person_id("U4")))
    r = world.forged_submit("U3", modal(world, "U3", "ask_submit"), {}, metadata=json.dumps({"person_id": ada}))
    assert r.status == 200 and "has paused their participation" in json.dumps(fake.open_modal("U3"))
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Partnership)) == 1  # only Ada and Bea's

    # No check-in for her this month; her partner still gets one.
    world.run_job("monthly-checkins")
    assert dms_saying(fake, "U1", "check-in about") == [] and len(dms_saying(fake, "U2", "check-in about")) == 1

    # The day she is back, the daily job resumes her and tells both; a second run tells nobody twice.
    with time_machine.travel(datetime.combine(back_on, datetime.min.time(), UTC) + timedelta(hours=9), tick=True):
        assert world.run_job("participant-lifecycle").startswith("1 pause(s) ended")
        assert world.run_job("participant-lifecycle").startswith("0 pause(s) ended")
    assert person(bot, "U1").status == "active" and person(bot, "U1").paused_until is None
    assert len(dms_saying(fake, "U1", "Your pause has ended")) == 1
    assert len(dms_saying(fake, "U2", "is back in")) == 1
    assert "<@U1>" in json.dumps(world.find("U3").json)


def test_pause_from_home_until_i_resume_and_resume_with_the_command(world, slack, fake, bot):
    trio(world)
    world.pair("U2", "U1")
    slack.app_home_opened("U1")
    home = fake.wait_for(lambda: fake.home("U1"))
    slack.click("U1", home, "Pause")
    r = slack.submit("U1", modal(world, "U1", "pause_submit"), {"Pause": "Until I resume"})
    assert r.view_errors is None
    world.idle()
    assert person(bot, "U1").status == "paused" and person(bot, "U1").paused_until is None
    assert "until they resume" in json.dumps(dms_saying(fake, "U2", "has paused")[0])

    # Weeks later the pair is past its cadence: only Bea is nudged.
    with time_machine.travel(datetime.now(UTC) + timedelta(days=40), tick=True):
        world.run_job("meeting-nudges")
    assert dms_saying(fake, "U1", "time to meet") == [] and len(dms_saying(fake, "U2", "time to meet Ada again")) == 1

    r = slack.command("U1", "resume")
    assert "Welcome back" in r.text
    world.idle()
    assert person(bot, "U1").status == "active"
    assert len(dms_saying(fake, "U2", "is back in")) == 1
    assert "isn't paused" in slack.command("U1", "resume").text  # a second resume changes nothing
    world.idle()
    assert len(dms_saying(fake, "U2", "is back in")) == 1
    assert "Pause" in json.dumps(fake.home("U1")) and "Your participation is paused" not in json.dumps(fake.home("U1"))


# -- 2. leave ----------------------------------------------------------------------------------------------------
def test_leave_ends_partnerships_cancels_requests_and_i_can_join_again(world, slack, fake, bot):
    trio(world)
    world.pair("U2", "U1")
    world.ask("U1", "U3", note="Let's talk Go")
    slack.command("U1", "leave")
    view = modal(world, "U1", "leave_submit")
    assert "Bea" in json.dumps(view["blocks"])
    r = slack.submit("U1", view, {})
    assert r.view_errors is None and "You have left" in json.dumps(fake.open_modal("U1"))
    world.idle()
    assert person(bot, "U1").status == "left"
    assert world.partnership("U1", "U2").status == "ended"
    assert world.partnership("U1", "U3").status == "cancelled"
    assert len(dms_saying(fake, "U2", "has left *Grow Together*, so your partnership has ended")) == 1
    assert len(dms_saying(fake, "U3", "was cancelled")) == 1
    assert "Join the program" in json.dumps(fake.home("U1"))

    # The same modal submitted again (a double click) changes nothing and tells nobody twice.
    r = world.forged_submit("U1", {**view, "id": fake.open_modal("U1")["id"]}, {})
    world.idle()
    assert len(dms_saying(fake, "U2", "has left")) == 1

    # Joining again brings her back (her data was kept: the same person).
    ada = world.person_id("U1")
    while fake.close_modal("U1"):  # she closes the goodbye
        pass
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    assert person(bot, "U1").status == "active" and world.person_id("U1") == ada


def test_leave_and_delete_leaves_no_trace_of_me_but_keeps_the_figures(world, slack, fake, bot):
    fake.add_user("U0ZQ", "Zoë Quintessa", title="Chief Whisperer")
    world.join("U0ZQ", "Zoë Quintessa", offers=["Python"], wants=["Go"], title="Chief Whisperer", capacity=3)
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cy", offers=["Go"], wants=["Python"])
    with bot.db.uow() as session:
        session.get(Person, world.person_id("U0ZQ")).goals_note = "SECRET-GOALS"
    world.pair("U0ZQ", "U2")
    world.ask("U0ZQ", "U3", note="SECRET-REQUEST")
    slack.command("U0ZQ", "log")
    slack.submit("U0ZQ", modal(world, "U0ZQ", "meeting_submit"), {
        "Length in minutes": "50", "Topics we talked about": "SECRET-TOPIC", "Action item 1": "SECRET-ACTION",
        "Who does item 1": "Me",
        "Private note": "SECRET-NOTE"})
    world.idle()
    slack.command("U0ZQ", "story")
    slack.submit("U0ZQ", modal(world, "U0ZQ", "story_submit"), {"Title": "SECRET-STORY", "What changed": "SECRET-BODY",
                                                                "Who is in this story?": "none"})
    world.idle()
    world.run_job("monthly-checkins")
    [checkin] = dms_saying(fake, "U0ZQ", "check-in about")
    slack.click("U0ZQ", checkin, "We met")
    slack.submit("U0ZQ", modal(world, "U0ZQ", "checkin_submit"), dict(MET, help="SECRET-HELP"))
    slack.command("U0ZQ", "export")  # the export file is a copy of everything: it must go too
    world.idle()
    assert fake.files() and "SECRET-NOTE" in fake.files()[0]["data"].decode()
    with bot.db.uow() as session:  # a formal round proposed her too: its context box describes her
        introductions.propose(session, team_id="T0TEST", kind="formal", giver_id=world.person_id("U0ZQ"),
                              taker_id=world.person_id("U3"), reason="SECRET-REASON", created_by="UADMIN")
    with bot.db.uow() as session:
        before = session.execute(select(Meeting.held_on, Meeting.minutes)).all()
        checkins_before = session.scalar(select(func.count()).select_from(CheckIn))

    slack.command("U0ZQ", "leave")
    r = slack.submit("U0ZQ", modal(world, "U0ZQ", "leave_submit"),
                     {"Your data": ["Also delete my personal data (profile, notes, journal)"]})
    assert r.view_errors is None and "personal data has been deleted" in json.dumps(fake.open_modal("U0ZQ"))
    world.idle()
    [note] = dms_saying(fake, "U2", "Your partner has left")
    assert "Zo" not in json.dumps(note) and "U0ZQ" not in json.dumps(note)

    # Search every column of every table for her Slack id, her name, her title and everything she wrote.
    needles = ["U0ZQ", "Zoë", "Quintessa", "Chief Whisperer", "SECRET"]
    found = []
    with bot.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    if isinstance(table.c[column].type, LargeBinary):
                        text = bytes(value).decode("utf-8", "replace")
                    else:
                        text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
                    found += [(table.name, column, n) for n in needles if n.lower() in text.lower()]
    assert found == []

    with bot.db.uow() as session:  # what reports count is still there
        assert session.execute(select(Meeting.held_on, Meeting.minutes)).all() == before
        assert session.scalar(select(func.count()).select_from(CheckIn)) == checkins_before
        assert session.scalar(select(func.count()).select_from(Story)) == 0
    assert world.partnership("U2", "U3") is None
    with bot.db.uow() as session:
        ended = session.scalars(select(Partnership).where(Partnership.status == "ended")).unique().all()
        assert len(ended) == 1

    # She can join again, as someone new.
    while fake.close_modal("U0ZQ"):  # she closes the goodbye
        pass
    world.join("U0ZQ", "Zoë Quintessa", offers=["Rust"], wants=["Go"])
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Person).where(Person.slack_user_id == "U0ZQ")) == 1
        assert session.scalar(select(func.count()).select_from(Person)) == 4


# -- 3. export ---------------------------------------------------------------------------------------------------
def test_export_sends_my_data_as_a_json_file_in_my_dm_without_any_checkin_answer(world, slack, fake, bot):
    trio(world)
    pid = world.pair("U1", "U2")
    slack.command("U2", "log")
    slack.submit("U2", modal(world, "U2", "meeting_submit"), {
        "Length in minutes": "40", "Topics we talked about": "Goroutines", "Private note": "Bea's own secret"})
    slack.command("U1", "journal")
    world.idle()
    r = slack.command("U1", "journal")
    slack.click("U1", r, "Add a note")
    slack.submit("U1", modal(world, "U1", "journal_submit"), {"What did you learn?": "Channels are pipes."})
    world.run_job("monthly-checkins")
    slack.click("U1", dms_saying(fake, "U1", "check-in about")[0], "We met")
    slack.submit("U1", modal(world, "U1", "checkin_submit"), dict(MET, help="Ada's anonymous wish"))
    world.idle()

    r = slack.command("U1", "export")
    assert "on its way" in r.text
    world.idle()
    [upload] = fake.files()
    assert upload["completed"] and upload["channels"] == [fake.dm_channel("U1")]
    assert upload["filename"] == f"mentor-bot-my-data-{today()}.json"
    data = json.loads(upload["data"])
    assert data["profile"]["name"] == "Ada" and data["profile"]["can_share"] == ["Python"]
    [partnership] = data["partnerships"]
    assert partnership["partner"] == {"name": "Bea", "slack_user_id": "U2"} and partnership["status"] == "active"
    assert [m["topics"] for m in partnership["meetings"]] == ["Goroutines"]
    assert [n["text"] for n in data["journal"]] == ["Channels are pipes."]
    raw = upload["data"].decode()
    assert "Bea's own secret" not in raw  # the partner's journal is theirs
    assert "anonymous wish" not in raw and '"minutes": 45' not in raw  # no check-in answer, not even mine
    assert pid  # the pair still stands
    with bot.db.uow() as session:  # once Slack has the file, the bot keeps no copy of her data
        assert session.scalars(select(OutboxMessage.attachment).where(OutboxMessage.kind == "export")).all() == [None]


# -- 4. end a partnership ----------------------------------------------------------------------------------------
def test_end_a_partnership_with_a_closing_summary_testimonial_consent_story_prompt_and_new_suggestions(world, slack, fake, bot):
    trio(world)
    ab = world.pair("U1", "U2")
    world.pair("U1", "U3")
    world.join("U4", "Dee", offers=["Go"], wants=["Python"])

    # Forged: Dee can't end (or wrap up) a partnership she is not in.
    world.forged_click("U4", "partnership_end", ab)
    assert "doesn't belong to one of your partnerships" in told(fake, "U4")

    r = slack.command("U1", "end")  # two partnerships: which one?
    assert "Which partnership" in r.text
    slack.click("U1", r, f"partnership_end:{ab:d}")
    view = modal(world, "U1", "closing_submit")
    r = slack.submit("U1", view, {"Would you recommend Bea as a partner to others?": "No"} | {
        "learned": "How to review code kindly", "testimonial": "Bea is a patient, clear teacher."})
    assert r.view_errors is None and "has ended" in json.dumps(fake.open_modal("U1"))
    world.idle()
    assert world.partnership("U1", "U2").status == "ended" and world.partnership("U1", "U3").status == "active"
    [ended] = dms_saying(fake, "U2", "has ended your partnership")
    [consent] = dms_saying(fake, "U2", "wrote a testimonial for you")
    assert "Bea is a patient, clear teacher." in json.dumps(consent)
    assert dms_saying(fake, "U1", "Share a story") and dms_saying(fake, "U1", "Looking for a new partner")
    assert "<@U4>" in json.dumps(dms_saying(fake, "U1", "Looking for a new partner"))  # Dee suits her now

    # The same modal again (a double click): refused, nothing sent twice.
    r = world.forged_submit("U1", {**view, "id": "VSTALE"}, {"recommend": "yes"},
                            metadata=json.dumps({"partnership_id": ab}))
    world.idle()
    assert "already shared" in json.dumps(r.json) and len(dms_saying(fake, "U2", "has ended your partnership")) == 1

    # The testimonial is shown only after Bea agrees; Dee can't agree for her.
    with bot.db.uow() as session:
        closing_id = session.scalars(select(PartnershipClosing.id)).one()
    world.forged_click("U4", "testimonial_show", closing_id)
    assert "isn't about you" in told(fake, "U4")
    slack.app_home_opened("U2")
    world.idle()
    assert "patient, clear teacher" not in json.dumps(fake.home("U2"))
    slack.click("U2", consent, "Show it")
    world.idle()
    assert "patient, clear teacher" in json.dumps(fake.home("U2"))
    slack.click("U2", consent, "Keep it private")  # a stale second click: the first answer holds
    world.idle()
    assert "already answered" in told(fake, "U2") and "patient, clear teacher" in json.dumps(fake.home("U2"))

    # Bea shares her own summary from the DM; once only.
    slack.click("U2", ended, "Share how it went")
    r = slack.submit("U2", modal(world, "U2", "closing_submit"), {"Would you recommend Ada as a partner to others?": "Yes"})
    assert r.view_errors is None
    world.idle()
    slack.click("U2", ended, "Share how it went")
    world.idle()
    assert "already shared how this partnership went" in told(fake, "U2")
    with bot.db.uow() as session:
        rows = session.execute(select(PartnershipClosing.would_recommend, PartnershipClosing.testimonial_status)
                               .order_by(PartnershipClosing.id)).all()
    assert rows == [(False, "shown"), (True, "none")]
    slack.command("U2", "export")
    world.idle()
    [upload] = fake.files()
    assert json.loads(upload["data"])["partnerships"][0]["testimonial_about_me"] == "Bea is a patient, clear teacher."


def test_end_needs_a_recommendation_and_says_so(world, slack, fake, bot):
    trio(world)
    world.pair("U1", "U2")
    slack.command("U1", "end")  # one partnership: the modal opens at once
    view = modal(world, "U1", "closing_submit")
    r = world.forged_submit("U1", view, {"recommend": None})
    assert r.view_errors == {"recommend": "Pick one of the choices."} or "recommend" in (r.view_errors or {})
    assert world.partnership("U1", "U2").status == "active"
    assert "no partnership to end" in slack.command("U3", "end").text


# -- 5. the planned end ------------------------------------------------------------------------------------------
def test_a_partnership_at_its_planned_end_gets_one_closing_checkin_and_can_be_extended_once(world, slack, fake, bot):
    trio(world)
    pid = world.pair("U1", "U2")
    end = today()
    with bot.db.uow() as session:
        session.get(Partnership, pid).planned_end = end
    assert "1 partnership(s) reached their planned end" in world.run_job("participant-lifecycle")
    assert "0 partnership(s)" in world.run_job("participant-lifecycle")
    [ada_prompt] = dms_saying(fake, "U1", "reached its planned end")
    [bea_prompt] = dms_saying(fake, "U2", "reached its planned end")

    world.forged_click("U3", "partnership_extend", pid)
    assert "doesn't belong to one of your partnerships" in told(fake, "U3")
    slack.click("U1", ada_prompt, "Extend 3 months")
    world.idle()
    new_end = clock.add_months(end, 3)
    assert world.partnership("U1", "U2").planned_end == new_end
    assert len(dms_saying(fake, "U2", "extended your partnership")) == 1
    slack.click("U2", bea_prompt, "Extend 3 months")  # the partner clicks too: once is enough
    world.idle()
    assert world.partnership("U1", "U2").planned_end == new_end and "already extended" in told(fake, "U2")

    # A new agreement moves the end later still: that date gets its own closing check-in, once.
    later = clock.add_months(end, 4)
    asked = len(dms_saying(fake, "U2", "reached its planned end"))
    with bot.db.uow() as session:
        session.get(Partnership, pid).planned_end = later
        session.get(Partnership, pid).end_prompted_at = datetime.now(UTC)  # as if asked about the old date
    with time_machine.travel(datetime.combine(later, datetime.min.time(), UTC) + timedelta(hours=10), tick=True):
        assert "1 partnership(s) reached" in world.run_job("participant-lifecycle")
        assert "0 partnership(s) reached" in world.run_job("participant-lifecycle")
    assert len(dms_saying(fake, "U2", "reached its planned end")) == asked + 1
    with bot.db.uow() as session:
        session.get(Partnership, pid).planned_end = new_end
        session.get(Partnership, pid).end_prompted_at = None

    # At the new end, a new closing check-in; "Wrap up" opens the closing modal.
    with time_machine.travel(datetime.combine(new_end, datetime.min.time(), UTC) + timedelta(hours=10), tick=True):
        assert "1 partnership(s) reached" in world.run_job("participant-lifecycle")
    prompts = dms_saying(fake, "U2", "reached its planned end")
    assert len(prompts) == 3
    slack.click("U2", prompts[-1], "Wrap up")
    r = slack.submit("U2", modal(world, "U2", "closing_submit"), {"Would you recommend Ada as a partner to others?": "Yes"})
    assert r.view_errors is None
    world.idle()
    assert world.partnership("U1", "U2").status == "ended"
    assert len(dms_saying(fake, "U1", "has ended your partnership")) == 1
