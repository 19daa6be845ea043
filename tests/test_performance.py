"""What makes the bot fast must never make it wrong: `/mentor find` ranks from an in-memory skill index that sees
every change at once, and the sender paces a fan-out to the workspace's posting limit without a 429 or a
message lost or sent twice."""

from __future__ import annotations

import json
import subprocess
import sys

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import event, select

from bot import pacing
from bot.delivery import drain
from bot.services import match_index, outbox
from models import OutboxMessage
from tests.test_find import name_of, shown_people
from tests.test_lifecycle import modal


def edit_skills(world, user_id: str, offers: str, wants: str) -> None:
    """The person opens their profile, unpicks every skill and types these instead."""
    world.slack.command(user_id, "profile")
    view = world.fake.wait_for(lambda: world.fake.open_modal(user_id))
    r = world.slack.submit(user_id, view, {"offers_pick": [], "wants_pick": [], "offers": offers, "wants": wants})
    assert r.status == 200 and not r.view_errors, r.text
    world.idle()


def test_find_sees_profile_changes_new_people_and_pauses_at_once(world, slack):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    assert shown_people(world.find("U1")) == [name_of(world, "U2")]

    edit_skills(world, "U2", "Cooking", "Python")  # Bea edits her profile: no Go any more
    r = world.find("U1")
    assert shown_people(r) == [name_of(world, "U2")]  # still: Ada can help her with Python
    assert "They can help you with" not in json.dumps(r.json)
    edit_skills(world, "U2", "Cooking", "Knitting")
    assert "No good match right now" in world.find("U1").text

    world.join("U3", "Cy", offers=["Go"], wants=["Knitting"])  # someone new
    assert shown_people(world.find("U1")) == [name_of(world, "U3")]
    assert shown_people(world.find("U1", "go")) == [name_of(world, "U3")]

    slack.command("U3", "pause")
    slack.submit("U3", modal(world, "U3", "pause_submit"), {})
    world.idle()
    assert "No good match right now" in world.find("U1").text


def test_someone_at_capacity_comes_back_when_their_partnership_ends(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Fay", offers=["Go"], wants=["Python"], capacity=1)
    world.join("U3", "Gil", offers=["Cooking"], wants=["Go"])
    pid = world.pair("U3", "U2")  # Fay is now at her limit of one partner
    r = world.find("U1")
    assert "No good match right now" in r.text

    slack.command("U3", "end")
    r = slack.submit("U3", modal(world, "U3", "closing_submit"),
                     {"Would you recommend Fay as a partner to others?": "Yes", "learned": "Go"})
    assert r.view_errors is None
    world.idle()
    assert world.partnership("U3", "U2").id == pid and world.partnership("U3", "U2").status == "ended"
    r = world.find("U1")
    assert shown_people(r) == [name_of(world, "U2")]


def test_someone_who_deleted_their_data_is_never_suggested(world, slack):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cy", offers=["Go"], wants=["Cooking"])
    assert len(shown_people(world.find("U1"))) == 2

    slack.command("U2", "leave")
    r = slack.submit("U2", modal(world, "U2", "leave_submit"),
                     {"Your data": ["Also delete my personal data (profile, notes, journal)"]})
    assert r.view_errors is None
    world.idle()
    r = world.find("U1")
    assert shown_people(r) == [name_of(world, "U3")] and "Bea" not in r.text and "<@U2>" not in r.text
    assert "(1–1 of 1)" in json.dumps(r.json, ensure_ascii=False)


def test_while_the_index_is_being_built_find_says_to_try_again_in_time(world, slack, fake, bot):
    """The first seconds after a start at 100,000 people: Slack still hears back within 3 s, kindly."""
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    with bot.db.uow() as session:
        index = match_index._index(session, "T0TEST")
    with index.lock:  # what the start-up build holds while it reads everyone
        r = slack.command("U1", "find")
    assert r.status == 200 and r.elapsed < 3
    world.idle()
    assert "getting ready after a restart" in fake.responses("U1")[-1]["text"]
    assert shown_people(world.find("U1")) == [name_of(world, "U2")]


def test_help_reads_the_database_once_and_still_knows_who_asks(world, slack, fake, bot, monkeypatch):
    """`/mentor help` (and the check before every subcommand) is one statement: the program's name, whether the
    person joined and whether they are an admin, each as it is right now."""
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(bot.db.engine, "before_cursor_execute", count)
    try:
        r = slack.command("U1", "help")
        assert r.status == 200 and "*Grow Together* is our peer mentoring program" in r.text
        assert "Join the program" in r.text and len(statements) == 1
        world.join("U1", "Ada", offers=["Python"], wants=["Go"])
        statements.clear()
        r = slack.command("U1", "help")
        assert "Edit my profile" in r.text and "Join the program" not in r.text and len(statements) == 1
    finally:
        event.remove(bot.db.engine, "before_cursor_execute", count)

    def refused() -> bool:
        before = len(fake.responses("U1"))
        r = slack.command("U1", "stats")
        world.idle()
        return "Only the program's admins" in r.text + json.dumps(fake.responses("U1")[before:])

    assert refused()
    monkeypatch.setattr(bot.settings, "program_admins", ["U1"])
    assert not refused()


def test_a_database_at_head_is_checked_with_one_read_and_no_alembic(tmp_path):
    """`serve` brings the database to the newest schema at every start; when it is there already that costs one
    SELECT, not loading Alembic and every migration (a start's second)."""
    from alembic.script import ScriptDirectory

    from bot import migrate

    assert migrate.scripts_head() == ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()
    url = f"sqlite:///{tmp_path}/head.sqlite3"
    migrate.upgrade(url)  # a new database: Alembic migrates it
    assert migrate.current_revisions(url) == [migrate.scripts_head()]
    code = ("import sys; from bot import migrate; migrate.upgrade(sys.argv[1]); "
            "print('alembic' in sys.modules, migrate.current_revisions(sys.argv[1]))")
    out = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == "False"


def test_a_fan_out_goes_at_the_workspace_limit_and_no_faster(world, fake, bot):
    """Slack allows five posts a minute here; the sender posts five, holds the rest for the next minute,
    and Slack never has to answer 429."""
    fake.set_rate_limit("chat.postMessage", 5, retry_after=None)
    users = [f"U{n}" for n in range(1, 9)]
    for user in users:
        fake.add_user(user, f"Person {user}")
    with bot.db.uow() as session:
        outbox.enqueue_many(session, [dict(team_id="T0TEST", key=f"pace:{u}", kind="test", recipient=u,
                                           payload={"text": f"Hello {u}"}) for u in users])
    settings = bot.settings.model_copy(update={"outbox_messages_per_minute": 5})
    pacing._pacers.clear()  # a new minute for this workspace (the other backend's run used this one's)
    report = drain(settings, bot.db, max_seconds=3)

    got = {u: len(fake.dms_to(u)) for u in users}
    assert sorted(got.values()) == [0, 0, 0, 1, 1, 1, 1, 1]  # five people have theirs, once
    assert fake.calls_to("chat.postMessage", ok=False) == []  # never a 429
    assert report.sent == 5 and report.waiting == 3 and report.rate_limited == 0
    with bot.db.uow() as session:
        left = session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.status == "pending")).all()
    assert sorted(left) == sorted(u for u, n in got.items() if n == 0)  # the rest wait their turn, none lost


