"""The `/mentor` overview."""

from __future__ import annotations

from messages import ids
from messages.common import actions, button, context, cut, divider, esc, section

SUBCOMMANDS: list[tuple[str, str]] = [
    ("join", "Opt in: say what you can share and what you want to learn."),
    ("profile", "Edit your profile (also `/mentor edit`)."),
    ("find [skill]", "See the peers who suit you best, with the reasons, and ask one to partner."),
    ("agreement", "Write, confirm or read your partnership agreement."),
    ("log", "Log a meeting: date, length, topics, action items."),
    ("journal", "Your private learning journal: only you can read it."),
    ("story", "Share a success story from your partnership (your partner agrees first if it names them)."),
    ("topic", "Host a topic session: “come learn about…” at a time, for a number of seats."),
    ("topics", "Upcoming topic sessions: take a seat or give it up."),
    ("handover", "The succession plans you are in: the retiring person's knowledge checklist (admins start one "
                 "with `/mentor succession`)."),
    ("pause", "Pause your participation, until a date or until you resume (`/mentor resume`)."),
    ("end", "End a partnership with a short summary, and a testimonial for your partner if you like."),
    ("export", "Your own data as a JSON file in your DM."),
    ("leave", "Leave the program, and delete your personal data if you choose."),
    ("round", "For program admins: a formal pairing round (mentors and mentees, the best total match, "
              "review, then introductions); `/mentor round help` for the rest."),
    ("buddy @person", "For program admins: give a newcomer an onboarding buddy from their department."),
    ("admin", "For program admins: the program's name, objective, channels, schedules, anonymity k, defaults, "
              "program types and admins; `/mentor admin log` shows the last 20 admin actions."),
    ("stats [period]", "For program admins: the program's figures for a period (`last 90d`, `2026-Q3`, `2026-10`, "
                       "two dates; the last 30 days by default); `/mentor stats csv [period]` sends a CSV."),
    ("help", "This overview."),
]


def help_message(program_name: str, *, joined: bool, unknown: str | None = None, suggestion: str | None = None,
                 objective: str = "") -> dict:
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
        section("\n".join(f"`/mentor {name}`: {text}" for name, text in SUBCOMMANDS)),
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
