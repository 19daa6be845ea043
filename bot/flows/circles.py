"""Peer circles, as people use them: start one (`/mentor circle`), see the open circles that fit them and their own
(`/mentor circles`), join (also from an invitation or `/mentor find`), decline an invitation, leave.

When a circle's third member arrives, its group chat (the bot and the members) opens with the kickoff. A Slack
group chat can't take new people, so a later member gets a new group chat with everyone: the old chat is told
where the circle continues, and the new one welcomes them. The circle keeps the newest chat.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.flows.context import Context
from bot.services import circle_fit, circles, keys, outbox, profiles, program
from messages import circles as blocks
from messages.common import esc
from models import Circle, Person


def start_form(ctx: Context, team_id: str, user_id: str) -> dict:
    """The "Start a peer circle" modal (only for people in the program)."""
    with ctx.db.uow() as session:
        profiles.require(session, team_id, user_id)
    return blocks.circle_modal()


def start(ctx: Context, team_id: str, user_id: str, form: circles.CircleForm) -> str:
    """Start a circle: its organiser is its first member; invited people get a DM with Join circle / No thanks.
    Returns the organiser's notice."""
    with ctx.db.uow() as session:
        circle, guests = circles.create(session, team_id, user_id, form)
        listed = circle_fit.Listed(circle, circles.members(session, circle.id), [])
        name = program.current(session, team_id, ctx.settings).name
        for guest in guests:
            outbox.enqueue(session, team_id, keys.circle_invite(circle.id, guest.id), "circle-invite",
                           guest.slack_user_id, blocks.invite_dm(name, listed, user_id))
        outbox.publish_home(session, team_id, user_id)
        return blocks.created_notice(listed, len(guests))


def list_circles(ctx: Context, team_id: str, user_id: str, note: str | None = None) -> dict:
    """`/mentor circles`: my circles, then the open circles that fit me, ranked, each with why."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        name = program.current(session, team_id, ctx.settings).name
        return blocks.circles_message(name, circle_fit.open_for(session, me), circle_fit.mine(session, me), note)


def join(ctx: Context, team_id: str, user_id: str, circle_id: object) -> dict:
    """Join a circle (from the list, `/mentor find` or an invitation). The third member starts it: the group chat
    opens with the kickoff. A later member gets a new group chat with everyone. Returns the list with what
    happened on top."""
    with ctx.db.uow() as session:
        joined = circles.join(session, team_id, user_id, circle_id)
        circle = joined.circle
        listed = circle_fit.Listed(circle, joined.members, [])
        everyone = ",".join(p.slack_user_id for p in joined.members)
        at = joined.at
        if joined.started:
            name = program.current(session, team_id, ctx.settings).name
            fac = circles.facilitator(session, circle)
            circle.chat_key, circle.channel_id = keys.circle_chat(circle.id, at), None
            outbox.enqueue(session, team_id, circle.chat_key, "circle-kickoff", everyone,
                           {**blocks.kickoff(name, listed, fac.slack_user_id if fac else None),
                            outbox.CIRCLE_CHAT_OF: circle.id})
            note = f"You joined *{esc(circle.goal)}*. The circle has started: I've opened its group chat with a kickoff."
        elif joined.late:
            old = circles.group_chat(session, circle, [p for p in joined.members if p.id != joined.person.id])
            outbox.enqueue(session, team_id, keys.circle_moved(circle.id, at), "circle-moved", old,
                           {**blocks.moved(user_id), "in_thread": False}, after_key=circle.chat_key)
            circle.chat_key, circle.channel_id = keys.circle_chat(circle.id, at), None
            outbox.enqueue(session, team_id, circle.chat_key, "circle-welcome", everyone,
                           {**blocks.welcome_later(listed, user_id), outbox.CIRCLE_CHAT_OF: circle.id})
            note = f"You joined *{esc(circle.goal)}*. I've opened a group chat with everyone in it."
        else:
            waiting = max(circles.STARTS_AT - len(joined.members), 0)
            note = (f"You joined *{esc(circle.goal)}*. It starts when {waiting} more "
                    f"{'person joins' if waiting == 1 else 'people join'}: then I open its group chat.")
        if circle.invite_only:
            outbox.update_sent(session, team_id, keys.circle_invite(circle.id, joined.person.id),
                               blocks.invite_answered(circle.goal, "you joined"))
        outbox.publish_home(session, team_id, *(p.slack_user_id for p in joined.members))
    return list_circles(ctx, team_id, user_id, note)


def decline(ctx: Context, team_id: str, user_id: str, circle_id: object) -> dict:
    """"No thanks" to an invitation: the DM says so in place of its buttons; nobody is told."""
    with ctx.db.uow() as session:
        circle, me = circles.decline_invite(session, team_id, user_id, circle_id)
        answered = blocks.invite_answered(circle.goal, "you said no thanks")
        outbox.update_sent(session, team_id, keys.circle_invite(circle.id, me.id), answered)
        return answered


def leave(ctx: Context, team_id: str, user_id: str, circle_id: object) -> dict:
    """Leave a circle: its chat is told, its place opens; returns the list with what happened on top."""
    with ctx.db.uow() as session:
        left = circles.leave(session, team_id, user_id, circle_id)
        circle = left.circle
        if circle.started_at is not None and left.members:
            outbox.enqueue(session, team_id, keys.circle_left(circle.id, left.person.id, left.at), "circle-left",
                           circles.group_chat(session, circle, [*left.members, left.person]),
                           blocks.someone_left(user_id, len(left.members)))
        outbox.publish_home(session, team_id, user_id)
        note = f"You left *{esc(circle.goal)}*." + (" It has ended: you were its last member." if not left.members else "")
    return list_circles(ctx, team_id, user_id, note)


def remember_chat(ctx: Context, circle_id: int) -> None:
    """Once the message opening a circle's chat is in Slack, keep the chat's channel on the circle."""
    with ctx.db.uow() as session:
        circle = session.get(Circle, circle_id)
        if circle is not None:
            circles.group_chat(session, circle, [])


def open_formed_chat(session: Session, team_id: str, program_name: str, circle: Circle, people: list[Person],
                     facilitator: Person | None, at: datetime) -> None:
    """A circle a round formed (called inside the round's unit of work): its group chat opens with the kickoff,
    exactly as when a third member starts a circle."""
    listed = circle_fit.Listed(circle, people, [])
    circle.chat_key, circle.channel_id = keys.circle_chat(circle.id, at), None
    outbox.enqueue(session, team_id, circle.chat_key, "circle-kickoff", ",".join(p.slack_user_id for p in people),
                   {**blocks.kickoff(program_name, listed, facilitator.slack_user_id if facilitator else None),
                    outbox.CIRCLE_CHAT_OF: circle.id})
    # no App Home publish per member here: a round forms hundreds of circles at once, and Home shows them when opened
