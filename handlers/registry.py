"""Every `/mentor` subcommand, declared once: its name, its handler, its one line of help and who may use it.

The router (handlers/commands.py) routes by this list and checks `who` before the handler runs; `/mentor help`
lists it. A handler is `cmd_<name>(deps, ack, body, client, rest)` in its area's module and still checks for itself
(a use case never trusts the router alone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from handlers import (
    admin,
    agreement,
    boundaries,
    buddy,
    circles,
    find,
    lifecycle,
    meeting,
    planning,
    profile,
    rounds,
    stats,
    story,
    succession,
    topics,
)


class Who(StrEnum):
    EVERYONE = "everyone"  # anyone in the workspace, joined or not
    PARTICIPANTS = "participants"  # people who joined the program
    ADMINS = "admins"  # the program's admins


@dataclass(frozen=True)
class Subcommand:
    name: str
    handler: Callable[..., None] | None  # None: the router's own (help)
    help: str
    who: Who = Who.EVERYONE
    usage: str = ""  # how help shows it, when it takes words ("find [skill]")
    aliases: tuple[str, ...] = ()
    listed: bool = True  # shown in /mentor help

    @property
    def shown(self) -> str:
        return self.usage or self.name


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("join", profile.cmd_profile, "Opt in: say what you can share and what you want to learn."),
    Subcommand("profile", profile.cmd_profile, "Edit your profile (also `/mentor edit`).", aliases=("edit",)),
    Subcommand("find", find.cmd_find, "See the peers who suit you best, with the reasons, and ask one to partner.",
               usage="find [skill]"),
    Subcommand("boundaries", boundaries.cmd_boundaries, "Never be matched with your manager, your direct reports, or "
               "people you pick (a private list that works both ways; nobody is told).", Who.PARTICIPANTS),
    Subcommand("agreement", agreement.cmd_agreement, "Write, confirm or read your partnership agreement.", Who.PARTICIPANTS),
    Subcommand("schedule", planning.cmd_schedule, "Plan your next meeting: pick times inside both your working hours; "
               "your partner picks one and you both get a calendar invite.", Who.PARTICIPANTS, aliases=("plan",)),
    Subcommand("log", meeting.cmd_log, "Log a meeting: date, length, topics, action items.", Who.PARTICIPANTS),
    Subcommand("journal", meeting.cmd_journal, "Your private learning journal: only you can read it.", Who.PARTICIPANTS),
    Subcommand("story", story.cmd_story, "Share a success story from your partnership (your partner agrees first if it "
               "names them).", Who.PARTICIPANTS),
    Subcommand("circle", circles.cmd_circle, "Start a peer circle: 3 to 8 colleagues learning one thing together, "
               "with its own group chat.", Who.PARTICIPANTS),
    Subcommand("circles", circles.cmd_circles, "Your peer circles (Leave circle), and the open ones that fit you "
               "(Join circle).", Who.PARTICIPANTS),
    Subcommand("topic", topics.cmd_topic, "Host a topic session: “come learn about…” at a time, for a number of seats.",
               Who.PARTICIPANTS),
    Subcommand("topics", topics.cmd_topics, "Upcoming topic sessions: take a seat or give it up."),
    Subcommand("handover", succession.cmd_handover, "The succession plans you are in: the retiring person's knowledge "
               "checklist (admins start one with `/mentor succession`)."),
    Subcommand("pause", lifecycle.cmd_pause, "Pause your participation, until a date or until you resume "
               "(`/mentor resume`).", Who.PARTICIPANTS),
    Subcommand("resume", lifecycle.cmd_resume, "Come back from a pause.", Who.PARTICIPANTS, listed=False),
    Subcommand("end", lifecycle.cmd_end, "End a partnership with a short summary, and a testimonial for your partner if "
               "you like.", Who.PARTICIPANTS),
    Subcommand("export", lifecycle.cmd_export, "Your own data as a JSON file in your DM.", Who.PARTICIPANTS),
    Subcommand("leave", lifecycle.cmd_leave, "Leave the program, and delete your personal data if you choose.",
               Who.PARTICIPANTS),
    Subcommand("round", rounds.cmd_round, "For program admins: a formal pairing round (mentors and mentees, the best "
               "total match, review, then introductions); `/mentor round help` for the rest.", Who.ADMINS),
    Subcommand("buddy", buddy.cmd_buddy, "For program admins: give a newcomer an onboarding buddy from their department.",
               Who.ADMINS, usage="buddy @person"),
    Subcommand("succession", succession.cmd_succession, "For program admins: start a succession plan for a retiring "
               "colleague and their successors.", Who.ADMINS),
    Subcommand("admin", admin.cmd_admin, "For program admins: the program's name, objective, channels, schedules, "
               "anonymity k, defaults, program types and admins; `/mentor admin rules` sets the matching rules; "
               "`/mentor admin log` shows the last 20 admin actions.",
               Who.ADMINS),
    Subcommand("stats", stats.cmd_stats, "For program admins: the program's figures for a period (`last 90d`, "
               "`2026-Q3`, `2026-10`, two dates; the last 30 days by default); `/mentor stats csv [period]` sends a CSV.",
               Who.ADMINS, usage="stats [period]"),
    Subcommand("help", None, "This overview."),
)


def by_name() -> dict[str, Subcommand]:
    """Every name and alias → its subcommand."""
    out: dict[str, Subcommand] = {}
    for sub in SUBCOMMANDS:
        for name in (sub.name, *sub.aliases):
            assert name not in out, f"/mentor {name} is declared twice"
            out[name] = sub
    return out


def help_lines() -> list[tuple[str, str]]:
    """(usage, one line) for /mentor help, in the registry's order."""
    return [(sub.shown, sub.help) for sub in SUBCOMMANDS if sub.listed]
