"""Messages and modals of matching boundaries: a person's own ("My manager", "Don't suggest me to these people"),
the program's rules for admins, and the DMs that make sure nobody is silently left out. Pure functions."""

from __future__ import annotations

from bot.services.circles import cadence
from messages import ids
from messages.common import (
    actions,
    button,
    checkboxes,
    context,
    cut,
    esc,
    header,
    input_block,
    mention,
    modal,
    option,
    section,
    who,
)

MAX_LIST = 50
REASON_WORDS = {  # for the admin's review: why people are left without a pair
    "no-fit": "nobody in the pool fits the skills they want or offer",
    "boundary": "everyone who fits is across a matching boundary",
    "no-room": "those who fit had no room left (more mentees than mentor places, or more mentors than mentees)",
    "not-sent": "their proposed pair was dropped or could not be sent",
}


def _users(block_id: str, label: str, initial: list[str], hint: str, *, most: int = MAX_LIST) -> dict:
    element = {"type": "multi_users_select", "action_id": "value", "max_selected_items": most,
               "placeholder": {"type": "plain_text", "text": "Pick people"}}
    if initial:
        element["initial_users"] = initial[:most]
    return input_block(block_id, label, element, optional=True, hint=hint)


def _user(block_id: str, label: str, initial: str | None, hint: str | None = None) -> dict:
    element = {"type": "users_select", "action_id": "value", "placeholder": {"type": "plain_text", "text": "Pick a person"}}
    if initial:
        element["initial_user"] = initial
    return input_block(block_id, label, element, optional=True, hint=hint)


# -- a person's own boundaries -------------------------------------------------------------------------------------
def boundaries_modal(program_name: str, manager: str | None, slack_manager: str | None, dont_suggest: list[str]) -> dict:
    """`/mentor boundaries`: my manager and my private don't-suggest list, explained plainly."""
    blocks = [
        section(f"*{esc(program_name)}* never matches you with your own manager or with people who report to you, "
                "and never with anyone on your private list. Only you see this."),
        _user("manager", "My manager", manager,
              "Mentoring works best outside the reporting line: you won't be suggested to your manager or them to you, "
              "and the same for people who name you as their manager."),
    ]
    if slack_manager:
        blocks.append(context(f"Your Slack profile names {mention(slack_manager)} as your manager: that holds too."))
    blocks += [
        _users("dont_suggest", "Don't suggest me to these people", dont_suggest,
               "It works both ways: they won't see you in their suggestions and you won't see them in yours; neither "
               "of you can send the other a request, and rounds and buddies never pair you. They are never told."),
    ]
    return modal("Matching boundaries", ids.BOUNDARIES_MODAL, blocks, submit="Save")


def boundaries_saved(manager: str | None, dont_suggest: list[str]) -> str:
    parts = [f"your manager is {mention(manager)}" if manager else "no manager named"]
    n = len(dont_suggest)
    parts.append(f"{n} {'person' if n == 1 else 'people'} on your private list" if n else "nobody on your private list")
    return "Matching boundaries saved: " + ", ".join(parts) + ". Only you can see them (`/mentor boundaries`)."


# -- the program's rules (admins) -------------------------------------------------------------------------------
def rules_modal(separate: bool, pairs: list[tuple[int, str, str]]) -> dict:
    """The admins' "Matching rules" modal: the department rule, a pair to add, pairs to remove."""
    blocks: list[dict] = [
        section("Rules that hold for everyone in the program, on top of reporting lines and people's private lists. "
                "Every change is recorded in the audit log (`/mentor admin log`)."),
        input_block("separate_departments", "Departments", checkboxes(
            [option("Not within the same department", "yes")], ["yes"] if separate else []), optional=True,
            hint="For cross-department programs: find, requests and formal rounds never match two people of the same "
                 "department (an onboarding buddy still comes from the newcomer's department)."),
        header("Pairs that must not be matched"),
        _user("first", "Add a pair: this person", None),
        _user("second", "... is never matched with", None),
    ]
    if pairs:
        listed = [option(f"#{rid}", rid) for rid, _a, _b in pairs]
        blocks.append(section("\n".join(f"#{rid}: {mention(a)} and {mention(b)}" for rid, a, b in pairs[:60])))
        blocks.append(input_block("remove", "Remove pairs", {
            "type": "multi_static_select", "action_id": "value", "options": listed[:100],
            "placeholder": {"type": "plain_text", "text": "Pick pair numbers"}}, optional=True))
    else:
        blocks.append(context("No pairs yet."))
    return modal("Matching rules", ids.RULES_MODAL, blocks, submit="Save")


def rules_saved(changes: int) -> str:
    if not changes:
        return "Matching rules saved: nothing changed."
    return f"Matching rules saved: {changes} change(s), each recorded in the audit log (`/mentor admin log`)."


# -- nobody silently left out ---------------------------------------------------------------------------------
_WHY = {
    ("mentee", "no-fit"): "nobody among this round's mentors offers the skills you want to learn (or the ones who do "
                          "were your partners before).",
    ("mentee", "no-room"): "there were more people looking for a mentor than places with mentors who fit what you "
                           "want to learn.",
    ("mentor", "no-fit"): "nobody among this round's mentees wants the skills you offer (or the ones who do were "
                          "your partners before).",
    ("mentor", "no-room"): "there were more mentors than people looking for what you offer, so the mentees went to "
                           "others this time.",
    ("*", "boundary"): "everyone in this round who fits you is across a matching boundary (a reporting line, a "
                       "private list or a program rule), and boundaries always hold.",
    ("*", "not-sent"): "the pair proposed for you didn't go ahead this time.",
}


