"""Outbox keys: every key the code can build comes from bot/services/keys.py, and starts with a listed prefix.

A key is what makes a message exactly-once (a double click, a retried event, a job run twice write it once), so a
key spelled by hand somewhere else could silently differ from its twin and send a message twice."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, date, datetime
from pathlib import Path

from bot.services import keys

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = {int: 7, str: "U1", date: date(2028, 2, 29), datetime: datetime(2028, 2, 29, 23, 59, tzinfo=UTC)}


def _builders():
    for name, fn in inspect.getmembers(keys, inspect.isfunction):
        if fn.__module__ == keys.__name__ and not name.startswith("_") and name != "stamp":
            yield name, fn


def _sample(annotation: str):
    for kind, value in SAMPLE.items():
        if annotation.split(" | ")[0] == kind.__name__:
            return value
    raise AssertionError(f"no sample value for {annotation}")


def test_every_key_builder_makes_a_key_with_a_listed_prefix():
    seen = set()
    for name, fn in _builders():
        args = [_sample(p.annotation) for p in inspect.signature(fn).parameters.values()]
        built = fn(*args)
        found = built if isinstance(built, list) else [built]
        for key in found:
            prefix = key.split(":", 1)[0]
            assert prefix in keys.PREFIXES, f"keys.{name} builds {key!r}: its prefix is not in keys.PREFIXES"
            assert len(key) <= keys.MAX_KEY
            seen.add(prefix)
    assert len(set(keys.PREFIXES)) == len(keys.PREFIXES), "a prefix is listed twice"
    unused = set(keys.PREFIXES) - seen
    assert not unused, f"listed prefixes no builder makes: {sorted(unused)}"


def test_no_key_is_spelled_outside_the_keys_module():
    """An f-string or a literal that starts like a key ("request:", f"kickoff:{...}") only in bot/services/keys.py."""
    pattern = re.compile(r"""f?["']({}):(?!\s)""".format(
        "|".join(re.escape(p) for p in sorted(keys.PREFIXES, key=len, reverse=True))))
    offenders = []
    for folder in ("app", "bot", "handlers", "jobs", "messages", "models"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "bot" / "services" / "keys.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "keys spelled outside bot/services/keys.py:\n" + "\n".join(offenders)


def test_keys_that_existed_before_keep_their_spelling():
    """A deploy must not change a key that is already in someone's outbox (it would be sent again)."""
    assert keys.request(12) == "request:12"
    assert keys.kickoff(12) == "kickoff:12"
    assert keys.checkin_messages(5) == ["checkin:5", "checkin-reminder:5:1", "checkin-reminder:5:2"]
    assert keys.story_prompt(3, 4, "ended") == "story-prompt:3:4:ended"
    assert keys.buddy_welcome("T1", "U1") == "buddy-welcome:T1:U1"
    assert keys.digest("T1", date(2026, 11, 30)) == "digest:T1:2026-11-30"
    assert keys.topic_reminder(2, 9) == "topic-reminder:2:9"
    assert keys.export(4, datetime(2026, 1, 2, 3, 4, 5, 6)) == "export:4:20260102030405000006"


def test_a_circle_end_dates_keys_name_the_member_who_answered():
    """The chat's messages about a circle's end date: one per question, renewal and ending, naming who answered."""
    assert keys.circle_end_ask(3, date(2028, 2, 12)) == "circle-end-ask:3:2028-02-12"
    assert keys.circle_renewed(3, 1, 9) == "circle-renewed:3:1:9" and keys.circle_renewed(3, 1, 9)[-2:] == ":9"
    assert keys.circle_ended(3, 9) == "circle-ended:3:9" and keys.circle_ended(3, None) == "circle-ended:3:auto"
    assert keys.circle_ended(3, None).startswith("circle-ended:3:")
