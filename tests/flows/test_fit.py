"""The early fit check and recognition as use cases: asked once per round, an answer seen by its author only, a kind
ending that names nobody, a month's share of good fits only over k answers, thanks with the writer's consent."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

from bot.flows import find, fit, lifecycle, recognition
from bot.services import clock, keys, profiles
from bot.services import digest as figures
from bot.services import fit as fit_service
from bot.services.errors import Conflict, NotAllowed
from bot.services.recognition import ThankForm
from models import Meeting, Partnership
from models import fit as fit_rows
from models.fit import FitAnswer, FitMonth
from models.status import FitAnswerKind, PartnershipStatus
from tests.flows.conftest import TEAM, outbox_rows
from tests.flows.partners import join, pair


def log_meeting(ctx, pid: int, held_on: date) -> None:
    with ctx.db.uow() as session:
        session.add(Meeting(team_id=TEAM, partnership_id=pid, held_on=held_on, minutes=45, topics="Getting started"))


def questions(ctx) -> dict[str, list]:
    """Who was asked, with the answer id each question's buttons carry."""
    out: dict[str, list] = {}
    for row in outbox_rows(ctx, "fit-question"):
        buttons = [e for b in row.payload["blocks"] if b["type"] == "actions" for e in b["elements"]]
        out.setdefault(row.recipient, []).append(int(buttons[0]["value"]))
    return out


def test_asked_after_the_first_meeting_once_however_often_the_job_runs(ctx):
    pid = pair(ctx)
    assert fit.run_daily(ctx).startswith("0 fit question")  # no meeting yet, not three weeks in
    log_meeting(ctx, pid, clock.now().date())
    assert fit.run_daily(ctx).startswith("2 fit question")
    assert fit.run_daily(ctx).startswith("0 fit question")  # a rerun sends nothing twice
    asked = questions(ctx)
    assert sorted(asked) == ["U1", "U2"] and all(len(v) == 1 for v in asked.values())
    text = str(outbox_rows(ctx, "fit-question")[0].payload)
    assert "Good fit" in text and "Still deciding" in text and "Not a good fit" in text and "Only you see" in text


def test_asked_three_weeks_in_when_nothing_was_logged(ctx):
    with time_machine.travel(clock.now() - timedelta(days=22), tick=False):
        pair(ctx)
    assert fit.run_daily(ctx).startswith("2 fit question")


def test_an_answer_is_kept_once_and_only_its_author_may_give_it(ctx):
    pid = pair(ctx)
    join(ctx, "U3", "Go", "Rust")
    log_meeting(ctx, pid, clock.now().date())
    fit.run_daily(ctx)
    mine = questions(ctx)["U1"][0]
    with pytest.raises(NotAllowed):  # a forged id: someone else's question
        fit.answer(ctx, TEAM, "U2", mine, FitAnswerKind.NOT_GOOD)
    with pytest.raises(NotAllowed):
        fit.answer(ctx, TEAM, "U3", mine, FitAnswerKind.GOOD)
    with pytest.raises(NotAllowed):
        fit.answer(ctx, TEAM, "U1", "9999999", FitAnswerKind.GOOD)
    first = fit.answer(ctx, TEAM, "U1", mine, FitAnswerKind.GOOD)
    assert first.changed and "glad it's working" in first.message["text"]
    again = fit.answer(ctx, TEAM, "U1", mine, FitAnswerKind.NOT_GOOD)  # a double click, or a change of heart
    assert not again.changed and "Good fit" in again.message["text"]
    with ctx.db.uow() as session:
        assert session.get(FitAnswer, mine).answer == FitAnswerKind.GOOD
    assert [r.kind for r in outbox_rows(ctx) if r.kind not in ("fit-question",)] == []  # nobody else was told


