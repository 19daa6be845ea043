"""Every status (and kind) a row can be in, as string enums: one place to read them, one spelling to use.

The database keeps the plain strings (`StrEnum` members are `str`, so `Partnership.status == PartnershipStatus.ACTIVE`
and `row.status = PartnershipStatus.ENDED` read and write the same values as before); each model's CHECK
constraint is built from the enum, so the enum and the schema cannot drift apart.
"""

from __future__ import annotations

from enum import StrEnum


class PersonStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


class SkillKind(StrEnum):
    OFFER = "offer"
    WANT = "want"


class PartnershipStatus(StrEnum):
    REQUESTED = "requested"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


OPEN_PARTNERSHIP = (PartnershipStatus.REQUESTED, PartnershipStatus.ACTIVE, PartnershipStatus.PAUSED)
LIVE_PARTNERSHIP = (PartnershipStatus.ACTIVE, PartnershipStatus.PAUSED)


class PartnershipKind(StrEnum):
    PEER = "peer"
    REVERSE = "reverse"
    FORMAL = "formal"
    BUDDY = "buddy"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    HELD = "held"  # its tenant uninstalled the bot (or revoked its token): kept, sent once it is installed again


OUTBOX_DONE = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED)
OUTBOX_WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.HELD)


class TenantStatus(StrEnum):
    INSTALLED = "installed"
    UNINSTALLED = "uninstalled"  # app_uninstalled or tokens_revoked: data kept, messages held


class FitAnswerKind(StrEnum):
    """An answer to the early fit check ("Is this a good fit?"); only its author ever sees it."""

    GOOD = "good"
    DECIDING = "deciding"
    NOT_GOOD = "not_good"


class TestimonialStatus(StrEnum):
    NONE = "none"
    PENDING = "pending"
    SHOWN = "shown"
    DECLINED = "declined"


class StoryStatus(StrEnum):
    AWAITING_PARTNER = "awaiting_partner"
    PARTNER_DECLINED = "partner_declined"
    AWAITING_REVIEW = "awaiting_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    POSTED = "posted"


class RoundStatus(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class IntroductionKind(StrEnum):
    FORMAL = "formal"
    BUDDY = "buddy"


class IntroductionStatus(StrEnum):
    PROPOSED = "proposed"
    DROPPED = "dropped"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class TopicStatus(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"
    HELD = "held"


class PlanStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class ItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The plain strings, in declaration order (what a CHECK constraint lists)."""
    return tuple(member.value for member in enum)


class MeetingPlanStatus(StrEnum):
    """A planned meeting: times proposed, one picked (planned), or cancelled; `held` once someone logs it and
    `missed` when its partners said they didn't meet (or nobody logged it in time)."""

    PROPOSED = "proposed"
    PLANNED = "planned"
    CANCELLED = "cancelled"
    HELD = "held"
    MISSED = "missed"


class SlotStatus(StrEnum):
    """A time one partner proposed for a planned meeting: on offer, withdrawn (new times were proposed, the partner
    asked for others, or the meeting was cancelled), or picked by the partner."""

    OFFERED = "offered"
    WITHDRAWN = "withdrawn"
    PICKED = "picked"


class CircleStatus(StrEnum):
    """A peer circle: open (seats left, not started), full (every seat taken), active (meeting: it reached three
    members, or its invited people accepted), ended."""

    OPEN = "open"
    FULL = "full"
    ACTIVE = "active"
    ENDED = "ended"


OPEN_CIRCLE = (CircleStatus.OPEN, CircleStatus.FULL, CircleStatus.ACTIVE)  # a member of one of these is busy with it


class CircleRole(StrEnum):
    ORGANISER = "organiser"  # started it
    FACILITATOR = "facilitator"  # offers the skill and leads
    MEMBER = "member"


class CircleInviteStatus(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class CircleSessionStatus(StrEnum):
    """A circle's session: planned (a time is set), held (a member logged it), missed (they said it didn't happen,
    or nobody logged it in time), cancelled."""

    PLANNED = "planned"
    HELD = "held"
    MISSED = "missed"
    CANCELLED = "cancelled"


class RoundKind(StrEnum):
    """What a formal round forms: mentoring pairs, or peer circles."""

    PAIRS = "pairs"
    CIRCLES = "circles"


class RoundCircleStatus(StrEnum):
    """A circle a round proposes: proposed (in review), dropped by the admin, formed on confirm."""

    PROPOSED = "proposed"
    DROPPED = "dropped"
    FORMED = "formed"
