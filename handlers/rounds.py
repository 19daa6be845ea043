"""Formal pairing: `/mentor round` for admins (open a round, review, drop, swap, confirm, cancel; mark mentors
trained), and the Accept / Decline buttons of every introduction (rounds and onboarding buddies)."""

from __future__ import annotations

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError

from bot.services import introductions, outbox, partnerships, program, rounds
from bot.services.errors import Conflict, DomainError
from bot.services.rounds import RoundForm
from messages import ids
from messages import rounds as blocks
from handlers.common import Deps, action_value, deliver_now, dm, guarded, open_view, refuse_in_modal, reply, team_of, user_of
from handlers.forms import field_errors, state_values
from handlers.home import publish_home


def commands(deps: Deps) -> dict:
    """Subcommand name -> handler(ack, body, client, rest), added to /mentor's routes."""

    def round_command(ack, body, client, rest):
        team_id, user_id = team_of(body), user_of(body)
        sub, _, args = rest.partition(" ")
        sub, words = sub.lower(), args.split()
        if sub == "":
            with deps.db.uow() as session:
                rounds.can_open(session, team_id, user_id, deps.settings)
                name = program.current(session, team_id, deps.settings).name
            ack()
            return open_view(client, body, blocks.round_modal(name))
        if sub in ("show", "page") and len(words) <= 1:
            return _show(ack, deps, body, None, int(words[0]) - 1 if words and words[0].isdigit() else 0)
        if sub == "swap" and len(words) == 2:
            with deps.db.uow() as session:
                first, _ = rounds.swap(session, team_id, user_id, deps.settings, _number(words[0]), _number(words[1]))
                round_id = first.round_id
            return _show(ack, deps, body, round_id, 0, f"Swapped the mentees of pairs #{_number(words[0])} and #{_number(words[1])}.")
        if sub == "drop" and len(words) == 1:
            with deps.db.uow() as session:
                intro = rounds.drop(session, team_id, user_id, deps.settings, _number(words[0]))
                round_id = intro.round_id
            return _show(ack, deps, body, round_id, 0, f"Dropped pair #{intro.id}.")
        if sub in ("confirm", "cancel") and len(words) <= 1:
            ack()
            return _finish(deps, body, client, None, sub == "confirm", words[0] if words else None)
        if sub == "trained" and words:
            with deps.db.uow() as session:
                people = rounds.mark_trained(session, team_id, user_id, deps.settings, rounds.mentions(args))
                names = ", ".join(f"<@{p.slack_user_id}>" for p in people)
            return ack(response_type="ephemeral", **blocks.simple(
                f"Mentor training recorded for {names}." if people else "None of them is in the program yet."))
        return ack(response_type="ephemeral", **blocks.round_usage())

    return {"round": round_command}


def _number(word: str) -> str:
    return word.lstrip("#")


def _show(ack, deps: Deps, body: dict, round_id, number: int, note: str = "") -> None:
    with deps.db.uow() as session:
        message = blocks.round_review(rounds.page(session, team_of(body), user_of(body), deps.settings, round_id, number))
    if note:
        message["blocks"].insert(0, blocks.section(note))
    ack(response_type="ephemeral", **message)


def _finish(deps: Deps, body: dict, client, respond, confirm: bool, round_id=None) -> None:
    """Confirm (send the introductions) or cancel a round, then show where it stands."""
    team_id, user_id = team_of(body), user_of(body)
    with deps.db.uow() as session:
        if round_id is None:
            round_id = rounds.get(session, team_id, user_id, deps.settings).id
        if confirm:
            rounds.confirm(session, team_id, user_id, deps.settings, round_id, blocks)
        else:
            rounds.cancel(session, team_id, user_id, deps.settings, round_id)
    with deps.db.uow() as session:
        message = blocks.round_review(rounds.page(session, team_id, user_id, deps.settings, round_id, 0))
    reply(client, body, respond, message, replace=respond is not None)
    if confirm:
        deliver_now(deps)  # the first few now; the scheduler's sender sends the rest at Slack's pace


