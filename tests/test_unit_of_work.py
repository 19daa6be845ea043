"""A unit of work that refuses leaves nothing behind, on every database: a person told "not saved" finds nothing
saved, even when the use case wrote a row inside a savepoint before it refused."""

import pytest
from sqlalchemy import func, select

from bot.db import Database
from models import ProcessedEvent


def test_a_refused_unit_of_work_keeps_no_row_written_in_a_savepoint(database_url):
    db = Database(database_url)
    try:
        with pytest.raises(RuntimeError), db.uow() as session:
            with session.begin_nested():
                session.add(ProcessedEvent(event_id="Ev-refused-after-savepoint", team_id="T1"))
            raise RuntimeError("refused after the savepoint was released")
        with db.uow() as session:
            kept = session.scalar(select(func.count()).select_from(ProcessedEvent)
                                  .where(ProcessedEvent.event_id == "Ev-refused-after-savepoint"))
        assert kept == 0
    finally:
        db.dispose()
