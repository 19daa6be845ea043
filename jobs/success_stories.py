"""success-stories: post the next approved story to STORIES_CHANNEL (one per run), and ask pairs who have been
partners for three months for a story. Both go through the outbox, so a repeated run sends nothing twice."""

from __future__ import annotations

from bot.services import clock, outbox, stories
from handlers.blocks.story import posted_story, story_prompt
from jobs import JobContext


def run(ctx: JobContext) -> str:
    now = clock.now()
    program = ctx.settings.program_name
    channel = ctx.settings.stories_channel
    with ctx.db.uow() as session:
        stories.return_failed_posts(session)  # a post Slack refused last time is tried again
        if channel is None:
            posting = f"STORIES_CHANNEL is not set; {stories.count_approved(session)} approved stories wait"
        else:
            story = stories.claim_next_to_post(session, now)
            if story is None:
                posting = "no approved story to post"
            else:
                outbox.enqueue(session, story.team_id, stories.post_key(session, story), "story-post", channel,
                               posted_story(program, story), priority=0)
                posting = f"posted story {story.id} to {channel}"
    with ctx.db.uow() as session:
        prompted = stories.enqueue_prompts(
            session, stories.due_for_three_month_prompt(session, now), "3-months",
            lambda person, partner, partnership, occasion: story_prompt(program, person, partner, partnership, occasion))
    report = ctx.deliver()
    with ctx.db.uow() as session:
        if stories.return_failed_posts(session):  # Slack refused it: it waits, approved, for the next run
            posting += ", but Slack refused it; it will be tried again"
    failed = f" ({'; '.join(report.errors)})" if report.errors else ""
    return f"{posting}; {prompted} story prompt(s) sent; delivery: {report}{failed}"
