"""Success stories: written by a participant, agreed to by the partner it names, reviewed by a program admin,
then posted (one per run of the `success-stories` job). No Slack here: the handlers and the job render.

A story's way:  awaiting_partner -> (partner_declined | awaiting_review) -> (approved | rejected) -> posted.
Every move is a conditional UPDATE on the status it leaves, so two clicks, or two admins, have one effect.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.db import rowcount
from bot.services import clock, keys, outbox, profiles
from bot.services.errors import Conflict, DomainError, NotAllowed
from bot.services.lookup import by_hint
from models import OutboxMessage, Partnership, Person, Story
from models.status import OUTBOX_WAITING, OutboxStatus, PartnershipStatus, PersonStatus, StoryStatus

MAX_TITLE = 150
MAX_BODY = 3000
PROMPT_AFTER = timedelta(days=90)
NO_ONE = "none"  # the "No one by name" choice
STORY_PARTNERSHIPS = (PartnershipStatus.ACTIVE, PartnershipStatus.PAUSED, PartnershipStatus.ENDED)


def _clean(value: object) -> object:
    return " ".join(value.split()) if isinstance(value, str) else value


class EditForm(BaseModel):
    """What an admin may change before approving: the title and the text."""

    title: str = Field(min_length=1, max_length=MAX_TITLE)
    body: str = Field(min_length=1, max_length=MAX_BODY)

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: object) -> object:
        return _clean(value) if value is not None else ""

    @field_validator("body", mode="before")
    @classmethod
    def _body(cls, value: object) -> object:
        if value is None:
            return ""
        return value.strip() if isinstance(value, str) else value


class StoryForm(EditForm):
    """The story modal. `who` is the partner's person id, or None for "No one by name"."""

    who: int | None = None

    @field_validator("who", mode="before")
    @classmethod
    def _who(cls, value: object) -> object:
        if value in (None, ""):
            raise ValueError("Choose who is in this story, or “No one by name”.")
        if value == NO_ONE:
            return None
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
            return int(value)
        raise ValueError("Pick one of the choices.")


@dataclass
class Partner:
    person: Person
    partnership: Partnership


def partners_of(session: Session, me: Person) -> list[Partner]:
    """The people of my active, paused and ended partnerships (the latest partnership with each), by name."""
    rows = session.scalars(
        select(Partnership)
        .where(or_(Partnership.person_a_id == me.id, Partnership.person_b_id == me.id),
               Partnership.status.in_(STORY_PARTNERSHIPS))
        .order_by(Partnership.started_at.desc(), Partnership.id.desc())
    ).unique().all()
    found: dict[int, Partner] = {}
    for partnership in rows:
        other = partnership.other(me.id)
        found.setdefault(other.id, Partner(other, partnership))
    return sorted(found.values(), key=lambda p: (p.person.display_name or p.person.slack_user_id).lower())


def names(text: str, person: Person) -> bool:
    """Does the text name this person: their display name as a whole word (any case) or their mention?"""
    if re.search(rf"<@{re.escape(person.slack_user_id)}(\|[^>]*)?>", text):
        return True
    name = (person.display_name or "").strip()
    return bool(name) and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def submit(session: Session, team_id: str, slack_user_id: str, form: StoryForm, now: datetime | None = None) -> Story:
    """Save a new story: awaiting the named partner's agreement, or straight to review when it names no one."""
    now = now or clock.now()
    me = profiles.require(session, team_id, slack_user_id)
    partners = {p.person.id: p for p in partners_of(session, me)}
    named: list[int] = []
    if form.who is not None:
        if form.who not in partners:
            raise NotAllowed("Pick one of your partners, or “No one by name”.", field="who")
        named.append(form.who)
    text = f"{form.title}\n{form.body}"
    named += [pid for pid, p in partners.items() if pid not in named and names(text, p.person)]
    if len(named) > 1:
        who = " and ".join(partners[pid].person.display_name or "a partner" for pid in named)
        raise DomainError(f"This story names more than one of your partners ({who}). Share one story per "
                          "partnership, so each partner can agree to what is said about them.", field="who")
    partner = partners[named[0]] if named else None
    story = Story(
        team_id=me.team_id, author_id=me.id,
        partnership_id=partner.partnership.id if partner else None,
        partner_id=partner.person.id if partner else None,
        title=form.title, body=form.body,
        status=StoryStatus.AWAITING_PARTNER if partner else StoryStatus.AWAITING_REVIEW,
        created_at=now,
    )
    session.add(story)
    session.flush()
    return story


