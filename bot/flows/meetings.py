"""Meetings and the private journal: logging a meeting (the partner is told), and writing and reading one's notes."""

from __future__ import annotations

from bot.flows.context import Context
from bot.services import actions, agenda, clock, keys, meetings, outbox, partnerships, profiles
from bot.services.meetings import MeetingForm, NoteForm
from messages import meeting as blocks
from models import Person


def _names(*people: Person) -> dict[int, str]:
    return {p.id: p.display_name or p.slack_user_id for p in people}


def log_form(ctx: Context, team_id: str, user_id: str, chosen: str | int | None = None) -> dict | None:
    """The meeting modal, or None when the person has no live partnership to log for. Refused before joining.

    `chosen` is a button's value: a partnership id (that partnership picked, if it is one of theirs), or
    "plan:<planned meeting id>" from "Did you meet?": then the form starts with the plan's date (in the person's
    time zone), length and agenda, and names the plan (checked again, like everything, when it is saved). The open
    action items of the pair (of every partnership, when there are several to pick from) are there to tick."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        live = partnerships.overview(session, me).partnerships
        if not live:
            return None
        today = clock.local_today(me.tz, me.tz_offset)
        prefill = None
        raw = str(chosen) if chosen is not None else ""
        if raw.startswith("plan:"):
            plan, partnership, me = agenda.plan_for_member(session, team_id, user_id, raw.removeprefix("plan:"))
            shown = agenda.for_pair(session, partnership, me, plan)
            held_on = clock.local_today(me.tz, me.tz_offset, at=plan.starts_at) if plan.starts_at else today
            prefill = blocks.LogPrefill(plan_id=plan.id, held_on=min(held_on, today), minutes=plan.minutes,
                                        topics=agenda.topics_text(shown), starts_at=plan.starts_at)
            chosen_id: int | None = partnership.id
            live = [partnership]
        else:
            try:
                chosen_id = int(raw) if raw else None
            except ValueError:
                chosen_id = None
            if chosen_id is not None and any(p.id == chosen_id for p in live):
                live = [p for p in live if p.id == chosen_id]  # from that pair's button: no need to pick again
        choices = [(p.id, p.other(me.id).display_name or p.other(me.id).slack_user_id) for p in live]
        several = len(live) > 1
        items = []
        by_pair = {p.id: p for p in live}
        for item in actions.open_for_people(session, live):
            pair = by_pair[item.partnership_id]
            names = _names(me, pair.other(me.id))
            items.append(blocks.OpenItem(id=item.id, text=item.text, due_on=item.due_on,
                                         who="Me" if item.owner_id == me.id else names.get(item.owner_id or 0, ""),
                                         pair=names[pair.other(me.id).id] if several else ""))
        return blocks.meeting_modal(choices, today, chosen_id, items=items, prefill=prefill)


def log_meeting(ctx: Context, team_id: str, user_id: str, form: MeetingForm) -> str:
    """Log (or correct) a meeting of one of the person's live partnerships: the partner gets a DM about every save
    (with the action items added and ticked), and both Home tabs change. Returns the confirmation the person sees."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        logged = meetings.log(session, team_id, user_id, form, clock.local_today(me.tz, me.tz_offset))
        meeting, partnership = logged.meeting, logged.partnership
        partner = partnership.other(me.id)
        names = _names(me, partner)

        def line(item) -> str:
            return blocks.item_line(item.text, names.get(item.owner_id or 0, ""), item.due_on)

        session.flush()
        outbox.enqueue(session, team_id, keys.meeting_logged(meeting.id, clock.now()), "meeting-logged",
                       partner.slack_user_id,
                       blocks.meeting_logged_for_partner(user_id, meeting, logged.created,
                                                         added=[line(i) for i in logged.added],
                                                         ticked=[line(i) for i in logged.ticked],
                                                         partnership_id=partnership.id))
        outbox.publish_home(session, team_id, user_id, partner.slack_user_id)
        return blocks.meeting_logged_confirmation(meeting, logged.created, len(logged.added), len(logged.ticked))


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
