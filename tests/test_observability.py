"""Structured logs and Prometheus metrics: one JSON line per handled request, per job run and per outbox
send; never a check-in answer, a form's free text or a token in the logs; /metrics after real traffic."""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime

import pytest
import time_machine
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from models import OutboxMessage
from tests.logcapture import capture_logs

SECRET_HELP = "ZEBRA-7731 my manager reads my calendar"
SECRET_NOTE = "OKAPI-5512 please keep this between us"
SECRET_GOALS = "NARWHAL-9090 leave the company in spring"


def scrape(bot) -> dict[tuple, float]:
    """/metrics as {(sample name, sorted labels): value}."""
    with urllib.request.urlopen(bot.url + "/metrics", timeout=5) as resp:
        assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/plain")
        text = resp.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_every_request_writes_one_json_line_with_who_what_and_how_it_went(world, slack, fake):
    with capture_logs() as logs:
        world.join("U1", "Ada", offers=["Python"], wants=["Go"])
        slack.command("U1", "xyzzy secret words")
        world.idle()
    requests = logs.records(logger="mentor_bot.requests")
    command = [r for r in requests if r["kind"] == "command"]
    assert [(r["id"], r["outcome"]) for r in command] == [("/mentor join", "ok"), ("/mentor xyzzy", "ok")]
    assert all(r["team"] == "T0TEST" and r["user"] == "U1" and r["level"] == "INFO" for r in command)
    assert all(isinstance(r["duration_ms"], float) and r["duration_ms"] >= 0 for r in requests)
    view = [r for r in requests if r["kind"] == "view"]
    assert [(r["id"], r["outcome"], r["user"]) for r in view] == [("profile_submit", "ok", "U1")]
    assert "secret words" not in logs.text  # words after a subcommand are the person's


def test_a_refusal_is_logged_as_refused(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    with capture_logs() as logs:
        slack.click("U1", fake.dms_to("U1")[0], "Find a partner")  # nobody to find: a kind answer, not an error
        slack.command("U2", "log")  # not joined
        world.idle()
    outcomes = {(r["kind"], r["id"]): r["outcome"] for r in logs.records(logger="mentor_bot.requests")}
    assert outcomes[("command", "/mentor log")] == "ok"
    assert all(outcome in ("ok", "refused") for outcome in outcomes.values()), outcomes
    assert not [r for r in logs.records() if r["level"] in ("ERROR", "CRITICAL")]


def test_check_in_answers_and_form_text_never_reach_the_logs(world, slack, fake, bot):
    from tests.test_checkins import answer, at, checkin_dms

    with capture_logs() as logs:
        with at(2026, 11, 20, 9):  # the pair starts inside the clock that the check-in month then follows
            world.join("U1", "Ada", offers=["Python"], wants=["Go"], goals=("Knowledge gaps",))
            world.join("U2", "Bea", offers=["Go"], wants=["Python"])
            world.ask("U1", "U2", note=SECRET_NOTE)
            slack.click("U2", world.request_message("U2"), "Accept")
            world.idle()
            # A profile edit whose free text the form refuses (too long).
            slack.command("U1", "profile")
            modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "profile_submit" and m)
            refused = world.forged_submit("U1", modal, {"goals_note": SECRET_GOALS * 200})
            assert refused.view_errors
        with at(2026, 12, 1, 10):
            world.run_job("monthly-checkins")
            fake.fail_next("chat.update", "internal_error", status=500)  # the thank-you edit fails: logged
            response = answer(world, "U1", checkin_dms(fake, "U1")[0],
                              {"minutes": "45", "next_not_planned": ["yes"], "effectiveness": "5", "expectations": "yes",
                               "help": SECRET_HELP})
            assert not response.view_errors
            checkin = checkin_dms(fake, "U2")[0]
            slack.click("U2", checkin, "We met")
            modal = fake.wait_for(lambda: (m := fake.open_modal("U2")) and m["callback_id"] == "checkin_submit" and m)
            bad = world.forged_submit("U2", modal, {"minutes": "-5", "help": SECRET_HELP + "\x00" * 3})
            assert bad.status == 200
            world.idle()
    assert logs.lines, "nothing was captured"
    assert logs.records(logger="mentor_bot.slack", method="chat.update", error="internal_error")
    for secret in (SECRET_HELP, "ZEBRA-7731", SECRET_NOTE, "OKAPI-5512", "NARWHAL-9090", bot.settings.slack_bot_token,
                   bot.settings.slack_signing_secret):
        assert secret not in logs.text, secret


def test_a_job_run_is_one_json_line(world, fake):
    with capture_logs() as logs:
        world.run_job("request-expiry")
    [line] = logs.records(logger="mentor_bot.scheduler", kind="job")
    assert line["id"] == "request-expiry" and line["outcome"] == "ok" and line["trigger"] == "manual"
    assert line["duration_ms"] >= 0


