"""The managers' weekly digest message: this week against the week before, with the definitions in small print."""

from __future__ import annotations

from datetime import date

from bot.services.digest import CircleMonth, ClosedMonth, Digest, WeekFigures
from bot.services.fit import FitShare
from messages.common import context, cut, divider, esc, header, section

NOT_ENOUGH = "not enough answers to report"
SMALL_PRINT = (
    "A week runs Monday 00:00 to Monday 00:00 ({tz}); states (people, partnerships, at risk) are as of the week's end. "
    "Active partnerships: accepted and not ended at the week's end (paused ones included). "
    "Agreements signed: both people confirmed, the second within the week. "
    "Response rate: check-ins of the month answered by the week's end. "
    "Pairs that met: active pairs with a meeting logged from the 1st of the month to the week's last day. "
    "Effectiveness and expectations come from the last closed check-in month only, and are shown only when at "
    "least {k} people answered. "
    "Good fits: answers to the early fit check in the last ended month that said “Good fit”, counted once when the "
    "month ended and shown only with at least {k} answers."
)

SMALL_PRINT_STRUCTURE = (
    "Agenda points: points partners added to their next meeting's agenda (the template's points not counted); "
    "covered: their meeting was logged within the week. Action items: added with a meeting log, done: ticked done, "
    "within the week. Completion rate: action items due within the week that were done by its end. Planned meetings: "
    "those whose time fell within the week; not held: the partners said they didn't meet, or nobody logged it "
    "(cancelled ones are left out)."
)


SMALL_PRINT_CIRCLES = (
    "Active circles: peer circles that had started (their group chat opened) and had not ended at the week's end; "
    "members: people in them at the week's end who had not left (someone in two circles counts twice). Circle "
    "sessions held: sessions members logged as held, dated within the week. Circle check-ins: circle members' "
    "answers of the last closed month, counted apart from the pairs' and shown only when at least {k} circle members "
    "answered."
)


def _day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def _short(d: date) -> str:
    return f"{d.day} {d:%B}"


def month_name(period: str) -> str:
    year, month = period.split("-")
    return f"{date(int(year), int(month), 1):%B %Y}"


def _signed(delta: float, decimals: int = 0) -> str:
    if round(delta, decimals) == 0:
        return "±0"
    return f"{delta:+.{decimals}f}"


def count_line(label: str, now: int, before: int) -> str:
    """"Meetings logged: 12 (last week 9, +3)"."""
    return f"{label}: {now} (last week {before}, {_signed(now - before)})"


def hours_line(label: str, now: float, before: float) -> str:
    return f"{label}: {now:.1f} (last week {before:.1f}, {_signed(round(now, 1) - round(before, 1), 1)})"


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole)


def share_line(label: str, part: int, whole: int, part_before: int, whole_before: int, *, of: str, none: str) -> str:
    """"Check-in response rate: 60%, 6 of 10 answered (last week 40%, +20 points)"."""
    if whole == 0:
        text = f"{label}: {none}"
    else:
        text = f"{label}: {_percent(part, whole)}%, {part} of {whole} {of}"
    if whole_before == 0:
        return f"{text} (last week {none})"
    if whole == 0:
        return f"{text} (last week {_percent(part_before, whole_before)}%)"
    change = _percent(part, whole) - _percent(part_before, whole_before)
    return f"{text} (last week {_percent(part_before, whole_before)}%, {_signed(change)} points)"


def _effectiveness(month: ClosedMonth) -> float | None:
    return round(month.effectiveness, 1) if month.reportable and month.effectiveness is not None else None


def _expected(month: ClosedMonth) -> int | None:
    return round(100 * month.expected_share) if month.reportable and month.expected_share is not None else None


