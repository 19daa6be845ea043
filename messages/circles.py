"""Peer circles: the "Start a peer circle" modal, the `/mentor circles` list (open circles that fit me, with Join
circle; my circles, with Leave circle), the invitation DM, and the messages in a circle's group chat."""

from __future__ import annotations

from bot.services.circle_fit import Listed
from bot.services.circles import LENGTHS, MAX_GOAL, MONTHS, cadence
from messages import circle_sessions as session_blocks
from messages import ids
from messages.common import (
    actions,
    button,
    confirm_dialog,
    context,
    cut,
    divider,
    esc,
    header,
    input_block,
    mention,
    modal,
    option,
    section,
    select,
    text_input,
)
from models.circles import MAX_SIZE, MIN_SIZE

FREQUENCY_CHOICES = (("weekly", "Every week"), ("fortnightly", "Every two weeks"), ("monthly", "Once a month"))
SHOWN = 5


def circle_modal() -> dict:
    blocks = [
        section("A *peer circle* is 3 to 8 colleagues learning one thing together, meeting on a rhythm for a few "
                "months. When the third person joins, I open a group chat for the circle with a kickoff."),
        text_input("goal", "Learning goal", max_length=MAX_GOAL, placeholder="Get comfortable presenting to leadership"),
        text_input("skills", "Skills", max_length=300, placeholder="Public speaking, storytelling",
                   hint="The skills the circle learns, separated by commas. People who want them see the circle first."),
        input_block("size", "Circle size", {"type": "number_input", "action_id": "value", "is_decimal_allowed": False,
                                            "min_value": str(MIN_SIZE), "max_value": str(MAX_SIZE), "initial_value": "4"},
                    hint=f"How many people, you included ({MIN_SIZE} to {MAX_SIZE})."),
        input_block("frequency", "How often we meet",
                    select([option(label, value) for value, label in FREQUENCY_CHOICES], initial="fortnightly")),
        input_block("minutes", "Meeting length", select([option(f"{m} minutes", m) for m in LENGTHS], initial=60)),
        input_block("months", "How long the circle runs",
                    select([option(f"{m} month{'s' if m != 1 else ''}", m) for m in MONTHS], initial=3)),
        input_block("who", "Who can join", {
            "type": "radio_buttons", "action_id": "value",
            "options": [option("Open: anyone in the program can join", "open"),
                        option("Invite-only: the people I invite", "invite")],
            "initial_option": option("Open: anyone in the program can join", "open")}),
        input_block("invitees", "Invite people", {
            "type": "multi_users_select", "action_id": "value", "max_selected_items": MAX_SIZE - 1,
            "placeholder": {"type": "plain_text", "text": "Pick people"}}, optional=True,
            hint="They get a DM with “Join circle” and “No thanks”. Needed for an invite-only circle."),
    ]
    return modal("Start a peer circle", ids.CIRCLE_MODAL, blocks, submit="Start circle")


def _members(listed: Listed) -> str:
    lead = listed.circle.facilitator_id
    return ", ".join(mention(p.slack_user_id) + (" (facilitates)" if p.id == lead else "")
                     for p in listed.members) or "nobody yet"


def _seats(listed: Listed) -> str:
    left = listed.left
    return "Full" if left == 0 else f"{left} of {listed.circle.size} places left"


def _summary(listed: Listed) -> str:
    circle = listed.circle
    skills = ", ".join(esc(n) for n in circle.skill_names())
    return (f"*{esc(cut(circle.goal, MAX_GOAL))}*\nSkills: {skills} · Meets {cadence(circle)} · until "
            f"{circle.ends_on:%d %b %Y}\nMembers: {_members(listed)} · {_seats(listed)}")


def created_notice(listed: Listed, invited: int) -> str:
    circle = listed.circle
    if circle.invite_only:
        return (f"Your circle *{esc(circle.goal)}* is set up. I've sent {invited} invitation"
                f"{'s' if invited != 1 else ''}; when two of them have joined, I open the circle's group chat "
                "with a kickoff.")
    return (f"Your circle *{esc(circle.goal)}* is open. People who want its skills see it in `/mentor circles` and "
            "`/mentor find`; when the third person joins, I open the circle's group chat with a kickoff."
            + (f" I've also sent {invited} invitation{'s' if invited != 1 else ''}." if invited else ""))


