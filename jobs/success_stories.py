"""success-stories: post the next approved story to STORIES_CHANNEL (one per run), and ask pairs who have been
partners for three months for a story. Both go through the outbox, so a repeated run sends nothing twice."""

from __future__ import annotations

from bot.services import clock, outbox, program, stories
from messages.story import posted_story, story_prompt
from jobs import JobContext


class _NoChannel(Exception):
    pass


def run(ctx: JobContext) -> str:
    now = clock.now()
    try:
        with ctx.db.uow() as session:
            stories.return_failed_posts(session)  # a post Slack refused last time is tried again
            story = stories.claim_next_to_post(session, now)
            # the channel and name of the story's team, as its admins set them (or the settings)
            prog = program.current(session, story.team_id if story else "", ctx.settings)
            if story is not None and prog.stories_channel is not None:
                outbox.enqueue(session, story.team_id, stories.post_key(session, story), "story-post",
                               prog.stories_channel, posted_story(prog.name, story), priority=0)
                posting = f"posted story {story.id} to {prog.stories_channel}"
            elif story is None:
                posting = "no approved story to post"
            else:
                raise _NoChannel()  # the story stays approved (the claim rolls back)
    except _NoChannel:
        with ctx.db.uow() as session:
            posting = f"STORIES_CHANNEL is not set; {stories.count_approved(session)} approved stories wait"
    with ctx.db.uow() as session:
        prompted = stories.enqueue_prompts(
            session, stories.due_for_three_month_prompt(session, now), "3-months",
            lambda person, partner, partnership, occasion: story_prompt(
                program.current(session, partnership.team_id, ctx.settings).name, person, partner, partnership, occasion))
    report = ctx.deliver()
    with ctx.db.uow() as session:
        if stories.return_failed_posts(session):  # Slack refused it: it waits, approved, for the next run
            posting += ", but Slack refused it; it will be tried again"
    failed = f" ({'; '.join(report.errors)})" if report.errors else ""
    return f"{posting}; {prompted} story prompt(s) sent; delivery: {report}{failed}"