def closed_line(label: str, now: ClosedMonth, before: ClosedMonth | None, value, fmt, *, unit: str = "",
                decimals: int = 0, scale: str = "") -> str:
    """A figure of the last closed check-in month, k-rule applied, against last week's last closed month."""
    v = value(now)
    text = f"{label} ({month_name(now.period)}): {fmt(v) + scale if v is not None else NOT_ENOUGH}"
    if before is None:
        return f"{text} (last week no month had closed)"
    if before.period == now.period:
        return f"{text} (same month as last week)"
    b = value(before)
    if b is None:
        return f"{text} (last week, {month_name(before.period)}: {NOT_ENOUGH})"
    tail = f"last week {fmt(b)} for {month_name(before.period)}"
    if v is not None:
        tail += f", {_signed(v - b, decimals)}{unit}"
    return f"{text} ({tail})"


def _closed_lines(now: ClosedMonth | None, before: ClosedMonth | None) -> list[str]:
    if now is None:
        return ["Effectiveness and expectations: no check-in month has closed yet"]
    return [
        closed_line("Average effectiveness", now, before, _effectiveness, lambda v: f"{v:.1f}", decimals=1,
                    scale=" of 5"),
        closed_line("Got what they expected", now, before, _expected, lambda v: f"{v}%", unit=" points"),
    ]


def circle_checkin_line(label: str, circles: CircleMonth | None, k: int) -> str:
    """"Circle check-ins (January 2027): 3 of 3 answered; circle met: 100%; average effectiveness: 4.0 of 5; got what
    they expected: 67%", or "...; fewer than 5 answers, not shown" (the k-rule, counted over circle answers only)."""
    if circles is None or circles.asked == 0:
        return f"{label}: no circle member was asked"
    head = f"{label}: {circles.answered} of {circles.asked} answered"
    if not circles.reportable:
        return f"{head}; fewer than {k} answers, not shown"

    def share(value: float | None) -> str:
        return f"{round(100 * value)}%" if value is not None else f"fewer than {k} answers, not shown"

    eff = f"{circles.effectiveness:.1f} of 5" if circles.effectiveness is not None else f"fewer than {k} answers, not shown"
    return (f"{head}; circle met: {share(circles.met_share)}; average effectiveness: {eff}; "
            f"got what they expected: {share(circles.expected_share)}")


def circle_lines(digest: Digest) -> list[str]:
    """Active circles, their members and sessions held, this week against the last; the last closed month's circle
    check-ins under the k-rule."""
    this, last, closed = digest.this, digest.last, digest.closed_this
    return [
        count_line("Active circles at the week's end", this.circles_active, last.circles_active),
        count_line("Members in active circles", this.circle_members, last.circle_members),
        count_line("Circle sessions held", this.circle_sessions, last.circle_sessions),
        circle_checkin_line(f"Circle check-ins ({month_name(closed.period)})", closed.circles, digest.k) if closed
        else "Circle check-ins: no check-in month has closed yet",
    ]


def fit_line(now: FitShare | None, before: FitShare | None) -> str:
    """"Good fits (November 2028): 75% of 12 answers (last week: October 2028, 80%)", k-rule applied."""
    if now is None:
        return "Good fits: no month of fit answers has ended yet"

    def value(share: FitShare) -> str:
        return f"{round(100 * share.share)}% of {share.answers} answers" if share.share is not None else NOT_ENOUGH

    text = f"Good fits ({month_name(now.period)}): {value(now)}"
    if before is None or before.period == now.period:
        return text + (" (same month as last week)" if before is not None else "")
    return f"{text} (last week, {month_name(before.period)}: {value(before)})"


def structure_lines(this: WeekFigures, last: WeekFigures) -> list[str]:
    """Agenda points, action items and planned meetings held, this week against the last."""
    return [
        count_line("Agenda points added", this.agenda_points, last.agenda_points),
        count_line("Agenda points covered", this.agenda_points_covered, last.agenda_points_covered),
        count_line("Action items logged", this.action_items, last.action_items),
        count_line("Action items done", this.action_items_done, last.action_items_done),
        share_line("Action items due this week, done", this.action_items_due_done, this.action_items_due,
                   last.action_items_due_done, last.action_items_due, of="due", none="none due"),
        share_line("Planned meetings held", this.plans_held, this.plans_held + this.plans_not_held,
                   last.plans_held, last.plans_held + last.plans_not_held, of="planned", none="none planned"),
    ]


