"""Program administration: admins change the program in Slack (name, objective, channels, k, schedules, types,
admins), every change is audited, nobody else can, and the bot uses what they set."""

import argparse
import json
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from models import AuditEntry, ProgramConfig

ADMIN = "UADMIN"


@pytest.fixture
def admin(bot, fake, monkeypatch):
    """One admin from PROGRAM_ADMINS (Deps holds the same Settings object, so the app sees it at once)."""
    fake.add_user(ADMIN, "Ada Admin")
    monkeypatch.setattr(bot.settings, "program_admins", [ADMIN])
    return ADMIN


def open_admin_modal(world, user_id):
    r = world.slack.command(user_id, "admin")
    assert r.status == 200, r.text
    return world.fake.wait_for(lambda: (m := world.fake.open_modal(user_id)) and m["callback_id"] == "admin_program_submit" and m)


def save(world, user_id, values):
    r = world.slack.submit(user_id, open_admin_modal(world, user_id), values)
    assert r.status == 200, r.text
    world.idle()
    return r


def audit_rows(bot):
    with bot.db.uow() as session:
        return [(e.actor_user_id, e.action, e.detail) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def config(bot):
    with bot.db.uow() as session:
        row = session.get(ProgramConfig, "T0TEST")
        return None if row is None else {c: getattr(row, c) for c in ("name", "objective", "digest_channel",
                                                                     "anonymity_min_group", "schedules")}


def said(fake, user_id, words):
    return [m for m in fake.dms_to(user_id) if words in json.dumps(m)]


def test_admin_changes_the_program_and_every_change_is_audited(world, slack, fake, bot, admin):
    assert slack.command("U0BEFORE", "topics").status == 200
    world.idle()
    r = save(world, admin, {"name": "Learn Together", "objective": "Everyone learns from a colleague this year.",
                            "digest_channel": "C0DIGEST2", "anonymity_min_group": "3",
                            "cron_weekly-digest": "0 9 * * 5", "program_types": ["topics"]})
    assert not r.view_errors
    assert said(fake, admin, "6 change(s)")
    assert [(a, action) for a, action, _ in audit_rows(bot)] == [
        (admin, "program.name"), (admin, "program.objective"), (admin, "program.digest_channel"),
        (admin, "program.anonymity_min_group"), (admin, "program.types"), (admin, "program.schedule")]
    assert audit_rows(bot)[0][2] == {"old": "Grow Together", "new": "Learn Together"}
    assert audit_rows(bot)[4][2] == {"old": ["peer"], "new": ["peer", "topics"]}
    assert audit_rows(bot)[5][2] == {"job": "weekly-digest", "old": "0 8 * * 1", "new": "0 9 * * 5"}
    assert slack.command("U0AFTER", "topics").status == 200  # topic sessions were off, and are on now
    world.idle()
    assert [any("are not part of *Grow Together*" in json.dumps(x) for x in fake.responses(u))
            for u in ("U0BEFORE", "U0AFTER")] == [True, False]

    # the modal opens again with what was saved
    view = open_admin_modal(world, admin)
    state = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert state["name"]["initial_value"] == "Learn Together"
    assert state["digest_channel"]["initial_conversation"] == "C0DIGEST2"
    assert state["cron_weekly-digest"]["initial_value"] == "0 9 * * 5"
    slack.close_view(admin, view)

    log = slack.command(admin, "admin log")
    text = json.dumps(log.ephemeral, ensure_ascii=False)
    assert "“Grow Together” → “Learn Together”" in text
    assert "schedule of weekly-digest" in text and "<#C0DIGEST2>" in text


def test_bad_fields_come_back_as_field_errors_and_nothing_changes(world, slack, fake, bot, admin):
    r = save(world, admin, {"name": "Learn Together", "cron_weekly-digest": "every monday",
                            "cron_request-expiry": "61 * * * *"})
    assert set(r.view_errors) == {"cron_weekly-digest", "cron_request-expiry"}
    assert "5 fields" in r.view_errors["cron_weekly-digest"]
    assert config(bot) is None and audit_rows(bot) == []

    view = fake.open_modal(admin)  # still open, with the errors
    r = world.forged_submit(admin, view, {"anonymity_min_group": "1", "default_length_months": "0"})
    assert set(r.view_errors) == {"anonymity_min_group", "default_length_months"}
    assert config(bot) is None and audit_rows(bot) == []


def test_a_non_admin_is_refused_and_a_forged_submission_changes_nothing(world, slack, fake, bot, admin):
    fake.add_user("UMALLORY", "Mallory")
    r = slack.command("UMALLORY", "admin")
    assert r.status == 200
    world.idle()
    assert fake.open_modal("UMALLORY") is None
    assert any("Only the program's admins" in json.dumps(x) for x in fake.responses("UMALLORY")), fake.summary()
    r = slack.command("UMALLORY", "admin log")
    world.idle()
    assert sum("Only the program's admins" in json.dumps(x) for x in fake.responses("UMALLORY")) == 2

    # Mallory copies the admin's modal and posts a submission of it by hand, making herself admin
    view = open_admin_modal(world, admin)
    assert slack.command("UMALLORY", "join").status == 200  # any modal of her own, for Slack to answer into
    fake.wait_for(lambda: fake.open_modal("UMALLORY"))
    r = world.forged_submit("UMALLORY", view, {"name": "Mallory's Program"})
    r2 = world.forged_submit("UMALLORY", view, {})
    assert r.status == 200 and r2.status == 200
    world.idle()
    assert "Only the program's admins" in json.dumps(fake.open_modal("UMALLORY"))
    assert config(bot) is None and audit_rows(bot) == []


def test_an_admin_adds_an_admin_who_can_then_open_the_modal_and_env_admins_stay(world, slack, fake, bot, admin):
    fake.add_user("UBEA", "Bea")
    assert slack.command("UBEA", "admin").status == 200
    world.idle()
    assert fake.open_modal("UBEA") is None

    r = save(world, admin, {"admins": [admin, "UBEA"]})
    assert not r.view_errors
    assert audit_rows(bot) == [(admin, "admin.add", {"user": "UBEA"})]

    view = open_admin_modal(world, "UBEA")
    r = slack.submit("UBEA", view, {"admins": ["UBEA"]})  # taking the PROGRAM_ADMINS admin off is refused
    assert "PROGRAM_ADMINS" in r.view_errors["admins"]
    r = slack.submit("UBEA", fake.open_modal("UBEA"), {"admins": [admin], "objective": "Grow."})
    assert not r.view_errors
    world.idle()
    assert audit_rows(bot)[1:] == [("UBEA", "program.objective", {"old": "", "new": "Grow."}),
                                   ("UBEA", "admin.remove", {"user": "UBEA"})]
    assert slack.command("UBEA", "admin").status == 200  # Bea took herself off
    world.idle()
    assert fake.open_modal("UBEA") is None


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=True)


