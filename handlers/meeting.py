"""`/mentor log` and the private journal."""

from __future__ import annotations

from pydantic import ValidationError

from bot.services import clock, meetings, outbox, partnerships, profiles
from bot.services.errors import DomainError
from bot.services.meetings import MeetingForm
from messages import ids
from messages import meeting as blocks
from handlers.common import Deps, action_value, deliver_now, guarded, notice_view, open_view, refuse_in_modal, team_of, user_of
from handlers.forms import field_errors, metadata, state_values
from handlers.home import publish_home


def log_modal(deps: Deps, team_id: str, user_id: str, chosen: object = None) -> dict | None:
    """The meeting modal, or None when there is no live partnership to log for."""
    with deps.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        live = partnerships.overview(session, me).partnerships
        if not live:
            return None
        choices = [(p.id, p.other(me.id).display_name or p.other(me.id).slack_user_id) for p in live]
        try:
            chosen_id = int(chosen) if chosen is not None else None  # type: ignore[arg-type]
        except (TypeError, ValueError):
            chosen_id = None
        return blocks.meeting_modal(choices, clock.local_today(me.tz, me.tz_offset), chosen_id)


def journal_message(deps: Deps, team_id: str, user_id: str) -> dict:
    with deps.db.uow() as session:
        return blocks.journal_message(meetings.recent_notes(session, profiles.require(session, team_id, user_id)))


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.LOG_OPEN))
    @guarded
    def open_log(ack, body, client, respond):
        ack()
        view = log_modal(deps, team_of(body), user_of(body), action_value(body))
        if view is None:
            raise DomainError("You have no active partnership, so there is no meeting to log yet. "
                              "Use `/mentor find` to find a partner.")
        open_view(client, body, view)

    @app.view(ids.MEETING_MODAL)
    @guarded
    def save(ack, body, view, client):
        values = state_values(view)
        values.setdefault("partnership_id", metadata(view).get("partnership_id"))
        try:
            form = MeetingForm(**{k: v for k, v in values.items() if v not in (None, "")})
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc))
            return
        team_id, user_id = team_of(body), user_of(body)
        try:
            with deps.db.uow() as session:
                me = profiles.require(session, team_id, user_id)
                meeting, partnership, created = meetings.log(session, team_id, user_id, form,
                                                             clock.local_today(me.tz, me.tz_offset))
                partner = partnership.other(me.id).slack_user_id
                for_partner = blocks.meeting_logged_for_partner(user_id, meeting, created)
                confirmation = blocks.meeting_logged_confirmation(meeting, created)
                session.flush()
                stamp = f"{meeting.id}:{clock.now():%Y%m%d%H%M%S%f}"  # every save is news for the partner
                outbox.enqueue(session, team_id, f"meeting-logged:{stamp}", "meeting-logged", partner, for_partner)
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Not logged")
            return
        ack(response_action="update", view=notice_view("Meeting logged", confirmation))
        deliver_now(deps)
        publish_home(client, deps, team_id, user_id, partner)

    @app.action(ids.JOURNAL_ADD)
    @guarded
    def add_note(ack, body, client):
        ack()
        open_view(client, body, blocks.journal_modal())

    @app.view(ids.JOURNAL_MODAL)
    @guarded
    def save_note(ack, body, view):
        try:
            form = meetings.NoteForm(body=state_values(view).get("body") or "")
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc))
            return
        with deps.db.uow() as session:
            meetings.add_note(session, profiles.require(session, team_of(body), user_of(body)), form)
        ack(response_action="update", view=notice_view("Saved", "Saved to your private journal. Only you can read it."))
