"""A planned meeting's agenda: reading it, adding a point with the partner who leads it (the partner is told), and
ticking an action item done from the Home tab."""

from __future__ import annotations

from bot.flows.context import Context
from bot.services import actions, agenda, keys, outbox
from bot.services.agenda import Agenda, PointForm
from messages import agenda as blocks
from models.status import MeetingPlanStatus

CLOSED: dict[str, str] = {
    MeetingPlanStatus.CANCELLED: "This meeting was cancelled, so its agenda is closed.",
    MeetingPlanStatus.HELD: "This meeting was held and logged: these points were covered by it.",
    MeetingPlanStatus.MISSED: "This meeting didn't happen. Points you added stay for your next planned meeting.",
}

STARTED = "This meeting has started, so its agenda is closed. Points for next time go on your next planned meeting's agenda."


def _shown(shown: Agenda) -> blocks.AgendaShown:
    def who(person_id: int | None) -> str:
        return "Me" if person_id == shown.me.id else shown.owner_name(person_id)

    partner = shown.partner.display_name or shown.partner.slack_user_id
    return blocks.AgendaShown(
        plan_id=shown.plan.id, partner_name=partner, starts_at=shown.plan.starts_at, template=shown.template,
        points=[blocks.AgendaLine(p.text, who(p.owner_id)) for p in shown.points],
        items=[blocks.AgendaLine(i.text, who(i.owner_id), i.due_on) for i in shown.items],
        can_add=shown.can_add,
        closed_why=CLOSED.get(shown.plan.status, STARTED if shown.started else
                              f"Your agenda has {agenda.MAX_OPEN_POINTS} points already: that is plenty for one meeting."))


def agenda_view(ctx: Context, team_id: str, user_id: str, plan_id: object) -> dict:
    """The agenda modal of a planned meeting of the person (the id is checked: a forged one is refused)."""
    with ctx.db.uow() as session:
        return blocks.agenda_modal(_shown(agenda.agenda(session, team_id, user_id, plan_id)))


def add_point(ctx: Context, team_id: str, user_id: str, form: PointForm) -> dict:
    """Add a point to the agenda; the partner gets a DM with it. Returns the agenda as it is now (the modal's
    new content)."""
    with ctx.db.uow() as session:
        point, shown = agenda.add_point(session, team_id, user_id, form)
        leader = "you" if point.owner_id == shown.partner.id else (shown.me.display_name or shown.me.slack_user_id)
        outbox.enqueue(session, team_id, keys.agenda_point(point.id), "agenda-point", shown.partner.slack_user_id,
                       blocks.point_added_for_partner(user_id, point.text, leader, shown.plan.starts_at, shown.plan.id))
        return blocks.agenda_modal(_shown(shown))


def tick_done(ctx: Context, team_id: str, user_id: str, item_id: object) -> str:
    """Tick an action item done (its owner, from their Home tab): both partners' Home tabs change. Returns what
    was done, for the person."""
    with ctx.db.uow() as session:
        item, partnership, me = actions.tick(session, team_id, user_id, item_id)
        outbox.publish_home(session, team_id, user_id, partnership.other(me.id).slack_user_id)
        return f"Done: “{item.text[:200]}”. Well done!"