def test_still_deciding_is_asked_again_after_the_next_meeting_once(ctx):
    pid = pair(ctx)
    log_meeting(ctx, pid, clock.now().date() - timedelta(days=1))
    fit.run_daily(ctx)
    first = questions(ctx)["U1"][0]
    reply = fit.answer(ctx, TEAM, "U1", first, FitAnswerKind.DECIDING)
    assert "ask once more after your next logged meeting" in reply.message["blocks"][0]["text"]["text"]
    assert fit.run_daily(ctx).startswith("0 fit question")  # no meeting since the answer
    log_meeting(ctx, pid, clock.now().date())
    assert fit.run_daily(ctx).startswith("1 fit question")  # U1 only: U2 never said "still deciding"
    log_meeting(ctx, pid, clock.now().date() + timedelta(days=1))
    assert fit.run_daily(ctx).startswith("0 fit question")  # once
    second = questions(ctx)["U1"][1]
    assert "another meeting" in str(outbox_rows(ctx, "fit-question")[-1].payload)
    last = fit.answer(ctx, TEAM, "U1", second, FitAnswerKind.DECIDING)
    assert "no rush" in last.message["blocks"][0]["text"]["text"]


def test_not_a_good_fit_ends_kindly_telling_the_partner_only_that_it_closed(ctx):
    pid = pair(ctx)
    cai = join(ctx, "U3", "Public speaking", "Python")
    log_meeting(ctx, pid, clock.now().date())
    fit.run_daily(ctx)
    offer = fit.answer(ctx, TEAM, "U2", questions(ctx)["U2"][0], FitAnswerKind.NOT_GOOD)
    assert "End kindly and find someone new" in json.dumps(offer.message)
    with pytest.raises(NotAllowed):  # a forged partnership id from someone outside it
        fit.end_kindly(ctx, TEAM, "U3", pid)
    assert fit.keep_going(ctx, TEAM, "U2", pid)["text"] == "Keeping it going."
    mine = fit.end_kindly(ctx, TEAM, "U2", pid)
    assert "is closed" in mine["text"] and "Find a new partner" in json.dumps(mine)
    with ctx.db.uow() as session:
        p = session.get(Partnership, pid)
        assert p.status == PartnershipStatus.ENDED and p.ended_by_id is None  # nobody is recorded as having ended it
    with pytest.raises(Conflict):  # a second click
        fit.end_kindly(ctx, TEAM, "U2", pid)
    [told] = outbox_rows(ctx, "partnership-closed")
    assert told.recipient == "U1" and told.key == keys.fit_closed(pid, fit_service_person(ctx, "U1"))
    words = json.dumps(told.payload).lower()
    assert "has been closed" in words and "find a new partner" in words
    assert "not a good fit" not in words and "ended your" not in words and "said" not in words
    # the other partner's "Find a new partner" runs /mentor find: a fresh suggestion
    assert f"partner_ask:{cai}" in json.dumps(find.find_message(ctx, TEAM, "U1", []))
    # their export says nothing of who ended it; the author's export holds the author's own answer only
    theirs = lifecycle_export(ctx, "U1")
    assert [a["answer"] for a in theirs["fit_answers"]] == [None]  # their own question, unanswered; never U2's
    assert theirs["partnerships"][0]["ended_by_me"] is False
    assert [a["answer"] for a in lifecycle_export(ctx, "U2")["fit_answers"]] == ["not_good"]
    late = fit.answer(ctx, TEAM, "U1", questions(ctx)["U1"][0], FitAnswerKind.NOT_GOOD)  # no offer to end it again
    assert "already ended" in json.dumps(late.message) and "End kindly" not in json.dumps(late.message)


def fit_service_person(ctx, user_id: str) -> int:
    with ctx.db.uow() as session:
        return profiles.require(session, TEAM, user_id).id


def lifecycle_export(ctx, user_id: str) -> dict:
    from bot.services import lifecycle as lifecycle_service

    with ctx.db.uow() as session:
        return lifecycle_service.export(session, TEAM, user_id)


