"""One program across an Enterprise Grid org (issue 14): installed org-wide, people of two workspaces find each
other, pair across the border, share a group chat and get their check-ins; a workspace that ran the bot on its own
brings its people along when the org installs it."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.tokens import Tokens
from models import AuditEntry, Partnership, Person, Tenant
from tests import oauth_harness
from tests.oauth_harness import install
from tests.world import World

oauth_bot, oauth = oauth_harness.oauth_bot, oauth_harness.oauth  # the OAuth-mode bot's fixtures

ORG = "E0ACME"


def join_in(world: World, user_id: str, name: str, team_id: str, *, offers: list[str], wants: list[str]) -> None:
    """world.join, for a person of a given workspace of the org."""
    world.fake.add_user(user_id, name, team_id=team_id)
    assert world.slack.command(user_id, "join").status == 200
    view = world.fake.wait_for(lambda: world.fake.open_modal(user_id))
    response = world.slack.submit(user_id, view, {"offers": ", ".join(offers), "wants": ", ".join(wants),
                                                  "goals": ["Knowledge gaps"], "department": "Engineering",
                                                  "level": "Level 3"})
    assert response.status == 200 and not response.view_errors, response.text
    world.idle()


def _grid(fake):
    fake.add_workspace("T0ALPHA", "Alpha", ORG)
    fake.add_workspace("T0BETA", "Beta", ORG)


def test_two_workspaces_of_one_org_pair_across_the_border(oauth, oauth_bot, fake):
    _grid(fake)
    install(oauth_bot, fake, enterprise_id=ORG, org_wide=True)
    oauth.grid(ORG)  # Grid-shaped payloads: enterprise, is_enterprise_install, each person's own workspace
    world = World(oauth, fake, oauth_bot)
    join_in(world, "W0ANN", "Ann Alpha", "T0ALPHA", offers=["Kubernetes"], wants=["Negotiation"])
    join_in(world, "W0BOB", "Bob Beta", "T0BETA", offers=["Negotiation"], wants=["Kubernetes"])

    found = world.find("W0ANN", "negotiation")  # Ann finds Bob, who works in the other workspace
    assert "Bob Beta" in found.text or "W0BOB" in found.text
    world.ask("W0ANN", "W0BOB", "Across the org?")
    world.slack.click("W0BOB", world.request_message("W0BOB"), "Accept")
    world.idle()

    with oauth_bot.db.uow() as session:
        assert set(session.scalars(select(Person.team_id))) == {ORG}  # one program: the org's
        assert session.scalars(select(Partnership.status)).one() == "active"
    token = fake.tokens_of(ORG)[0]
    opened = [c for c in fake.calls_to("conversations.open", ok=True) if "," in str(c.args.get("users"))]
    assert opened and opened[-1].token == token  # the pair's group chat, across workspaces, with the org's token
    assert any("Welcome to your peer partnership" in m["text"] for m in fake.messages(opened[-1].response["channel"]["id"]))
    assert not [c for c in fake.calls if c.error == "user_not_found"]

    world.run_job("monthly-checkins")  # jobs run per tenant: the org's program
    assert all(any("check-in" in m["text"] for m in fake.dms_to(u)) for u in ("W0ANN", "W0BOB"))


def test_a_workspace_install_cannot_reach_the_other_workspace(oauth, oauth_bot, fake):
    _grid(fake)
    install(oauth_bot, fake, team_id="T0ALPHA")  # installed in one workspace only
    fake.add_user("W0BOB", "Bob Beta", team_id="T0BETA")
    client = Tokens(oauth_bot.settings, oauth_bot.db).client("T0ALPHA")
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.conversations_open(users="W0BOB")  # the fake is strict like Slack across workspace borders


def test_an_org_wide_install_brings_in_a_workspace_that_ran_the_bot_on_its_own(oauth, oauth_bot, fake):
    _grid(fake)
    install(oauth_bot, fake, team_id="T0ALPHA")  # first Alpha installs the bot for itself
    oauth.grid(ORG, org_wide=False)
    world = World(oauth, fake, oauth_bot)
    join_in(world, "W0ANN", "Ann Alpha", "T0ALPHA", offers=["Kubernetes"], wants=["Negotiation"])
    with oauth_bot.db.uow() as session:
        assert session.scalars(select(Person.team_id)).one() == "T0ALPHA"

    install(oauth_bot, fake, enterprise_id=ORG, org_wide=True)  # then the org installs it org-wide
    oauth.grid(ORG, org_wide=True)
    with oauth_bot.db.uow() as session:
        assert session.scalars(select(Person.team_id)).one() == ORG  # Ann's rows moved into the org's program
        assert sorted(session.scalars(select(AuditEntry.action).where(AuditEntry.team_id == ORG))) == [
            "installed", "installed", "workspace_moved"]  # Alpha's own log came along
        assert {t.team_id: t.is_enterprise_install for t in session.scalars(select(Tenant))}[ORG] is True

    join_in(world, "W0BOB", "Bob Beta", "T0BETA", offers=["Negotiation"], wants=["Kubernetes"])
    world.ask("W0BOB", "W0ANN")  # Ann, who joined before, is found and asked from the other workspace
    assert world.request_message("W0ANN")


def test_a_workspace_moved_in_later_is_found_by_people_already_searching(oauth, oauth_bot, fake):
    """`mentor-bot workspace move` after the org's program is running: the serving process's find index (built
    by an earlier search) picks up the people who arrived, and nobody is suggested twice."""
    from bot.flows import workspace
    from bot.flows.context import Context

    _grid(fake)
    fake.add_workspace("T0GAMMA", "Gamma", None)  # ran the bot on its own before joining the org
    install(oauth_bot, fake, team_id="T0GAMMA")
    world = World(oauth, fake, oauth_bot)
    join_in(world, "W0CAT", "Cat Gamma", "T0GAMMA", offers=["Negotiation"], wants=["Kubernetes"])

    install(oauth_bot, fake, enterprise_id=ORG, org_wide=True)
    oauth.grid(ORG, org_wide=True)
    join_in(world, "W0BOB", "Bob Beta", "T0BETA", offers=["Kubernetes"], wants=["Negotiation"])
    assert "Cat Gamma" not in str(world.find("W0BOB").blocks)  # the org's index is built, without Cat

    moved = workspace.move(Context(oauth_bot.settings, oauth_bot.db), "T0GAMMA", ORG)
    assert moved["people"] == 1
    shown = str(world.find("W0BOB").blocks)
    assert shown.count("Cat Gamma") == 1
