"""`/mentor story` and the story's way through partner consent and admin review. Each listener calls one use case
(bot/flows/stories.py); every message about a story goes through the outbox, sent right after the ack."""

from __future__ import annotations

from bot.flows import stories as flow
from bot.services.errors import NotFound
from bot.services.stories import NO_ONE, EditForm, StoryForm
from handlers.common import Deps, action_value, deliver_now, guarded, notice_view, open_view, submit_form, team_of, user_of
from handlers.forms import metadata
from messages import ids
from messages.find import not_joined


def cmd_story(deps: Deps, ack, body, client, rest) -> None:
    """`/mentor story`: open the story modal (or invite someone who hasn't joined to join first)."""
    try:
        view = flow.story_form(deps, team_of(body), user_of(body))
    except NotFound:
        return ack(response_type="ephemeral", **not_joined())
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _story_form(values: dict) -> StoryForm:
    return StoryForm(title=values.get("title"), body=values.get("body"), who=values.get("who") if "who" in values else NO_ONE)


def _edit_form(values: dict) -> EditForm:
    return EditForm(title=values.get("title"), body=values.get("body"))


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.STORY_SHARE))
    @guarded
    def share(ack, body, client):
        ack()
        open_view(client, body, flow.story_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.view(ids.STORY_MODAL)
    @guarded
    def save(ack, body, view):
        notice = submit_form(ack, view, _story_form, lambda form: flow.submit_story(deps, team_of(body), user_of(body), form),
                             title="Not shared")
        if notice is None:
            return
        ack(response_action="update", view=notice_view("Story shared", notice))
        deliver_now(deps)

    @app.action(ids.STORY_AGREE)
    @guarded
    def agree(ack, body):
        ack()
        flow.answer_consent(deps, team_of(body), user_of(body), action_value(body), True)
        deliver_now(deps)

    @app.action(ids.STORY_DISAGREE)
    @guarded
    def disagree(ack, body):
        ack()
        flow.answer_consent(deps, team_of(body), user_of(body), action_value(body), False)
        deliver_now(deps)

    @app.action(ids.STORY_APPROVE)
    @guarded
    def approve(ack, body):
        ack()
        flow.review_story(deps, team_of(body), user_of(body), action_value(body), "approve")
        deliver_now(deps)

    @app.action(ids.STORY_REJECT)
    @guarded
    def reject(ack, body):
        ack()
        flow.review_story(deps, team_of(body), user_of(body), action_value(body), "reject")
        deliver_now(deps)

    @app.action(ids.STORY_EDIT)
    @guarded
    def edit(ack, body, client):
        ack()
        open_view(client, body, flow.edit_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.view(ids.STORY_EDIT_MODAL)
    @guarded
    def save_edit(ack, body, view):
        approved = submit_form(ack, view, _edit_form, lambda form: flow.review_story(
            deps, team_of(body), user_of(body), metadata(view).get("story_id"), "approve", form), title="Not approved")
        if approved is None:
            return
        ack(response_action="update", view=notice_view("Story approved", "Approved with your edits. The author has been told."))
        deliver_now(deps)
