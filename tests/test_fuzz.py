"""Hostile and broken input, generated (hypothesis): every modal the bot opens, submitted with values the
Slack client would never send (over-long, control characters, unicode, empty, wrong types, options that
were never offered, tampered private_metadata), and `/mentor <anything>`.

For every example: Slack gets an HTTP 200 in time, nothing is logged as an error (no traceback), the
person gets a field error or an answer, Slack accepts every call the bot makes in reply, a rejected form
writes nothing, and tampered ids never touch another pair's rows."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
import time_machine
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from handlers.registry import by_name
from models import Base, Partnership, Person
from tests.logcapture import capture_logs

FUZZ = settings(max_examples=20, deadline=None, derandomize=True, database=None, report_multiple_bugs=False,
                phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found, at once
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

NASTY = ["", " ", "\x00", "\x00\x01\x1b[31m", "\u202e\u200b\ufeff", "<!channel> <!here>", "<@U3> <#C1>", "*b* _i_ `c` ```x```",
         "'; DROP TABLE people; --", "{{7*7}} ${jndi:ldap://x}", "%s%n%x", "\\", "null", "None", "NaN", "-1", "0",
         "99999999999999999999", "1e308", "2026-02-30", "😀" * 40, "a\r\nb\tc", "ﷺ" * 500, "x" * 3001]
OTHER_USERS = ["U1", "U2", "U3", "U4", "U9", "UNOPE", "", "U1\x00", "W123", None]


def long_text() -> st.SearchStrategy:
    return st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "😀", "\x00", " "]), st.integers(501, 12000))


def any_text() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(NASTY), st.text(max_size=80), long_text())


def wrong_type() -> st.SearchStrategy:
    return st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=True), st.booleans(),
                     st.lists(st.text(max_size=4), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def element_values(element: dict) -> st.SearchStrategy:
    """What a forged client could put in this input's state."""
    kind = element["type"]
    offered = [o["value"] for o in element.get("options") or []] + \
        [o["value"] for g in element.get("option_groups") or [] for o in g.get("options") or []]
    choice = st.one_of(st.sampled_from(offered), any_text()) if offered else any_text()
    if kind in ("plain_text_input", "number_input"):
        return st.one_of(any_text(), wrong_type())
    if kind in ("static_select", "radio_buttons"):
        return st.one_of(choice, st.none())
    if kind in ("checkboxes", "multi_static_select"):
        return st.one_of(st.lists(choice, max_size=6), st.lists(st.sampled_from(offered or ["x"]), min_size=50, max_size=120))
    if kind == "datepicker":
        return st.one_of(st.dates().map(str), st.sampled_from(["", "not a date", "2026-13-01", "0000-00-00", "2026-02-30"]),
                         st.none())
    if kind == "users_select":
        return st.sampled_from(OTHER_USERS)
    return st.one_of(any_text(), wrong_type())


def form_values(view: dict) -> st.SearchStrategy:
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    return st.fixed_dictionaries({}, optional={block_id: element_values(el) for block_id, el in inputs.items()})


def metadata_values(view: dict, others: dict) -> st.SearchStrategy:
    """Untouched (None), garbage, or the form's own keys pointing at another pair's ids."""
    try:
        keys = list(json.loads(view.get("private_metadata") or "{}"))
    except ValueError:
        keys = []
    foreign = {k: st.one_of(st.sampled_from(others["ids"]), st.integers(-5, 10**9), any_text(), wrong_type()) for k in keys}
    return st.one_of(
        st.none(),
        st.sampled_from(["", "{", "[1, 2]", "null", "1", '{"x": 1}', "x" * 3000]),
        st.fixed_dictionaries(foreign).map(json.dumps) if foreign else st.none(),
    )


# -- the world: two pairs; Ada (U1) and Bea (U2) fill in the forms, Cy (U3) and Dee (U4) are the others --------

def snapshot(db) -> dict[str, list[str]]:
    with db.engine.connect() as conn:
        return {t.name: sorted(repr(tuple(r)) for r in conn.execute(t.select())) for t in Base.metadata.sorted_tables}


def owned_rows(db, partnership_id: int, person_ids: set[int]) -> dict[str, list[str]]:
    """Every row of another pair: their partnership, their people, and whatever points at either."""
    out = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = []
            for row in conn.execute(table.select()).mappings():
                mine = (table.name == Partnership.__tablename__ and row["id"] == partnership_id) or \
                    (table.name == Person.__tablename__ and row["id"] in person_ids)
                for column in table.columns:
                    for fk in column.foreign_keys:
                        target = fk.column.table.name
                        if (target == Partnership.__tablename__ and row[column.name] == partnership_id) or \
                                (target == Person.__tablename__ and row[column.name] in person_ids):
                            mine = True
                if mine:
                    rows.append(repr(tuple(row.values())))
            out[table.name] = sorted(rows)
    return out


