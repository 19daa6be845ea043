"""`/mentor log` and the private journal."""

from __future__ import annotations

from bot.flows import agenda, meetings
from bot.services.agenda import PointForm
from bot.services.errors import DomainError, NotFound
from bot.services.meetings import MeetingForm, NoteForm
from handlers.common import (
    Deps,
    action_value,
    deliver_now,
    guarded,
    notice_view,
    open_view,
    reply,
    submit_form,
    team_of,
    user_of,
)
from handlers.forms import metadata, state_values
from messages import ids
from messages import meeting as blocks
from messages.common import note
from messages.find import not_joined

NO_PARTNERSHIP = ("You have no active partnership, so there is no meeting to log yet. "
                  "Use `/mentor find` to find a partner.")


def cmd_log(deps: Deps, ack, body, client, rest: str) -> None:
    """`/mentor log`: the meeting modal (or why there is none)."""
    try:
        view = meetings.log_form(deps, team_of(body), user_of(body))
    except NotFound:
        return ack(response_type="ephemeral", **not_joined())
    if view is None:
        return ack(response_type="ephemeral", **blocks.no_partnership_to_log())
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def cmd_journal(deps: Deps, ack, body, client, rest: str) -> None:
    """`/mentor journal`: the person's private notes, only for them."""
    try:
        message = meetings.journal(deps, team_of(body), user_of(body))
    except NotFound:
        message = not_joined()
    ack(response_type="ephemeral", **message)


def _meeting_form(view: dict, values: dict) -> MeetingForm:
    """The log form's values; the partnership and the planned meeting come from the metadata (hints only: the
    service checks both against the person)."""
    hints = metadata(view)
    values.setdefault("partnership_id", hints.get("partnership_id"))
    if hints.get("plan_id") is not None:
        values["plan_id"] = hints.get("plan_id")
    return MeetingForm(**{k: v for k, v in values.items() if v not in (None, "", [])})


def _point_form(view: dict, values: dict) -> PointForm:
    return PointForm(plan_id=metadata(view).get("plan_id"), point=values.get("point") or "",
                     owner=values.get("owner") or "me")


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.LOG_OPEN))
    @guarded
    def open_log(ack, body, client):
        ack()
        view = meetings.log_form(deps, team_of(body), user_of(body), action_value(body))
        if view is None:
            raise DomainError(NO_PARTNERSHIP)
        open_view(client, body, view)

    @app.view(ids.MEETING_MODAL)
    @guarded
    def save(ack, body, view):
        confirmation = submit_form(ack, view, lambda values: _meeting_form(view, values),
                                   lambda form: meetings.log_meeting(deps, team_of(body), user_of(body), form),
                                   title="Not logged")
        if confirmation is None:
            return
        ack(response_action="update", view=blocks.logged_view(confirmation, metadata(view).get("partnership_id")
                                                              or state_values(view).get("partnership_id")))
        deliver_now(deps)

    @app.action(ids.matcher(ids.AGENDA_OPEN))
    @guarded
    def open_agenda(ack, body, client):
        ack()
        open_view(client, body, agenda.agenda_view(deps, team_of(body), user_of(body), action_value(body)))

    @app.view(ids.AGENDA_MODAL)
    @guarded
    def add_point(ack, body, view):
        shown = submit_form(ack, view, lambda values: _point_form(view, values),
                            lambda form: agenda.add_point(deps, team_of(body), user_of(body), form), title="Not added")
        if shown is None:
            return
        ack(response_action="update", view=shown)
        deliver_now(deps)

    @app.action(ids.matcher(ids.ACTION_DONE))
    @guarded
    def tick_done(ack, body, client, respond):
        ack()
        said = agenda.tick_done(deps, team_of(body), user_of(body), action_value(body))
        if body.get("response_url"):  # clicked in a message: say so there; on the Home tab, the tab itself changes
            reply(deps, body, respond, note(said))
        deliver_now(deps)

    @app.action(ids.JOURNAL_ADD)
    @guarded
    def add_note(ack, body, client):
        ack()
        open_view(client, body, blocks.journal_modal())

    @app.view(ids.JOURNAL_MODAL)
    @guarded
    def save_note(ack, body, view):
        saved = submit_form(ack, view, lambda values: NoteForm(body=values.get("body") or ""),
                            lambda form: meetings.add_note(deps, team_of(body), user_of(body), form), title="Not saved")
        if saved is None:
            return
        ack(response_action="update", view=notice_view("Saved", "Saved to your private journal. Only you can read it."))
