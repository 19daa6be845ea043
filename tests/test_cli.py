"""The `mentor-bot` command as an operator runs it: settings errors, manifest, jobs, db upgrade, serve."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from app.manifest import build_manifest
from bot.db import Database
from tests.conftest import SECRET, TOKEN
from tests.serving import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.real_clock  # every test here starts the CLI in another process

def run(*args, env=None, cwd=None, timeout=60):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "PROGRAM_"))}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "app", *args], env=full_env, cwd=cwd or ROOT, capture_output=True,
                          text=True, timeout=timeout)


def test_a_bad_or_missing_setting_stops_with_one_clear_line(tmp_path):
    r = run("serve", env={"PORT": "abc"}, cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        "mentor-bot: setting PORT is malformed: Input should be a valid integer, unable to parse string as an integer"]
    r = run("serve", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}, cwd=tmp_path)
    assert r.returncode == 2 and "SLACK_BOT_TOKEN is missing" in r.stderr and "Traceback" not in r.stderr
    r = run("serve", env={"SLACK_BOT_TOKEN": "xoxp-user-token"}, cwd=tmp_path)
    assert r.returncode == 2 and "SLACK_BOT_TOKEN is malformed" in r.stderr
    r = run("socket", env={"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": "s"}, cwd=tmp_path)
    assert r.returncode == 2 and "SLACK_APP_TOKEN is missing" in r.stderr
    r = run("jobs", "list", env={"PROGRAM_ADMINS": "U1,not-an-id"}, cwd=tmp_path)
    assert r.returncode == 2 and "PROGRAM_ADMINS" in r.stderr


def test_manifest_names_the_command_events_and_scopes():
    r = run("manifest", "--url", "https://bot.example.com/")
    manifest = json.loads(r.stdout)
    url = "https://bot.example.com/slack/events"
    assert manifest["features"]["slash_commands"][0]["command"] == "/mentor"
    assert manifest["features"]["slash_commands"][0]["url"] == url
    assert manifest["settings"]["interactivity"] == {"is_enabled": True, "request_url": url}
    assert manifest["settings"]["event_subscriptions"] == {"request_url": url,
                                                           "bot_events": ["app_home_opened", "member_joined_channel"]}
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands", "chat:write", "im:write", "mpim:write", "users:read", "users.profile:read", "files:write",
        "files:read", "im:history", "channels:history", "groups:history", "channels:read", "groups:read"}
    committed = json.loads((ROOT / "slack-manifest.json").read_text())
    assert committed == build_manifest("https://mentor-bot.example.com")


def test_db_upgrade_and_jobs(tmp_path):
    url = f"sqlite:///{tmp_path}/ops.db"
    r = run("db", "upgrade", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "partnerships" in inspect(Database(url).engine).get_table_names()
    r = run("jobs", "list", cwd=tmp_path)
    for name in ("monthly-checkins", "checkin-reminders", "meeting-nudges", "request-expiry", "success-stories",
                 "weekly-digest"):
        assert name in r.stdout
    line = next(li for li in r.stdout.splitlines() if li.startswith("monthly-checkins"))
    assert "0 10 1 * *" in line and "-01 10:00" in line  # its schedule, and its next run: the 1st at 10:00
    r = run("jobs", "list", env={"PROGRAM_TIMEZONE": "Europe/Nowhere"}, cwd=tmp_path)
    assert r.returncode == 2 and "PROGRAM_TIMEZONE" in r.stderr
    r = run("jobs", "list", env={"CRON_WEEKLY_DIGEST": "every monday"}, cwd=tmp_path)
    assert r.returncode == 2 and "CRON_WEEKLY_DIGEST" in r.stderr
    r = run("jobs", "run", "request-expiry", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert r.returncode == 2 and "SLACK_BOT_TOKEN is missing" in r.stderr
    r = run("jobs", "run", "request-expiry", env={"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-1"}, cwd=tmp_path)
    assert r.returncode == 0 and "0 request(s) expired" in r.stdout
    r = run("jobs", "run", "nope", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert r.returncode == 2 and "no job named 'nope'" in r.stderr


@pytest.mark.parametrize("flags", [[], ["--no-scheduler"]])
def test_serve_migrates_and_answers_slack(tmp_path, fake, flags):
    from tests.fakeslack import SlackDriver

    fake.reset()
    port = free_port()
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
           "DATABASE_URL": f"sqlite:///{tmp_path}/serve.db", "PORT": str(port), "PROGRAM_NAME": "Pairs"}
    full_env = {**os.environ, **env}
    proc = subprocess.Popen([sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", *flags], env=full_env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_healthy(proc, port)
        slack = SlackDriver(f"http://127.0.0.1:{port}", signing_secret=SECRET, fake=fake, team_id="T0TEST")
        r = slack.command("U1", "help")
        assert r.status == 200 and "*Pairs* is our peer mentoring program" in r.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        output = proc.stdout.read()
        proc.stdout.close()
    # the scheduler runs inside serve unless told not to (a web-only replica)
    assert ("scheduler started (timezone UTC)" in output) == (not flags), output
