"""Success stories: a participant shares one, the partner it names agrees (or not), a program admin approves (maybe
with edits) or rejects it; the `success-stories` job posts the next approved one and asks pairs of three months
for a story. Every message about a story is written in the unit of work that changes the story."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.flows.context import Context
from bot.services import clock, keys, outbox, profiles, program, stories
from bot.services.lookup import by_hint
from bot.services.stories import EditForm, StoryForm
from messages import story as blocks
from models import Partnership, Story
from models.status import StoryStatus

log = logging.getLogger("mentor_bot.stories")



def _ask_admins(session: Session, ctx: Context, story: Story) -> None:
    """Each program admin gets the story with Approve / Edit / Reject."""
    admins = program.admins(session, story.team_id, ctx.settings)
    if not admins:
        log.warning("story %s waits for review but PROGRAM_ADMINS is empty", story.id)
    message = blocks.review_request(program.current(session, story.team_id, ctx.settings).name, story)
    for admin in dict.fromkeys(admins):
        outbox.enqueue(session, story.team_id, keys.story_review(story.id, admin), "story-review", admin, message)


def _update_sent(session: Session, story: Story, sent_key: str, key: str, recipient: str, message: dict) -> None:
    """Edit a message about the story that Slack has (once, under `key`)."""
    row = outbox.sent(session, sent_key)
    if row is not None and row.slack_channel and row.slack_ts:
        outbox.enqueue(session, story.team_id, key, "story-update", recipient,
                       {"update": {"channel": row.slack_channel, "ts": row.slack_ts}, **message})


# -- writing ----------------------------------------------------------------------------------------------------
def story_form(ctx: Context, team_id: str, user_id: str, partnership_hint: object = None) -> dict:
    """The story modal; a prompt's partnership (a hint only: it must be mine) preselects that partner."""
    with ctx.db.uow() as session:
        me = profiles.require(session, team_id, user_id)
        partners = stories.partners_of(session, me)
        chosen = None
        partnership = by_hint(session, Partnership, partnership_hint)
        if partnership is not None and me.id in partnership.member_ids():
            chosen = next((p.person.id for p in partners if p.person.id == partnership.other(me.id).id), None)
        return blocks.story_modal([(p.person.id, p.person.display_name or p.person.slack_user_id) for p in partners],
                                  chosen)


def submit_story(ctx: Context, team_id: str, user_id: str, form: StoryForm) -> str:
    """Save my story: the partner it names is asked to agree first; a story naming no one goes to the admins.
    Returns the modal's notice."""
    with ctx.db.uow() as session:
        story = stories.submit(session, team_id, user_id, form)
        if story.status == StoryStatus.AWAITING_PARTNER and story.partner is not None:
            name = program.current(session, team_id, ctx.settings).name
            outbox.enqueue(session, story.team_id, keys.story_consent(story.id), "story-consent",
                           story.partner.slack_user_id, blocks.consent_request(name, story))
        else:
            _ask_admins(session, ctx, story)
        return blocks.submitted_notice(story, bool(program.admins(session, team_id, ctx.settings)))


def answer_consent(ctx: Context, team_id: str, user_id: str, story_hint: object, agree: bool) -> None:
    """The partner a story names agrees (it goes to the admins) or not (it is never posted): their question shows
    the answer, and the author is told."""
    with ctx.db.uow() as session:
        story = stories.partner_decide(session, team_id, user_id, story_hint, agree)  # I am the partner it names
        _update_sent(session, story, keys.story_consent(story.id), keys.story_consent_answered(story.id), user_id,
                     blocks.consent_answered(program.current(session, team_id, ctx.settings).name, story))
        author = story.author.slack_user_id
        if agree:
            outbox.enqueue(session, team_id, keys.story_partner_agreed(story.id), "story-news", author,
                           blocks.partner_agreed_for_author(story, bool(program.admins(session, team_id, ctx.settings))))
            _ask_admins(session, ctx, story)
        else:
            outbox.enqueue(session, team_id, keys.story_partner_declined(story.id), "story-news", author,
                           blocks.partner_declined_for_author(story))


# -- the admins' review -----------------------------------------------------------------------------------------
def edit_form(ctx: Context, team_id: str, user_id: str, story_hint: object) -> dict:
    """The edit modal of a story waiting for review (program admins only)."""
    with ctx.db.uow() as session:
        story = stories.for_review(session, team_id, user_id, story_hint, program.admins(session, team_id, ctx.settings))
        return blocks.edit_modal(story)


def review_story(ctx: Context, team_id: str, user_id: str, story_hint: object, decision: str,
                 edited: EditForm | None = None) -> str:
    """An admin approves (with `edited`: their version) or rejects a story; the first decision wins. The author
    is told, and every admin's review request shows the decision instead of the buttons. Returns its new status."""
    with ctx.db.uow() as session:
        story = stories.review(session, team_id, user_id, story_hint, program.admins(session, team_id, ctx.settings),
                               decision, edited)  # type: ignore[arg-type]
        prog = program.current(session, team_id, ctx.settings)
        outbox.enqueue(session, team_id, keys.story_outcome(story.id), "story-news", story.author.slack_user_id,
                       blocks.outcome_for_author(story, edited is not None, prog.stories_channel))
        reviewed = blocks.reviewed(prog.name, story)
        for key, admin in stories.review_requests(session, story.id):
            _update_sent(session, story, key, keys.story_reviewed(story.id, admin), admin, reviewed)
        return story.status


# -- the job ----------------------------------------------------------------------------------------------------
class _NoChannel(Exception):
    pass


def post_next(ctx: Context, now: datetime | None = None) -> str:
    """Post the oldest approved story to its team's stories channel (one per run); a post Slack refused last time
    is tried again. Returns what happened."""
    now = now or clock.now()
    try:
        with ctx.db.uow() as session:
            stories.return_failed_posts(session)
            story = stories.claim_next_to_post(session, now)
            prog = program.current(session, story.team_id if story else "", ctx.settings)
            if story is None:
                return "no approved story to post"
            if prog.stories_channel is None:
                raise _NoChannel()  # the story stays approved (the claim rolls back)
            outbox.enqueue(session, story.team_id, stories.post_key(session, story), "story-post",
                           prog.stories_channel, blocks.posted_story(prog.name, story), priority=0)
            return f"posted story {story.id} to {prog.stories_channel}"
    except _NoChannel:
        with ctx.db.uow() as session:
            return f"STORIES_CHANNEL is not set; {stories.count_approved(session)} approved stories wait"


def prompt_three_months(ctx: Context, now: datetime | None = None) -> int:
    """Both people of every partnership three months old get a "Share a story" DM, once. Returns how many."""
    now = now or clock.now()
    with ctx.db.uow() as session:
        return stories.enqueue_prompts(
            session, stories.due_for_three_month_prompt(session, now), "3-months",
            lambda person, partner, partnership, occasion: blocks.story_prompt(
                program.current(session, partnership.team_id, ctx.settings).name, person, partner, partnership, occasion))


def requeue_refused_posts(ctx: Context) -> bool:
    """Stories whose post Slack refused wait, approved, for the next run. Whether there were any."""
    with ctx.db.uow() as session:
        return bool(stories.return_failed_posts(session))
