"""How a partnership ended, in each partner's words: what they learned, a recommendation, a testimonial."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.status import TestimonialStatus, values

TESTIMONIAL_STATUSES = values(TestimonialStatus)


class PartnershipClosing(Base):
    """One per person and partnership. The testimonial is about the partner and shown only once they agree."""

    __tablename__ = "partnership_closings"
    __table_args__ = (
        UniqueConstraint("partnership_id", "person_id"),
        CheckConstraint(f"testimonial_status IN {TESTIMONIAL_STATUSES}", name="testimonial_status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    learned: Mapped[str] = mapped_column(Text, default="")
    would_recommend: Mapped[bool | None] = mapped_column()
    testimonial: Mapped[str] = mapped_column(Text, default="")
    testimonial_status: Mapped[str] = mapped_column(String(16), default="none")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
