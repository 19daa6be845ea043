"""`/mentor find` results and the "Ask to partner" modal."""

from __future__ import annotations

import json

from bot.services.circle_fit import Listed
from bot.services.matching import FindResult, Suggestion
from bot.services.recognition import CardFacts
from messages import ids
from messages.circles import find_circle
from messages.common import actions, button, context, divider, esc, mention, modal, section, text_input, who
from messages.recognition import card_lines


def not_joined() -> dict:
    return {
        "text": "Join the program first",
        "blocks": [
            section("To find a partner, first tell the program what you can share and what you want to learn."),
            actions(button("Join the program", ids.OPEN_PROFILE, style="primary"), block_id="join_first"),
        ],
    }


def _suggestion_block(s: Suggestion, facts: CardFacts | None = None) -> dict:
    p = s.person
    title = f" · {esc(p.title)}" if p.title else ""
    head = f"{who(p.display_name, p.slack_user_id)}{title}\n{esc(p.department)} · Level {p.level}"
    if s.reciprocal:
        head += " · _you can help each other_"
    reasons = "\n".join(f"• {esc(r)}" for r in s.reasons)
    if facts is not None:  # sessions held in the program, and testimonials their writers allow on the profile
        reasons += "\n" + card_lines(facts.sessions, facts.testimonials)
    return section(f"{head}\n{reasons}", block_id=f"candidate_{p.id}",
                   accessory=button("Ask to partner", ids.unique(ids.ASK, p.id), p.id, style="primary"))


def results(result: FindResult, words: list[str], facts: dict[int, CardFacts] | None = None, *,
            circle: Listed | None = None) -> dict:
    about = f" for “{esc(' '.join(words))}”" if words else ""
    blocks = []
    if result.suggestions:
        first = result.page * 5 + 1
        last = first + len(result.suggestions) - 1
        blocks.append(section(f"*Peers who suit you{about}* ({first}–{last} of {result.total}). "
                              "Reciprocal pairs, where each can help the other, come first."))
        for suggestion in result.suggestions:
            blocks += [divider(), _suggestion_block(suggestion, (facts or {}).get(suggestion.person.id))]
    for hint in result.hints:
        blocks.append(section(esc(hint)) if not result.suggestions else context(esc(hint)))
    buttons = []
    if result.has_more:
        buttons.append(button("Show more", ids.FIND_MORE, json.dumps({"p": result.page + 1, "q": words})))
    if not result.suggestions:
        buttons.append(button("Edit my profile", ids.OPEN_PROFILE))
    if buttons:
        blocks.append(actions(*buttons, block_id="find_more"))
    if circle is not None:  # an open peer circle that fits, after the people
        blocks += find_circle(circle)
    n = len(result.suggestions)
    text = (f"{n} peer{'s' if n != 1 else ''} who suit{'s' if n == 1 else ''} you" if n else "No good match right now")
    return {"text": text, "blocks": blocks}


def ask_modal(person_id: int, slack_user_id: str) -> dict:
    blocks = [
        section(f"Ask {mention(slack_user_id)} to be your peer partner. They'll see your profile and your note, "
                "and can accept or decline. The request stays open for 14 days."),
        text_input("note", "A note for them", multiline=True, max_length=1000, optional=True,
                   placeholder="Why you'd like to partner, what you hope to learn and share"),
    ]
    return modal("Ask to partner", ids.ASK_MODAL, blocks, submit="Send request",
                 private_metadata=json.dumps({"person_id": person_id}))
