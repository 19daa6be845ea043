"""Participant lifecycle: `/mentor pause|resume|leave|export|end`, the Home buttons, the closing modal, testimonial
consent and the planned-end check-in's "Extend 3 months"."""

from __future__ import annotations

from pydantic import ValidationError

from bot.services import clock, closings, lifecycle, matching, outbox, profiles, program, stories
from bot.services.closings import ClosingForm
from bot.services.errors import DomainError
from bot.services.lifecycle import PauseForm
from messages import ids
from messages import find as find_blocks
from messages import lifecycle as blocks
from messages.story import story_prompt
from handlers.common import (
    Deps,
    action_value,
    deliver_now,
    guarded,
    notice_view,
    open_view,
    refuse_in_modal,
    reply,
    team_of,
    user_of,
)
from handlers.forms import field_errors, metadata, state_values
from handlers.home import publish_home


def _stamp(at) -> str:
    return f"{at:%Y%m%d%H%M%S%f}"


def _name(session, deps: Deps, team_id: str) -> str:
    """The program's name as admins set it."""
    return program.current(session, team_id, deps.settings).name


def tell_partners(session, deps: Deps, change: lifecycle.Change, what: str) -> list[str]:
    """Queue a word to each live partner that the person paused or is back; returns their Slack ids."""
    me = change.person
    name = _name(session, deps, me.team_id)
    stamp = _stamp(me.paused_at or clock.now())
    for _partnership, partner in change.partners:
        message = (blocks.partner_paused(name, me.display_name, me.slack_user_id, me.paused_until)
                   if what == "paused" else blocks.partner_resumed(name, me.display_name, me.slack_user_id))
        outbox.enqueue(session, me.team_id, f"partner-{what}:{me.id}:{stamp}:{partner.id}", f"partner-{what}",
                       partner.slack_user_id, message)
    return [p.slack_user_id for _, p in change.partners]


def commands(deps: Deps) -> dict:
    """Subcommand name -> handler(ack, body, client, rest), added to /mentor's routes."""

    def pause(ack, body, client, rest):
        with deps.db.uow() as session:
            me = profiles.require(session, team_of(body), user_of(body))
            view = blocks.pause_modal(_name(session, deps, me.team_id), me.paused_until, me.status == "paused")
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def resume(ack, body, client, rest):
        message = do_resume(deps, team_of(body), user_of(body))
        ack(response_type="ephemeral", **message)
        deliver_now(deps)
        publish_home(client, deps, team_of(body), user_of(body))

    def leave(ack, body, client, rest):
        with deps.db.uow() as session:
            partners = [p.display_name or "your partner" for _, p in closings.live_for(session, team_of(body), user_of(body))]
            view = blocks.leave_modal(_name(session, deps, team_of(body)), partners)
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def export(ack, body, client, rest):
        now = clock.now()
        with deps.db.uow() as session:
            data = lifecycle.export(session, team_of(body), user_of(body), now)
            name = _name(session, deps, team_of(body))
        ack(response_type="ephemeral", **blocks.export_preparing())
        channel = client.conversations_open(users=user_of(body))["channel"]["id"]  # files go to a channel id
        message, attachment = blocks.export_file(name, now.astimezone(deps.settings.tz).date(), data)
        with deps.db.uow() as session:
            me = profiles.require(session, team_of(body), user_of(body))
            outbox.enqueue(session, team_of(body), f"export:{me.id}:{_stamp(now)}", "export", channel, message,
                           attachment=attachment)
        deliver_now(deps)

    def end(ack, body, client, rest):
        with deps.db.uow() as session:
            live = [(p.id, other.display_name, other.slack_user_id)
                    for p, other in closings.live_for(session, team_of(body), user_of(body))]
        if not live:
            return ack(response_type="ephemeral", **blocks.nothing_to_end())
        if len(live) > 1:
            return ack(response_type="ephemeral", **blocks.choose_partnership(live))
        pid, name, _ = live[0]
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=blocks.closing_modal(pid, name, ended=False))

    return {"pause": pause, "resume": resume, "leave": leave, "export": export, "end": end}


def open_closing_modal(deps: Deps, client, body: dict) -> None:
    """The closing modal for the partnership in the clicked button's value (checked: mine, and still closable)."""
    with deps.db.uow() as session:
        partnership, me = closings.closable(session, team_of(body), user_of(body), action_value(body))
        view = blocks.closing_modal(partnership.id, partnership.other(me.id).display_name,
                                    ended=partnership.status == "ended")
    open_view(client, body, view)


def do_resume(deps: Deps, team_id: str, user_id: str) -> dict:
    with deps.db.uow() as session:
        change = lifecycle.resume(session, team_id, user_id)
        if not change.changed:
            return blocks.not_paused()
        tell_partners(session, deps, change, "resumed")
        return blocks.resumed_notice(_name(session, deps, team_id))


