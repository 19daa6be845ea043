"""Program administration: the `/mentor admin` modal and the audit log message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.services.program import MAX_LENGTH_MONTHS, MAX_NAME, MAX_OBJECTIVE, Program
from messages import ids
from messages.common import (
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
    select,
    slack_time,
    text_input,
)

TYPE_LABELS = {
    "peer": "Peer mentoring",
    "reverse": "Reverse mentoring",
    "onboarding": "Onboarding buddies",
    "topics": "Topic sessions",
    "succession": "Succession",
    "formal": "Formal pairing rounds",
}
FIELD_LABELS = {
    "name": "Program name",
    "objective": "Objective",
    "digest_channel": "Digest channel",
    "stories_channel": "Stories channel",
    "onboarding_channel": "Onboarding channel",
    "anonymity_min_group": "Anonymity k",
    "default_length_months": "Default partnership length (months)",
    "default_capacity": "Default partners at once",
    "types": "Program types",
    "agenda_template": "Agenda template",
}
CHANNEL_HINTS = {
    "digest_channel": "Where the weekly digest for managers is posted. Invite the bot to the channel.",
    "stories_channel": "Where approved success stories are posted. Invite the bot to the channel.",
    "onboarding_channel": "New members of this channel get an onboarding buddy (when that program type is on).",
}


def cron_block(job_name: str) -> str:
    return f"cron_{job_name}"


def _channel_select(block_id: str, current: str | None) -> dict:
    element: dict[str, Any] = {"type": "conversations_select", "action_id": "value",
                               "filter": {"include": ["public", "private"], "exclude_bot_users": True},
                               "placeholder": {"type": "plain_text", "text": "Pick a channel"}}
    if current:
        element["initial_conversation"] = current
    return input_block(block_id, FIELD_LABELS[block_id], element, optional=True, hint=CHANNEL_HINTS[block_id])


def _number(block_id: str, label: str, value: int, low: int, high: int, hint: str) -> dict:
    element = {"type": "number_input", "action_id": "value", "is_decimal_allowed": False,
               "initial_value": str(value), "min_value": str(low), "max_value": str(high)}
    return input_block(block_id, label, element, hint=hint)


def admin_modal(program: Program, jobs: list[tuple[str, str, str]], admins: list[str], env_admins: list[str],
                tz_name: str) -> dict:
    """jobs: (name, what it does, current crontab line) for every scheduled job."""
    blocks: list[dict] = [
        text_input("name", FIELD_LABELS["name"], max_length=MAX_NAME, initial=program.name,
                   hint="Used in every message the bot sends."),
        text_input("objective", FIELD_LABELS["objective"], multiline=True, max_length=MAX_OBJECTIVE,
                   initial=program.objective, optional=True,
                   hint="One or two sentences: what the program is for. Shown in the welcome, help, Home and digest."),
        _channel_select("digest_channel", program.digest_channel),
        _channel_select("stories_channel", program.stories_channel),
        _channel_select("onboarding_channel", program.onboarding_channel),
        _number("anonymity_min_group", FIELD_LABELS["anonymity_min_group"], program.anonymity_min_group, 2, 1000,
                "Check-in figures are reported only when at least this many people answered (2 or more)."),
        _number("default_length_months", FIELD_LABELS["default_length_months"], program.default_length_months, 1,
                MAX_LENGTH_MONTHS, "The end date a new agreement suggests."),
        input_block("default_capacity", FIELD_LABELS["default_capacity"],
                    select([option(str(n), n) for n in range(1, 6)], initial=program.default_capacity),
                    hint="What a new profile suggests; everyone can change their own."),
        input_block("program_types", FIELD_LABELS["types"], checkboxes(
            [option(TYPE_LABELS[t], t) for t in TYPE_LABELS if t != "peer"], sorted(program.types)),
            optional=True, hint="Peer mentoring is always on."),
        text_input("agenda_template", FIELD_LABELS["agenda_template"], multiline=True, max_length=2000,
                   initial="\n".join(program.agenda_template), optional=True,
                   hint="One point per line: every meeting's agenda starts with them, and partners add their own. "
                        "Leave empty for no template."),
        input_block("admins", "Program admins", {
            "type": "multi_users_select", "action_id": "value", "initial_users": admins,
            "placeholder": {"type": "plain_text", "text": "Pick people"}},
            hint="Admins change these settings, review stories and run rounds. Those named in the PROGRAM_ADMINS "
                 "setting stay admins whatever you pick here." if env_admins else
                 "Admins change these settings, review stories and run rounds."),
        header("Schedules"),
        context(f"One crontab line per job (minute hour day month weekday), in {esc(tz_name)}. "
                "A change applies at the scheduler's next check, within 15 seconds, without a restart."),
    ]
    for name, description, line in jobs:
        blocks.append(text_input(cron_block(name), name, max_length=100, initial=line, hint=description))
    return modal("Program settings", ids.ADMIN_MODAL, blocks, submit="Save")


def _when(at: datetime) -> str:
    return slack_time(at, "%Y-%m-%d %H:%M", "{date_short} {time}")


def _value(value: object, field: str = "") -> str:
    if value is None or value == "" or value == []:
        return "_(none)_"
    if isinstance(value, list):
        return ", ".join(TYPE_LABELS.get(str(v), esc(str(v))) for v in value)
    if field.endswith("_channel") and str(value).isalnum():
        return f"<#{value}>"
    if isinstance(value, int):
        return str(value)
    return f"“{esc(cut(str(value), 120))}”"


def describe(action: str, detail: dict) -> str:
    """One audit entry as a line an admin reads."""
    if action.startswith("program.") and "old" in detail and "new" in detail:
        what = action.removeprefix("program.")
        label = f"schedule of {detail.get('job')}" if what == "schedule" else FIELD_LABELS.get(what, what)
        return f"{label}: {_value(detail['old'], what)} → {_value(detail['new'], what)}"
    if action in ("admin.add", "admin.remove") and detail.get("user"):
        return f"{'added' if action == 'admin.add' else 'removed'} admin {mention(str(detail['user']))}"
    words = ", ".join(f"{esc(str(k))}: {esc(cut(str(v), 80))}" for k, v in detail.items())
    return f"`{esc(action)}`" + (f" ({words})" if words else "")


def audit_message(entries: list) -> dict:
    if not entries:
        text = "No admin actions recorded yet."
        return {"text": text, "blocks": [section(text)]}
    lines = [f"{_when(e.at)} {_actor(e.actor_user_id)}: {describe(e.action, e.detail or {})}" for e in entries]
    blocks = [section(f"*The last {len(entries)} admin action(s), newest first*")]
    chunk: list[str] = []
    for line in lines:  # several lines per section, each section within Slack's 3,000 characters
        if chunk and len("\n".join([*chunk, line])) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(cut(line, 2900))
    blocks.append(section("\n".join(chunk)))
    return {"text": f"The last {len(entries)} admin action(s)", "blocks": blocks}


def _actor(actor: str) -> str:
    """Who did it: a person (a mention), or the operator's CLI or Slack itself (an uninstall), in words."""
    return {"operator": "the operator (command line)", "slack": "Slack"}.get(actor) or mention(actor)


def saved_message(count: int) -> str:
    if not count:
        return "Program settings saved: nothing changed."
    return (f"Program settings saved: {count} change(s), each recorded in the audit log "
            "(`/mentor admin log`).")


def admin_usage() -> dict:
    text = ("`/mentor admin` opens the program settings; `/mentor admin rules` the matching rules (not within the same "
            "department, pairs that must not be matched); `/mentor admin log` shows the last 20 admin actions.")
    return {"text": text, "blocks": [section(text)]}
