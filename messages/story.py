"""The story modal, the partner's consent request, the admins' review, the author's news, the posted story,
and the "Share a story" prompt."""

from __future__ import annotations

import json

from bot.services.stories import MAX_BODY, MAX_TITLE, NO_ONE, partner_agreed
from messages import ids
from messages.common import (
    SECTION_MAX,
    actions,
    button,
    confirm_dialog,
    context,
    cut,
    esc,
    header,
    input_block,
    mention,
    modal,
    option,
    section,
    select,
    text_input,
    who,
)
from models.status import StoryStatus


def _body(text: str) -> list[dict]:
    """The story's text as sections, split at line ends so that no section goes over Slack's limit."""
    blocks, chunk = [], ""
    for line in esc(text).split("\n"):
        while len(line) > SECTION_MAX:
            if chunk:
                blocks.append(section(chunk))
                chunk = ""
            blocks.append(section(line[:SECTION_MAX]))
            line = line[SECTION_MAX:]
        candidate = f"{chunk}\n{line}" if chunk else line
        if len(candidate) > SECTION_MAX:
            blocks.append(section(chunk))
            candidate = line
        chunk = candidate
    if chunk.strip():
        blocks.append(section(chunk))
    return blocks


def _story(story) -> list[dict]:
    return [header(story.title), *_body(story.body)]


def _quoted_title(story) -> str:
    return f"“{esc(cut(story.title, MAX_TITLE))}”"


def _byline(story) -> str:
    author = who(story.author.display_name, story.author.slack_user_id)
    if partner_agreed(story):
        return f"{author} with {who(story.partner.display_name, story.partner.slack_user_id)}"
    return author


# -- writing ------------------------------------------------------------------------------------------------------

def story_modal(partners: list[tuple[int, str]], chosen: int | None = None) -> dict:
    """`partners` are (person id, name) of the people of my partnerships; without any, no "who" question."""
    blocks = [
        section("Share what changed for you through the program: a skill, a habit, some confidence. "
                "A program admin reads every story before it is posted in the stories channel."
                + (" If your story names your partner, they are asked to agree first." if partners else "")),
        text_input("title", "Title", max_length=MAX_TITLE, placeholder="From nervous to giving my first talk"),
        text_input("body", "What changed", multiline=True, max_length=MAX_BODY,
                   placeholder="Where you started, what you did together, where you are now"),
    ]
    if partners:
        options = [option(name, person_id) for person_id, name in partners] + [option("No one by name", NO_ONE)]
        blocks.append(input_block(
            "who", "Who is in this story?", select(options, initial=chosen, placeholder="Choose"),
            hint="A partner you name (here or in your text) is asked to agree before anything is posted."))
    return modal("Share a story", ids.STORY_MODAL, blocks, submit="Share")


def submitted_notice(story, has_admins: bool) -> str:
    if story.status == StoryStatus.AWAITING_PARTNER:
        name = esc(story.partner.display_name) or "your partner"
        return (f"Thank you for sharing your story! It names *{name}*, so we have asked them to agree before it goes "
                "to review. We'll let you know how it goes.")
    if not has_admins:
        return ("Thank you for sharing your story! It waits for a program admin to review it: none is set up yet. "
                "We'll let you know once it is reviewed.")
    return "Thank you for sharing your story! A program admin will review it, and we'll let you know how it goes."


# -- the partner's consent ---------------------------------------------------------------------------------------

def consent_request(program_name: str, story) -> dict:
    author = who(story.author.display_name, story.author.slack_user_id)
    blocks = [
        section(f"{author} wrote a success story for *{esc(program_name)}* that names you. "
                "It is only shared if you agree, and a program admin reviews it first."),
        *_story(story),
        actions(button("Agree", ids.STORY_AGREE, story.id, style="primary"),
                button("Don't agree", ids.STORY_DISAGREE, story.id),
                block_id=f"story_consent_{story.id}"),
        context("No reason is needed if you would rather not appear in it."),
    ]
    return {"text": f"{story.author.display_name or 'Your partner'} wrote a success story that names you: "
                    f"do you agree to it being shared?", "blocks": blocks}


def consent_answered(program_name: str, story) -> dict:
    agreed = story.partner_decided_at is not None and story.status != StoryStatus.PARTNER_DECLINED
    outcome = ("You agreed to this story. Thank you! A program admin reviews it next." if agreed
               else "You said no to this story, so it won't be posted. The author has been told, kindly.")
    author = who(story.author.display_name, story.author.slack_user_id)
    blocks = [section(f"{author} wrote a success story for *{esc(program_name)}* that names you."),
              *_story(story), context(outcome)]
    return {"text": outcome, "blocks": blocks}


