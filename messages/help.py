"""The `/mentor` overview."""

from __future__ import annotations

from collections.abc import Sequence

from messages import ids
from messages.common import actions, button, context, cut, divider, esc, section


def help_message(program_name: str, subcommands: Sequence[tuple[str, str]], *, joined: bool, unknown: str | None = None,
                 suggestion: str | None = None, objective: str = "") -> dict:
    """What the program is, every subcommand (usage, one line: from handlers/registry.py) and the next steps."""
    blocks = []
    if unknown is not None:
        hint = f"I don't know `/mentor {unknown}`."
        if suggestion:
            hint += f" Did you mean `/mentor {suggestion}`?"
        blocks.append(section(hint))
    blocks += [
        section(
            f"*{esc(program_name)}* is our peer mentoring program. Two colleagues who each have something to share "
            "and something to learn find each other, agree what their partnership is for, meet regularly, "
            "and both grow. It is not coaching and not counselling: you are both mentor and mentee."
            + (f"\n*Our objective:* {esc(cut(objective, 500))}" if objective else "")
        ),
        divider(),
        section("\n".join(f"`/mentor {name}`: {text}" for name, text in subcommands)),
        actions(
            button("Edit my profile" if joined else "Join the program", ids.OPEN_PROFILE, style=None if joined else "primary"),
            button("Find a partner", ids.FIND),
            button("Log a meeting", ids.LOG_OPEN),
            block_id="help_actions",
        ),
        context("Your App Home (the bot's Home tab) shows your profile, partnerships and requests."),
    ]
    text = f"{program_name}: how it works and what you can do"
    return {"text": text, "blocks": blocks}


def not_joined_yet(program_name: str) -> dict:
    """A subcommand for participants, asked by someone who has not joined: a kind answer with the way in."""
    text = (f"You haven't joined the program yet. First tell *{esc(program_name)}* what you can share and what you want "
            "to learn, then try again.")
    return {"text": "Join the program first",
            "blocks": [section(text), actions(button("Join the program", ids.OPEN_PROFILE, style="primary"),
                                               block_id="join_first")]}