MET = {"minutes": "60", "next_not_planned": ["yes"], "effectiveness": "4", "expectations": "yes",
       "help": "More time for this at work"}


def test_the_next_checkin_digest_and_story_use_what_the_admin_set(world, slack, fake, bot, admin):
    fake.add_user("UBEA", "Bea Admin")
    fake.add_channel("C0DIGEST2", "mentoring-managers", bot_member=True)
    fake.add_channel("C0STORY2", "mentoring-stories", bot_member=True)
    with at(2026, 11, 20, 9):
        world.join("U1", "Ada", offers=["Python"], wants=["Public speaking"])
        world.join("U2", "Cy", offers=["Public speaking"], wants=["Python"])
        world.pair("U1", "U2")
        r = save(world, admin, {"name": "Learn Together", "objective": "Every engineer teaches one thing this year.",
                                "digest_channel": "C0DIGEST2", "stories_channel": "C0STORY2",
                                "anonymity_min_group": "2", "admins": [admin, "UBEA"]})
        assert not r.view_errors
        # help and Home show the new name and the objective
        help_text = json.dumps(slack.command("U1", "help").ephemeral)
        assert "Learn Together" in help_text and "Every engineer teaches one thing" in help_text
        slack.app_home_opened("U1")
        world.idle()
        home = fake.home("U1")
        assert home["blocks"][0]["text"]["text"] == "Learn Together"

    with at(2026, 12, 1, 10):
        world.run_job("monthly-checkins")
        dms = {u: next(m for m in fake.dms_to(u) if "check-in" in m["text"]) for u in ("U1", "U2")}
        assert all(m["text"].startswith("Learn Together: your December 2026 check-in") for m in dms.values())
        assert "at least 2 people" in json.dumps(dms["U1"]["blocks"])
        for user, message in dms.items():
            slack.click(user, message, "We met")
            modal = fake.wait_for(lambda u=user: (m := fake.open_modal(u)) and m["callback_id"] == "checkin_submit" and m)
            assert not slack.submit(user, modal, MET).view_errors
            world.idle()

    with at(2027, 1, 1, 10):  # December closes with 2 answers: enough under k = 2, not under the default 5
        world.run_job("monthly-checkins")
    for who in (admin, "UBEA"):  # both admins (one added in Slack) get the anonymous "what would help"
        assert len([m for m in fake.dms_to(who) if "what would help" in m["text"]]) == 1, who

    with at(2027, 1, 4, 8):
        result = world.run_job("weekly-digest")  # no DIGEST_CHANNEL in the settings: the admin's channel
    assert "posted to C0DIGEST2" in result
    posted = fake.messages("C0DIGEST2")[0]
    shown = json.dumps(posted["blocks"])
    assert posted["blocks"][0]["text"]["text"] == "Learn Together: weekly digest"
    assert "Every engineer teaches one thing" in shown
    assert "Average effectiveness (December 2026): 4.0 of 5" in shown

    with at(2027, 1, 5, 9):
        modal = open_story(world, "U1")
        assert not slack.submit("U1", modal, {"Title": "Python in a month", "What changed": "I write my own scripts now.",
                                              "Who is in this story?": "No one by name"}).view_errors
        world.idle()
        review = fake.wait_for(lambda: [m for m in fake.dms_to("UBEA") if "waits for your review" in m["text"]])[0]
        assert "Learn Together" in json.dumps(review["blocks"])
        slack.click("UBEA", review, "Approve")  # an admin added in Slack reviews stories
        world.idle()
        assert world.run_job("success-stories").startswith("posted story")
    story = fake.messages("C0STORY2")
    assert len(story) == 1 and story[0]["text"].startswith("A Learn Together success story")


