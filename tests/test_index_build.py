"""find's index built in a short-lived process of its own (app/index_build.py): a serving process that starts where no
snapshot is saved has it built elsewhere, then loads it as a later start does, and finds the same people as one that
read everyone itself. If the separate build fails, the serving process builds the index itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from bot.services import match_index
from models import FindSnapshot
from tests.conftest import SECRET, TEAM, TOKEN
from tests.fakeslack import SlackDriver
from tests.serving import free_port, wait_until_healthy
from tests.test_find import name_of, shown_people

ROOT = Path(__file__).resolve().parent.parent


def _three_people(world) -> None:
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cy", offers=["Go"], wants=["Cooking"])


def _saved(bot) -> int | None:
    with bot.db.uow() as session:
        return session.scalar(select(FindSnapshot.people).where(FindSnapshot.team_id == TEAM))


def _forget_snapshots(bot) -> None:
    with bot.db.uow() as session:
        session.execute(delete(FindSnapshot))
    match_index.reset()


@pytest.mark.real_clock  # the server and its builder are other processes
def test_a_first_serve_has_the_index_built_in_another_process_and_finds_the_right_people(world, bot, fake, tmp_path):
    _three_people(world)
    _forget_snapshots(bot)
    port = free_port()
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
           "DATABASE_URL": bot.settings.database_url, "PORT": str(port), "PROGRAM_NAME": "Grow Together",
           "SCHEDULER_ENABLED": "false", "LOG_LEVEL": "INFO", "LOG_FORMAT": "text"}
    proc = subprocess.Popen([sys.executable, "-m", "app", "serve", "--host", "127.0.0.1"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_healthy(proc, port)
        slack = SlackDriver(f"http://127.0.0.1:{port}", signing_secret=SECRET, fake=fake, team_id=TEAM)
        deadline = time.monotonic() + 20
        while "Peers who suit you" not in (found := slack.command("U1", "find")).text:  # (or: "getting ready")
            assert time.monotonic() < deadline, found.text
            time.sleep(0.1)
        assert shown_people(found) == [name_of(world, "U2"), name_of(world, "U3")]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        output = proc.stdout.read()
        proc.stdout.close()
    assert "T0TEST built and saved" in output, output  # by the builder process...
    assert "T0TEST ready" in output and "from its snapshot" in output, output  # ...then loaded by the server
    assert _saved(bot) == 3


def test_the_server_loads_what_the_builder_saved_and_catches_up(world, bot):
    _three_people(world)
    _forget_snapshots(bot)
    built: list[list[str]] = []

    def elsewhere(team_ids: list[str]) -> None:  # what the separate process runs, here in a thread
        built.append(team_ids)
        for team_id in team_ids:
            assert match_index.save_built(bot.db, team_id)
        world.join("U4", "Dee", offers=["Go", "SQL"], wants=["Python"])  # meanwhile, after the build

    match_index.load_all(bot.db, elsewhere)
    assert built == [[TEAM]]
    with bot.db.uow() as session:
        assert match_index._index(session, TEAM).built_at is None  # loaded, not built here
    from_snapshot = shown_people(world.find("U1"))
    assert sorted(from_snapshot) == sorted([name_of(world, "U2"), name_of(world, "U3"), name_of(world, "U4")])

    assert not match_index.save_built(bot.db, TEAM)  # a fresh snapshot is there: another builder builds nothing
    match_index.reset()
    match_index.load_all(bot.db, elsewhere)  # a later start: nothing to build elsewhere
    assert built == [[TEAM]]

    _forget_snapshots(bot)  # and a process that reads everyone agrees
    assert shown_people(world.find("U1")) == from_snapshot


def test_when_the_builder_fails_the_server_builds_the_index_itself(world, bot):
    _three_people(world)
    _forget_snapshots(bot)

    def broken(team_ids: list[str]) -> None:
        raise RuntimeError("the index build exited with 1")

    match_index.load_all(bot.db, broken)
    with bot.db.uow() as session:
        assert match_index._index(session, TEAM).built_at is not None  # built here after all
    assert _saved(bot) == 3
    assert shown_people(world.find("U1")) == [name_of(world, "U2"), name_of(world, "U3")]