def partner_declined_for_author(story) -> dict:
    partner = who(story.partner.display_name, story.partner.slack_user_id)
    text = (f"{partner} would rather not appear in your story {_quoted_title(story)}, so it won't be posted. "
            "That's completely fine, and no reason is needed. Thank you for sharing it all the same: "
            "you're welcome to share another story with `/mentor story`.")
    return {"text": f"Your story {story.title!r} won't be posted.", "blocks": [section(text)]}


def partner_agreed_for_author(story, has_admins: bool) -> dict:
    partner = who(story.partner.display_name, story.partner.slack_user_id)
    nxt = ("A program admin reviews it next." if has_admins
           else "It now waits for a program admin to review it: none is set up yet.")
    text = f"{partner} agreed to your story {_quoted_title(story)}. {nxt} We'll let you know how it goes."
    return {"text": f"Your partner agreed to your story. {nxt}", "blocks": [section(text)]}


# -- the admins' review ------------------------------------------------------------------------------------------

def _about(story) -> str:
    author = who(story.author.display_name, story.author.slack_user_id)
    if partner_agreed(story):
        return f"By {author}. {who(story.partner.display_name, story.partner.slack_user_id)} agreed to be named."
    return f"By {author}. It names no partner."


def review_request(program_name: str, story) -> dict:
    blocks = [
        section(f"A success story for *{esc(program_name)}* waits for your review."),
        *_story(story),
        context(_about(story)),
        actions(
            button("Approve", ids.STORY_APPROVE, story.id, style="primary"),
            button("Edit", ids.STORY_EDIT, story.id),
            button("Reject", ids.STORY_REJECT, story.id, style="danger",
                   confirm=confirm_dialog("Reject this story?", "It won't be posted; the author is told kindly.",
                                          "Reject")),
            block_id=f"story_review_{story.id}",
        ),
    ]
    return {"text": f"A success story waits for your review: {story.title}", "blocks": blocks}


def reviewed(program_name: str, story) -> dict:
    """The review request once someone decided: the story as decided, without buttons."""
    verb = "Rejected" if story.status == StoryStatus.REJECTED else "Approved"
    outcome = f"{verb} by {mention(story.reviewed_by)} on {story.reviewed_at:%d %B %Y}."
    if story.status == StoryStatus.POSTED:
        outcome += " Posted."
    blocks = [section(f"A success story for *{esc(program_name)}*."), *_story(story), context(_about(story)),
              context(outcome)]
    return {"text": f"{verb}: {story.title}", "blocks": blocks}


def edit_modal(story) -> dict:
    blocks = [
        section("Edit the story, then save to approve your version. The author is told it was edited."),
        text_input("title", "Title", max_length=MAX_TITLE, initial=story.title),
        text_input("body", "What changed", multiline=True, max_length=MAX_BODY, initial=story.body),
    ]
    return modal("Edit story", ids.STORY_EDIT_MODAL, blocks, submit="Approve",
                 private_metadata=json.dumps({"story_id": story.id}))


def outcome_for_author(story, edited: bool, stories_channel: str | None) -> dict:
    where = f"in <#{stories_channel}>" if stories_channel else "in the stories channel"
    if story.status == StoryStatus.REJECTED:
        text = (f"Thank you for sharing your story {_quoted_title(story)}. The program team decided not to post "
                "it this time. It still counts: thank you for taking part, and for telling us what changed.")
        return {"text": "Your story won't be posted this time. Thank you for sharing it.", "blocks": [section(text)]}
    if edited:
        blocks = [section(f"Your story was approved with a few edits by a program admin. It will be posted {where} "
                          "soon. This is the version that will be shared:"), *_story(story)]
        return {"text": "Your story was approved with a few edits.", "blocks": blocks}
    text = f"Your story {_quoted_title(story)} was approved! It will be posted {where} soon."
    return {"text": "Your story was approved!", "blocks": [section(text)]}


# -- posting and prompting ---------------------------------------------------------------------------------------

def posted_story(program_name: str, story) -> dict:
    blocks = [
        context(f"A *{esc(program_name)}* success story"),
        *_story(story),
        context(f"Shared by {_byline(story)}"),
    ]
    return {"text": f"A {program_name} success story: {story.title}", "blocks": blocks}


def story_prompt(program_name: str, person, partner, partnership, occasion: str) -> dict:
    """A "Share a story" DM to `person` about their partnership with `partner`."""
    them = who(partner.display_name, partner.slack_user_id)
    program = esc(program_name)
    if occasion == "ended":
        opening = f"Your partnership with {them} in *{program}* has ended. Thank you for taking part!"
    else:
        opening = f"You and {them} have been partners in *{program}* for three months now."
    text = (f"{opening} Has something changed for you: a skill, a habit, some confidence? A short story helps "
            "others see what peer mentoring can do. If it names your partner, they are asked to agree first.")
    blocks = [section(text), actions(button("Share a story", ids.STORY_SHARE, partnership.id, style="primary"),
                                     block_id=f"story_prompt_{partnership.id}")]
    return {"text": "Has something changed for you? Share a story.", "blocks": blocks}