def _move(session: Session, story: Story, from_status: str, **values: object) -> bool:
    """Move the story on from `from_status` exactly once; False when someone else moved it first."""
    result = session.execute(
        update(Story).where(Story.id == story.id, Story.status == from_status).values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(story)
    return rowcount(result) == 1


def partner_decide(session: Session, team_id: str, slack_user_id: str, story_id: object, agree: bool,
                   now: datetime | None = None) -> Story:
    """The named partner agrees (the story goes to review) or doesn't (it will never be posted)."""
    now = now or clock.now()
    story = by_hint(session, Story, story_id)
    if story is None or story.team_id != team_id or story.partner is None \
            or story.partner.slack_user_id != slack_user_id:
        raise NotAllowed("Only the partner named in this story can answer for it.")
    if not _move(session, story, StoryStatus.AWAITING_PARTNER, partner_decided_at=now,
                 status=StoryStatus.AWAITING_REVIEW if agree else StoryStatus.PARTNER_DECLINED):
        if story.status == StoryStatus.PARTNER_DECLINED:
            raise Conflict("You already said no to this story, so it won't be posted.")
        raise Conflict("You already agreed to this story. Thank you!")
    return story


def _reviewable(session: Session, team_id: str, slack_user_id: str, story_id: object, admins: list[str]) -> Story:
    if slack_user_id not in admins:
        raise NotAllowed("Only a program admin can review stories.")
    story = by_hint(session, Story, story_id)
    if story is None or story.team_id != team_id:
        raise NotAllowed("That story doesn't exist in this workspace.")
    return story


def _already(story: Story) -> Conflict:
    when = f" on {story.reviewed_at:%d %B %Y}" if story.reviewed_at else ""
    by = f" by <@{story.reviewed_by}>" if story.reviewed_by else ""
    if story.status in (StoryStatus.APPROVED, StoryStatus.POSTED):
        posted = " and it has been posted" if story.status == StoryStatus.POSTED else ""
        return Conflict(f"This story was already approved{by}{when}{posted}.")
    if story.status == StoryStatus.REJECTED:
        return Conflict(f"This story was already rejected{by}{when}.")
    if story.status == StoryStatus.AWAITING_PARTNER:
        return Conflict("This story still waits for the partner it names to agree.")
    return Conflict("The partner named in this story did not agree, so it can't be posted.")


def for_review(session: Session, team_id: str, slack_user_id: str, story_id: object, admins: list[str]) -> Story:
    """The story, for an admin to edit; refused when it is no longer waiting for review."""
    story = _reviewable(session, team_id, slack_user_id, story_id, admins)
    if story.status != StoryStatus.AWAITING_REVIEW:
        raise _already(story)
    return story


def review(session: Session, team_id: str, slack_user_id: str, story_id: object, admins: list[str],
           decision: Literal["approve", "reject"], edited: EditForm | None = None,
           now: datetime | None = None) -> Story:
    """An admin's decision; the first one wins. `edited` approves the admin's version of the title and text."""
    now = now or clock.now()
    story = _reviewable(session, team_id, slack_user_id, story_id, admins)
    values: dict[str, object] = {"status": StoryStatus.APPROVED if decision == "approve" else StoryStatus.REJECTED,
                                 "reviewed_by": slack_user_id, "reviewed_at": now}
    if edited is not None and decision == "approve":
        values.update(title=edited.title, body=edited.body)
    if not _move(session, story, StoryStatus.AWAITING_REVIEW, **values):
        raise _already(story)
    return story


def claim_next_to_post(session: Session, now: datetime | None = None) -> Story | None:
    """Mark the oldest approved story posted (the caller sends it in the same unit of work), or None."""
    now = now or clock.now()
    candidates = session.scalars(
        select(Story).where(Story.status == StoryStatus.APPROVED).order_by(Story.reviewed_at, Story.id).limit(5)
    ).unique().all()
    for story in candidates:  # another run may take the first one at the same moment: then take the next
        if _move(session, story, StoryStatus.APPROVED, status=StoryStatus.POSTED, posted_at=now):
            return story
    return None


def post_key(session: Session, story: Story) -> str:
    """The outbox key of this story's next post: numbered, so a post that failed can be tried again."""
    tried = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "story-post", OutboxMessage.key.like(keys.story_post_prefix(story.id) + "%"))) or 0
    return keys.story_post(story.id, tried + 1)