def circles_message(program_name: str, fits: list[Listed], mine: list[Listed], note: str | None = None) -> dict:
    """`/mentor circles`: what just happened, my circles (Leave circle), then open circles that fit me (Join circle)."""
    blocks: list[dict] = []
    if note:
        blocks.append(section(note))
    blocks.append(header("Peer circles"))
    if mine:
        blocks.append(section("*Your circles*"))
        for item in mine[:SHOWN]:
            blocks.append(section(_summary(item), accessory=button(
                "Leave circle", ids.unique(ids.CIRCLE_LEAVE, item.circle.id), item.circle.id,
                confirm=confirm_dialog("Leave this circle?", "Your place opens for someone else.", "Leave", "Stay"))))
            if item.circle.started_at is not None and item.circle.status in ("active", "full"):  # it meets: sessions
                blocks.append(session_blocks.start_buttons(item.circle.id, f"circle_sessions_{item.circle.id}"))
        blocks.append(divider())
    if fits:
        blocks.append(section("*Open circles that fit you*, best first"))
        for item in fits[:SHOWN]:
            blocks.append(section(_summary(item), accessory=button(
                "Join circle", ids.unique(ids.CIRCLE_JOIN, item.circle.id), item.circle.id, style="primary")))
            if item.reasons:
                blocks.append(context(" ".join(item.reasons)))
    else:
        blocks.append(section("No open circle fits you right now. Start one around something you want to learn."))
    blocks.append(actions(button("Start a circle", ids.CIRCLE_START, "start"), block_id="circle_list_actions"))
    text = f"Peer circles in {program_name}"
    return {"text": text, "blocks": blocks}


def find_circle(item: Listed) -> list[dict]:
    """The one open circle `/mentor find` shows after the people."""
    return [divider(), section("*A peer circle that fits you*"),
            section(_summary(item), accessory=button("Join circle", ids.unique(ids.CIRCLE_JOIN, item.circle.id),
                                                     item.circle.id, style="primary")),
            context(" ".join(item.reasons) + " More with `/mentor circles`.")]


def invite_dm(program_name: str, listed: Listed, organiser_user_id: str) -> dict:
    text = f"{mention(organiser_user_id)} invites you to a peer circle"
    return {"text": text, "blocks": [
        section(f"*{text}* in {esc(program_name)}.\n{_summary(listed)}"),
        actions(button("Join circle", ids.unique(ids.CIRCLE_JOIN, listed.circle.id), listed.circle.id, style="primary"),
                button("No thanks", ids.unique(ids.CIRCLE_DECLINE, listed.circle.id), listed.circle.id),
                block_id="circle_invite_actions"),
    ]}


def invite_answered(goal: str, outcome: str) -> dict:
    text = f"Invitation to the circle “{cut(goal, 100)}”: {outcome}."
    return {"text": text, "blocks": [section(esc(text))]}


def kickoff(program_name: str, listed: Listed, facilitator_user_id: str | None) -> dict:
    circle = listed.circle
    text = f"Welcome to your peer circle: {cut(circle.goal, 150)}"
    lead = (f"{mention(facilitator_user_id)} offers these skills and facilitates." if facilitator_user_id
            else "Nobody has offered to facilitate yet: take turns leading.")
    return {"text": text, "blocks": [
        section(f"*Welcome to your peer circle in {esc(program_name)}!*"),
        section(f"*Goal:* {esc(circle.goal)}\n*Skills:* {', '.join(esc(n) for n in circle.skill_names())}\n"
                f"*We meet:* {cadence(circle)}, until {circle.ends_on:%d %b %Y}\n*Members:* {_members(listed)}"),
        section(f"{lead} Everyone learns and everyone shares: plan your first session here (*Plan a session* suggests "
                "times inside everyone's working hours), and agree who brings what. It is *not a class*: nobody "
                "assesses anyone."),
        session_blocks.start_buttons(circle.id, f"circle_kickoff_{circle.id}"),
        context(f"{listed.left} place{'s' if listed.left != 1 else ''} still open. `/mentor circles` lists your "
                "circles; Leave circle is there too."),
    ]}


def welcome_later(listed: Listed, newcomer_user_id: str) -> dict:
    """A later member's arrival: in a new group chat with everyone (a Slack group chat can't take new people)."""
    circle = listed.circle
    text = f"{mention(newcomer_user_id)} joined the peer circle “{cut(circle.goal, 150)}”"
    return {"text": text, "blocks": [
        section(f"*{text}.* Welcome! A Slack group chat can't take new people, so the circle continues here, with "
                "everyone."),
        section(f"*Goal:* {esc(circle.goal)}\n*We meet:* {cadence(circle)}, until {circle.ends_on:%d %b %Y}\n"
                f"*Members:* {_members(listed)}"),
        session_blocks.start_buttons(circle.id, f"circle_welcome_{circle.id}"),
    ]}


def moved(newcomer_user_id: str) -> dict:
    text = (f"{mention(newcomer_user_id)} joined the circle. The circle continues in a new group chat with everyone "
            "(Slack can't add people to this one).")
    return {"text": text, "blocks": [section(text)]}


def someone_left(user_id: str, remaining: int) -> dict:
    text = (f"{mention(user_id)} left the circle. {remaining} member{'s' if remaining != 1 else ''} continue; their "
            "place is open again in `/mentor circles`.")
    return {"text": text, "blocks": [section(text)]}


def home_lines(mine: list[Listed]) -> list[dict]:
    """"Your circles" on the Home tab."""
    if not mine:
        return []
    blocks: list[dict] = [header("Your peer circles")]
    for item in mine[:SHOWN]:
        started = "meeting" if item.circle.started_at else f"waiting for {max(3 - len(item.members), 0)} more to start"
        blocks.append(section(f"{_summary(item)}\n_{started}_"))
    blocks.append(actions(button("See circles", ids.CIRCLE_LIST, "list"), block_id="home_circles"))
    return blocks
