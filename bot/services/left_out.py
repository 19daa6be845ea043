"""Nobody silently left out: why a formal round left a pool member without a partner, and who is in a streak of
requests that came to nothing.

A round's reasons are worked out when it is proposed (the scores are at hand then) and kept in its summary:

* "no-fit": nobody in the pool offers what they want (or wants what they offer), or everyone who does was
  their partner before;
* "boundary": the only people who fit are across a matching boundary (reporting line, private list, program rule);
* "no-room": people who fit were there, but their places went to others (more mentees than mentor places,
  or more mentors than mentees);
* "not-sent": a pair was proposed for them but did not go ahead (the admin dropped it, or it could not be sent).

A round that forms peer circles (`round_circles`) uses the same codes, as `circle_grouping` works them out: "no-fit"
(too few others want the same skills), "boundary" (the only circles left would cross one), "no-room" (the pool
did not divide evenly), "not-sent" (their proposed circle was dropped or could not be formed on confirm).
No reason names or points at another person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import pairing
from models import (
    Introduction,
    PairingRound,
    Partnership,
    PartnershipRequest,
    Person,
    RoundCircle,
    RoundCircleMember,
    RoundMember,
)
from models.status import IntroductionStatus, PartnershipStatus, PersonStatus, RoundCircleStatus, RoundKind, RoundStatus

REASONS = ("no-fit", "boundary", "no-room", "not-sent")
SENT = (IntroductionStatus.SENT, IntroductionStatus.ACCEPTED, IntroductionStatus.DECLINED, IntroductionStatus.EXPIRED)
STREAK = 3  # requests in a row declined or expired before the person is offered people with room
_MISSED = (PartnershipStatus.DECLINED, PartnershipStatus.EXPIRED)
_TOOK = (PartnershipStatus.ACTIVE, PartnershipStatus.PAUSED, PartnershipStatus.ENDED)


def _why(strict: np.ndarray, free: np.ndarray) -> str:
    """One person's reason from their row (or column) of scores with and without the boundaries."""
    if strict.any():
        return "no-room"
    return "boundary" if free.any() else "no-fit"


def round_reasons(mentors: list[pairing.Candidate], mentees: list[pairing.Candidate], solution: pairing.Solution,
                  previous: set[tuple[int, int]], blocked: set[tuple[int, int]], apart: bool) -> dict[str, str]:
    """str(person id) -> why, for every mentor and mentee the solution leaves without a pair."""
    out: dict[str, str] = {}
    strict_pairs = previous | blocked
    alone = [mentees[j] for j in solution.unmatched]
    if alone and mentors:
        strict = pairing.score_matrix(mentors, alone, strict_pairs, separate=apart)
        free = pairing.score_matrix(mentors, alone, previous)
        for j, person in enumerate(alone):
            out[str(person.person_id)] = _why(strict[:, j], free[:, j])
    taken = {i for i, _j, _s in solution.pairs}
    idle = [m for i, m in enumerate(mentors) if i not in taken]
    if idle and mentees:
        strict = pairing.score_matrix(idle, mentees, strict_pairs, separate=apart)
        free = pairing.score_matrix(idle, mentees, previous)
        for i, person in enumerate(idle):
            out[str(person.person_id)] = _why(strict[i, :], free[i, :])
    return out


@dataclass(frozen=True)
class LeftOut:
    person_id: int
    slack_user_id: str
    role: str  # "mentor" or "mentee"
    reason: str
    active: bool


def who(session: Session, pairing_round: PairingRound) -> list[LeftOut]:
    """The round's pool members without a pair (or circle) in it: under review, those with no proposed pair or
    circle; once confirmed, those with no introduction sent (no circle formed)."""
    reviewing = pairing_round.status in (RoundStatus.DRAFT, RoundStatus.PROPOSED)
    paired: set[int] = set()
    if pairing_round.kind == RoundKind.CIRCLES:
        state = RoundCircleStatus.PROPOSED if reviewing else RoundCircleStatus.FORMED
        paired = set(session.scalars(select(RoundCircleMember.person_id)
                                     .join(RoundCircle, RoundCircle.id == RoundCircleMember.round_circle_id)
                                     .where(RoundCircle.round_id == pairing_round.id, RoundCircle.status == state)))
    live = (IntroductionStatus.PROPOSED,) if reviewing else SENT
    for giver, taker in session.execute(select(Introduction.giver_id, Introduction.taker_id).where(
            Introduction.round_id == pairing_round.id, Introduction.status.in_(live))):
        paired |= {giver, taker}
    reasons = (pairing_round.summary or {}).get("left_out") or {}
    rows = session.execute(select(RoundMember.person_id, RoundMember.role, Person.slack_user_id, Person.status)
                           .join(Person, Person.id == RoundMember.person_id)
                           .where(RoundMember.round_id == pairing_round.id).order_by(RoundMember.person_id))
    return [LeftOut(pid, user, role, reasons.get(str(pid), "not-sent"), status == PersonStatus.ACTIVE)
            for pid, role, user, status in rows if pid not in paired]


def counts(session: Session, pairing_round: PairingRound) -> dict[str, int]:
    """How many would be (or were) left out, by reason, in REASONS order."""
    tally = Counter(p.reason for p in who(session, pairing_round))
    return {reason: tally[reason] for reason in REASONS if tally[reason]}


def missed_streak(session: Session, asker: Person) -> tuple[int, int] | None:
    """(the first request of the streak, its length) when the asker's latest requests, since the last one that was
    accepted, were all declined or expired and there are at least STREAK of them; else None. Withdrawn and open
    requests neither count nor break the streak."""
    rows = session.execute(select(Partnership.id, Partnership.status)
                           .join(PartnershipRequest, PartnershipRequest.partnership_id == Partnership.id)
                           .where(PartnershipRequest.from_person_id == asker.id).order_by(Partnership.id.desc())
                           .limit(200)).all()
    streak: list[int] = []
    for pid, status in rows:
        if status in _TOOK:
            break
        if status in _MISSED:
            streak.append(pid)
    return (streak[-1], len(streak)) if len(streak) >= STREAK else None
