"""Recognition: "Thank your partner" (the modal and the partner's news), a find card's sessions and testimonials,
and the monthly thank-you post."""

from __future__ import annotations

import json
from datetime import date

from messages import ids
from messages.common import checkboxes, context, esc, input_block, mention, modal, option, section, text_input, who

SHOW = "show"
SHOW_LABEL = "You may show this on my partner's profile"


def thank_modal(partnership_id: int, partner_name: str, text: str = "", shown: bool = False) -> dict:
    name = partner_name or "your partner"
    blocks = [
        section(f"A few words for *{esc(name)}*: what they helped you with, what you'll remember. They'll see it."),
        text_input("text", f"Thank you, {name}"[:2000], multiline=True, max_length=1000, initial=text,
                   placeholder="What I learned from you, and what I'll keep doing"),
        input_block("show_on_profile", "Their profile", checkboxes([option(SHOW_LABEL, SHOW)], [SHOW] if shown else []),
                    optional=True, hint="Shown on their card when colleagues look for a partner with /mentor find. "
                    "Untick it later to take it down."),
    ]
    return modal("Thank your partner", ids.THANK_MODAL, blocks, submit="Send thanks",
                 private_metadata=json.dumps({"partnership_id": partnership_id}))


def thanked(partner_name: str, shown: bool, created: bool) -> str:
    where = ("It may be shown on their profile in `/mentor find`." if shown else
             "It stays between the two of you: it is not shown on their profile.")
    first = f"Sent: {esc(partner_name or 'your partner')} will see your thanks. " if created else "Updated. "
    return first + where


def thanks_received(program: str, name: str, user_id: str, text: str, shown: bool) -> dict:
    quote = "\n".join("> " + line for line in esc(text).splitlines() or [""])
    note = ("They're happy for it to be shown on your profile in `/mentor find`." if shown else
            "They kept it between the two of you.")
    return {"text": f"{name or 'Your former partner'} thanked you",
            "blocks": [section(f"{who(name, user_id)}, your partner in *{esc(program)}*, thanked you:"),
                       section(quote[:2900]), context(note)]}


def card_lines(sessions: int, testimonials: list[tuple[str, str]]) -> str:
    """What a find card adds: sessions held in the program, and up to two short testimonials."""
    lines = [f"Sessions held in the program: {sessions}"]
    for name, text in testimonials:
        lines.append(f"> “{esc(' '.join(text.split()))[:280]}” — {esc(name or 'a former partner')}")
    return "\n".join(lines)


def _month(day: date) -> str:
    return f"{day:%B %Y}"


def thank_you_post(program: str, people: list[str], first: date, last: date) -> dict:
    """The monthly post in the stories channel: the people (Slack ids) who opted in and kept their cadence."""
    names = ", ".join(mention(u) for u in people)
    text = (f"*Thank you!* These people in *{esc(program)}* kept the meeting rhythm they agreed with their partners "
            f"every month from {_month(first)} to {_month(last)}: {names}. Showing up is what makes mentoring work.")
    return {"text": f"{program}: thank you to {len(people)} people who kept their meeting rhythm",
            "blocks": [section(text[:3000]),
                       context("Only people who chose “Include me in the monthly thank-you post” in their profile are "
                               "named.")]}
