"""`/mentor stats`: the admin's ephemeral report of a period, with an Export CSV button and the definitions."""

from __future__ import annotations

from datetime import date

from bot.services.stats import CheckInMonth, Report, Row
from messages import ids
from messages.common import actions, bullet_sections, button, context, divider, esc, header
from messages.digest import NOT_ENOUGH, circle_checkin_line, month_name

MAX_BLOCKS = 50
DEFINITIONS = (
    "Days in {tz}; states (opted in, active, at risk) are as of the period's last day. "
    "*Sign-ups*: joined in the period and not left; *can mentor* offers at least one skill, *wants a mentor* "
    "wants at least one (someone who does both counts in both; skills as in today's profiles). "
    "*Sessions booked*: meetings held whose log planned a next meeting, plus topic sessions created. "
    "*Completed*: meetings held, plus topic sessions held. *Goals logged*: agreement versions written with goals. "
    "*Action items logged*: action items added with a meeting log (plus older logs that list action items as text); "
    "*done*: ticked done in the period; *completion rate*: of the items due in the period, those done by its end. "
    "*Agenda points*: points partners added to their next meeting's agenda (template points not counted); *covered*: "
    "their meeting was logged. *Planned meetings*: those whose time fell in the period; *not held*: the partners said "
    "they didn't meet, or nobody logged it (cancelled ones left out)."
)
DEFINITIONS_2 = (
    "*Started*: partnerships accepted in the period. *Ended*: ended in the period for any reason; *completed*: "
    "of those, the ones that ran to their planned end date or past it. *Pairs that met*: partnerships active at "
    "the end with a meeting in the period. *Check-ins*: closed months only (figures fixed when the month closed); "
    "whether pairs met, effectiveness and expectations only when at least {k} people answered."
)


DEFINITIONS_3 = (
    "*Active circles*: peer circles that had started (their group chat opened) and had not ended at the end; "
    "*members*: people in them at the end who had not left (someone in two circles counts twice). *Circle sessions "
    "held*: sessions members logged as held, dated in the period; *attendances*: members marked present at them. "
    "*Circle check-ins*: circle members' answers of closed months, counted apart from the pairs' and shown only "
    "when at least {k} circle members answered."
)


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _month_label(row: Row) -> str:
    s = row.span
    label = month_name(s.period)
    whole = s.first_day.day == 1 and s.end_day.day == 1
    return label if whole else f"{label} ({s.first_day.day} to {s.last_day.day})"


def _signup_line(row: Row) -> str:
    e = row.extra
    return f"{_month_label(row)}: {e.signups} signed up: {e.can_mentor} can mentor, {e.wants_mentor} want a mentor"


def _share(part: float | None) -> str:
    return f"{round(100 * part)}%" if part is not None else NOT_ENOUGH


def checkin_line(month: CheckInMonth) -> str:
    head = f"{month_name(month.period)}: {month.answered} of {month.asked} answered"
    if not month.shown.reportable:
        return f"{head}; {NOT_ENOUGH}"
    eff = month.shown.effectiveness
    effectiveness = f"{eff:.1f} of 5" if eff is not None else NOT_ENOUGH
    return (f"{head}; met: {_share(month.met_share)}; average effectiveness: {effectiveness}; "
            f"got what they expected: {_share(month.shown.expected_share)}")


def circle_lines(rep: Report) -> list[str]:
    """Active circles and members at the end, sessions held, and each closed month's circle check-ins (k-rule)."""
    f = rep.total.figures
    lines = [f"Active circles at the end: {f.circles_active}", f"Members in active circles at the end: {f.circle_members}",
             f"Circle sessions held: {f.circle_sessions} ({f.circle_attendances} attendances)"] if f else []
    months = [m for m in rep.checkins if m.circles is not None and m.circles.asked]
    return lines + ([circle_checkin_line(month_name(m.period), m.circles, rep.k) for m in months]
                    or ["No circle check-in month of this period has closed yet"])


def _rate(part: int, whole: int, none: str) -> str:
    return f"{round(100 * part / whole)}%, {part} of {whole}" if whole else none