def test_metrics_count_requests_latency_outbox_depth_and_slack_errors(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    before = scrape(bot)
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.pair("U1", "U2")  # the request and the news of its answer go through the outbox
    slack.command("U1", "help")
    fake.fail_next("views.open", "internal_error", status=500)
    slack.command("U2", "profile")  # Slack fails: an apology, and one Slack error counted
    world.idle()
    fake.wait_for(lambda: [r for r in fake.responses() if "something went wrong" in (r.get("text") or "")])
    after = scrape(bot)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("mentor_bot_requests_total", kind="command", outcome="ok") == 3  # join, find, help
    assert grew("mentor_bot_requests_total", kind="command", outcome="slack_error") == 1
    assert grew("mentor_bot_requests_total", kind="view", outcome="ok") == 2  # profile, ask
    assert grew("mentor_bot_requests_total", kind="action", outcome="ok") == 2  # ask, accept
    assert grew("mentor_bot_http_requests_total", kind="command", status="200") == 4
    assert grew("mentor_bot_request_seconds_count", kind="view") == 2
    assert grew("mentor_bot_ack_seconds_bucket", kind="command", le="3.0") == 4  # all acked within Slack's 3 s
    assert grew("mentor_bot_slack_api_errors_total", method="views.open", error="internal_error") == 1
    assert grew("mentor_bot_outbox_sends_total", outcome="sent") >= 2
    with bot.db.uow() as session:
        sent = session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent"))
    assert value(after, "mentor_bot_outbox_messages", status="sent") == sent >= 2
    assert value(after, "mentor_bot_outbox_messages", status="pending") == 0
    assert value(after, "mentor_bot_database_up") == 1


def test_a_job_and_its_outbox_sends_are_logged_and_counted_while_slack_fails(world, fake, bot):
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=UTC), tick=True):
        world.join("U1", "Ada", offers=["Python"], wants=["Go"])
        world.join("U2", "Bea", offers=["Go"], wants=["Python"])
        world.pair("U1", "U2")
    before = scrape(bot)
    fake.fail_next("chat.postMessage", "service_unavailable", status=503, times=2)
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=True), capture_logs() as logs:
        world.run_job("monthly-checkins")
    after = scrape(bot)
    sends = logs.records(logger="mentor_bot.outbox.sends")
    assert sorted((r["outcome"], r["id"], r["recipient"]) for r in sends) == [
        ("retry", "checkin", "U1"), ("retry", "checkin", "U2"), ("sent", "checkin", "U1"), ("sent", "checkin", "U2")]
    assert all(r["error"] == "service_unavailable" for r in sends if r["outcome"] == "retry")
    assert value(after, "mentor_bot_job_runs_total", job="monthly-checkins", outcome="ok") - \
        value(before, "mentor_bot_job_runs_total", job="monthly-checkins", outcome="ok") == 1
    assert value(after, "mentor_bot_slack_api_errors_total", method="chat.postMessage", error="service_unavailable") - \
        value(before, "mentor_bot_slack_api_errors_total", method="chat.postMessage", error="service_unavailable") == 2
    # a 5xx leaves the outcome in doubt: the job's sender checked with Slack after the backoff, then sent once
    # + the two welcomes, the request, its answer, the edit of the request DM, the kickoff
    assert value(after, "mentor_bot_outbox_messages", status="sent") == 2 + 6
    delivered = [c for c in fake.calls_to("chat.postMessage", ok=True) if "'checkin:" in str(c.args.get("metadata"))]
    assert len(delivered) == 2


@pytest.mark.real_clock
def test_the_cli_logs_json_or_text_as_log_format_says(bot, fake, tmp_path):
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "LOG_"))}
    env.update(SLACK_BOT_TOKEN=bot.settings.slack_bot_token, SLACK_SIGNING_SECRET="x", SLACK_API_URL=fake.api_url,
               DATABASE_URL=bot.settings.database_url)
    for fmt in ("json", "text"):
        done = subprocess.run([sys.executable, "-m", "app", "jobs", "run", "request-expiry"], env={**env, "LOG_FORMAT": fmt},
                              cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        job_lines = [line for line in done.stderr.splitlines() if "request-expiry" in line]
        assert job_lines, done.stderr
        if fmt == "json":
            line = json.loads(job_lines[-1])
            assert (line["kind"], line["id"], line["outcome"], line["level"]) == ("job", "request-expiry", "ok", "INFO")
        else:
            assert "kind=job id=request-expiry" in job_lines[-1] and "outcome=ok" in job_lines[-1]
        assert bot.settings.slack_bot_token not in done.stderr


def test_a_token_in_a_log_message_is_redacted(bot):
    import logging

    with capture_logs() as logs:
        logging.getLogger("mentor_bot.anything").warning("calling Slack with %s and xapp-1-A0-123-abc",
                                                         bot.settings.slack_bot_token)
    assert bot.settings.slack_bot_token not in logs.text and "xapp-1-A0-123-abc" not in logs.text
    assert "[redacted]" in logs.records()[0]["msg"]