@pytest.fixture
def pairs(world, fake, bot):
    # Built at a pinned date before the check-in month that test_checkin_form travels to (any day's "now" is later).
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=UTC), tick=True):
        world.join("U1", "Ada", offers=["Python"], wants=["Go"])
        world.join("U2", "Bea", offers=["Go"], wants=["Python"])
        world.join("U3", "Cy", offers=["Rust"], wants=["Elm"])
        world.join("U4", "Dee", offers=["Elm"], wants=["Rust"])
        world.join("U5", "Eve", offers=["Go"], wants=["Rust"])
        fake.add_user("U9", "Nia")  # in the workspace, not in the program
        mine, theirs = world.pair("U1", "U2"), world.pair("U3", "U4")
    with bot.db.uow() as session:
        their_people = set(session.scalars(select(Person.id).where(Person.slack_user_id.in_(["U3", "U4"]))).all())
        ids = sorted({theirs, *their_people} | _ids_of(session, theirs))
    return {"mine": mine, "theirs": theirs, "people": their_people, "ids": ids}


def _ids_of(session, partnership_id: int) -> set[int]:
    """Ids of every row that belongs to a partnership (check-ins, meetings, agreements, ...)."""
    found = set()
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == Partnership.__tablename__ for fk in column.foreign_keys) and "id" in table.c:
                found |= set(session.execute(select(table.c.id).where(column == partnership_id)).scalars())
    return found


def fuzz_form(world, bot, others: dict, user: str, callback_id: str, opener, *, guard_others: bool = True,
              examples: int = 20) -> None:
    """Open the form (again whenever a submission closed it), then submit generated values to it."""
    fake = world.fake

    def current() -> dict | None:
        """The form, open on top; None once it cannot be opened any more (e.g. a submitted "leave the program")."""
        modal = fake.open_modal(user)
        if modal is None or modal["callback_id"] != callback_id:
            while fake.close_modal(user):
                pass
            opener()
            world.idle()
            modal = fake.open_modal(user)
        return modal if modal is not None and modal["callback_id"] == callback_id else None

    first = current()
    assert first is not None, f"{callback_id} did not open"

    @settings(FUZZ, max_examples=examples)
    @given(values=form_values(first), tampered=metadata_values(first, others))
    def submit(values, tampered):
        view = current()
        if view is None:
            return
        guard = tampered is not None and guard_others
        before = snapshot(bot.db)
        theirs = owned_rows(bot.db, others["theirs"], others["people"]) if guard else None
        with capture_logs() as logs:
            response = world.forged_submit(user, copy.deepcopy(view), values, metadata=tampered)
            world.idle()
        assert response.status == 200, response.text
        assert response.elapsed < 3, f"acked after {response.elapsed:.1f}s"
        assert_no_error_logged(logs)
        assert fake.rejected == [], fake.summary()
        if response.view_errors:
            assert all(isinstance(m, str) and m for m in response.view_errors.values())
            assert snapshot(bot.db) == before, "a rejected form wrote something"
        if guard:
            assert owned_rows(bot.db, others["theirs"], others["people"]) == theirs, "tampered ids touched another pair"

    submit()


def assert_no_error_logged(logs) -> None:
    errors = [r for r in logs.records() if r["level"] in ("ERROR", "CRITICAL") or "exception" in r]
    assert errors == [], errors
    outcomes = {r["outcome"] for r in logs.records(logger="mentor_bot.requests")}
    assert outcomes <= {"ok", "refused"}, outcomes


# -- every form ------------------------------------------------------------------------------------------------

def test_profile_form(world, pairs, bot):
    fuzz_form(world, bot, pairs, "U1", "profile_submit", lambda: world.slack.command("U1", "profile"))


def test_ask_form(world, pairs, bot, fake):
    found = world.find("U1", "Go")  # Eve, the one other person who offers Go; once asked, the same button again
    # Its metadata names whom to ask: pointing it at Cy or Dee is a request to them (they may be asked), not
    # a change to their partnership, so only the other checks apply.
    fuzz_form(world, bot, pairs, "U1", "ask_submit", lambda: world.slack.click("U1", found, "Ask to partner"),
              guard_others=False)


def test_agreement_form(world, pairs, bot, fake):
    group = fake.group_dm("U1", "U2")
    fuzz_form(world, bot, pairs, "U1", "agreement_submit",
              lambda: world.slack.click("U1", fake.messages(group)[0], "Write our agreement"))


def test_meeting_log_form(world, pairs, bot):
    fuzz_form(world, bot, pairs, "U1", "meeting_submit", lambda: world.slack.command("U1", "log"))


def test_journal_form(world, pairs, bot):
    fuzz_form(world, bot, pairs, "U1", "journal_submit",
              lambda: world.slack.click("U1", world.slack.command("U1", "journal"), "Add a note"))


