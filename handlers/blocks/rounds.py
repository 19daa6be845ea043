"""Messages and modals of formal pairing: introductions (a round's pairs, onboarding buddies) and the round's
review for admins. Pure functions: facts in, Block Kit out."""

from __future__ import annotations

from handlers import ids
from handlers.blocks.common import actions, button, context, cut, esc, mention, section, who

_ROLE_WORDS = {
    # kind -> (what the giver is to the taker, what the taker is to the giver)
    "formal": ("mentor", "mentee"),
    "buddy": ("onboarding buddy", "newcomer"),
}


def _roles(kind: str) -> tuple[str, str]:
    return _ROLE_WORDS.get(kind, ("mentor", "mentee"))


def intro_dm(program_name: str, kind: str, intro_id: int, *, me_is_giver: bool, other_name: str, other_user_id: str,
             other_summary: str, reason: str) -> dict:
    """The introduction DM: who the other person is, why the program paired you (the context box), Accept / Decline."""
    giver_role, taker_role = _roles(kind)
    if me_is_giver:
        lead = f"*{esc(program_name)}* would like you to be the {giver_role} of {who(other_name, other_user_id)}."
    else:
        lead = f"*{esc(program_name)}* would like to introduce you to {who(other_name, other_user_id)}, your {giver_role}."
    if kind == "buddy":
        plan = "A buddy helps a newcomer through their first 45 days: questions, people, how things work here."
    else:
        plan = ("In a formal mentoring partnership the mentor shares experience and the mentee sets the goals. "
                "It is not coaching and not a reporting line; it works on trust and respect.")
    blocks = [section(lead)]
    if other_summary:
        blocks.append(section(other_summary))
    if reason:
        blocks.append(context(f"*Why you two:* {esc(cut(reason, 1500))}"))
    blocks += [
        section(plan),
        actions(button("Accept", ids.INTRO_ACCEPT, intro_id, style="primary"), button("Decline", ids.INTRO_DECLINE, intro_id),
                block_id="intro_answer"),
        context("When you both accept, I open a group chat for the two of you. No reason is needed to decline."),
    ]
    text = f"{other_name or 'A colleague'}: an introduction as your {taker_role if me_is_giver else giver_role}"
    return {"text": cut(text, 300), "blocks": blocks}


def intro_answered(other_user_id: str, accepted: bool, both: bool) -> dict:
    """What replaces the buttons for the person who clicked."""
    if not accepted:
        text = f"You declined the introduction to {mention(other_user_id)}. They'll be told kindly, with no reason given."
    elif both:
        text = f"You both accepted: you and {mention(other_user_id)} are partners now. I've opened a group chat for you."
    else:
        text = f"You accepted the introduction to {mention(other_user_id)}. I'll tell you as soon as they answer."
    return {"text": text, "blocks": [section(text)]}


def intro_accepted(kind: str, other_user_id: str) -> dict:
    text = (f"Good news: you and {mention(other_user_id)} both accepted the introduction. Your "
            f"{'buddy' if kind == 'buddy' else 'mentoring'} partnership is active; I've opened a group chat for you.")
    return {"text": text, "blocks": [section(text)]}


def intro_declined(other_user_id: str) -> dict:
    text = (f"{mention(other_user_id)} can't take on this partnership right now. That's nothing personal: "
            "time and capacity change. The program's admins know and may suggest someone else.")
    return {"text": text, "blocks": [section(text)]}


def intro_declined_for_admin(round_id: int | None, giver_user_id: str, taker_user_id: str) -> dict:
    where = f" from round {round_id}" if round_id else ""
    text = f"The introduction{where} of {mention(giver_user_id)} (mentor) and {mention(taker_user_id)} (mentee) was declined."
    return {"text": text, "blocks": [section(text)]}


def intro_kickoff(program_name: str, kind: str, giver_user_id: str, taker_user_id: str, partnership_id: int) -> dict:
    """The first message in the pair's group chat."""
    giver_role, taker_role = _roles(kind)
    text = (f"Welcome, {mention(giver_user_id)} ({giver_role}) and {mention(taker_user_id)} ({taker_role}): "
            f"your partnership in {esc(program_name)} starts today!")
    if kind == "buddy":
        body = ("*The first 45 days.* Meet in the first week, then every week or two: introductions to people, "
                "how things are done here, and whatever questions come up. No question is too small.")
    else:
        body = ("*First step: write your agreement.* The mentee says what they want from it (career journey, "
                "knowledge gaps, experience gaps), both say what is off limits, how often you meet and for how long.")
    return {"text": text, "blocks": [
        section(f"*{text}*"),
        section(body),
        actions(button("Write our agreement", ids.AGREEMENT_WRITE, partnership_id, style="primary"),
                button("Log a meeting", ids.LOG_OPEN, partnership_id), block_id="kickoff_actions"),
    ]}
