"""Answering the monthly check-in, the choices of a partnership at risk, and resuming participation."""

from __future__ import annotations

from pydantic import ValidationError

from bot.services import checkins, clock, outbox, partnerships, profiles, program
from bot.services.checkins import CheckInForm
from bot.services.errors import DomainError
from messages import ids
from messages import checkin as blocks
from handlers.common import (
    Deps,
    action_value,
    deliver_now,
    guarded,
    notice_view,
    open_view,
    reply,
    team_of,
    user_of,
)
from handlers.forms import field_errors, metadata, state_values
from handlers.home import publish_home
from handlers.lifecycle import do_resume, open_closing_modal


def _own_answer(checkin) -> dict:
    return {"answered": checkin.answered_at is not None, "minutes": checkin.minutes,
            "next_meeting_on": checkin.next_meeting_on, "effectiveness": checkin.effectiveness,
            "expectations": checkin.expectations, "help": checkin.help}


def _form(view: dict) -> dict:
    values = state_values(view)
    values["next_not_planned"] = bool(values.get("next_not_planned"))
    return {k: v for k, v in values.items() if v not in (None, "")}


def register(app, deps: Deps) -> None:
    settings = deps.settings

    def open_modal(body, client, met: str | None):
        now = clock.now()
        with deps.db.uow() as session:
            k = program.current(session, team_of(body), settings).anonymity_min_group
            checkin, person = checkins.for_author(session, team_of(body), user_of(body), action_value(body), now, settings.tz)
            name, _partner_id = checkins.partner_name(session, checkin)
            current = _own_answer(checkin)
            if met is None:
                met = "yes" if checkin.met else ("no" if checkin.met is False else None)
            view = blocks.checkin_modal(checkin.id, checkins.month_name(checkin.period), name, met,
                                        clock.local_today(person.tz, person.tz_offset), k, current)
        open_view(client, body, view)

    @app.action(ids.matcher(ids.CHECKIN_MET))
    @guarded
    def we_met(ack, body, client):
        ack()
        open_modal(body, client, "yes")

    @app.action(ids.matcher(ids.CHECKIN_NOT_MET))
    @guarded
    def we_did_not_meet(ack, body, client):
        ack()
        open_modal(body, client, "no")

    @app.action(ids.matcher(ids.CHECKIN_CHANGE))
    @guarded
    def change(ack, body, client):
        ack()
        open_modal(body, client, None)

    @app.view(ids.CHECKIN_MODAL)
    @guarded
    def submit(ack, body, view, client):
        try:
            form = CheckInForm(**_form(view))
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc))
            return
        team_id, user_id, now = team_of(body), user_of(body), clock.now()
        try:
            with deps.db.uow() as session:
                prog = program.current(session, team_id, settings)
                k = prog.anonymity_min_group
                person = profiles.require(session, team_id, user_id)
                problems = form.problems(clock.local_today(person.tz, person.tz_offset))
                if problems:
                    ack(response_action="errors", errors=problems)
                    return
                checkin, _first = checkins.answer(session, team_id, user_id, metadata(view).get("checkin_id"), form,
                                                  now, settings.tz)
                name, partner_id = checkins.partner_name(session, checkin)
                month = checkins.month_name(checkin.period)
                sent = [row for key in (f"checkin:{checkin.id}", *(f"checkin-reminder:{checkin.id}:{n}" for n in (1, 2)))
                        if (row := outbox.sent(session, key)) is not None and row.slack_ts]
        except DomainError as exc:
            ack(response_action="update", view=notice_view("Check-in", exc.message))
            return
        ack(response_action="update", view=notice_view(
            "Thank you", f"Your {month} check-in is saved. It is anonymous: nobody else sees your answer, and "
            f"reports only show totals over at least {k} people. You can change it until the end of {month}."))
        thanks = blocks.thanks_message(prog.name, month, checkin.id, name, partner_id, k)
        for row in sent:  # the DMs that asked: now a thank-you with "Change my answer"
            client.chat_update(channel=row.slack_channel, ts=row.slack_ts, **thanks)

    def settle(body, respond, client, choice: str):
        team_id, user_id, now = team_of(body), user_of(body), clock.now()
        with deps.db.uow() as session:
            partnership, me, changed = partnerships.settle(session, team_id, user_id, action_value(body), choice)
            other = partnership.other(me.id)
            mine = blocks.at_risk_outcome(choice, partnership.id, other.display_name, other.slack_user_id, by_me=True)
            if changed:
                stamp = f"{now:%Y%m%d%H%M%S}"
                outbox.enqueue(session, team_id, f"pair-{choice}:{partnership.id}:{stamp}", "pair-update",
                               other.slack_user_id,
                               blocks.at_risk_outcome(choice, partnership.id, me.display_name, me.slack_user_id, by_me=False))
        reply(client, body, respond, mine, replace=True)
        if changed:
            deliver_now(deps)

    @app.action(ids.matcher(ids.AT_RISK_FINE))
    @guarded
    def fine(ack, body, respond, client):
        ack()
        settle(body, respond, client, "fine")

    @app.action(ids.matcher(ids.AT_RISK_PAUSE))
    @guarded
    def pause(ack, body, respond, client):
        ack()
        settle(body, respond, client, "paused")

    @app.action(ids.matcher(ids.AT_RISK_END))
    @guarded
    def end(ack, body, client):
        """Ending goes the one way every ending goes: the closing modal (what I learned, a testimonial), whose
        submission ends the partnership, tells the partner, asks both for a story and suggests new partners."""
        ack()
        open_closing_modal(deps, client, body)

    @app.action(ids.RESUME)
    @guarded
    def resume(ack, body, respond, client):
        ack()
        message = do_resume(deps, team_of(body), user_of(body))  # partners are told, as with /mentor resume
        reply(client, body, respond, message, replace=True)
        deliver_now(deps)
        publish_home(client, deps, team_of(body), user_of(body))
