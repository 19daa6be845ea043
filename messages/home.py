"""The App Home tab: profile, partnerships, requests, and the next steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from messages import circles as circle_blocks
from messages import ids, planning
from messages.agenda import home_items
from messages.common import actions, button, context, divider, esc, header, section, who
from messages.lifecycle import testimonial_lines
from messages.profile import profile_summary

MAX_LISTED = 10


@dataclass
class PartnershipLine:
    partnership_id: int
    partner_user_id: str
    partner_name: str
    status: str
    agreement_status: str
    has_agreement: bool
    last_meeting: date | None
    last_minutes: int | None
    next_meeting: date | None
    planned_end: date | None
    agenda_plan_id: int | None = None  # the next planned meeting, whose agenda the pair prepares
    plan_id: int | None = None  # the pair's meeting in planning (times proposed) or planned
    plan_words: str | None = None  # "Next meeting: Tuesday 28 March, 09:00–10:00 (your time, ...)" or where it stands
    plan_planned: bool = False  # a time is picked: it can be moved or cancelled


def plan_buttons(line: PartnershipLine) -> list[dict]:
    """"Plan our next meeting", or for a planned meeting "Reschedule" and "Cancel meeting"."""
    if line.status != "active":
        return []
    if line.plan_planned and line.plan_id:
        return planning.meeting_buttons(line.plan_id)[1:]  # its "Agenda" is the line's own
    return [planning.plan_button(line.partnership_id, "Plan our next meeting" if not line.plan_id else "Propose new times")]


def home_view(program_name: str, person, lines: list[PartnershipLine], incoming: list, outgoing: list, *,
              objective: str = "", testimonials: list[tuple[str, str]] = (), action_items: list = (),
              today: date | None = None, circles: list = (), circle_sessions: list = ()) -> dict:
    blocks: list[dict] = [header(program_name), *([context(f"_{esc(objective[:500])}_")] if objective else [])]
    if person is None:
        blocks += [
            section("Peer mentoring pairs two colleagues who each have something to share and something to learn. "
                    "Join to see the peers who suit you best."),
            actions(button("Join the program", ids.OPEN_PROFILE, style="primary"),
                    button("How it works", ids.HELP), block_id="home_join"),
        ]
        return {"type": "home", "blocks": blocks}

    if person.status == "paused":
        blocks += [
            section("*Your participation is paused*: no check-ins or reminders, and you are not suggested in "
                    "`/mentor find`. Your partnerships and notes are kept."),
            actions(button("Resume", ids.RESUME, style="primary"), block_id="home_resume"),
        ]
    blocks += [
        section("*Your profile*\n" + profile_summary(person)),
        actions(button("Edit my profile", ids.OPEN_PROFILE), button("Find a partner", ids.FIND, style="primary"),
                button("How it works", ids.HELP), *([button("Pause", ids.PAUSE_OPEN)] if person.status == "active" else []),
                block_id="home_profile"),
        divider(),
        section("*Your partnerships*"),
    ]
    if not lines:
        blocks.append(context("None yet. Use *Find a partner* to see who suits you."))
    for line in lines[:MAX_LISTED]:
        facts = [f"Agreement: {line.agreement_status}"]
        if line.last_meeting:
            facts.append(f"Last meeting: {line.last_meeting:%d %b %Y} ({line.last_minutes} min)")
        else:
            facts.append("No meeting logged yet")
        if line.plan_words:
            facts.append(line.plan_words)
        elif line.next_meeting:
            facts.append(f"Next meeting: {line.next_meeting:%d %b %Y}")
        if line.planned_end:
            facts.append(f"Until {line.planned_end:%d %b %Y}")
        paused = " (paused)" if line.status == "paused" else ""
        blocks.append(section(f"{who(line.partner_name, line.partner_user_id)}{paused}\n" + " · ".join(facts)))
        blocks.append(actions(
            button("Log a meeting", ids.unique(ids.LOG_OPEN, line.partnership_id), line.partnership_id),
            *([button("Agenda", ids.unique(ids.AGENDA_OPEN, line.agenda_plan_id), line.agenda_plan_id)]
              if line.agenda_plan_id else []),
            *plan_buttons(line),
            button("View agreement" if line.has_agreement else "Write our agreement",
                   ids.unique(ids.AGREEMENT_VIEW if line.has_agreement else ids.AGREEMENT_WRITE, line.partnership_id),
                   line.partnership_id),
            button("End partnership", ids.unique(ids.END_OPEN, line.partnership_id), line.partnership_id),
            block_id=f"home_partnership_{line.partnership_id}",
        ))
    if circles:  # the peer circles the person is in (bot.services.circle_fit.Listed)
        blocks += [divider(), *circle_blocks.home_lines(list(circles)), *circle_sessions]  # + their next sessions
    if action_items:  # the person's own open action items (OwnedItem), each with "Done"
        blocks += [divider(), *home_items(list(action_items), today or date.today())]
    if testimonials:  # (author, text) the person agreed to show
        blocks += [divider(), section(testimonial_lines(list(testimonials)))]
    if incoming:
        blocks += [divider(), section("*Requests to you*")]
        for p in incoming[:MAX_LISTED]:
            req = p.request
            asker = p.person_a if p.person_a_id == req.from_person_id else p.person_b
            note = f"\n>{esc(req.note[:300])}" if req.note else ""
            blocks.append(section(f"{who(asker.display_name, asker.slack_user_id)} asked to partner with you "
                                  f"(open until {req.expires_at:%d %b %Y}).{note}"))
            blocks.append(actions(
                button("Accept", ids.unique(ids.ACCEPT, p.id), p.id, style="primary"),
                button("Decline", ids.unique(ids.DECLINE, p.id), p.id),
                block_id=f"home_incoming_{p.id}",
            ))
        if len(incoming) > MAX_LISTED:
            blocks.append(context(f"And {len(incoming) - MAX_LISTED} more."))
    if outgoing:
        blocks += [divider(), section("*Your requests*")]
        for p in outgoing[:MAX_LISTED]:
            target = p.person_b if p.person_a_id == p.request.from_person_id else p.person_a
            blocks.append(section(f"Waiting for {who(target.display_name, target.slack_user_id)}"
                                  f" (open until {p.request.expires_at:%d %b %Y}).",
                                  accessory=button("Withdraw", ids.unique(ids.CANCEL, p.id), p.id)))
        if len(outgoing) > MAX_LISTED:
            blocks.append(context(f"And {len(outgoing) - MAX_LISTED} more."))
    return {"type": "home", "blocks": blocks[:100]}
