"""Formal pairing: `/mentor round` for admins (open a round of pairs or peer circles, review, drop, swap, confirm,
cancel; mark mentors trained), and the Accept / Decline buttons of every introduction (rounds and onboarding buddies)."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.flows import introductions as intro_flow
from bot.flows import rounds as flow
from bot.services.errors import Conflict
from bot.services.rounds import RoundForm
from handlers.common import Deps, action_value, deliver_now, guarded, open_view, reply, submit_form, team_of, user_of
from messages import ids
from messages import rounds as blocks


def cmd_round(deps: Deps, ack, body, client, rest) -> None:
    """`/mentor round [show [page] | swap A B | drop A | confirm [round] | cancel [round] | trained @a @b]`."""
    team_id, user_id = team_of(body), user_of(body)
    sub, _, args = rest.partition(" ")
    sub, words = sub.lower(), args.split()
    if sub == "":
        view = flow.round_form(deps, team_id, user_id)
        ack()
        return open_view(client, body, view)
    if sub in ("show", "page") and len(words) <= 1:
        page = int(words[0]) - 1 if words and words[0].isdigit() else 0
        return ack(response_type="ephemeral", **flow.show_round(deps, team_id, user_id, None, page))
    if sub == "swap" and len(words) == 2:
        return ack(response_type="ephemeral", **flow.swap_pairs(deps, team_id, user_id, _number(words[0]), _number(words[1])))
    if sub == "drop" and len(words) == 1:
        dropped = flow.drop_pair(deps, team_id, user_id, _number(words[0]))
        return ack(response_type="ephemeral", **blocks.noted(dropped.review, blocks.dropped_note(dropped.pair_id)))
    if sub in ("confirm", "cancel") and len(words) <= 1:
        ack()
        finish = flow.confirm_round if sub == "confirm" else flow.cancel_round
        reply(deps, body, None, finish(deps, team_id, user_id, words[0] if words else None))
        if sub == "confirm":
            deliver_now(deps)  # the first few now; the scheduler's sender sends the rest at Slack's pace
        return None
    if sub == "trained" and words:
        return ack(response_type="ephemeral", **flow.mark_trained(deps, team_id, user_id, args))
    return ack(response_type="ephemeral", **blocks.round_usage())


def _number(word: str) -> str:
    return word.lstrip("#")


def _parse(values: dict) -> RoundForm:
    return RoundForm(pool=values.get("pool") or "all", channel=values.get("channel"), criteria=values.get("criteria") or [],
                     min_level=values.get("min_level") or 1, max_per_mentor=values.get("max_per_mentor") or 2,
                     trained=values.get("trained") or [], kind=values.get("kind") or "pairs",
                     circle_size=values.get("circle_size") or 4)


def _members(client, channel: str) -> list[str]:
    """The pool of a channel round: its members, as Slack lists them."""
    members, cursor = [], None
    try:
        while True:
            page = client.conversations_members(channel=channel, limit=1000, cursor=cursor)
            members += page.get("members") or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return members
    except SlackApiError as exc:
        raise Conflict(f"I can't read the members of <#{channel}> ({exc.response.get('error')}): "
                       "invite me to it (`/invite @mentor-bot`) and try again.") from None


def register(app, deps: Deps) -> None:
    @app.view(ids.ROUND_MODAL)
    @guarded
    def round_submit(ack, body, client, view):
        team_id, user_id = team_of(body), user_of(body)
        form = submit_form(ack, view, _parse, lambda form: flow.check_round(deps, team_id, user_id, form),
                           title="Pairing round")
        if form is None:
            return
        ack(response_action="update", view=blocks.round_working(form.kind))  # solving may take seconds: answer first
        members = _members(client, form.channel) if form.pool == "channel" else None
        reply(deps, body, None, flow.open_round(deps, team_id, user_id, form, members))

    @app.action(ids.matcher(ids.ROUND_PAGE))
    @guarded
    def round_page(ack, body, client, respond):
        ack()
        round_id, _, number = (action_value(body) or "").partition(":")
        reply(deps, body, respond, flow.show_round(deps, team_of(body), user_of(body), round_id, number), replace=True)

    @app.action(ids.matcher(ids.ROUND_DROP))
    @guarded
    def round_drop(ack, body, client, respond):
        ack()
        pair, _, number = (action_value(body) or "").partition(":")
        dropped = flow.drop_pair(deps, team_of(body), user_of(body), pair, number)
        reply(deps, body, respond, dropped.review, replace=True)

    @app.action(ids.matcher(ids.ROUND_CIRCLE_DROP))
    @guarded
    def round_circle_drop(ack, body, client, respond):
        ack()
        row, _, number = (action_value(body) or "").partition(":")
        reply(deps, body, respond, flow.drop_circle(deps, team_of(body), user_of(body), row, number), replace=True)

    @app.action(ids.ROUND_CONFIRM)
    @guarded
    def round_confirm(ack, body, client, respond):
        ack()
        reply(deps, body, respond, flow.confirm_round(deps, team_of(body), user_of(body), action_value(body)),
              replace=respond is not None)
        deliver_now(deps)  # the first few now; the scheduler's sender sends the rest at Slack's pace

    @app.action(ids.ROUND_CANCEL)
    @guarded
    def round_cancel(ack, body, client, respond):
        ack()
        reply(deps, body, respond, flow.cancel_round(deps, team_of(body), user_of(body), action_value(body)),
              replace=respond is not None)

    def answer(ack, body, client, respond, accept: bool) -> None:
        ack()
        answered = intro_flow.answer_introduction(deps, team_of(body), user_of(body), action_value(body), accept)
        reply(deps, body, respond, answered.message, replace=True)
        deliver_now(deps)

    @app.action(ids.matcher(ids.INTRO_ACCEPT))
    @guarded
    def intro_accept(ack, body, client, respond):
        answer(ack, body, client, respond, True)

    @app.action(ids.matcher(ids.INTRO_DECLINE))
    @guarded
    def intro_decline(ack, body, client, respond):
        answer(ack, body, client, respond, False)
