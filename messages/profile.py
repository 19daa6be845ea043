"""The profile modal (join and edit) and a profile summary."""

from __future__ import annotations

import json

from bot.services.profiles import GOALS, LEVELS, SELF_ASSESSMENT, ProfileForm
from messages import ids
from messages.common import (
    actions,
    button,
    checkboxes,
    cut,
    esc,
    input_block,
    modal,
    option,
    plain,
    section,
    select,
    text_input,
)

CAPACITY_CHOICES = range(1, 6)


def profile_modal(program_name: str, form: ProfileForm | None, known_skills: list[str], *,
                  default_capacity: int = 2) -> dict:
    """Join (empty) or edit (prefilled). Skills can be picked from those others use, or typed."""
    editing = form is not None
    blocks = [
        section(
            f"Tell *{esc(program_name)}* what you can share and what you want to learn. "
            "Your name, title and time zone come from your Slack profile."
        )
    ]
    for kind, label, pick_hint in (
        ("offers", "Skills I can share", "Pick from skills colleagues already use"),
        ("wants", "Skills I want to learn", "Pick from skills colleagues already use"),
    ):
        current = (form.offers if kind == "offers" else form.wants) if form else []
        picked = [name for name in current if name in known_skills]
        typed = [name for name in current if name not in known_skills]
        if known_skills:
            element = {
                "type": "multi_static_select",
                "action_id": "value",
                "placeholder": plain(pick_hint, 150),
                "options": [option(name, name) for name in known_skills[:100]],
            }
            if picked:
                element["initial_options"] = [option(name, name) for name in picked]
            blocks.append(input_block(f"{kind}_pick", f"{label} (pick)", element, optional=True))
        blocks.append(
            text_input(
                kind, f"{label} (type)" if known_skills else label, max_length=500, initial=", ".join(typed),
                optional=bool(known_skills), hint="Separate skills with commas, e.g. Python, public speaking, budgeting",
            )
        )
    goal_options = [option(text, key) for key, text in GOALS.items()]
    blocks += [
        input_block("goals", "What I want from the program", checkboxes(goal_options, list(form.goals) if form else [])),
        text_input("goals_note", "My goals in my own words", multiline=True, max_length=500,
                   initial=form.goals_note if form else "", optional=True),
        text_input("department", "Department or function", max_length=100, initial=form.department if form else "",
                   placeholder="e.g. Engineering, Finance, Customer Support"),
        input_block("level", "Job level", select([option(f"Level {n}", n) for n in LEVELS],
                    initial=form.level if form else None, placeholder="Choose your level"),
                    hint="Your company's job level, 1 being the most junior. Peers at the same level or one apart match best."),
        input_block("capacity", "Partners at once", select([option(str(n), n) for n in CAPACITY_CHOICES],
                    initial=form.capacity if form else default_capacity)),
        input_block("cross_department", "Partners from other departments", {
            "type": "radio_buttons", "action_id": "value",
            "options": [option("Welcome", "yes"), option("Same department only", "no")],
            "initial_option": option("Welcome", "yes") if (form is None or form.cross_department)
            else option("Same department only", "no"),
        }),
        input_block("reverse_mentoring", "Reverse mentoring", checkboxes(
            [option("Open to reverse mentoring", "yes")], ["yes"] if form and form.reverse_mentoring else []
        ), optional=True, hint="A more junior colleague shares what they know with a more senior one."),
        input_block("recognition_opt_in", "Recognition", checkboxes(
            [option("Include me in the monthly thank-you post", "yes")], ["yes"] if form and form.recognition_opt_in else []
        ), optional=True, hint="Once a month the stories channel thanks people who kept their agreed meeting rhythm for "
           "three months. You are named only if you tick this."),
        *working_hours(form),
        *mentor_self_assessment(form),
    ]
    title = "Edit my profile" if editing else "Join the program"
    return modal(title, ids.PROFILE_MODAL, blocks, submit="Save profile" if editing else "Join",
                 private_metadata=json.dumps({"editing": editing}))


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def working_hours(form: ProfileForm | None) -> list:
    """When I work, in my own time zone: meeting times are suggested inside both partners' working hours."""
    start, end, days = (form.work_start, form.work_end, form.work_days) if form else (9 * 60, 17 * 60, "01234")
    return [
        input_block("work_start", "Working hours from", select(
            [option(_clock(m), m) for m in range(0, 24 * 60, 30)], initial=start),
            hint="In your Slack time zone. Planning a meeting suggests times inside both partners' working hours."),
        input_block("work_end", "Working hours until", select(
            [option(_clock(m), m) for m in range(30, 24 * 60 + 1, 30)], initial=end)),
        input_block("work_days", "Working days", checkboxes(
            [option(name, str(n)) for n, name in enumerate(WEEKDAY_NAMES)], list(days))),
    ]


def mentor_self_assessment(form: ProfileForm | None) -> list:
    """Leadership interest and the formal program's selection criteria, 1 to 5 (seen by program admins only)."""
    rated = (form.self_assessment if form else None) or {}
    blocks = [
        section("*Mentoring others* (optional). Formal rounds pick mentors from people interested in leading; "
                "only the program's admins see these answers, never your peers."),
        input_block("leadership_interest", "Leadership", checkboxes(
            [option("I'm interested in mentoring others", "yes")], ["yes"] if form and form.leadership_interest else []
        ), optional=True),
    ]
    for key, label in SELF_ASSESSMENT.items():
        blocks.append(input_block(f"assess_{key}", f"{label} (1 to 5)", select(
            [option(str(n), n) for n in range(1, 6)], initial=rated.get(key), placeholder="Rate yourself"), optional=True))
    return blocks


def profile_summary(person) -> str:
    offers = ", ".join(esc(n) for n in person.skill_names("offer")) or "nothing yet"
    wants = ", ".join(esc(n) for n in person.skill_names("want")) or "nothing yet"
    goals = ", ".join(GOALS[g] for g in person.goals if g in GOALS) or "not said"
    lines = [
        f"*{esc(person.display_name) or 'You'}*" + (f", {esc(person.title)}" if person.title else ""),
        f"{esc(person.department)} · Level {person.level}",
        f"*Can share:* {offers}",
        f"*Wants to learn:* {wants}",
        f"*Looking for:* {goals}",
    ]
    if person.goals_note:
        lines.append(f"_{esc(cut(person.goals_note, 300))}_")
    return "\n".join(lines)


def welcome(program_name: str, objective: str | None) -> dict:
    """The DM to someone who just joined: what to do next, and the program's objective."""
    return {
        "text": f"Welcome to {program_name}!",
        "blocks": [
            section(f"*Welcome to {esc(program_name)}!* Your profile is saved. Next, see which peers suit "
                    "you best and ask one to partner."
                    + (f"\n*Our objective:* {esc(cut(objective, 500))}" if objective else "")),
            actions(button("Find a partner", ids.FIND, style="primary"), block_id="welcome_actions"),
        ],
    }
