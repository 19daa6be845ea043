"""Moving a workspace's rows to its org's tenant key (issue 14), tested on a copy of a database the bot filled
through Slack: every row before is there after, under the org; a clash on a once-per-tenant row moves nothing;
skills both have are merged; and deleting a workspace removes all of it, audited."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.db import Database
from bot.flows import workspace
from bot.flows.context import Context
from bot.services import tenants
from bot.services.errors import Conflict
from models import AuditEntry, Person, PersonSkill, Skill
from tests.world import set_program

ROOT = Path(__file__).resolve().parent.parent
TEAM, ORG = "T0TEST", "E0ACME"


@pytest.fixture
def copy(world, bot, tmp_path):
    """A program with people, pairs, check-ins and settings, built through Slack; then a copy of its database."""
    if not bot.db.url.startswith("sqlite"):
        pytest.skip("copies the SQLite file")
    set_program(bot, admins=("UA000",), anonymity_min_group=3)
    for i in range(3):
        a, b = f"UA{i:03d}", f"UB{i:03d}"
        world.join(a, f"Ann {i}", offers=["Python", f"Skill a{i}"], wants=[f"Skill b{i}"])
        world.join(b, f"Bob {i}", offers=[f"Skill b{i}"], wants=["Python", f"Skill a{i}"])
        world.pair(a, b)
    world.run_job("monthly-checkins")
    path = tmp_path / "copy.sqlite3"
    source = sqlite3.connect(bot.db.url.removeprefix("sqlite:///"))
    target = sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    db = Database(f"sqlite:///{path}")
    yield Context(bot.settings.model_copy(update={"database_url": db.url}), db)
    db.dispose()


def snapshot(ctx: Context) -> dict[str, list[tuple]]:
    """Every program row, without its team_id, by table."""
    out = {}
    with ctx.db.engine.connect() as conn:
        for table in tenants.program_tables():
            cols = [c for c in table.c if c.name != "team_id"]
            out[table.name] = sorted(map(tuple, conn.execute(select(*cols)).all()), key=repr)
    return out


def test_every_row_is_there_after_the_move_under_the_org(copy):
    before, counts = snapshot(copy), workspace.counts(copy, TEAM)
    assert {"people", "partnerships", "checkins", "outbox", "skills", "program_config", "program_admins"} <= set(counts)

    moved = workspace.move(copy, TEAM, ORG)
    assert moved == counts
    after = snapshot(copy)
    logged = [row for row in after.pop("audit_log") if row not in before.pop("audit_log")]
    assert len(logged) == 1  # the move's own audit entry
    assert after == before  # every row, unchanged but for its tenant
    assert workspace.counts(copy, TEAM) == {}
    with copy.db.uow() as session:
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.team_id == ORG)
                               .order_by(AuditEntry.id.desc())).first() == "workspace_moved"


def test_a_person_in_both_moves_nothing_and_says_who(copy):
    with copy.db.uow() as session:
        session.add(Person(team_id=ORG, slack_user_id="UA001", department="Sales", department_key="sales", level=2))
    before = snapshot(copy)
    with pytest.raises(Conflict, match="people .*UA001"):
        workspace.move(copy, TEAM, ORG)
    assert snapshot(copy) == before


def test_skills_both_know_are_merged_and_no_link_is_lost(copy):
    with copy.db.uow() as session:
        theirs = Skill(team_id=ORG, key="python", name="Python")
        zoe = Person(team_id=ORG, slack_user_id="UZ001", department="Ops", department_key="ops", level=4)
        session.add_all([theirs, zoe])
        session.flush()
        session.add(PersonSkill(person_id=zoe.id, skill_id=theirs.id, kind="offer"))
        links = session.scalar(select(func.count()).select_from(PersonSkill))
        python_links = session.scalar(select(func.count()).select_from(PersonSkill).join(Skill)
                                      .where(Skill.key == "python"))
        theirs_id = theirs.id
    workspace.move(copy, TEAM, ORG)
    with copy.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(PersonSkill)) == links
        assert session.scalars(select(Skill.id).where(Skill.key == "python")).all() == [theirs_id]
        assert session.scalar(select(func.count()).select_from(PersonSkill).where(PersonSkill.skill_id == theirs_id)) \
            == python_links


def test_deleting_a_workspace_removes_everything_and_leaves_one_audit_entry(copy):
    with copy.db.uow() as session:
        session.add(Person(team_id="T0OTHER", slack_user_id="UO1", department="x", department_key="x", level=3))
    deleted = workspace.delete_workspace(copy, TEAM)
    assert deleted["people"] == 6 and workspace.counts(copy, TEAM) == {"audit_log": 1}
    with copy.db.uow() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.team_id == TEAM)).one()
        assert entry.action == "workspace_deleted" and entry.detail["rows"] == sum(deleted.values())
        assert session.scalars(select(Person.slack_user_id)).all() == ["UO1"]  # another tenant keeps its own
        assert session.execute(text("SELECT COUNT(*) FROM person_skills")).scalar() == 0  # children went along


@pytest.mark.real_clock
def test_the_workspace_command_counts_then_deletes(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "app", "workspace", *a], env=env, cwd=ROOT,  # noqa: E731
                                    capture_output=True, text=True, timeout=60)
    first = run("show", TEAM)
    assert first.returncode == 0 and "0 rows" in first.stdout, first.stderr
    db = Database(url)
    with db.uow() as session:
        session.add(Person(team_id=TEAM, slack_user_id="U1", department="x", department_key="x", level=3))
    db.dispose()
    asked = run("delete", TEAM)
    assert asked.returncode == 0 and "people 1" in asked.stdout and "nothing deleted" in asked.stdout
    done = run("delete", TEAM, "--yes")
    assert done.returncode == 0 and "deleted 1 rows" in done.stdout, done.stderr
    refused = run("move", TEAM, TEAM)
    assert refused.returncode == 1 and "two different tenants" in refused.stderr
