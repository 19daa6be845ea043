"""Slack retries events it thinks were lost; remember each event id so a retry has no second effect."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ProcessedEvent


def first_delivery(session: Session, event_id: str, team_id: str) -> bool:
    """True the first time an event id is seen, False for every retry of it."""
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(event_id=event_id, team_id=team_id))
            session.flush()
        return True
    except IntegrityError:
        return False


def seen(session: Session, event_id: str) -> bool:
    """Whether an event's effect is already recorded (a cheap check before any work; `first_delivery`, in the
    same transaction as the effect, is what settles it)."""
    return session.get(ProcessedEvent, event_id) is not None
