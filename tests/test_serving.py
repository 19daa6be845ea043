"""Serving on every core and answering at once: `mentor-bot serve --workers N` forks N workers on one port (each
answers Slack, SIGTERM stops them all), and `/mentor stats` answers at once when its figures take longer,
then sends them in place of the note."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from handlers import stats as stats_handler
from tests.conftest import SECRET, TOKEN
from tests.serving import free_port, wait_until_healthy


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.mark.real_clock  # the server is another process
def test_serve_with_two_workers_answers_on_one_port_and_stops_on_sigterm(tmp_path, fake):
    from tests.fakeslack import SlackDriver

    fake.reset()
    port = free_port()
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
           "DATABASE_URL": f"sqlite:///{tmp_path}/serve.db", "PORT": str(port), "PROGRAM_NAME": "Pairs",
           "WEB_CONCURRENCY": "2", "SCHEDULER_ENABLED": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "app", "serve", "--host", "127.0.0.1"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_healthy(proc, port)
        workers = _children(proc.pid)
        assert len(workers) == 2
        slack = SlackDriver(f"http://127.0.0.1:{port}", signing_secret=SECRET, fake=fake, team_id="T0TEST")
        for user in ("U1", "U2", "U3", "U4"):
            r = slack.command(user, "help")
            assert r.status == 200 and "*Pairs* is our peer mentoring program" in r.text
        os.kill(workers[0], signal.SIGKILL)  # a worker that dies is replaced
        deadline = time.monotonic() + 15
        while len(_children(proc.pid)) < 2 or workers[0] in _children(proc.pid):
            assert time.monotonic() < deadline, "the dead worker was not replaced"
            time.sleep(0.1)
        assert slack.command("U1", "help").status == 200
    finally:
        proc.terminate()
        code = proc.wait(timeout=30)
        output = proc.stdout.read()
        proc.stdout.close()
    assert code == 0, output
    assert "with 2 workers" in output


def test_stats_that_take_a_while_answer_at_once_and_follow_in_place(world, slack, fake, bot, monkeypatch):
    monkeypatch.setattr(bot.settings, "program_admins", ["UADMIN"])
    fake.add_user("UADMIN", "Ada Admin")
    world.join("U1", "Bea", offers=["Python"], wants=["Go"])
    monkeypatch.setattr(bot.settings, "stats_ack_ms", 0)  # as if the figures took longer than Slack should wait
    r = slack.command("UADMIN", "stats")
    assert r.status == 200 and stats_handler.WORKING in r.text  # Slack hears back at once
    world.idle()
    shown = fake.responses("UADMIN")[-1]
    assert shown["replace_original"] and "stats" in shown["text"].lower()  # then the figures, in place of the note
    assert stats_handler.WORKING not in str(shown["blocks"])

    r = slack.command("U1", "stats")  # a refusal is still the answer itself
    assert r.status == 200 and stats_handler.WORKING not in r.text
