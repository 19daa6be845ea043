"""The pair's agreement: drafted by one, confirmed by the other, acknowledged by supervisors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import rowcount
from bot.services import clock
from bot.services.errors import Conflict, DomainError, NotAllowed
from bot.services.lookup import by_hint
from bot.services.partnerships import get_for_member
from bot.services.profiles import GoalKey
from models import Agreement, Partnership, SupervisorAck
from models.status import LIVE_PARTNERSHIP

FREQUENCY_WORDS = {"weekly": "Every week", "fortnightly": "Every two weeks", "monthly": "Once a month"}
MEETING_LENGTHS = (30, 45, 60, 90)
MAX_DURATION = timedelta(days=2 * 365)


class AgreementForm(BaseModel):
    purposes: list[GoalKey] = Field(default_factory=list, validate_default=True)
    goals: str = Field(min_length=1, max_length=1500)
    boundaries: str = Field(default="", max_length=1500)
    frequency: Literal["weekly", "fortnightly", "monthly"]
    meeting_minutes: int = Field(ge=15, le=480)
    end_date: date
    confidentiality: bool = Field(default=False, validate_default=True)
    my_supervisor: str | None = None
    partner_supervisor: str | None = None

    @field_validator("goals", "boundaries", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("purposes")
    @classmethod
    def _purposes(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("Pick at least one purpose for your partnership.")
        return list(dict.fromkeys(value))

    @field_validator("confidentiality")
    @classmethod
    def _confidential(cls, value: bool) -> bool:
        if not value:
            raise ValueError("Both partners agree to keep what is shared confidential: tick the box to go on.")
        return value


def current(session: Session, partnership_id: int) -> Agreement | None:
    return session.scalars(
        select(Agreement).where(Agreement.partnership_id == partnership_id).order_by(Agreement.version.desc()).limit(1)
    ).first()


def draft(session: Session, team_id: str, slack_user_id: str, partnership_id: object, form: AgreementForm,
          today: date, now: datetime | None = None) -> Agreement:
    """A new version, confirmed by its author; the partner must confirm it too."""
    now = now or clock.now()
    partnership, me = get_for_member(session, team_id, slack_user_id, partnership_id)
    if partnership.status not in LIVE_PARTNERSHIP:
        raise Conflict("This partnership is not active, so its agreement can't change.")
    if form.end_date <= today:
        raise DomainError("Pick an end date in the future.", field="end_date")
    if form.end_date > today + MAX_DURATION:
        raise DomainError("Keep it to two years at most: you can always extend later.", field="end_date")
    partner = partnership.other(me.id)
    for field, supervisor in (("my_supervisor", form.my_supervisor), ("partner_supervisor", form.partner_supervisor)):
        if supervisor in (me.slack_user_id, partner.slack_user_id):
            raise DomainError("A supervisor can't be one of the two partners.", field=field)
    latest = current(session, partnership.id)
    mine_is_a = me.id == partnership.person_a_id
    agreement = Agreement(
        team_id=partnership.team_id,
        partnership_id=partnership.id,
        version=(latest.version + 1) if latest else 1,
        drafted_by_id=me.id,
        purposes=list(form.purposes),
        goals=form.goals,
        boundaries=form.boundaries,
        frequency=form.frequency,
        meeting_minutes=form.meeting_minutes,
        end_date=form.end_date,
        confidentiality=form.confidentiality,
        supervisor_a=form.my_supervisor if mine_is_a else form.partner_supervisor,
        supervisor_b=form.partner_supervisor if mine_is_a else form.my_supervisor,
        created_at=now,
        confirmed_a_at=now if mine_is_a else None,
        confirmed_b_at=None if mine_is_a else now,
    )
    session.add(agreement)
    session.flush()
    return agreement


def for_member(session: Session, team_id: str, slack_user_id: str, agreement_id: object) -> tuple[Agreement, Partnership, int]:
    """The agreement, if the acting user is one of the pair; also returns the acting person's id."""
    agreement = by_hint(session, Agreement, agreement_id)
    if agreement is None:
        raise NotAllowed("That agreement doesn't belong to one of your partnerships.")
    partnership, me = get_for_member(session, team_id, slack_user_id, agreement.partnership_id)
    return agreement, partnership, me.id


def confirm(session: Session, team_id: str, slack_user_id: str, agreement_id: object,
            now: datetime | None = None) -> tuple[Agreement, bool]:
    """Confirm a version. Returns (agreement, complete) where complete means both have now confirmed."""
    now = now or clock.now()
    agreement, partnership, my_id = for_member(session, team_id, slack_user_id, agreement_id)
    latest = current(session, partnership.id)
    if latest is None or latest.id != agreement.id:
        raise Conflict("There is a newer version of this agreement. Use `/mentor agreement` to see it.")
    column = Agreement.confirmed_a_at if my_id == partnership.person_a_id else Agreement.confirmed_b_at
    result = session.execute(
        update(Agreement).where(Agreement.id == agreement.id, column.is_(None)).values({column: now})
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise Conflict("You have already confirmed this version.")
    session.refresh(agreement)
    if not agreement.confirmed:
        return agreement, False
    partnership.planned_end = agreement.end_date
    for supervisor in dict.fromkeys(s for s in (agreement.supervisor_a, agreement.supervisor_b) if s):
        agreement.acknowledgements.append(SupervisorAck(team_id=partnership.team_id, supervisor_user_id=supervisor,
                                                        created_at=now))
    session.flush()
    return agreement, True


def acknowledge(session: Session, team_id: str, slack_user_id: str, ack_id: object, now: datetime | None = None) -> SupervisorAck:
    now = now or clock.now()
    ack = by_hint(session, SupervisorAck, ack_id)
    if ack is None or ack.supervisor_user_id != slack_user_id:
        raise NotAllowed("Only the supervisor named in this agreement can acknowledge it.")
    if ack.agreement.partnership.team_id != team_id:
        raise NotAllowed("Only the supervisor named in this agreement can acknowledge it.")
    result = session.execute(
        update(SupervisorAck).where(SupervisorAck.id == ack.id, SupervisorAck.acknowledged_at.is_(None))
        .values(acknowledged_at=now).execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise Conflict("You have already acknowledged this agreement. Thank you!")
    session.refresh(ack)
    return ack


def supervisees(agreement: Agreement, supervisor_user_id: str) -> list[str]:
    """The Slack ids of the partners this person supervises in this agreement."""
    partnership = agreement.partnership
    return [p.slack_user_id for p, s in ((partnership.person_a, agreement.supervisor_a),
                                         (partnership.person_b, agreement.supervisor_b)) if s == supervisor_user_id]


def status_words(agreement: Agreement | None, partnership: Partnership) -> str:
    if agreement is None:
        return "No agreement yet"
    if not agreement.confirmed:
        waiting = partnership.person_b if agreement.confirmed_a_at else partnership.person_a
        return f"Version {agreement.version} waiting for {waiting.display_name or 'your partner'} to confirm"
    acks = agreement.acknowledgements
    if acks and all(a.acknowledged_at for a in acks):
        return f"Agreed (version {agreement.version}), acknowledged by supervisors"
    if acks:
        return f"Agreed (version {agreement.version}), waiting for supervisors"
    return f"Agreed (version {agreement.version})"
