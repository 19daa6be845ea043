"""Reminder and nudge DMs about meetings."""

from __future__ import annotations

from datetime import date

from messages import ids
from messages.common import actions, button, context, esc, section, who

EVERY = {"weekly": "every week", "fortnightly": "every two weeks", "monthly": "once a month"}


def meeting_tomorrow(program: str, partnership_id: int, partner_name: str, partner_id: str, day: date,
                     at: str | None = None) -> dict:
    """`at`: the planned meeting's time in the reader's time zone, when the pair planned one."""
    when = f"*{at}*" if at else f"{day:%A %d %B}"
    text = (f"Tomorrow, {when}, you planned to meet {who(partner_name, partner_id)}. "
            "A good start: look at the action items from last time.")
    return {"text": f"{program}: you meet {partner_name or 'your partner'} tomorrow", "blocks": [
        section(text), context(f"*{esc(program)}*. After the meeting, log it with `/mentor log`.")]}


def gone_quiet(program: str, partnership_id: int, partner_name: str, partner_id: str, days: int, frequency: str) -> dict:
    text = (f"It's been {days} days since you and {who(partner_name, partner_id)} last met, and you planned to meet "
            f"{EVERY.get(frequency, 'regularly')}. A short call counts! Did you meet and forget to log it?")
    return {"text": f"{program}: time to meet {partner_name or 'your partner'} again?", "blocks": [
        section(text),
        actions(button("Plan our next meeting", ids.unique(ids.PLAN_OPEN, partnership_id), partnership_id, style="primary"),
                button("Log a meeting", ids.unique(ids.LOG_OPEN, partnership_id), partnership_id),
                block_id=f"nudge_{partnership_id}"),
        context(f"*{esc(program)}*. Busy time? Say so to your partner: pausing is fine too."),
    ]}
