"""Recognition: "Thank your partner" on an ended partnership (a testimonial, shown on their find card only with my
consent), and the monthly thank-you post to the stories channel naming only people who opted in."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.flows.context import Context
from bot.services import clock, keys, outbox, profiles, program, recognition
from bot.services.recognition import ThankForm
from messages import recognition as blocks
from models import Partnership, Person
from models.status import PersonStatus


def thank_form(ctx: Context, team_id: str, user_id: str, partnership_hint: object) -> dict:
    """The "Thank your partner" modal of an ended partnership I was in, with what I wrote before (if anything)."""
    with ctx.db.uow() as session:
        partnership, me, written = recognition.thankable(session, team_id, user_id, partnership_hint)
        return blocks.thank_modal(partnership.id, partnership.other(me.id).display_name,
                                  written.text if written else "", bool(written and written.show_on_profile))


def record(session: Session, ctx: Context, partnership: Partnership, me: Person, text: str, show: bool, *,
           tell: bool = True) -> tuple[bool, bool]:
    """Keep my testimonial for my partner; the first time (with `tell`), they get a DM with it (the closing summary
    asks them about its text itself). Returns (shown, created)."""
    row, created = recognition.write(session, partnership, me, text, show)
    partner = partnership.other(me.id)
    if tell and created and partner.status != PersonStatus.LEFT:
        outbox.enqueue(session, partnership.team_id, keys.testimonial_thanks(row.id), "testimonial-thanks",
                       partner.slack_user_id, blocks.thanks_received(
                           program.current(session, partnership.team_id, ctx.settings).name, me.display_name,
                           me.slack_user_id, row.text, row.show_on_profile))
    return row.show_on_profile, created


def thank(ctx: Context, team_id: str, user_id: str, partnership_hint: object, form: ThankForm) -> str:
    """Save my thanks (again: it replaces what I wrote). Returns the modal's notice."""
    with ctx.db.uow() as session:
        partnership, me, _written = recognition.thankable(session, team_id, user_id, partnership_hint)
        shown, created = record(session, ctx, partnership, me, form.text, form.show_on_profile)
        return blocks.thanked(partnership.other(me.id).display_name, shown, created)


def post_monthly(ctx: Context, now: datetime | None = None) -> str:
    """Each team's thank-you post for the three months before this one, once a month (its key names the month):
    only people who opted in and kept their agreed cadence are named; with nobody to name, nothing is posted."""
    now = now or clock.now()
    tz = ctx.settings.tz
    win = recognition.window(now, tz)
    done = []
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            prog = program.current(session, team_id, ctx.settings)
            people = recognition.kept_cadence(session, team_id, win, tz)
            if not people:
                done.append(f"{team_id}: nobody to thank")
                continue
            if prog.stories_channel is None:
                done.append(f"{team_id}: STORIES_CHANNEL is not set, {len(people)} to thank")
                continue
            message = blocks.thank_you_post(prog.name, [p.slack_user_id for p in people], win.first_day,
                                            win.end_day - timedelta(days=1))
            new = outbox.enqueue(session, team_id, keys.recognition_post(team_id, win.period), "recognition-post",
                                 prog.stories_channel, message, priority=0)
            done.append(f"{team_id}: {len(people)} thanked" + ("" if new else " (posted before)"))
    return "; ".join(done) or "no teams"
