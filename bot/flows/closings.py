"""Ending a partnership (the closing modal: what I learned, would I recommend them, a testimonial), the partner's
consent to a testimonial, and the planned end's "Extend 3 months" / "Wrap up"."""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows import recognition
from bot.flows.context import Context
from bot.services import closings, keys, matching, outbox, program, stories
from bot.services.closings import ClosingForm
from messages import find as find_blocks
from messages import lifecycle as blocks
from messages.story import story_prompt
from models.status import PartnershipStatus, TestimonialStatus


@dataclass
class Ending:
    """What `/mentor end` shows: the closing modal (one partnership), or else a message (none, or a choice)."""

    view: dict | None = None
    message: dict | None = None


def ending(ctx: Context, team_id: str, user_id: str) -> Ending:
    """`/mentor end`: the closing modal of my one live partnership, the list to choose from, or "nothing to end"."""
    with ctx.db.uow() as session:
        live = [(p.id, other.display_name, other.slack_user_id) for p, other in closings.live_for(session, team_id, user_id)]
    if not live:
        return Ending(message=blocks.nothing_to_end())
    if len(live) > 1:
        return Ending(message=blocks.choose_partnership(live))
    pid, name, _ = live[0]
    return Ending(view=blocks.closing_modal(pid, name, ended=False))


def closing_form(ctx: Context, team_id: str, user_id: str, partnership_hint: object) -> dict:
    """The closing modal of a partnership I am in, still live (or ended, without my summary yet)."""
    with ctx.db.uow() as session:
        partnership, me = closings.closable(session, team_id, user_id, partnership_hint)
        return blocks.closing_modal(partnership.id, partnership.other(me.id).display_name,
                                    ended=partnership.status == PartnershipStatus.ENDED)


def close_partnership(ctx: Context, team_id: str, user_id: str, partnership_hint: object, form: ClosingForm) -> str:
    """End the partnership (if it is still live) and keep my closing summary, once. The partner gets a DM that it
    ended (only from the submit that ended it) and, if I wrote a testimonial, one asking whether to show it; both of
    us are asked for a story (once); I get a few peers who could be my next partner; both Home tabs refresh.
    Returns the modal's thank-you."""
    with ctx.db.uow() as session:
        done = closings.close(session, team_id, user_id, partnership_hint, form)
        name = program.current(session, team_id, ctx.settings).name
        p, me, partner = done.partnership, done.me, done.partner
        if done.ended_now:
            outbox.enqueue(session, team_id, keys.partnership_ended(p.id), "partnership-ended", partner.slack_user_id,
                           blocks.partner_ended(name, me.display_name, me.slack_user_id, p.id))
        if done.closing.testimonial:  # also a testimonial of its own, on their find card only if I ticked the box
            recognition.record(session, ctx, p, me, done.closing.testimonial, form.show_on_profile, tell=False)
        if done.closing.testimonial_status == TestimonialStatus.PENDING:
            outbox.enqueue(session, team_id, keys.testimonial_consent(done.closing.id), "testimonial-consent",
                           partner.slack_user_id, blocks.testimonial_consent(
                               name, me.display_name, me.slack_user_id, done.closing.testimonial, done.closing.id))
        stories.enqueue_prompts(session, [p], "ended", lambda person, other, pp, occasion: story_prompt(
            name, person, other, pp, occasion))
        suggestions = find_blocks.results(matching.find(session, me), [])
        outbox.enqueue(session, team_id, keys.closing_suggestions(done.closing.id), "suggestions", me.slack_user_id,
                       blocks.next_partner(suggestions))
        outbox.publish_home(session, team_id, user_id, partner.slack_user_id)
        return blocks.closing_thanks(partner.display_name, done.ended_now)


def decide_testimonial(ctx: Context, team_id: str, user_id: str, closing_hint: object, show: bool) -> dict:
    """The person a testimonial is about shows it on their Home tab, or keeps it private; the first answer holds.
    Returns what they see in place of the question."""
    with ctx.db.uow() as session:
        closings.decide_testimonial(session, team_id, user_id, closing_hint, show)
        outbox.publish_home(session, team_id, user_id)
    return blocks.testimonial_answered(show)


@dataclass
class Extended:
    message: dict  # what the person who clicked sees
    done: bool  # this click extended it (False: it was extended already, nothing changed)


def extend(ctx: Context, team_id: str, user_id: str, partnership_hint: object) -> Extended:
    """"Extend 3 months" at the planned end: once per closing check-in. The partner gets a DM and both Home tabs
    refresh; a second click (or the partner's) only says it was extended already."""
    with ctx.db.uow() as session:
        partnership, me, done = closings.extend(session, team_id, user_id, partnership_hint)
        other, end = partnership.other(me.id), partnership.planned_end
        if not done:
            return Extended(blocks.already_extended(end), False)
        assert end is not None  # extending sets it
        outbox.enqueue(session, team_id, keys.extended(partnership.id, end), "partnership-extended", other.slack_user_id,
                       blocks.extended_by_partner(program.current(session, team_id, ctx.settings).name, me.display_name,
                                                  me.slack_user_id, end))
        outbox.publish_home(session, team_id, user_id, other.slack_user_id)
        return Extended(blocks.extended(end, other.display_name, other.slack_user_id), True)
