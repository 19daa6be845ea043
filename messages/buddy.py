"""Onboarding buddy messages: the newcomer's welcome and its small form, the admin's "give a buddy" modal and
answers, and the 45-day plan. Pure functions: facts in, Block Kit out."""

from __future__ import annotations

from datetime import date

from bot.services.profiles import LEVELS
from messages import ids
from messages.common import (
    actions,
    button,
    context,
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

# day -> (title, what the newcomer does, what the buddy does)
PLAN: dict[int, tuple[str, str, str]] = {
    1: ("Meet",
        "Say hello to your buddy and book a first half hour together this week. Bring your questions, however small.",
        "Say hello and book a first half hour together this week: how the team works, its rhythm, where to ask what."),
    7: ("Tools",
        "Go through the tools with your buddy: where documents live, which channels matter, how to ask for access.",
        "Walk them through the tools: where documents live, which channels matter, how access requests work."),
    14: ("People to know",
         "Ask your buddy for three people worth meeting, and reach out to one of them this week.",
         "Name three people they should know and introduce them to one this week."),
    30: ("First project",
         "Talk your first project through with your buddy: what is going well, what is still unclear.",
         "Talk their first project through: what is going well, what is unclear, who can help."),
    45: ("Wrap-up",
         "Your buddy's 45 days end today. Look back together: what helped, what you'd tell the next newcomer. "
         "To keep learning, complete your profile with `/mentor profile` and find a peer partner with `/mentor find`.",
         "Your 45 days as a buddy end today. Look back together: what helped, what you'd do differently. Thank you!"),
}


def welcome(program_name: str, objective: str, user_id: str) -> dict:
    """The newcomer's welcome DM, with the button to the small form."""
    text = f"Welcome to {program_name}!"
    blocks = [
        header(text),
        section(f"Hello {mention(user_id)}! For your first 45 days *{esc(program_name)}* gives you a buddy from your "
                "department: a colleague to ask anything, who shows you the tools, the people to know and how things "
                "are done here."),
    ]
    if objective:
        blocks.append(context(f"*Our program:* {esc(objective)}"))
    blocks += [
        section("Tell me your department and level and I'll introduce you to your buddy."),
        actions(button("Find my buddy", ids.BUDDY_START, style="primary"), block_id="buddy_welcome"),
        context("Your answer creates a small profile in the program; complete it, pause or leave any time with `/mentor`."),
    ]
    return {"text": text, "blocks": blocks}


def newcomer_modal(department: str = "", level: int | None = None) -> dict:
    blocks = [
        section("Your buddy comes from your department. Your level helps pick someone experienced."),
        text_input("department", "Department or function", max_length=100, initial=department,
                   placeholder="e.g. Engineering, Finance, Customer Support"),
        input_block("level", "Job level", select([option(f"Level {n}", n) for n in LEVELS], initial=level,
                                                 placeholder="Choose your level"),
                    hint="Your company's job level, 1 being the most junior."),
    ]
    return modal("Your onboarding buddy", ids.BUDDY_MODAL, blocks, submit="Find my buddy")


def admin_modal() -> dict:
    element = {"type": "users_select", "action_id": "value", "placeholder": {"type": "plain_text", "text": "Choose a person"}}
    blocks = [
        section("Who should get an onboarding buddy? Someone new to the program gets a welcome with a short form "
                "first; someone with a profile is introduced to a buddy from their department right away."),
        input_block("newcomer", "Newcomer", element),
    ]
    return modal("Give a buddy", ids.BUDDY_ADMIN_MODAL, blocks, submit="Give a buddy")


def for_admin(outcome: str, user_id: str, *, welcomed: bool = True, buddy_user_id: str | None = None,
              reason: str = "", department: str = "") -> str:
    """The admin's answer after `/mentor buddy`."""
    if outcome == "welcome":
        if welcomed:
            return (f"I've sent {mention(user_id)} a welcome with a short form (department and level). When they "
                    "answer, they're introduced to a buddy from their department.")
        return f"{mention(user_id)} already has the welcome; they haven't answered its short form yet."
    if outcome == "has_buddy":
        return f"{mention(user_id)} already has an onboarding buddy."
    if outcome == "introduced":
        return (f"{mention(user_id)} is introduced to {mention(buddy_user_id or '')} as their onboarding buddy; both "
                f"are asked to accept.\n_Why:_ {esc(reason)}")
    return (f"Nobody in {esc(department)} can be {mention(user_id)}'s buddy right now (nobody active there with room "
            "for another partner). The program's admins have been told.")


def no_buddy_for_admins(user_id: str, department: str) -> dict:
    text = (f"{mention(user_id)} is new and needs an onboarding buddy, but nobody in *{esc(department)}* can take them "
            "right now: nobody active there has room for another partner. Ask a colleague from that department to "
            "join (`/mentor join`) or to raise their limit, then give a buddy with `/mentor buddy`.")
    return {"text": f"No onboarding buddy available for a newcomer in {department}", "blocks": [section(text)]}


def no_buddy_for_newcomer(department: str) -> dict:
    text = (f"Thanks! Nobody in {esc(department)} is free to be your buddy at this very moment. The program's "
            "admins know and will find you one; you'll get an introduction here.")
    return {"text": text, "blocks": [section(text)]}


def already_has_buddy() -> dict:
    text = "You already have an onboarding buddy (or an introduction to one waiting for answers)."
    return {"text": text, "blocks": [section(text)]}


def plan_day(program_name: str, day: int, *, is_buddy: bool, other_user_id: str, due: date, today: date,
             end: date | None) -> dict:
    """One step of the 45-day plan, for the buddy or the newcomer."""
    title, newcomer_todo, buddy_todo = PLAN[day]
    with_whom = f"your newcomer {mention(other_user_id)}" if is_buddy else f"your buddy {mention(other_user_id)}"
    text = f"Day {day} of 45 with {with_whom}: {title}"
    blocks = [
        section(f"*{esc(program_name)} · onboarding, day {day} of 45: {title}*"),
        section(("☐ " + (buddy_todo if is_buddy else newcomer_todo)) + f"\n_With {with_whom}._"),
    ]
    notes = []
    if due < today:
        notes.append(f"This was due on {due:%A %d %B}; sorry it comes late.")
    if end and day < 45:
        notes.append(f"Your buddy partnership runs until {end:%d %B %Y}.")
    if notes:
        blocks.append(context(" ".join(notes)))
    return {"text": text, "blocks": blocks}