def why(role: str, reason: str) -> str:
    return _WHY.get((role, reason)) or _WHY.get(("*", reason)) or _WHY[("*", "not-sent")]


_CIRCLE_WHY = {  # a round that formed peer circles
    "no-fit": "too few others in the pool want to learn the same skills as you (a circle needs at least three).",
    "boundary": "the only circles left for the skills you want would have crossed a matching boundary (a reporting "
                "line, a private list or a program rule), and boundaries always hold.",
    "no-room": "the circles for the skills you want were full: the pool didn't divide evenly this time.",
    "not-sent": "the circle proposed for you didn't go ahead this time.",
}


def circle_why(reason: str) -> str:
    return _CIRCLE_WHY.get(reason) or _CIRCLE_WHY["not-sent"]


def circle_suggestions(fits: list) -> list[dict]:
    """Up to three open circles that fit someone left out (`circle_fit.open_for`: boundaries already kept), each with
    Join circle: its goal, skills, rhythm, places left and why it fits. No member is named."""
    if not fits:
        return []
    blocks = [section("*Open peer circles that fit you* (a circle counts as one partnership):")]
    for item in fits[:3]:
        circle = item.circle
        skills = ", ".join(esc(n) for n in circle.skill_names())
        text = (f"*{esc(cut(circle.goal, 200))}*\nSkills: {skills} · Meets {cadence(circle)} · "
                f"{item.left} of {circle.size} places left")
        blocks.append(section(text, block_id=f"fit_circle_{circle.id}", accessory=button(
            "Join circle", ids.unique(ids.CIRCLE_JOIN, circle.id), circle.id, style="primary")))
        if item.reasons:
            blocks.append(context(esc(" ".join(item.reasons[:2]))))
    return blocks


def left_out_dm(program_name: str, round_id: int, role: str, reason: str, fits: list | None = None,
                kind: str = "pairs") -> dict:
    """To a pool member the confirmed round left without a partner (or a circle): so, why, and what they can do,
    with open circles that fit them (`fits`) to join. Names nobody."""
    if kind == "circles":
        text = (f"The latest round of *{esc(program_name)}* formed peer circles and didn't place you in one this "
                f"time, because {circle_why(reason)}")
        title = f"No peer circle for you from this round (round {round_id})"
    else:
        text = (f"The latest pairing round of *{esc(program_name)}* didn't find you a "
                f"{'mentee' if role == 'mentor' else 'mentor'} this time, because {why(role, reason)}")
        title = f"No partner from this pairing round (round {round_id})"
    todo = ("What you can do: " + ("join one of the open circles below, " if fits else "join a peer circle "
            "(`/mentor circles`), ") + "find someone yourself (the button shows people with room who fit you, with "
            "the reasons), or wait for the next round.")
    return {"text": title,
            "blocks": [section(text), section(todo), *circle_suggestions(fits or []),
                       actions(button("Find a partner", ids.FIND, style="primary"), block_id="left_out_find"),
                       context("Add skills to your profile to widen the match: `/mentor profile`.")]}


def review_line(counts: dict[str, int], confirmed: bool, words: dict[str, str] | None = None, unit: str = "a pair") -> str:
    """The review's line about who is left out of `unit` ("a pair", "a circle"), by reason in `words`, naming nobody
    (before confirming: who will be)."""
    total = sum(counts.values())
    if not total:
        return f"Everyone in the pool has {unit}." if not confirmed else f"Nobody in the pool was left without {unit}."
    parts = "; ".join(f"{n}: {(words or REASON_WORDS).get(reason, reason)}" for reason, n in counts.items())
    lead = f"*{total}* left without {unit}" if confirmed else f"*{total}* would be left without {unit}"
    tail = ("Each was told so in a DM, with the reason and what they can do, naming nobody." if confirmed else
            "On confirm, each gets a DM saying so, why, and what they can do (naming nobody).")
    return f"{lead} ({parts}). {tail}"


def no_luck_dm(program_name: str, suggestions: list | None, streak: int, fits: list | None = None) -> dict:
    """After several requests in a row were declined or expired: people with room who fit, and open circles that
    fit (`fits`, with Join circle), instead of silence (`suggestions` None: not known right now, the "Find a
    partner" button shows them)."""
    text = (f"Your last {streak} partner requests in *{esc(program_name)}* didn't work out: that happens, and it's "
            "about timing, not you.")
    blocks = [section(text)]
    if suggestions:
        blocks.append(section("People with room who fit what you want to learn:"))
        for s in suggestions[:3]:
            p = s.person
            reasons = " ".join(esc(r) for r in s.reasons[:2])
            blocks.append(section(f"{who(p.display_name, p.slack_user_id)}\n{reasons}", block_id=f"no_luck_{p.id}",
                                  accessory=button("Ask to partner", ids.unique(ids.ASK, p.id), p.id, style="primary")))
    elif suggestions is None:
        blocks.append(section("*Find a partner* shows the people with room who fit you best, with the reasons."))
    else:
        blocks.append(section("Nobody with room fits your skills right now: adding skills you want to learn or can "
                              "share widens the match."))
    blocks += circle_suggestions(fits or [])
    blocks.append(actions(button("Find a partner", ids.FIND), button("Edit my profile", ids.OPEN_PROFILE),
                          block_id="no_luck_actions"))
    return {"text": "Some people with room who fit you", "blocks": blocks}