def structure_lines(f) -> list[str]:
    """Agenda points, action items done and due, planned meetings held (figures: the digest's WeekFigures)."""
    return [
        f"Agenda points added: {f.agenda_points}, covered in logged meetings: {f.agenda_points_covered}",
        f"Action items done: {f.action_items_done}",
        f"Action items due in the period, done by its end: {_rate(f.action_items_due_done, f.action_items_due, 'none due')}",
        f"Planned meetings held: {_rate(f.plans_held, f.plans_held + f.plans_not_held, 'none planned')}",
    ]


def stats_message(rep: Report) -> dict:
    """{"text", "blocks"}: the period's figures, month by month sign-ups, check-ins, the Export CSV button."""
    total, f, e = rep.total, rep.total.figures, rep.total.extra
    p, program_name = rep.period, rep.program_name
    blocks = [
        header(f"{program_name}: stats"),
        context(f"{_day(p.first_day)} to {_day(p.last_day)} ({esc(rep.tz_name)}), both days included."),
        *bullet_sections("People", [
            f"Opted in at the end: {f.people}",
            f"Signed up: {e.signups} ({e.can_mentor} can mentor, {e.wants_mentor} want a mentor)",
        ]),
        *bullet_sections("Sign-ups per month: can mentor against want a mentor", [_signup_line(r) for r in rep.months]),
        *bullet_sections("Skills wanted with too few people offering them", [
            f"{esc(s.name)}: {s.wanted} want it, {s.offered} offer it" for s in rep.skills
        ] or ["None: every skill people want has enough people offering it"]),
        *bullet_sections("Partnerships", [
            f"Active at the end: {f.active_partnerships}",
            f"Started: {f.new_partnerships}",
            f"Ended: {e.partnerships_ended}, of which completed (ran to their planned end): {e.partnerships_completed}",
            f"At risk at the end: {f.at_risk}",
        ]),
        *bullet_sections("Agreements and goals", [
            f"Agreements signed: {f.agreements_signed}",
            f"Acknowledged by supervisors: {f.acknowledged}",
            f"Goals logged: {e.goals_logged}",
        ]),
        *bullet_sections("Sessions", [
            f"Booked: {total.sessions_booked} ({e.next_meetings_planned} next meetings planned, "
            f"{e.topic_sessions_created} topic sessions created)",
            f"Completed: {total.sessions_completed} ({f.meetings} meetings held, {e.topic_sessions_held} topic sessions held)",
            f"Hours met: {f.hours:.1f}",
            f"Action items logged: {total.action_items_logged}",
            f"Pairs that met: {f.pairs_met} of {f.active_partnerships} active at the end",
        ]),
        *bullet_sections("Session structure", structure_lines(f)),
        *bullet_sections("Check-ins (closed months)", [checkin_line(m) for m in rep.checkins]
                          or ["No check-in month of this period has closed yet"]),
        *bullet_sections("Peer circles", circle_lines(rep)),
        *bullet_sections("Stories", [f"Stories posted: {f.stories}"]),
    ]
    tail = [
        actions(button("Export CSV", ids.STATS_EXPORT, p.text, style="primary")),
        divider(),
        context(DEFINITIONS.format(tz=esc(rep.tz_name))),
        context(DEFINITIONS_2.format(k=rep.k)),
        context(DEFINITIONS_3.format(k=rep.k)),
    ]
    blocks = blocks[:MAX_BLOCKS - len(tail)] + tail
    text = (f"{program_name} stats, {_day(p.first_day)} to {_day(p.last_day)}: {e.signups} sign-ups, "
            f"{f.new_partnerships} partnerships started, {f.meetings} meetings held.")
    return {"text": text, "blocks": blocks}


def csv_comment(rep: Report) -> str:
    p = rep.period
    return (f"{rep.program_name} stats, {_day(p.first_day)} to {_day(p.last_day)}: one row per month. "
            "Check-in figures come from closed months only and are blank where too few people answered to report them.")


def csv_on_its_way() -> str:
    return "Your CSV is on its way to your DM with me."
