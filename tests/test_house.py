"""The house rules that import-linter cannot see: a listener or a job never opens a transaction, never writes to the
outbox and never posts to Slack itself (the apology helper excepted: it must work while the database is down)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    r"\.uow\(": "opens a transaction (a use case in bot/flows/ does)",
    r"\boutbox\.": "writes to the outbox (a use case does)",
    r"\bsession\.(add|execute|scalars?|get|flush|delete|query)\(": "works with a database session (a use case does)",
    r"\.(chat_postMessage|chat_update|views_publish|conversations_open|files_upload\w*)\(":
        "posts to Slack itself (the outbox sender does, after the use case queued it)",
}
ALLOWED = {("handlers/common.py", "_dm_now")}


def _offences(folder: str) -> list[str]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if relative == "jobs/scheduler.py":  # the scheduler's own ledger and leader lock, not a job's work
            continue
        function = ""
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if m := re.match(r"\s*def (\w+)", line):
                function = m.group(1)
            if line.lstrip().startswith("#") or (relative, function) in ALLOWED:
                continue
            for pattern, why in FORBIDDEN.items():
                if re.search(pattern, line.split("#")[0]):
                    found.append(f"{relative}:{number} ({function}) {why}: {line.strip()}")
    return found


def test_listeners_call_use_cases_and_never_write_or_post_themselves():
    offences = _offences("handlers")
    assert not offences, "\n".join(offences)


def test_jobs_call_use_cases_and_never_write_or_post_themselves():
    offences = _offences("jobs")
    assert not offences, "\n".join(offences)