def _answer_intro(deps: Deps, body: dict, client, respond, accept: bool) -> None:
    team_id, user_id = team_of(body), user_of(body)
    with deps.db.uow() as session:
        intro = introductions.answer(session, team_id, user_id, action_value(body), accept, deps.settings, blocks)
        giver, taker = intro.giver.slack_user_id, intro.taker.slack_user_id
        other = taker if user_id == giver else giver
        status, kind, partnership_id = intro.status, intro.kind, intro.partnership_id
        mine = intro.giver_answer if user_id == giver else intro.taker_answer
        name = _program_name(session, deps, team_id)
    reply(client, body, respond, blocks.intro_answered(other, mine, status), replace=True)
    deliver_now(deps)
    if status == "accepted" and partnership_id:
        group = client.conversations_open(users=f"{giver},{taker}")["channel"]["id"]
        with deps.db.uow() as session:
            partnerships.set_channel(session, partnership_id, group)
            outbox.enqueue(session, team_id, f"kickoff:{partnership_id}", "kickoff", group,
                           blocks.intro_kickoff(name, kind, giver, taker, partnership_id))
        deliver_now(deps)
    publish_home(client, deps, team_id, giver, taker)


def _program_name(session, deps: Deps, team_id: str) -> str:
    return program.current(session, team_id, deps.settings).name


def _parse(view: dict) -> RoundForm:
    values = state_values(view)
    return RoundForm(pool=values.get("pool") or "all", channel=values.get("channel"), criteria=values.get("criteria") or [],
                     min_level=values.get("min_level") or 1, max_per_mentor=values.get("max_per_mentor") or 2,
                     trained=values.get("trained") or [])


def _members(client, channel: str) -> list[str]:
    members, cursor = [], None
    while True:
        page = client.conversations_members(channel=channel, limit=1000, cursor=cursor)
        members += page.get("members") or []
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return members


def register(app, deps: Deps) -> None:
    @app.view(ids.ROUND_MODAL)
    @guarded
    def round_submit(ack, body, client, view):
        team_id, user_id = team_of(body), user_of(body)
        try:
            form = _parse(view)
        except ValidationError as exc:
            return ack(response_action="errors", errors=field_errors(exc))
        if form.pool == "channel" and not form.channel:
            return ack(response_action="errors", errors={"channel": "Pick the channel whose members are the pool."})
        try:
            with deps.db.uow() as session:
                rounds.can_open(session, team_id, user_id, deps.settings)
        except DomainError as exc:
            return refuse_in_modal(ack, exc, "Pairing round")
        ack(response_action="update", view=blocks.round_working())  # solving may take seconds: answer Slack first
        members = None
        if form.pool == "channel":
            try:
                members = _members(client, form.channel)
            except SlackApiError as exc:
                raise Conflict(f"I can't read the members of <#{form.channel}> ({exc.response.get('error')}): "
                               "invite me to it (`/invite @mentor-bot`) and try again.") from None
        with deps.db.uow() as session:
            opened = rounds.open_round(session, team_id, user_id, deps.settings, form, members)
            round_id = opened.round.id
        with deps.db.uow() as session:
            dm(client, user_id, blocks.round_review(rounds.page(session, team_id, user_id, deps.settings, round_id, 0)))

    @app.action(ids.matcher(ids.ROUND_PAGE))
    @guarded
    def round_page(ack, body, client, respond):
        ack()
        round_id, _, number = (action_value(body) or "").partition(":")
        with deps.db.uow() as session:
            message = blocks.round_review(rounds.page(session, team_of(body), user_of(body), deps.settings, round_id, number))
        reply(client, body, respond, message, replace=True)

    @app.action(ids.matcher(ids.ROUND_DROP))
    @guarded
    def round_drop(ack, body, client, respond):
        ack()
        intro_id, _, number = (action_value(body) or "").partition(":")
        team_id, user_id = team_of(body), user_of(body)
        with deps.db.uow() as session:
            round_id = rounds.drop(session, team_id, user_id, deps.settings, intro_id).round_id
        with deps.db.uow() as session:
            message = blocks.round_review(rounds.page(session, team_id, user_id, deps.settings, round_id, number))
        reply(client, body, respond, message, replace=True)

    @app.action(ids.ROUND_CONFIRM)
    @guarded
    def round_confirm(ack, body, client, respond):
        ack()
        _finish(deps, body, client, respond, True, action_value(body))

    @app.action(ids.ROUND_CANCEL)
    @guarded
    def round_cancel(ack, body, client, respond):
        ack()
        _finish(deps, body, client, respond, False, action_value(body))

    @app.action(ids.matcher(ids.INTRO_ACCEPT))
    @guarded
    def intro_accept(ack, body, client, respond):
        ack()
        _answer_intro(deps, body, client, respond, True)

    @app.action(ids.matcher(ids.INTRO_DECLINE))
    @guarded
    def intro_decline(ack, body, client, respond):
        ack()
        _answer_intro(deps, body, client, respond, False)
