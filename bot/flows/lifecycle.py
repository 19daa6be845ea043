"""A participant's way through the program: pausing and resuming, leaving, taking a copy of their data, and the
daily job that ends pauses which ran until today and asks pairs at their planned end how to go on.

Partners are told of a pause or a return by DM; every message goes through the outbox, in the unit of work of
the change it reports.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.flows.context import Context
from bot.services import clock, closings, keys, lifecycle, outbox, profiles, program
from bot.services.lifecycle import PauseForm
from messages import lifecycle as blocks
from models.status import PersonStatus


def _tell_partners(session: Session, ctx: Context, change: lifecycle.Change) -> list[str]:
    """Queue a word to each live partner that the person paused (or is back); returns the partners' Slack ids."""
    me = change.person
    name = program.current(session, me.team_id, ctx.settings).name
    for _partnership, partner in change.partners:
        if me.status == PersonStatus.PAUSED:
            outbox.enqueue(session, me.team_id, keys.partner_paused(me.id, me.paused_at or clock.now(), partner.id),
                           "partner-paused", partner.slack_user_id,
                           blocks.partner_paused(name, me.display_name, me.slack_user_id, me.paused_until))
        else:
            outbox.enqueue(session, me.team_id, keys.partner_resumed(me.id, clock.now(), partner.id), "partner-resumed",
                           partner.slack_user_id, blocks.partner_resumed(name, me.display_name, me.slack_user_id))
    return [p.slack_user_id for _, p in change.partners]


# -- pause and resume -------------------------------------------------------------------------------------------
def pause_form(ctx: Context, team_id: str, user_id: str) -> dict:
    """The pause modal: "until I resume" or until a date (showing the current pause, if any)."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        name = program.current(session, team_id, ctx.settings).name
        return blocks.pause_modal(name, me.paused_until, me.status == PersonStatus.PAUSED)


def pause(ctx: Context, team_id: str, user_id: str, form: PauseForm) -> str:
    """Pause my participation: my live partners get a DM, both Home tabs refresh. Returns the modal's notice."""
    with ctx.db.uow() as session:
        change = lifecycle.pause(session, team_id, user_id, form)
        partners = _tell_partners(session, ctx, change)
        outbox.publish_home(session, team_id, user_id, *partners)
        return blocks.paused_notice(change.person.paused_until)


def resume(ctx: Context, team_id: str, user_id: str) -> dict:
    """I am back: my live partners get a DM and my Home tab refreshes. Returns the message I see."""
    with ctx.db.uow() as session:
        change = lifecycle.resume(session, team_id, user_id)
        outbox.publish_home(session, team_id, user_id)
        if not change.changed:
            return blocks.not_paused()
        _tell_partners(session, ctx, change)
        return blocks.resumed_notice(program.current(session, team_id, ctx.settings).name)


# -- leaving and export -----------------------------------------------------------------------------------------
def leave_form(ctx: Context, team_id: str, user_id: str) -> dict:
    """The leave modal, naming the partners whose partnership would end."""
    with ctx.db.uow() as session:
        partners = [p.display_name or "your partner" for _, p in closings.live_for(session, team_id, user_id)]
        return blocks.leave_modal(program.current(session, team_id, ctx.settings).name, partners)


def leave(ctx: Context, team_id: str, user_id: str, delete_data: bool) -> str:
    """Leave the program (and with `delete_data`, delete my personal data): partners whose partnership ends and
    people whose pending request is cancelled get a DM; everyone's Home refreshes. Returns the modal's notice."""
    with ctx.db.uow() as session:
        gone = lifecycle.leave(session, team_id, user_id, delete_data)
        name = program.current(session, team_id, ctx.settings).name
        for pid, partner_id, partner_name, started in gone.ended:
            outbox.enqueue(session, team_id, keys.partner_left(pid), "partner-left", partner_id,
                           blocks.partner_left(name, partner_name, user_id, started, delete_data))
        for pid, other_id, _asked_me in gone.cancelled:
            outbox.enqueue(session, team_id, keys.request_cancelled(pid), "request-cancelled", other_id,
                           blocks.request_cancelled(name))
        outbox.publish_home(session, team_id, user_id, *(p for _, p, _, _ in gone.ended),
                            *(o for _, o, _ in gone.cancelled))
        return blocks.left_notice(name, delete_data)


def export(ctx: Context, team_id: str, user_id: str, now: datetime | None = None) -> dict:
    """A copy of my data, as a JSON file in my DM with the bot. Returns the "on its way" message."""
    now = now or clock.now()
    with ctx.db.uow() as session:
        data = lifecycle.export(session, team_id, user_id, now)
        me = profiles.require(session, team_id, user_id)
        message, attachment = blocks.export_file(program.current(session, team_id, ctx.settings).name,
                                                 now.astimezone(ctx.settings.tz).date(), data)
        outbox.enqueue(session, team_id, keys.export(me.id, now), "export", user_id, message, attachment=attachment)
    return blocks.export_preparing()


# -- the daily job ----------------------------------------------------------------------------------------------
def run_daily(ctx: Context, now: datetime | None = None) -> str:
    """People whose pause ran until today are back (they and their partners get a DM); partnerships that reached
    their planned end get a closing check-in, once, for each person not paused. Returns what was done."""
    now = now or clock.now()
    today = now.astimezone(ctx.settings.tz).date()
    resumed = prompted = 0
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    for team_id in team_ids:
        with ctx.db.uow() as session:
            name = program.current(session, team_id, ctx.settings).name
            for change in lifecycle.resume_due(session, team_id, today):
                me = change.person
                resumed += 1
                outbox.enqueue(session, team_id, keys.pause_ended(me.id, today), "pause-ended", me.slack_user_id,
                               blocks.resumed_notice(name, by_date=True), priority=0)
                for _p, partner in change.partners:
                    outbox.enqueue(session, team_id, keys.partner_resumed(me.id, today, partner.id), "partner-resumed",
                                   partner.slack_user_id, blocks.partner_resumed(name, me.display_name, me.slack_user_id),
                                   priority=0)
        with ctx.db.uow() as session:
            for p in closings.reaching_end(session, team_id, today, now):
                assert p.planned_end is not None  # only partnerships with a planned end reach it
                prompted += 1
                for me in (p.person_a, p.person_b):
                    if me.status != PersonStatus.ACTIVE:  # paused: no check-ins of any kind
                        continue
                    other = p.other(me.id)
                    outbox.enqueue(session, team_id, keys.end_prompt(p.id, p.planned_end, me.id), "end-prompt",
                                   me.slack_user_id, blocks.end_prompt(name, p.id, other.display_name,
                                                                       other.slack_user_id, p.planned_end), priority=0)
    return f"{resumed} pause(s) ended, {prompted} partnership(s) reached their planned end"
