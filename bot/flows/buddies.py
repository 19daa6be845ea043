"""Onboarding buddies: a newcomer in the program's onboarding channel (or one an admin adds) gets a welcome DM with a
small form; their answer introduces them to a buddy from their department; both get the 45-day plan."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.flows.context import Context
from bot.services import buddies, clock, events, keys, outbox, profiles, program
from bot.services.profiles import SlackProfile
from messages import buddy as blocks
from messages import rounds as intro_messages
from models.status import PersonStatus


def _send_welcome(session: Session, result: buddies.Result) -> bool:
    """Write the welcome to the outbox (once per person, ever); False when it was written before."""
    prog = result.program
    return outbox.enqueue(session, prog.team_id, keys.buddy_welcome(prog.team_id, result.user_id), "buddy-welcome",
                          result.user_id, blocks.welcome(prog.name, prog.objective, result.user_id))


def _tell_no_buddy(session: Session, result: buddies.Result) -> None:
    """Nobody can be this newcomer's buddy: the admins are told (once a day per newcomer), and the newcomer too."""
    person, today = result.person, clock.now().date()
    assert person is not None  # "no_buddy" always names the newcomer's profile
    for admin in result.admins:
        outbox.enqueue(session, result.program.team_id, keys.buddy_none(person.id, today, admin), "buddy-none",
                       admin, blocks.no_buddy_for_admins(result.user_id, person.department))
    outbox.enqueue(session, result.program.team_id, keys.buddy_none(person.id, today, result.user_id),
                   "buddy-none", result.user_id, blocks.no_buddy_for_newcomer(person.department))


def member_joined(ctx: Context, team_id: str, user_id: str, channel_id: str, event_id: str | None) -> bool:
    """Someone joined a channel. In the program's onboarding channel (onboarding on), a person without a buddy gets
    the welcome DM, once per person ever. The event is recorded in the same transaction as the welcome, so Slack's
    retry of it does nothing. Returns whether a welcome was written."""
    with ctx.db.uow() as session:
        if event_id and not events.first_delivery(session, event_id[:64], team_id):
            return False
        result = buddies.channel_joined(session, team_id, user_id, channel_id, ctx.settings)
        return result is not None and _send_welcome(session, result)


def newcomer_form(ctx: Context, team_id: str, user_id: str) -> dict:
    """The welcome's "Find my buddy": the small form (department and level), filled in from a profile they have."""
    with ctx.db.uow() as session:
        person = profiles.current(session, team_id, user_id)
        return blocks.newcomer_modal(person.department if person else "", person.level if person else None)


def submit_newcomer_form(ctx: Context, team_id: str, user_id: str, form: buddies.NewcomerForm,
                         slack: SlackProfile | None) -> buddies.Outcome:
    """The newcomer answers the form: their minimal profile is saved (name, title and time zone from Slack), and
    they are introduced to a buddy (both get the introduction DM), or, with nobody free, the admins and the
    newcomer are told; someone who already has a buddy is told so (once a day)."""
    with ctx.db.uow() as session:
        person = buddies.enroll(session, team_id, user_id, form, ctx.settings)
        if slack is not None:
            profiles.refresh_from_slack(session, person.id, name=slack.name, title=slack.title, tz=slack.tz,
                                        tz_offset=slack.tz_offset)
        result = buddies.find_buddy(session, team_id, user_id, ctx.settings, intro_messages)
        if result.outcome == "no_buddy":
            _tell_no_buddy(session, result)
        elif result.outcome == "has_buddy":
            outbox.enqueue(session, team_id, keys.buddy_has(person.id, clock.now().date()), "buddy-none", user_id,
                           blocks.already_has_buddy())
        return result.outcome


def admin_buddy_form(ctx: Context, team_id: str, actor: str) -> dict:
    """`/mentor buddy` without a person: the admin's "Give a buddy" modal (anyone else is refused)."""
    with ctx.db.uow() as session:
        program.require_admin(session, team_id, actor, ctx.settings)
    return blocks.admin_modal()


def add_buddy(ctx: Context, team_id: str, actor: str, form: buddies.AddForm) -> str:
    """An admin gives someone a buddy: a person without a profile gets the welcome (once ever); someone with one is
    introduced to a buddy now (or the admins are told nobody is free). Returns the admin's answer."""
    with ctx.db.uow() as session:
        result = buddies.admin_add(session, team_id, actor, form, ctx.settings, intro_messages)
        welcomed = True
        if result.outcome == "welcome":
            welcomed = _send_welcome(session, result)
        elif result.outcome == "no_buddy":
            _tell_no_buddy(session, result)
        return blocks.for_admin(result.outcome, result.user_id, welcomed=welcomed,
                                buddy_user_id=result.buddy.slack_user_id if result.buddy else None,
                                reason=result.reason, department=result.person.department if result.person else "")


def send_plan(ctx: Context, now: datetime | None = None) -> int:
    """The daily buddy-plan job: on days 1, 7, 14, 30 and 45 of a buddy partnership, both active people get that
    day's step (a day the job missed comes late, once); a newcomer whose buddy declined is introduced to the next
    one, or the admins are told once per decline. Returns how many messages were written."""
    today = (now or clock.now()).astimezone(ctx.settings.tz).date()
    with ctx.db.uow() as session:
        team_ids = profiles.teams(session)
    return sum(_plan_days(ctx, team_id, today) + _after_declines(ctx, team_id) for team_id in team_ids)


def _plan_days(ctx: Context, team_id: str, today: date) -> int:
    with ctx.db.uow() as session:
        name = program.current(session, team_id, ctx.settings).name
        rows = []
        for step in buddies.plan_due(session, team_id, today, ctx.settings.tz):
            for me, other in ((step.buddy, step.newcomer), (step.newcomer, step.buddy)):
                if me.status != PersonStatus.ACTIVE:
                    continue
                message = blocks.plan_day(name, step.day, is_buddy=me is step.buddy, other_user_id=other.slack_user_id,
                                          due=step.due, today=today, end=step.end)
                rows.append(dict(team_id=team_id, key=keys.buddy_plan(step.partnership_id, step.day, me.id),
                                 kind="buddy-plan", recipient=me.slack_user_id, payload=message))
        return outbox.enqueue_many(session, rows)


def _after_declines(ctx: Context, team_id: str) -> int:
    written = 0
    with ctx.db.uow() as session:
        for result, declined in buddies.after_declines(session, team_id, ctx.settings, intro_messages):
            if result.outcome == "introduced":
                written += 1  # the introductions are in the outbox already
            elif result.outcome == "no_buddy" and result.person is not None:
                for admin in result.admins:
                    written += outbox.enqueue(session, team_id,
                                              keys.buddy_none_after_decline(result.person.id, declined, admin),
                                              "buddy-none", admin,
                                              blocks.no_buddy_for_admins(result.user_id, result.person.department))
    return written
