"""`/mentor story` and the story's way through partner consent and admin review.

Every message about a story goes through the outbox, written in the unit of work that changes the story and
sent right after the ack (`deliver_now`): nothing is lost or sent twice when Slack or the process hiccups.
"""

from __future__ import annotations

import logging

from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.services import outbox, profiles, program, stories
from bot.services.errors import DomainError
from bot.services.lookup import by_hint
from bot.services.stories import EditForm, StoryForm
from messages import ids
from messages import story as blocks
from handlers.common import Deps, action_value, deliver_now, guarded, notice_view, open_view, refuse_in_modal, team_of, user_of
from handlers.forms import field_errors, metadata, state_values
from models import Partnership, Story

log = logging.getLogger("mentor_bot.stories")


def story_modal(deps: Deps, team_id: str, user_id: str, partnership_hint: object = None) -> dict:
    """The story modal; a prompt's partnership (a hint only) preselects that partner."""
    with deps.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        partners = stories.partners_of(session, me)
        chosen = None
        partnership = by_hint(session, Partnership, partnership_hint)
        if partnership is not None and me.id in partnership.member_ids():
            chosen = next((p.person.id for p in partners if p.person.id == partnership.other(me.id).id), None)
        choices = [(p.person.id, p.person.display_name or p.person.slack_user_id) for p in partners]
        return blocks.story_modal(choices, chosen)


def story_command(ack, body, client, deps: Deps) -> None:
    """`/mentor story`: open the story modal (or say why not)."""
    view = story_modal(deps, team_of(body), user_of(body))
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


# -- what each change sends (enqueued in the caller's unit of work) ---------------------------------------------

def _ask_admins(session: Session, deps: Deps, story: Story) -> None:
    admins = program.admins(session, story.team_id, deps.settings)
    if not admins:
        log.warning("story %s waits for review but PROGRAM_ADMINS is empty", story.id)
    message = blocks.review_request(_name(session, deps, story.team_id), story)
    for admin in dict.fromkeys(admins):
        outbox.enqueue(session, story.team_id, stories.review_request_key(story.id, admin), "story-review", admin, message)


def _close_review_requests(session: Session, deps: Deps, story: Story) -> None:
    """Every review request sent for this story (to whoever was an admin then) now shows the decision instead
    of the buttons."""
    message = blocks.reviewed(_name(session, deps, story.team_id), story)
    for key, admin in stories.review_requests(session, story.id):
        _update_sent(session, story, key, f"story-reviewed:{story.id}:{admin}", admin, message)


def _name(session: Session, deps: Deps, team_id: str) -> str:
    return program.current(session, team_id, deps.settings).name


def _update_sent(session: Session, story: Story, sent_key: str, key: str, recipient: str, message: dict) -> None:
    row = outbox.sent(session, sent_key)
    if row is not None and row.slack_channel and row.slack_ts:
        outbox.enqueue(session, story.team_id, key, "story-update", recipient,
                       {"update": {"channel": row.slack_channel, "ts": row.slack_ts}, **message})


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.STORY_SHARE))
    @guarded
    def share(ack, body, client):
        ack()
        open_view(client, body, story_modal(deps, team_of(body), user_of(body), action_value(body)))

    @app.view(ids.STORY_MODAL)
    @guarded
    def save(ack, body, view):
        values = state_values(view)
        try:
            form = StoryForm(title=values.get("title"), body=values.get("body"),
                             who=values.get("who") if "who" in values else stories.NO_ONE)
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc))
            return
        try:
            with deps.db.uow() as session:
                story = stories.submit(session, team_of(body), user_of(body), form)
                if story.status == "awaiting_partner":
                    outbox.enqueue(session, story.team_id, f"story-consent:{story.id}", "story-consent",
                                   story.partner.slack_user_id,
                                   blocks.consent_request(_name(session, deps, story.team_id), story))
                else:
                    _ask_admins(session, deps, story)
                notice = blocks.submitted_notice(story, bool(program.admins(session, story.team_id, deps.settings)))
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Not shared")
            return
        ack(response_action="update", view=notice_view("Story shared", notice))
        deliver_now(deps)

    def partner_answer(body, agree: bool) -> None:
        with deps.db.uow() as session:
            story = stories.partner_decide(session, team_of(body), user_of(body), action_value(body), agree)
            _update_sent(session, story, f"story-consent:{story.id}", f"story-consent-answered:{story.id}",
                         story.partner.slack_user_id, blocks.consent_answered(_name(session, deps, story.team_id), story))
            author = story.author.slack_user_id
            if agree:
                outbox.enqueue(session, story.team_id, f"story-partner-agreed:{story.id}", "story-news", author,
                               blocks.partner_agreed_for_author(
                                   story, bool(program.admins(session, story.team_id, deps.settings))))
                _ask_admins(session, deps, story)
            else:
                outbox.enqueue(session, story.team_id, f"story-partner-declined:{story.id}", "story-news", author,
                               blocks.partner_declined_for_author(story))
        deliver_now(deps)

    @app.action(ids.STORY_AGREE)
    @guarded
    def agree(ack, body):
        ack()
        partner_answer(body, True)

    @app.action(ids.STORY_DISAGREE)
    @guarded
    def disagree(ack, body):
        ack()
        partner_answer(body, False)

    def decide(team_id: str, user_id: str, story_id: object, decision: str, edited: EditForm | None = None) -> None:
        """The admin's decision, the author's news and the closed review requests, in one unit of work."""
        with deps.db.uow() as session:
            story = stories.review(session, team_id, user_id, story_id, program.admins(session, team_id, deps.settings),
                                   decision, edited)  # type: ignore[arg-type]
            outbox.enqueue(session, story.team_id, f"story-outcome:{story.id}", "story-news",
                           story.author.slack_user_id,
                           blocks.outcome_for_author(story, edited is not None,
                                                     program.current(session, team_id, deps.settings).stories_channel))
            _close_review_requests(session, deps, story)

    @app.action(ids.STORY_APPROVE)
    @guarded
    def approve(ack, body):
        ack()
        decide(team_of(body), user_of(body), action_value(body), "approve")
        deliver_now(deps)

    @app.action(ids.STORY_REJECT)
    @guarded
    def reject(ack, body):
        ack()
        decide(team_of(body), user_of(body), action_value(body), "reject")
        deliver_now(deps)

    @app.action(ids.STORY_EDIT)
    @guarded
    def edit(ack, body, client):
        ack()
        with deps.db.uow() as session:
            story = stories.for_review(session, team_of(body), user_of(body), action_value(body),
                                       program.admins(session, team_of(body), deps.settings))
            view = blocks.edit_modal(story)
        open_view(client, body, view)

    @app.view(ids.STORY_EDIT_MODAL)
    @guarded
    def save_edit(ack, body, view):
        values = state_values(view)
        try:
            form = EditForm(title=values.get("title"), body=values.get("body"))
        except ValidationError as exc:
            ack(response_action="errors", errors=field_errors(exc))
            return
        try:
            decide(team_of(body), user_of(body), metadata(view).get("story_id"), "approve", form)
        except DomainError as exc:
            refuse_in_modal(ack, exc, "Not approved")
            return
        ack(response_action="update", view=notice_view("Story approved",
                                                       "Approved with your edits. The author has been told."))
        deliver_now(deps)
