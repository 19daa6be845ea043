"""Ending a partnership as use cases: one notice to the partner however often it is submitted, a testimonial only
its subject may show, story prompts and suggestions once, and "Extend 3 months" once per closing check-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.flows import closings, lifecycle
from bot.services import clock, keys
from bot.services.closings import ClosingForm
from bot.services.errors import Conflict, NotAllowed
from models import Partnership
from models.status import PartnershipStatus
from tests.flows.conftest import TEAM, outbox_rows
from tests.flows.partners import join, pair


def partnership(ctx, pid: int) -> Partnership:
    with ctx.db.uow() as session:
        return session.get(Partnership, pid)


def test_closing_twice_ends_once_and_tells_the_partner_once(ctx):
    pid = pair(ctx)
    thanks = closings.close_partnership(ctx, TEAM, "U1", pid, ClosingForm(recommend="yes"))
    assert "has ended" in thanks
    with pytest.raises(Conflict):
        closings.close_partnership(ctx, TEAM, "U1", pid, ClosingForm(recommend="yes"))
    # the partner's own summary of the ended partnership tells nobody it ended again
    closings.close_partnership(ctx, TEAM, "U2", pid, ClosingForm(recommend="no"))
    assert partnership(ctx, pid).status == PartnershipStatus.ENDED
    assert [(r.key, r.recipient) for r in outbox_rows(ctx, "partnership-ended")] == [(keys.partnership_ended(pid), "U2")]
    prompts = outbox_rows(ctx, "story-prompt")  # both asked for a story, once
    assert sorted(r.recipient for r in prompts) == ["U1", "U2"]
    assert {r.key.rsplit(":", 1)[1] for r in prompts} == {"ended"}
    assert sorted(r.recipient for r in outbox_rows(ctx, "suggestions")) == ["U1", "U2"]  # each their own next partners
    assert sorted(r.recipient for r in outbox_rows(ctx, "home")) == ["U1", "U2"]


def test_only_a_partner_may_close_and_only_while_it_can_be_closed(ctx):
    pid = pair(ctx)
    join(ctx, "U3", "Go", "Rust")
    with pytest.raises(NotAllowed):
        closings.closing_form(ctx, TEAM, "U3", pid)
    with pytest.raises(NotAllowed):
        closings.close_partnership(ctx, TEAM, "U3", pid, ClosingForm(recommend="yes"))
    assert partnership(ctx, pid).status == PartnershipStatus.ACTIVE
    assert outbox_rows(ctx) == []


def test_a_testimonial_is_shown_only_when_its_subject_says_so_once(ctx):
    pid = pair(ctx)
    closings.close_partnership(ctx, TEAM, "U1", pid, ClosingForm(recommend="yes", testimonial="Bea is a great listener"))
    [ask] = outbox_rows(ctx, "testimonial-consent")
    assert ask.recipient == "U2" and "great listener" in str(ask.payload)
    closing_id = ask.key.rsplit(":", 1)[1]
    with pytest.raises(NotAllowed):  # the author cannot answer for the person it is about
        closings.decide_testimonial(ctx, TEAM, "U1", closing_id, True)
    assert "shown" in closings.decide_testimonial(ctx, TEAM, "U2", closing_id, True)["text"]
    with pytest.raises(Conflict):
        closings.decide_testimonial(ctx, TEAM, "U2", closing_id, False)


def test_the_planned_end_asks_both_once_and_extends_once(ctx):
    pid = pair(ctx)
    with ctx.db.uow() as session:
        session.get(Partnership, pid).planned_end = clock.now().date() - timedelta(days=1)
    lifecycle.run_daily(ctx)
    assert "0 partnership(s) reached" in lifecycle.run_daily(ctx)  # asked once
    assert sorted(r.recipient for r in outbox_rows(ctx, "end-prompt")) == ["U1", "U2"]

    first = closings.extend(ctx, TEAM, "U1", pid)
    again = closings.extend(ctx, TEAM, "U2", pid)  # the partner clicks their copy too
    assert (first.done, again.done) == (True, False)
    assert "already extended" in again.message["text"]
    end = partnership(ctx, pid).planned_end
    assert [(r.key, r.recipient) for r in outbox_rows(ctx, "partnership-extended")] == [(keys.extended(pid, end), "U2")]
    with ctx.db.uow() as session:
        assert session.scalar(select(Partnership.end_prompted_at).where(Partnership.id == pid)) is None
