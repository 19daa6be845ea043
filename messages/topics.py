"""Topic sessions: the "host a session" modal, the paged list with Join / Leave / Cancel, and the DMs
(cancelled, reminder)."""

from __future__ import annotations

from datetime import datetime

from bot.services.topics import LENGTHS, MAX_DESCRIPTION, MAX_SEATS, MAX_TITLE, PAGE, Listed, Page
from messages import ids
from messages.common import (
    actions,
    button,
    confirm_dialog,
    context,
    cut,
    datepicker,
    esc,
    input_block,
    modal,
    option,
    section,
    select,
    slack_time,
    text_input,
    who,
)

DESCRIPTION_SHOWN = 400


def when(starts_at: datetime, minutes: int | None = None) -> str:
    """The start as Slack shows it to each reader, in their own time zone (UTC as the fallback)."""
    text = slack_time(starts_at, "%a %d %b %Y %H:%M")
    return f"{text} ({minutes} min)" if minutes else text


def topic_modal(tz_label: str) -> dict:
    blocks = [
        section("Offer a session to colleagues: *come learn about…*. Anyone in the program can take a seat, and "
                "everyone who has one is reminded the day before."),
        text_input("title", "Topic", max_length=MAX_TITLE, placeholder="Come learn about writing good SQL"),
        text_input("description", "What you will cover", multiline=True, max_length=MAX_DESCRIPTION,
                   optional=True, placeholder="Who it is for, what to bring, where or how to join"),
        input_block("day", "Day", datepicker()),
        input_block("at", "Time", {"type": "timepicker", "action_id": "value", "initial_time": "14:00"},
                    hint=f"In your time zone ({tz_label}). Everyone else sees it in theirs."),
        input_block("minutes", "Length", select([option(f"{m} minutes", m) for m in LENGTHS], initial=60)),
        input_block("seats", "Seats", {"type": "number_input", "action_id": "value", "is_decimal_allowed": False,
                                       "min_value": "1", "max_value": str(MAX_SEATS), "initial_value": "20"},
                    hint="How many people can join, not counting you."),
    ]
    return modal("Host a topic session", ids.TOPIC_MODAL, blocks, submit="List it")


def hosted_notice(topic) -> str:
    return (f"*{esc(topic.title)}* is listed for {when(topic.starts_at, topic.minutes)}, with {topic.seats} "
            "seats. People find it with `/mentor topics`; you can cancel it there, and everyone with a seat is told.")


def _item(item: Listed, offset: int, joined: bool) -> list[dict]:
    topic = item.topic
    value = f"{topic.id}:{offset}"
    if item.hosting:
        accessory = button("Cancel session", ids.unique(ids.TOPIC_CANCEL, topic.id), value, style="danger",
                           confirm=confirm_dialog("Cancel this session?",
                                                  "Everyone with a seat is told it is cancelled.", "Cancel it",
                                                  "Keep it"))
    elif item.going:
        accessory = button("Leave", ids.unique(ids.TOPIC_LEAVE, topic.id), value)
    elif item.left > 0 and joined:
        accessory = button("Join", ids.unique(ids.TOPIC_JOIN, topic.id), value, style="primary")
    else:
        accessory = None
    text = (f"*{esc(cut(topic.title, MAX_TITLE))}*\n{when(topic.starts_at, topic.minutes)}, "
            f"hosted by {who(item.host.display_name, item.host.slack_user_id)}")
    if topic.description:
        text += "\n" + esc(cut(topic.description, DESCRIPTION_SHOWN))
    seats = "Full" if item.left == 0 else f"{item.left} of {topic.seats} seats left"
    status = " · *You're hosting*" if item.hosting else " · *You have a seat*" if item.going else ""
    return [section(text, block_id=f"topic_{topic.id}", accessory=accessory),
            context(f"{seats}{status}")]


def topics_message(program_name: str, page: Page, note: str | None = None) -> dict:
    blocks: list[dict] = []
    if note:
        blocks.append(section(note))
    if not page.items:
        blocks.append(section(f"No topic sessions are coming up in *{esc(program_name)}*. Know something "
                              "colleagues would like to learn? Host a session."))
    else:
        first, last = page.offset + 1, page.offset + len(page.items)
        blocks.append(section(f"*Topic sessions coming up in {esc(program_name)}* ({first} to {last} of {page.total})"))
        for item in page.items:
            blocks += _item(item, page.offset, page.joined)
        if not page.joined:
            blocks.append(context("Join the program (`/mentor join`) to take a seat."))
    nav = [button("Host a session", ids.TOPIC_HOST)]
    if page.offset > 0:
        nav.append(button("Previous", ids.unique(ids.TOPIC_PAGE, "prev"), max(page.offset - PAGE, 0)))
    if page.has_more:
        nav.append(button("Next", ids.unique(ids.TOPIC_PAGE, "next"), page.offset + PAGE))
    blocks.append(actions(*nav, block_id="topics_nav"))
    return {"text": note or "Topic sessions coming up", "blocks": blocks}


def cancelled_message(program_name: str, topic, host) -> dict:
    text = (f"*{esc(topic.title)}* on {when(topic.starts_at)}, hosted by {who(host.display_name, host.slack_user_id)}, "
            f"has been cancelled by its host. Sorry! Other *{esc(program_name)}* sessions: `/mentor topics`.")
    return {"text": f"Cancelled: {topic.title}", "blocks": [section(text)]}


def reminder_message(topic, host, person, going: int) -> dict:
    if person.id == host.id:
        people = ("nobody has taken a seat yet" if going == 0
                  else f"{going} {'person has' if going == 1 else 'people have'} a seat")
        text = f"A reminder: you host *{esc(topic.title)}* {when(topic.starts_at, topic.minutes)}; {people}."
        return {"text": f"Reminder: you host {topic.title}", "blocks": [section(text)]}
    text = (f"A reminder: *{esc(topic.title)}* with {who(host.display_name, host.slack_user_id)} starts "
            f"{when(topic.starts_at, topic.minutes)}. You have a seat. Can't make it? Leave it in `/mentor topics` "
            "so someone else can have it.")
    return {"text": f"Reminder: {topic.title}", "blocks": [section(text)]}