def return_failed_posts(session: Session) -> list[int]:
    """Stories marked posted whose every post Slack refused (say the bot was not in the channel) are approved
    again, so the next run tries again. Returns their ids."""
    def story_ids(statuses: tuple[str, ...]) -> set[int]:
        return {int(key.split(":")[1]) for key in session.scalars(select(OutboxMessage.key).where(
            OutboxMessage.kind == "story-post", OutboxMessage.status.in_(statuses)))}

    refused = story_ids((OutboxStatus.FAILED, OutboxStatus.CANCELLED)) - story_ids((*OUTBOX_WAITING, OutboxStatus.SENT))
    back = []
    for story_id in sorted(refused):
        story = session.get(Story, story_id)
        if story is not None and _move(session, story, StoryStatus.POSTED, status=StoryStatus.APPROVED, posted_at=None):
            back.append(story_id)
    return back


def count_approved(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Story).where(Story.status == StoryStatus.APPROVED)) or 0


def review_requests(session: Session, story_id: int) -> list[tuple[str, str]]:
    """(outbox key, admin) of every review request written for this story, whoever was an admin then."""
    prefix = keys.story_review(story_id, "")
    return [(key, admin) for key, admin in session.execute(
        select(OutboxMessage.key, OutboxMessage.recipient).where(OutboxMessage.key.like(prefix + "%"))).all()]


def partner_agreed(story: Story) -> bool:
    return story.partner is not None and story.partner_decided_at is not None and story.status in (
        StoryStatus.AWAITING_REVIEW, StoryStatus.APPROVED, StoryStatus.REJECTED, StoryStatus.POSTED)


# -- prompts: "Share a story" after 3 months and when a partnership ends ------------------------------------------

PromptOccasion = Literal["3-months", "ended"]
# (the person prompted, their partner, the partnership, the occasion) -> {"text", "blocks"}
PromptRenderer = Callable[[Person, Person, Partnership, str], dict]


def enqueue_prompts(session: Session, partnerships: list[Partnership], occasion: str, render: PromptRenderer) -> int:
    """A "Share a story" DM for both people of each partnership, once per occasion (the outbox key sees to it).
    People who left the program are not asked. Returns how many prompts are new."""
    wanted = [(p, person) for p in partnerships for person in (p.person_a, p.person_b) if person.status != PersonStatus.LEFT]
    wanted_keys = [keys.story_prompt(p.id, person.id, occasion) for p, person in wanted]
    seen: set[str] = set()
    for start in range(0, len(wanted_keys), 500):
        seen.update(session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(wanted_keys[start:start + 500]))))
    rows = [{"team_id": p.team_id, "key": key, "kind": "story-prompt", "recipient": person.slack_user_id,
             "payload": render(person, p.other(person.id), p, occasion)}
            for (p, person), key in zip(wanted, wanted_keys) if key not in seen]
    return outbox.enqueue_many(session, rows)


def due_for_three_month_prompt(session: Session, now: datetime | None = None) -> list[Partnership]:
    now = now or clock.now()
    return list(session.scalars(
        select(Partnership).where(Partnership.status == PartnershipStatus.ACTIVE, Partnership.started_at <= now - PROMPT_AFTER)
        .order_by(Partnership.id)
    ).unique())
