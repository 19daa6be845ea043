"""The schema: migrations and models agree, and integrity lives in the database, not only in code."""

import os
import threading
from datetime import UTC, date, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import make_url, text
from sqlalchemy.exc import IntegrityError

from bot import migrate
from bot.db import Database, normalise_url
from models import Base, Meeting, Partnership, Person


def test_models_and_migrations_agree(database_url):
    db = Database(database_url)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    db.dispose()
    assert diff == []
    assert migrate.is_at_head(Database(database_url).engine)


def test_migrations_go_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    migrate.upgrade(url)
    command.downgrade(migrate.alembic_config(url), "base")
    migrate.upgrade(url)
    assert migrate.is_at_head(Database(url).engine)


def _people(session, n=2):
    people = [Person(team_id="T1", slack_user_id=f"U{i}", department="Eng", department_key="eng", level=3)
              for i in range(n)]
    session.add_all(people)
    session.flush()
    return people


def test_one_open_partnership_per_pair_and_one_meeting_per_date(slack, bot):
    now = datetime.now(UTC)
    with bot.db.uow() as session:
        a, b = _people(session)
        first = Partnership(team_id="T1", person_a_id=a.id, person_b_id=b.id, status="active", created_at=now)
        session.add(first)
        session.flush()
        ids = (a.id, b.id, first.id)
    with pytest.raises(IntegrityError), bot.db.uow() as session:
        session.add(Partnership(team_id="T1", person_a_id=ids[0], person_b_id=ids[1], status="requested"))
    with bot.db.uow() as session:  # a closed one next to the open one is fine
        session.add(Partnership(team_id="T1", person_a_id=ids[0], person_b_id=ids[1], status="declined"))
    with pytest.raises(IntegrityError), bot.db.uow() as session:  # one spelling per pair
        session.add(Partnership(team_id="T1", person_a_id=ids[1], person_b_id=ids[0], status="ended"))
    with bot.db.uow() as session:
        session.add(Meeting(team_id="T1", partnership_id=ids[2], held_on=date(2026, 1, 5), minutes=30, topics="a"))
    with pytest.raises(IntegrityError), bot.db.uow() as session:
        session.add(Meeting(team_id="T1", partnership_id=ids[2], held_on=date(2026, 1, 5), minutes=45, topics="b"))
    with pytest.raises(IntegrityError), bot.db.uow() as session:
        session.add(Meeting(team_id="T1", partnership_id=ids[2], held_on=date(2026, 1, 6), minutes=481, topics="c"))
    with pytest.raises(IntegrityError), bot.db.uow() as session:
        session.add(Person(team_id="T1", slack_user_id="U0", department="x", department_key="x", level=3))
    with pytest.raises(IntegrityError), bot.db.uow() as session:
        session.add(Person(team_id="T1", slack_user_id="U9", department="x", department_key="x", level=3, capacity=6))


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_replicas_starting_together_migrate_once():
    base = make_url(normalise_url(os.environ["TEST_DATABASE_URL"]))
    admin = Database(base.render_as_string(hide_password=False))
    name = "mentor_bot_migration_race"
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = base.set(database=name).render_as_string(hide_password=False)
    errors = []

    def start_replica():
        try:
            migrate.upgrade(url)
        except Exception as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=start_replica) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert errors == []
        assert migrate.is_at_head(Database(url).engine)
    finally:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