def test_story_form(world, pairs, bot):
    fuzz_form(world, bot, pairs, "U1", "story_submit", lambda: world.slack.command("U1", "story"))


def test_checkin_form(world, pairs, bot, fake):
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=True):
        world.run_job("monthly-checkins")
        with bot.db.uow() as session:  # the others' check-ins are fair game for tampered ids too
            pairs["ids"] = sorted(set(pairs["ids"]) | _ids_of(session, pairs["theirs"]))
        checkin = next(m for m in fake.dms_to("U1") if "check-in" in m["text"])
        fuzz_form(world, bot, pairs, "U1", "checkin_submit", lambda: world.slack.click("U1", checkin, "We met"))


# -- /mentor <anything> ---------------------------------------------------------------------------------------

def subcommands(bot) -> list[str]:
    """Every subcommand /mentor knows (the registry's names and aliases)."""
    return sorted(by_name())


def test_any_command_text_gets_an_answer(world, pairs, bot, fake, monkeypatch):
    """Ada (U1) takes part, Cy (U3) takes part and is a program admin, Nia (U9) is not in the program."""
    monkeypatch.setattr(bot.settings, "program_admins", ["U3"])
    subs = subcommands(bot)
    texts = st.one_of(
        any_text(),
        st.tuples(st.sampled_from(subs), any_text()).map(" ".join),
        st.tuples(st.sampled_from(subs),
                  st.sampled_from(["", "@U3", "<@U3>", "U3", "42", "-1", "all", "on", "off"])).map(" ".join),
    )

    @settings(FUZZ, max_examples=40)
    @given(user=st.sampled_from(["U1", "U3", "U9"]), text=texts)
    def command(user, text):
        for someone in ("U1", "U3", "U9"):
            while fake.close_modal(someone):
                pass
        told_before = len(fake.responses(user)) + len(fake.dms_to(user))
        with capture_logs() as logs:
            response = world.slack.command(user, text)
            world.idle()
        assert response.status == 200, response.text
        assert response.elapsed < 3, f"acked after {response.elapsed:.1f}s"
        assert_no_error_logged(logs)
        assert fake.rejected == [], fake.summary()
        answered = (response.json or {}).get("text") or fake.open_modal(user) or \
            len(fake.responses(user)) + len(fake.dms_to(user)) > told_before
        assert answered, f"/mentor {text!r} left {user} without an answer"

    command()


def test_every_form_a_subcommand_opens(world, pairs, bot, fake, monkeypatch):
    """The other areas' forms too (admin settings, rounds, buddies, topics, succession, pausing, leaving, ...):
    whatever opens from `/mentor <subcommand>` for someone who is both a participant and a program admin.
    An admin may act on anyone, so only the checks that hold for every form apply."""
    monkeypatch.setattr(bot.settings, "program_admins", ["U1"])
    covered = []
    last = {"pause": 1, "end": 2, "leave": 3}  # what ends things goes last
    for sub in sorted(subcommands(bot), key=lambda name: last.get(name, 0)):
        while fake.close_modal("U1"):
            pass
        world.slack.command("U1", sub)
        world.idle()
        modal = fake.open_modal("U1")
        if modal is None or modal.get("submit") is None or modal["callback_id"] in covered:
            continue
        covered.append(modal["callback_id"])
        fuzz_form(world, bot, pairs, "U1", modal["callback_id"], lambda sub=sub: world.slack.command("U1", sub),
                  guard_others=False, examples=10)
    assert {"profile_submit", "meeting_submit", "story_submit"} <= set(covered), covered
    assert len(covered) >= 8, covered  # and the other areas' forms


# -- whatever anyone on the internet posts to /slack/events -----------------------------------------------------

def raw_bodies() -> st.SearchStrategy:
    json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                               lambda inner: (st.lists(inner, max_size=3)
                                              | st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                               max_leaves=8)
    return st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda v: json.dumps(v).encode()),
        json_values.map(lambda v: b"payload=" + json.dumps(v).encode()),
        st.sampled_from([b"{", b"payload=%7B", b"payload=null", b"\xff\xfe", b"command=/mentor&text=\xff", b"[]", b"null"]),
    )


@settings(FUZZ, max_examples=40)
@given(body=raw_bodies(), content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain"]),
       signed=st.booleans())
def test_any_body_posted_to_the_endpoint_gets_a_clean_answer(slack, fake, body, content_type, signed):
    with capture_logs() as logs:
        response = slack.post_raw(body, content_type, signature=None if signed else "v0=" + "0" * 64)
    assert response.status < 500, (body, response.status, response.text)
    if not signed:
        assert response.status in (400, 401)
    assert "Traceback" not in logs.text and not [r for r in logs.records() if r["level"] == "ERROR"], logs.text