def _bullets(title: str, lines: list[str]) -> dict:
    return section(cut(f"*{title}*\n" + "\n".join(f"• {line}" for line in lines), 3000))


def succession_lines(digest: Digest, most: int = 25) -> list[str]:
    """"<@U…> (retiring 30 June 2027): 3 of 5 items handed over", one per active plan, soonest retiring first."""
    lines = [f"<@{p.retiring_user_id}> (retiring {_day(p.retire_on) if p.retire_on else 'date not set'}): "
             f"{p.done} of {p.total} items handed over" for p in digest.succession[:most]]
    if len(digest.succession) > most:
        lines.append(f"and {len(digest.succession) - most} more plans")
    return lines


def digest_message(digest: Digest, program_name: str, tz_name: str, *, objective: str = "") -> dict:
    """{"text", "blocks"} for the managers' channel."""
    this, last = digest.this, digest.last
    week = this.week
    blocks = [
        header(f"{program_name}: weekly digest"),
        *([context(f"_{esc(cut(objective, 500))}_")] if objective else []),
        context(f"Week of {_day(week.first_day)} to {_day(week.last_day)} ({esc(tz_name)}), "
                f"against the week before ({_short(last.week.first_day)} to {_short(last.week.last_day)})."),
        _bullets("People", [count_line("Opted in", this.people, last.people),
                            count_line("New this week", this.new_people, last.new_people)]),
        _bullets("Skills wanted with too few people offering them", [
            f"{esc(s.name)}: {s.wanted} want it, {s.offered} offer it" for s in digest.skills
        ] or ["None: every skill people want has enough people offering it"]),
        _bullets("Partnerships", [
            count_line("Active at the week's end", this.active_partnerships, last.active_partnerships),
            count_line("New this week", this.new_partnerships, last.new_partnerships),
            count_line("At risk", this.at_risk, last.at_risk),
        ]),
        _bullets("Agreements", [count_line("Signed", this.agreements_signed, last.agreements_signed),
                                count_line("Acknowledged by supervisors", this.acknowledged, last.acknowledged)]),
        _bullets("Meetings", [
            count_line("Meetings logged", this.meetings, last.meetings),
            hours_line("Hours", this.hours, last.hours),
            share_line(f"Pairs that met this month ({_short(week.month_start)} to {_short(week.last_day)})",
                       this.pairs_met, this.active_partnerships, last.pairs_met, last.active_partnerships,
                       of="active pairs", none="no active pairs"),
        ]),
        _bullets("Session structure", structure_lines(this, last)),
        _bullets("Check-ins", [
            share_line(f"Response rate ({month_name(week.period)})", this.checkins_answered, this.checkins_asked,
                       last.checkins_answered, last.checkins_asked, of="answered", none="none asked"),
            *_closed_lines(digest.closed_this, digest.closed_last),
        ]),
        _bullets("Peer circles", circle_lines(digest)),
        _bullets("Early fit check", [fit_line(digest.fit_this, digest.fit_last)]),
        _bullets("Stories", [count_line("Stories posted", this.stories, last.stories)]),
        *([_bullets("Succession plans (as of today)", succession_lines(digest))] if digest.succession else []),
        divider(),
        context(SMALL_PRINT.format(tz=esc(tz_name), k=digest.k)),
        context(SMALL_PRINT_STRUCTURE),
        context(SMALL_PRINT_CIRCLES.format(k=digest.k)),
    ]
    return {"text": summary(digest, program_name), "blocks": blocks[:50]}


def summary(digest: Digest, program_name: str) -> str:
    this: WeekFigures = digest.this
    return (f"{program_name} weekly digest, week of {_short(this.week.first_day)}: {this.meetings} meetings logged, "
            f"{this.active_partnerships} active partnerships, {this.people} people opted in.")


def chart_title(program_name: str, last_day: date) -> str:
    return f"{program_name}: meetings and active partnerships, 12 weeks to {_short(last_day)}"