def open_story(world, user_id):
    assert world.slack.command(user_id, "story").status == 200
    return world.fake.wait_for(lambda: (m := world.fake.open_modal(user_id)) and m["callback_id"] == "story_submit" and m)


def test_a_schedule_changed_in_slack_is_picked_up_by_the_running_scheduler_and_jobs_list(world, slack, fake, bot, admin,
                                                                                         capsys):
    from app.cli import cmd_jobs
    from jobs.scheduler import Scheduler

    settings = bot.settings.model_copy(update={"cron_weekly_digest": "0 8 * * 1"})
    scheduler = Scheduler(settings, bot.db)  # a scheduler running since before the change, like `mentor-bot serve`
    scheduler.aps.start(paused=True)  # (paused: the test plays its 15-second leadership check itself)
    try:
        digest = scheduler.aps.get_job("weekly-digest").next_run_time
        assert (digest.weekday(), digest.hour) == (0, 8)  # Mondays 08:00
        r = save(world, admin, {"cron_weekly-digest": "30 17 * * 5"})
        assert not r.view_errors
        scheduler._check_leader()  # what it does every 15 seconds: re-read the schedules, reschedule what changed
        digest = scheduler.aps.get_job("weekly-digest").next_run_time
        assert (digest.weekday(), digest.hour, digest.minute) == (4, 17, 30)  # now Fridays 17:30
        assert scheduler.lines["weekly-digest"] == "30 17 * * 5" and scheduler.refresh_schedules() == []
    finally:
        scheduler.shutdown()

    capsys.readouterr()
    assert cmd_jobs(settings, argparse.Namespace(jobs_command="list")) == 0  # `mentor-bot jobs list`
    listed = capsys.readouterr().out
    line = next(li for li in listed.splitlines() if li.startswith("weekly-digest"))
    assert "30 17 * * 5" in line and " Fri " in line, listed


def test_new_profiles_and_agreements_start_from_the_admins_defaults(world, slack, fake, bot, admin):
    from bot.services import clock

    assert not save(world, admin, {"default_capacity": "4", "default_length_months": "3"}).view_errors
    fake.add_user("U1", "Ada")
    assert slack.command("U1", "join").status == 200
    modal = fake.wait_for(lambda: fake.open_modal("U1"))
    capacity = next(b for b in modal["blocks"] if b.get("block_id") == "capacity")
    assert capacity["element"]["initial_option"]["value"] == "4"  # partners at once, as the admin suggests
    slack.close_view("U1", modal)

    world.join("U1", "Ada", offers=["Python"], wants=["Public speaking"])
    world.join("U2", "Bea", offers=["Public speaking"], wants=["Python"])
    world.pair("U1", "U2")
    kickoff = fake.messages(fake.group_dm("U1", "U2"))[0]
    slack.click("U1", kickoff, "Write our agreement")
    modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "agreement_submit" and m)
    end = next(b for b in modal["blocks"] if b.get("block_id") == "end_date")
    today = clock.local_today("Europe/London", 0)
    assert end["element"]["initial_date"] == clock.add_months(today, 3).isoformat()
    assert "suggests 3 months" in end["hint"]["text"]
