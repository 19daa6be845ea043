"""The early fit check (one private answer per person, partnership and asking round), the monthly aggregate of
those answers that reports may read, and testimonials one partner writes about the other."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow
from models.status import FitAnswerKind, values

FIT_ANSWERS = values(FitAnswerKind)


class FitAnswer(Base):
    """"Is this a good fit?" asked of one person about one partnership, in round 1 (after the first meeting, or three
    weeks in) or round 2 (after the next meeting, for someone who was still deciding). The row is written when the
    question is sent (so it is sent once) and holds the answer once given. Only its author is ever shown it."""

    __tablename__ = "fit_answers"
    __table_args__ = (
        UniqueConstraint("partnership_id", "person_id", "round"),
        CheckConstraint("round BETWEEN 1 AND 2", name="round_range"),
        CheckConstraint(f"answer IN {FIT_ANSWERS}", name="answer_known"),
        Index("ix_fit_answers_team_answered", "team_id", "answered_at"),
        Index("ix_fit_answers_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer, default=1)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FitMonth(Base):
    """A closed month's fit answers as two counts, written once when the month has ended: reports read only these,
    so two reports can never be subtracted to reveal one answer."""

    __tablename__ = "fit_months"
    __table_args__ = (UniqueConstraint("team_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM in the program's time zone
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    good: Mapped[int] = mapped_column(Integer, default=0)


class Testimonial(Base):
    """What a former partner wrote about the other; shown on the subject's card in `/mentor find` only while the
    writer allows it (`show_on_profile`). One per writer and partnership: writing again changes it."""

    __tablename__ = "testimonials"
    __table_args__ = (
        UniqueConstraint("partnership_id", "writer_id"),
        Index("ix_testimonials_subject", "subject_id", "show_on_profile"),
        Index("ix_testimonials_writer", "writer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    writer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    show_on_profile: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