def test_a_month_s_share_of_good_fits_is_written_once_and_shown_only_over_k(ctx):
    tz = ctx.settings.tz
    pids = []
    with time_machine.travel(clock.now() - timedelta(days=20), tick=False):  # in December 2027
        for n in range(3):
            pids.append(pair(ctx, f"UA{n}", f"UB{n}"))
            log_meeting(ctx, pids[-1], clock.now().date())
        fit.run_daily(ctx)
        for user, answer_ids in questions(ctx).items():
            fit.answer(ctx, TEAM, user, answer_ids[0], FitAnswerKind.GOOD if user.startswith("UA") else
                       FitAnswerKind.DECIDING)
    fit.run_daily(ctx)  # January: December ends, its counts are written
    with ctx.db.uow() as session:
        month = session.scalars(select(FitMonth).where(FitMonth.period == "2027-12")).one()
        assert (month.period, month.answers, month.good) == ("2027-12", 6, 3)
        shown = fit_service.closed_month(session, TEAM, clock.now() + timedelta(days=1), k=5)
        hidden = fit_service.closed_month(session, TEAM, clock.now() + timedelta(days=1), k=7)
    assert shown is not None and shown.share == 0.5 and hidden is not None and hidden.share is None
    fit.run_daily(ctx)
    with ctx.db.uow() as session:
        assert [m.period for m in session.scalars(select(FitMonth).order_by(FitMonth.period))] == ["2027-11", "2027-12"]
        week = figures.report_week(clock.now() + timedelta(days=7), tz)
        digest = figures.compute(session, TEAM, week, k=5)
    from messages.digest import digest_message

    text = json.dumps(digest_message(digest, "Grow Together", "UTC"))
    assert "Good fits (December 2027): 50% of 6 answers" in text


def test_thanks_only_on_an_ended_partnership_and_on_the_card_only_with_consent(ctx):
    pid = pair(ctx)
    join(ctx, "U3", "Python", "Public speaking")  # Bea (U2) can help them
    log_meeting(ctx, pid, clock.now().date() - timedelta(days=3))
    log_meeting(ctx, pid, clock.now().date())
    with pytest.raises(Conflict):
        recognition.thank_form(ctx, TEAM, "U1", pid)
    fit.end_kindly(ctx, TEAM, "U1", pid)
    with pytest.raises(NotAllowed):
        recognition.thank(ctx, TEAM, "U3", pid, ThankForm(text="forged"))
    recognition.thank(ctx, TEAM, "U1", pid, ThankForm(text="Bea explains things so clearly", show_on_profile=False))
    [told] = outbox_rows(ctx, "testimonial-thanks")
    assert told.recipient == "U2" and "explains things so clearly" in json.dumps(told.payload)
    card = json.dumps(find.find_message(ctx, TEAM, "U3", []))
    assert "Sessions held in the program: 2" in card and "explains things" not in card
    notice = recognition.thank(ctx, TEAM, "U1", pid, ThankForm(text="Bea explains things so clearly", show_on_profile=True))
    assert notice.startswith("Updated") and len(outbox_rows(ctx, "testimonial-thanks")) == 1
    assert "explains things so clearly" in json.dumps(find.find_message(ctx, TEAM, "U3", []))
    with ctx.db.uow() as session:
        assert len(session.scalars(select(fit_rows.Testimonial)).all()) == 1
    lifecycle.leave(ctx, TEAM, "U1", delete_data=True)  # the writer's data goes, their testimonial with it
    with ctx.db.uow() as session:
        assert session.scalars(select(fit_rows.Testimonial)).all() == []


def test_a_closing_testimonial_reaches_the_card_with_the_box_ticked_unless_its_subject_keeps_it_private(ctx):
    from bot.flows import closings
    from bot.services.closings import ClosingForm

    first, second = pair(ctx), pair(ctx, "U3", "U4")  # U2 and U4 offer public speaking
    join(ctx, "U5", "Python", "Public speaking")
    closings.close_partnership(ctx, TEAM, "U1", first, ClosingForm(recommend="yes", testimonial="Bea is patient",
                                                                   show_on_profile=True))
    closings.close_partnership(ctx, TEAM, "U3", second, ClosingForm(recommend="yes", testimonial="Dee is bold",
                                                                    show_on_profile=True))
    closings.close_partnership(ctx, TEAM, "U2", first, ClosingForm(recommend="yes", testimonial="Ada is kind"))
    card = json.dumps(find.find_message(ctx, TEAM, "U5", []))
    assert "Bea is patient" in card and "Dee is bold" in card
    assert "Ada is kind" not in json.dumps(find.find_message(ctx, TEAM, "U4", []))  # no box ticked
    consent = {r.recipient: int(r.key.rsplit(":", 1)[1]) for r in outbox_rows(ctx, "testimonial-consent")}
    closings.decide_testimonial(ctx, TEAM, "U4", consent["U4"], show=False)  # Dee keeps it private
    card = json.dumps(find.find_message(ctx, TEAM, "U5", []))
    assert "Bea is patient" in card and "Dee is bold" not in card
