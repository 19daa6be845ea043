"""Meetings and the private journal: logging a meeting (the partner is told), and writing and reading one's notes."""

from __future__ import annotations

from bot.flows.context import Context
from bot.services import clock, keys, meetings, outbox, partnerships, profiles
from bot.services.meetings import MeetingForm, NoteForm
from messages import meeting as blocks


def log_form(ctx: Context, team_id: str, user_id: str, chosen: str | int | None = None) -> dict | None:
    """The meeting modal (with `chosen` partnership picked, if it is one of theirs), or None when the person has no
    live partnership to log for. Refused before joining."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        live = partnerships.overview(session, me).partnerships
        if not live:
            return None
        choices = [(p.id, p.other(me.id).display_name or p.other(me.id).slack_user_id) for p in live]
        try:
            chosen_id = int(chosen) if chosen is not None else None
        except (TypeError, ValueError):
            chosen_id = None
        return blocks.meeting_modal(choices, clock.local_today(me.tz, me.tz_offset), chosen_id)


def log_meeting(ctx: Context, team_id: str, user_id: str, form: MeetingForm) -> str:
    """Log (or correct) a meeting of one of the person's live partnerships: the partner gets a DM about every save,
    and both Home tabs change. Returns the confirmation the person sees."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        meeting, partnership, created = meetings.log(session, team_id, user_id, form, clock.local_today(me.tz, me.tz_offset))
        partner = partnership.other(me.id).slack_user_id
        session.flush()
        outbox.enqueue(session, team_id, keys.meeting_logged(meeting.id, clock.now()), "meeting-logged", partner,
                       blocks.meeting_logged_for_partner(user_id, meeting, created))
        outbox.publish_home(session, team_id, user_id, partner)
        return blocks.meeting_logged_confirmation(meeting, created)


def journal(ctx: Context, team_id: str, user_id: str) -> dict:
    """`/mentor journal`: the person's latest private notes. Refused before joining."""
    with ctx.db.uow() as session:
        return blocks.journal_message(meetings.recent_notes(session, profiles.require(session, team_id, user_id)))


def add_note(ctx: Context, team_id: str, user_id: str, form: NoteForm) -> int:
    """Save a note to the person's private journal (only they can read it). Returns the note's id."""
    with ctx.db.uow() as session:
        note = meetings.add_note(session, profiles.require(session, team_id, user_id), form)
        session.flush()
        return note.id
