"""Matching boundaries as use cases: the reporting line (named in `/mentor boundaries`, in Slack's profile, or as a
supervisor in an agreement), private lists and the program's rules keep people apart in find, requests, rounds and
buddies; a refusal never says why; rules are admin-only and audited; my data export and deletion cover them; and a
streak of three requests that came to nothing brings people with room, once."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.flows import admin, boundaries, lifecycle, requests, rounds
from bot.services import boundaries as service
from bot.services import clock, matching, profiles
from bot.services.boundaries import NEUTRAL, BoundariesForm, RulesForm
from bot.services.errors import DomainError, NotAllowed
from bot.services.profiles import ProfileForm
from bot.services.program import ProgramForm
from bot.services.rounds import RoundForm
from bot.settings import Settings
from models import Agreement, AuditEntry, DontSuggest, Partnership, ReportingLine
from tests.flows.conftest import TEAM, outbox_rows

ADMIN = "UADMIN"


@pytest.fixture
def ctx(ctx):
    ctx.settings = ctx.settings.model_copy(update={"program_admins": [ADMIN]})
    return ctx


def join(ctx, user_id: str, offers: list[str], wants: list[str], *, level: int = 3, department: str = "Engineering",
         goal: str = "knowledge", team_id: str = TEAM) -> int:
    with ctx.db.uow() as session:
        person, _new = profiles.save(session, team_id, user_id, ProfileForm(
            offers=offers, wants=wants, goals=[goal], department=department, level=level))
        return person.id


def suggested(ctx, user_id: str) -> set[str]:
    with ctx.db.uow() as session:
        me = profiles.require(session, TEAM, user_id)
        return {s.person.slack_user_id for s in matching.find(session, me).suggestions}


def partnerships_count(ctx) -> int:
    with ctx.db.uow() as session:
        return session.scalar(select(func.count()).select_from(Partnership)) or 0


def three_who_fit(ctx) -> None:
    """Ada (U1) wants Python; Bea (U2) and Cy (U3) offer it and want what Ada offers."""
    join(ctx, "U1", ["Design"], ["Python"])
    join(ctx, "U2", ["Python"], ["Design"])
    join(ctx, "U3", ["Python"], ["Design"])


def test_my_manager_and_my_direct_reports_are_never_suggested_either_way(ctx):
    three_who_fit(ctx)
    assert suggested(ctx, "U1") == {"U2", "U3"}
    boundaries.save_boundaries(ctx, TEAM, "U1", BoundariesForm(manager="U2"))
    assert suggested(ctx, "U1") == {"U3"}  # my manager
    assert "U1" not in suggested(ctx, "U2")  # their direct report
    form = boundaries.boundaries_form(ctx, TEAM, "U1")
    assert '"initial_user": "U2"' in json.dumps(form)  # the modal shows it back


def test_a_supervisor_named_in_an_agreement_is_a_reporting_line(ctx):
    three_who_fit(ctx)
    join(ctx, "U4", ["Go"], ["Rust"])
    with ctx.db.uow() as session:
        ids = {p: profiles.require(session, TEAM, p).id for p in ("U1", "U4")}
        pair = Partnership(team_id=TEAM, person_a_id=min(ids.values()), person_b_id=max(ids.values()), status="active")
        session.add(pair)
        session.flush()
        a_is_ada = pair.person_a_id == ids["U1"]
        session.add(Agreement(team_id=TEAM, partnership_id=pair.id, version=1, drafted_by_id=ids["U1"], goals="Learn",
                              frequency="monthly", meeting_minutes=30, end_date=date(2028, 6, 1),
                              supervisor_a="U3" if a_is_ada else None, supervisor_b=None if a_is_ada else "U3"))
    assert suggested(ctx, "U1") == {"U2"}
    assert "U1" not in suggested(ctx, "U3")


def test_the_slack_profile_manager_counts_and_can_be_cleared(ctx):
    three_who_fit(ctx)
    boundaries.mirror_slack_manager(ctx, TEAM, "U1", "U3")
    assert suggested(ctx, "U1") == {"U2"}
    assert "Your Slack profile names <@U3>" in json.dumps(boundaries.boundaries_form(ctx, TEAM, "U1"))
    boundaries.mirror_slack_manager(ctx, TEAM, "U1", None)
    assert suggested(ctx, "U1") == {"U2", "U3"}
    boundaries.mirror_slack_manager(ctx, TEAM, "UNOBODY", "U3")  # someone not in the program: nothing happens


def test_a_private_list_holds_both_ways_and_a_request_is_refused_with_neutral_words(ctx):
    three_who_fit(ctx)
    boundaries.save_boundaries(ctx, TEAM, "U2", BoundariesForm(dont_suggest=["U1", "U2"]))  # myself is ignored
    assert suggested(ctx, "U1") == {"U3"} and "U1" not in suggested(ctx, "U2")
    with ctx.db.uow() as session:
        bea = profiles.require(session, TEAM, "U2").id
        ada = profiles.require(session, TEAM, "U1").id
        assert session.scalars(select(DontSuggest.other_user_id)).all() == ["U1"]
    for attempt in (lambda: requests.ask_form(ctx, TEAM, "U1", bea), lambda: requests.ask(ctx, TEAM, "U1", bea, "hi"),
                    lambda: requests.ask(ctx, TEAM, "U2", ada, "hi")):
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert refused.value.message == NEUTRAL  # the same words whoever set it: nobody learns they are on a list
    assert partnerships_count(ctx) == 0 and outbox_rows(ctx, "request") == []  # nothing stored, nothing sent
    boundaries.save_boundaries(ctx, TEAM, "U2", BoundariesForm(dont_suggest=[]))  # taken off the list
    assert requests.ask(ctx, TEAM, "U1", bea, "hi").target_user_id == "U2"


def test_a_request_sent_before_the_boundary_cannot_be_accepted_after_it(ctx):
    three_who_fit(ctx)
    with ctx.db.uow() as session:
        bea = profiles.require(session, TEAM, "U2").id
    asked = requests.ask(ctx, TEAM, "U1", bea, "")
    boundaries.save_boundaries(ctx, TEAM, "U2", BoundariesForm(manager="U1"))
    with pytest.raises(NotAllowed):
        requests.accept(ctx, TEAM, "U2", asked.partnership_id)


def test_bad_picks_are_refused_by_the_form(ctx):
    for bad in ({"manager": "not-a-user"}, {"dont_suggest": ["U1", 5]}, {"dont_suggest": [f"U{n:03d}" for n in range(51)]}):
        with pytest.raises(ValueError):
            BoundariesForm(**bad)
    for bad in ({"first": "U1"}, {"first": "U1", "second": "U1"}):
        with pytest.raises(ValueError):
            RulesForm(**bad)


def test_program_rules_are_for_admins_audited_and_hold_in_find(ctx):
    three_who_fit(ctx)
    join(ctx, "U4", ["Python"], ["Design"], department="Sales")
    with pytest.raises(NotAllowed):
        boundaries.rules_form(ctx, TEAM, "U1")
    with pytest.raises(NotAllowed):
        boundaries.save_rules(ctx, TEAM, "U1", RulesForm(separate_departments=True))
    assert boundaries.save_rules(ctx, TEAM, ADMIN, RulesForm(separate_departments=True, first="U3", second="U1")) == 2
    assert suggested(ctx, "U1") == {"U4"}  # the same department is out, and Cy by the pair rule anyway
    assert boundaries.save_rules(ctx, TEAM, ADMIN, RulesForm(separate_departments=True, first="U1", second="U3")) == 0
    with ctx.db.uow() as session:
        current = service.rules(session, TEAM)
    assert current.separate_departments and [(a, b) for _i, a, b in current.pairs] == [("U1", "U3")]
    rule_id = current.pairs[0][0]
    assert boundaries.save_rules(ctx, TEAM, ADMIN, RulesForm(separate_departments=False, remove=[rule_id, 999])) == 2
    assert suggested(ctx, "U1") == {"U2", "U3", "U4"}
    with ctx.db.uow() as session:
        audit = [(a.action, a.actor_user_id) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert audit == [("rules.separate_departments", ADMIN), ("rules.pair_added", ADMIN),
                     ("rules.separate_departments", ADMIN), ("rules.pair_removed", ADMIN)]
    assert "Not within the same department" in json.dumps(boundaries.rules_form(ctx, TEAM, ADMIN))


def _formal_program(ctx) -> None:
    admin.save_settings(ctx, TEAM, ADMIN, ProgramForm(
        name="Grow Together", anonymity_min_group=Settings.model_fields["anonymity_min_group"].default,
        default_length_months=6, default_capacity=2, program_types=["peer", "formal"], admins=[ADMIN]))


def test_a_round_never_pairs_across_a_boundary_and_tells_everyone_left_out_why(ctx):
    _formal_program(ctx)
    join(ctx, "U1", ["Python"], ["Budgeting"], level=7)  # a mentor: the only one offering Python
    join(ctx, "U2", ["Design"], ["Python"], level=2)  # reports to Ada: a boundary
    join(ctx, "U3", ["Design"], ["Python"], level=2)  # fits Ada
    join(ctx, "U4", ["Design"], ["Cooking"], level=2, goal="career")  # nobody offers Cooking or shares the goal
    with ctx.db.uow() as session:
        profiles.require(session, TEAM, "U1").capacity = 1
    boundaries.save_boundaries(ctx, TEAM, "U2", BoundariesForm(manager="U1"))
    rounds.open_round(ctx, TEAM, ADMIN, RoundForm(criteria=[], min_level=5), None)
    review = json.dumps(rounds.show_round(ctx, TEAM, ADMIN))
    assert "*2* would be left without a pair" in review
    assert "1: nobody in the pool fits" in review and "1: everyone who fits is across a matching boundary" in review
    rounds.confirm_round(ctx, TEAM, ADMIN)
    intros = [(r.recipient, r.kind) for r in outbox_rows(ctx) if r.kind == "introduction"]
    assert sorted(intros) == [("U1", "introduction"), ("U3", "introduction")]
    told = {r.recipient: r.payload for r in outbox_rows(ctx, "left-out")}
    assert set(told) == {"U2", "U4"}
    assert "matching boundary" in json.dumps(told["U2"]) and "offers the skills you want" in json.dumps(told["U4"])
    for payload in told.values():
        text = json.dumps(payload)
        assert "<@" not in text and "U1" not in text and "U3" not in text  # names nobody
        assert "Find a partner" in text and "next round" in text
    assert "*2* left without a pair" in json.dumps(rounds.show_round(ctx, TEAM, ADMIN))
    with pytest.raises(DomainError):
        rounds.confirm_round(ctx, TEAM, ADMIN)  # a second confirm tells nobody again
    assert len(outbox_rows(ctx, "left-out")) == 2


def test_more_mentees_than_places_is_said_plainly(ctx):
    _formal_program(ctx)
    join(ctx, "U1", ["Python"], ["Budgeting"], level=7)
    join(ctx, "U2", ["Design"], ["Python"], level=2)
    join(ctx, "U3", ["Design"], ["Python"], level=2)
    rounds.open_round(ctx, TEAM, ADMIN, RoundForm(criteria=[], min_level=5, max_per_mentor=1), None)
    rounds.confirm_round(ctx, TEAM, ADMIN)
    (row,) = outbox_rows(ctx, "left-out")
    assert "more people looking for a mentor than places" in json.dumps(row.payload)


def test_three_requests_in_a_row_that_came_to_nothing_bring_people_with_room_once(ctx):
    join(ctx, "U1", ["Design"], ["Python"])
    for user in ("U2", "U3", "U4", "U5", "U6"):
        join(ctx, user, ["Python"], ["Design"])
    boundaries.save_boundaries(ctx, TEAM, "U6", BoundariesForm(dont_suggest=["U1"]))
    with ctx.db.uow() as session:
        ids = {u: profiles.require(session, TEAM, u).id for u in ("U2", "U3", "U4", "U5")}
    first = requests.ask(ctx, TEAM, "U1", ids["U2"], "")
    requests.decline(ctx, TEAM, "U2", first.partnership_id)
    second = requests.ask(ctx, TEAM, "U1", ids["U3"], "")
    requests.decline(ctx, TEAM, "U3", second.partnership_id)
    assert outbox_rows(ctx, "requests-missed") == []
    requests.ask(ctx, TEAM, "U1", ids["U4"], "")
    assert requests.expire_requests(ctx, clock.now() + timedelta(days=15)) == 1  # the third came to nothing: expired
    (dm,) = outbox_rows(ctx, "requests-missed")
    assert dm.recipient == "U1"
    shown = json.dumps(dm.payload)
    assert "Your last 3 partner requests" in shown and "<@U5>" in shown and "Ask to partner" in shown
    assert "<@U6>" not in shown  # boundaries hold here too
    fourth = requests.ask(ctx, TEAM, "U1", ids["U5"], "")
    requests.decline(ctx, TEAM, "U5", fourth.partnership_id)
    assert len(outbox_rows(ctx, "requests-missed")) == 1  # once per streak


def test_my_export_shows_my_own_settings_and_deleting_my_data_removes_every_trace(ctx):
    three_who_fit(ctx)
    boundaries.save_boundaries(ctx, TEAM, "U1", BoundariesForm(manager="U2", dont_suggest=["U3"]))
    boundaries.save_boundaries(ctx, TEAM, "U3", BoundariesForm(manager="U1", dont_suggest=["U1"]))
    with ctx.db.uow() as session:
        data = lifecycle_export(session)
    assert data == {"my_manager": "U2", "manager_in_slack_profile": None, "dont_suggest": ["U3"]}  # not Cy's list
    lifecycle.leave(ctx, TEAM, "U1", delete_data=True)
    with ctx.db.uow() as session:
        assert session.scalars(select(DontSuggest)).all() == []
        assert session.scalars(select(ReportingLine)).all() == []


def lifecycle_export(session) -> dict:
    from bot.services import lifecycle as lifecycle_service

    return lifecycle_service.export(session, TEAM, "U1")["matching_boundaries"]


def test_an_onboarding_buddy_is_never_the_newcomers_manager(ctx):
    from bot.services import buddies

    join(ctx, "U1", ["Python"], ["Go"], level=8)  # the most senior of the department: the natural pick
    join(ctx, "U2", ["Python"], ["Go"], level=5)
    join(ctx, "U9", ["Go"], ["Python"], level=1)  # the newcomer

    def picked() -> str:
        with ctx.db.uow() as session:
            found = buddies.pick(session, profiles.require(session, TEAM, "U9"))
            assert found is not None
            return found[0].slack_user_id

    assert picked() == "U1"
    boundaries.save_boundaries(ctx, TEAM, "U9", BoundariesForm(manager="U1"))
    assert picked() == "U2"
    boundaries.save_rules(ctx, TEAM, ADMIN, RulesForm(separate_departments=True))
    assert picked() == "U2"  # a buddy comes from the newcomer's own department by design: that rule is not theirs


def test_a_boundary_set_after_the_proposal_stops_that_introduction(ctx):
    _formal_program(ctx)
    join(ctx, "U1", ["Python"], ["Budgeting"], level=7)
    join(ctx, "U3", ["Design"], ["Python"], level=2)
    rounds.open_round(ctx, TEAM, ADMIN, RoundForm(criteria=[], min_level=5), None)
    assert "Everyone in the pool has a pair" in json.dumps(rounds.show_round(ctx, TEAM, ADMIN))
    boundaries.save_boundaries(ctx, TEAM, "U3", BoundariesForm(dont_suggest=["U1"]))
    rounds.confirm_round(ctx, TEAM, ADMIN)
    assert outbox_rows(ctx, "introduction") == []
    told = {r.recipient: json.dumps(r.payload) for r in outbox_rows(ctx, "left-out")}
    assert set(told) == {"U1", "U3"} and all("didn't go ahead" in t for t in told.values())
