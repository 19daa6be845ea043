"""Messages about partnership requests: the ask, the answer, and the pair's kickoff."""

from __future__ import annotations

from datetime import datetime

from messages import ids
from messages.common import actions, button, context, cut, esc, mention, section
from messages.profile import profile_summary


def request_dm(program_name: str, requester, note: str, partnership_id: int, expires_at: datetime) -> dict:
    blocks = [
        section(f"{mention(requester.slack_user_id)} would like to be your peer partner in *{esc(program_name)}*."),
        section(profile_summary(requester)),
    ]
    if note:
        blocks.append(section(f"*Their note:*\n>{esc(cut(note, 1000))}"))
    blocks += [
        actions(
            button("Accept", ids.ACCEPT, partnership_id, style="primary"),
            button("Decline", ids.DECLINE, partnership_id),
            block_id="request_answer",
        ),
        context(f"No reason is needed to decline. The request stays open until {expires_at:%d %B %Y}."),
    ]
    return {"text": f"{requester.display_name or 'A colleague'} would like to be your peer partner", "blocks": blocks}


def request_answered(requester_user_id: str, outcome: str) -> dict:
    text = {
        "accepted": f"You accepted {mention(requester_user_id)}'s request. I've opened a group chat for the two of you.",
        "declined": f"You declined {mention(requester_user_id)}'s request. They'll be told kindly, with no reason given.",
    }.get(outcome, f"This request from {mention(requester_user_id)} is {outcome}.")
    return {"text": text, "blocks": [section(text)]}


def request_sent(target_user_id: str) -> str:
    return (f"Your request is on its way to {mention(target_user_id)}. I'll tell you when they answer; "
            "it stays open for 14 days.")


def accepted_for_requester(partner_user_id: str) -> dict:
    text = (f"Good news: {mention(partner_user_id)} accepted your request. Your partnership is active, "
            "and I've opened a group chat for the two of you.")
    return {"text": text, "blocks": [section(text)]}


def declined_for_requester(partner_user_id: str) -> dict:
    text = (f"{mention(partner_user_id)} can't take on a partnership right now. That's nothing personal: "
            "time and capacity change. Other peers may suit you just as well.")
    return {"text": text, "blocks": [section(text), actions(button("Find a partner", ids.FIND), block_id="after_decline")]}


def undelivered_for_requester(target_user_id: str) -> dict:
    text = (f"I couldn't deliver your request to {mention(target_user_id)}: Slack won't take messages for them "
            "(their account may be deactivated). The request lapses by itself; other peers may suit you just as well.")
    return {"text": text, "blocks": [section(text), actions(button("Find a partner", ids.FIND), block_id="after_undelivered")]}


def expired_for_requester(target_user_id: str) -> dict:
    text = (f"Your request to {mention(target_user_id)} expired after 14 days without an answer. People get busy; "
            "it says nothing about you. You can ask someone else, or ask them again later.")
    return {"text": text, "blocks": [section(text), actions(button("Find a partner", ids.FIND), block_id="after_expiry")]}


def kickoff(program_name: str, a_user_id: str, b_user_id: str, partnership_id: int) -> dict:
    text = f"Welcome to your peer partnership, {mention(a_user_id)} and {mention(b_user_id)}!"
    blocks = [
        section(f"*{text}*"),
        section(
            f"In *{esc(program_name)}* you are both mentor and mentee: each of you shares what you know and "
            "learns from the other. It is *not coaching* (nobody assesses or directs the other) and *not "
            "counselling*. It works on trust and respect."
        ),
        section(
            "*First step: write your agreement.* Say what the partnership is for (career journey, knowledge "
            "gaps, experience gaps), what is off limits, how often you meet and for how long. Your supervisors "
            "are asked to acknowledge it, which protects your time."
        ),
        actions(
            button("Write our agreement", ids.AGREEMENT_WRITE, partnership_id, style="primary"),
            button("Plan our next meeting", ids.PLAN_OPEN, partnership_id),
            button("Log a meeting", ids.LOG_OPEN, partnership_id),
            block_id="kickoff_actions",
        ),
    ]
    return {"text": text, "blocks": blocks}