def register(app, deps: Deps) -> None:
    @app.action(ids.PAUSE_OPEN)
    @guarded
    def open_pause(ack, body, client):
        ack()
        with deps.db.uow() as session:
            me = profiles.require(session, team_of(body), user_of(body))
            view = blocks.pause_modal(_name(session, deps, me.team_id), me.paused_until, me.status == "paused")
        open_view(client, body, view)

    @app.view(ids.PAUSE_MODAL)
    @guarded
    def save_pause(ack, body, view, client):
        values = state_values(view)
        try:
            form = PauseForm(how=values.get("how"), until=values.get("until"))
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc))
            return
        try:
            with deps.db.uow() as session:
                change = lifecycle.pause(session, team_of(body), user_of(body), form)
                partners = tell_partners(session, deps, change, "paused")
                notice = blocks.paused_notice(change.person.paused_until)
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Not paused")
            return
        ack(response_action="update", view=notice_view("Paused", notice))
        deliver_now(deps)
        publish_home(client, deps, team_of(body), user_of(body), *partners)

    @app.view(ids.LEAVE_MODAL)
    @guarded
    def save_leave(ack, body, view, client):
        delete = blocks.DELETE in (state_values(view).get(blocks.DELETE) or [])
        team_id = team_of(body)
        try:
            with deps.db.uow() as session:
                gone = lifecycle.leave(session, team_id, user_of(body), delete)
                name_of_program = _name(session, deps, team_id)
                for pid, partner_id, name, started in gone.ended:
                    outbox.enqueue(session, team_id, f"partner-left:{pid}", "partner-left", partner_id,
                                   blocks.partner_left(name_of_program, name, user_of(body), started, delete))
                for pid, other_id, _asked_me in gone.cancelled:
                    outbox.enqueue(session, team_id, f"request-cancelled:{pid}", "request-cancelled", other_id,
                                   blocks.request_cancelled(name_of_program))
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Leave the program")
            return
        ack(response_action="update", view=notice_view("Goodbye", blocks.left_notice(name_of_program, delete)))
        deliver_now(deps)
        publish_home(client, deps, team_id, user_of(body), *(p for _, p, _, _ in gone.ended),
                     *(o for _, o, _ in gone.cancelled))

    @app.action(ids.matcher(ids.END_OPEN))
    @guarded
    def open_closing(ack, body, client):
        ack()
        open_closing_modal(deps, client, body)

    @app.view(ids.CLOSING_MODAL)
    @guarded
    def save_closing(ack, body, view, client):
        values = state_values(view)
        try:
            form = ClosingForm(learned=values.get("learned"), recommend=values.get("recommend"),
                               testimonial=values.get("testimonial"))
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc))
            return
        team_id, user_id = team_of(body), user_of(body)
        try:
            with deps.db.uow() as session:
                done = closings.close(session, team_id, user_id, metadata(view).get("partnership_id"), form)
                name = _name(session, deps, team_id)
                p, me, partner = done.partnership, done.me, done.partner
                if done.ended_now:
                    outbox.enqueue(session, team_id, f"partnership-ended:{p.id}", "partnership-ended",
                                   partner.slack_user_id, blocks.partner_ended(name, me.display_name,
                                                                               me.slack_user_id, p.id))
                if done.closing.testimonial_status == "pending":
                    outbox.enqueue(session, team_id, f"testimonial-consent:{done.closing.id}", "testimonial-consent",
                                   partner.slack_user_id, blocks.testimonial_consent(
                                       name, me.display_name, me.slack_user_id, done.closing.testimonial,
                                       done.closing.id))
                stories.enqueue_prompts(session, [p], "ended", lambda person, other, pp, occasion: story_prompt(
                    name, person, other, pp, occasion))
                suggestions = find_blocks.results(matching.find(session, me), [])
                outbox.enqueue(session, team_id, f"closing-suggestions:{done.closing.id}", "suggestions",
                               me.slack_user_id, blocks.next_partner(suggestions))
                thanks = blocks.closing_thanks(partner.display_name, done.ended_now)
                partner_id = partner.slack_user_id
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Wrap up")
            return
        ack(response_action="update", view=notice_view("Thank you", thanks))
        deliver_now(deps)
        publish_home(client, deps, team_id, user_id, partner_id)

    def testimonial(body, respond, client, show: bool) -> None:
        with deps.db.uow() as session:
            closings.decide_testimonial(session, team_of(body), user_of(body), action_value(body), show)
        reply(client, body, respond, blocks.testimonial_answered(show), replace=True)
        publish_home(client, deps, team_of(body), user_of(body))

    @app.action(ids.TESTIMONIAL_SHOW)
    @guarded
    def show_testimonial(ack, body, respond, client):
        ack()
        testimonial(body, respond, client, True)

    @app.action(ids.TESTIMONIAL_HIDE)
    @guarded
    def hide_testimonial(ack, body, respond, client):
        ack()
        testimonial(body, respond, client, False)

    @app.action(ids.matcher(ids.EXTEND))
    @guarded
    def extend(ack, body, respond, client):
        ack()
        team_id = team_of(body)
        with deps.db.uow() as session:
            partnership, me, done = closings.extend(session, team_id, user_of(body), action_value(body))
            other = partnership.other(me.id)
            end = partnership.planned_end
            if done:
                outbox.enqueue(session, team_id, f"extended:{partnership.id}:{end}", "partnership-extended",
                               other.slack_user_id, blocks.extended_by_partner(_name(session, deps, team_id), me.display_name,
                                                                               me.slack_user_id, end))
                mine = blocks.extended(end, other.display_name, other.slack_user_id)
            else:
                mine = blocks.already_extended(end)
            other_id = other.slack_user_id
        reply(client, body, respond, mine, replace=done)
        if done:
            deliver_now(deps)
            publish_home(client, deps, team_id, user_of(body), other_id)