def test_a_request_during_a_fan_out_is_not_held_back_by_it(world, fake, bot):
    """The fan-out leaves a twentieth of the minute to messages someone waits for."""
    fake.set_rate_limit("chat.postMessage", 20, retry_after=None)
    users = [f"U{n}" for n in range(1, 22)]
    for user in users:
        fake.add_user(user, f"Person {user}")
    with bot.db.uow() as session:
        outbox.enqueue_many(session, [dict(team_id="T0TEST", key=f"fan:{u}", kind="test", recipient=u,
                                           payload={"text": f"Monthly {u}"}) for u in users[:20]])
    settings = bot.settings.model_copy(update={"outbox_messages_per_minute": 20})
    pacing._pacers.clear()
    report = drain(settings, bot.db, max_seconds=2)
    assert report.sent == 19 and report.waiting == 1  # the fan-out stops one short of the minute's 20

    with bot.db.uow() as session:  # someone asks someone: a message they wait for
        outbox.enqueue(session, "T0TEST", "urgent:U21", "request", "U21", {"text": "Ada would like to be your partner"})
    report = drain(settings, bot.db, max_seconds=2)
    assert [m["text"] for m in fake.dms_to("U21")] == ["Ada would like to be your partner"]
    assert report.sent == 1 and fake.calls_to("chat.postMessage", ok=False) == []


def test_the_fake_slack_says_when_the_window_has_room_again(fake):
    """Like Slack: past the limit, 429 with Retry-After the seconds until the minute's window has room."""
    fake.reset()
    fake.set_rate_limit("chat.postMessage", 2, retry_after=None)
    fake.add_user("U1", "Ada")
    client = WebClient(token="xoxb-test-token", base_url=fake.api_url)
    for _ in range(2):
        client.chat_postMessage(channel="U1", text="hi")
    try:
        client.chat_postMessage(channel="U1", text="one too many")
        raise AssertionError("expected a 429")
    except SlackApiError as exc:
        assert exc.response.status_code == 429 and exc.response["error"] == "ratelimited"
        assert 55 <= int(exc.response.headers["Retry-After"]) <= 60
    assert len(fake.dms_to("U1")) == 2
    fake.reset()


def test_find_reads_the_boundaries_once_and_still_keeps_them_for_the_circle_it_shows(world, slack, fake, bot):
    """`/mentor find` shows people and then one open peer circle: the boundaries it reads for the people keep the
    circle too (not read a second time), and the cards' sessions and testimonials are one statement."""
    from tests.test_circles import _people, start

    _people(world)
    start(world)  # Ada's circle, learning public speaking
    assert world.slack.command("U2", "boundaries").status == 200  # Bea names Ada as her manager
    view = fake.wait_for(lambda: (m := fake.open_modal("U2")) and m["callback_id"] == "boundaries_submit" and m)
    assert not slack.submit("U2", view, {"My manager": "U1"}).view_errors
    world.idle()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(bot.db.engine, "before_cursor_execute", count)
    try:
        dee = json.dumps(world.find("U4").ephemeral)
        dee_reads = list(statements)
        statements.clear()
        bea = json.dumps(world.find("U2").ephemeral)
        bea_reads = list(statements)
    finally:
        event.remove(bot.db.engine, "before_cursor_execute", count)
    assert "A peer circle that fits you" in dee and "Present with confidence" in dee and "Cy Young" in dee
    assert "Present with confidence" not in bea and "Cy Young" in bea  # Ada's circle: never with her manager
    for reads in (dee_reads, bea_reads):
        assert len([s for s in reads if "reporting_lines" in s]) == 1
        assert len([s for s in reads if "testimonials" in s]) == 1
