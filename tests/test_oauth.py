"""OAuth mode (issue 14): "Add to Slack" through the redirect, a forged state refused, rotating tokens refreshed
for the sender, and an uninstall in the middle of a fan-out that loses nothing and sends nothing until the
workspace installs the bot again."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from sqlalchemy import select

from bot.delivery import drain
from bot.settings import load_settings
from bot.tokens import installation_store
from models import OutboxMessage, SlackBot, SlackInstallation, SlackOAuthState, Tenant
from models.base import Base
from tests import oauth_harness
from tests.fakeslack.api import METHODS
from tests.oauth_harness import finish_install, install, start_install
from tests.world import World

oauth_bot, oauth = oauth_harness.oauth_bot, oauth_harness.oauth  # the OAuth-mode bot's fixtures

TEAM = "T0TEST"


def _rows(bot, model):
    with bot.db.uow() as session:
        return session.scalars(select(model)).all()


def _checkins(fake, user):
    return [m for m in fake.dms_to(user) if "check-in" in m["text"]]


def _states(bot) -> dict[str, int]:
    with bot.db.uow() as session:
        rows = session.scalars(select(OutboxMessage.status).where(OutboxMessage.kind == "checkin")).all()
    return {s: rows.count(s) for s in set(rows)}


def _pairs(world, n):
    users = []
    for i in range(n):
        a, b = f"UA{i:03d}", f"UB{i:03d}"
        world.join(a, f"Ann {i}", offers=[f"Skill a{i}"], wants=[f"Skill b{i}"])
        world.join(b, f"Bob {i}", offers=[f"Skill b{i}"], wants=[f"Skill a{i}"])
        world.pair(a, b)
        users += [a, b]
    return users


def test_our_tables_are_the_ones_slack_sdk_reads_and_writes(oauth_bot):
    store = installation_store(oauth_bot.settings, oauth_bot.db)
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    states = SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=oauth_bot.db.engine).oauth_states
    for theirs in (store.installations, store.bots, states):
        ours = Base.metadata.tables[theirs.name]
        assert {c.name: (type(c.type), getattr(c.type, "length", None), c.nullable, c.primary_key) for c in theirs.c} == \
            {c.name: (type(c.type), getattr(c.type, "length", None), c.nullable, c.primary_key) for c in ours.c}


def test_add_to_slack_installs_the_workspace_and_the_bot_works_there(oauth, oauth_bot, fake):
    fake.add_workspace(TEAM, "Mentor Test")
    page, state, cookie = start_install(oauth_bot)
    assert page.status == 200 and 'alt="Add to Slack"' in page.body
    link = unescape(page.body)  # Slack's consent page, for this app and the manifest's scopes
    assert "slack.com/oauth/v2/authorize?" in link and "client_id=1111.2222" in link and "mpim:write" in link
    done = finish_install(oauth_bot, fake.grant(team_id=TEAM), state, cookie)
    assert done.status == 200, done.body
    token = fake.tokens_of(TEAM)[0]
    assert [(b.team_id, b.bot_token, b.is_enterprise_install) for b in _rows(oauth_bot, SlackBot)] == [(TEAM, token, False)]
    assert [(t.team_id, t.status) for t in _rows(oauth_bot, Tenant)] == [(TEAM, "installed")]
    assert _rows(oauth_bot, SlackOAuthState) == []  # the state was used up

    world = World(oauth, fake, oauth_bot)
    _pairs(world, 1)  # a join, a request, an accept, the pair's group chat: all with the install's token
    assert fake.dms_to("UB000") and fake.calls_to("conversations.open", ok=True)
    assert {c.token for c in fake.calls if c.method in METHODS and c.method != "oauth.v2.access"} == {token}


def test_a_forged_replayed_or_cookieless_state_installs_nothing(oauth, oauth_bot, fake):
    fake.add_workspace(TEAM, "Mentor Test")
    _page, state, cookie = start_install(oauth_bot)
    raw = state.rsplit(".", 1)[0]
    forged = f"{raw}.{'0' * 32}"  # the right id, not our signature
    assert finish_install(oauth_bot, fake.grant(team_id=TEAM), forged, f"slack-app-oauth-state={forged}").status == 401
    made_up = "made-up-state"
    assert finish_install(oauth_bot, fake.grant(team_id=TEAM), made_up, f"slack-app-oauth-state={made_up}").status == 401
    assert finish_install(oauth_bot, fake.grant(team_id=TEAM), state, None).status == 400  # not the browser it began in
    assert fake.calls_to("oauth.v2.access") == [] and _rows(oauth_bot, SlackInstallation) == []

    assert finish_install(oauth_bot, fake.grant(team_id=TEAM), state, cookie).status == 200  # the real one, once
    assert finish_install(oauth_bot, fake.grant(team_id=TEAM), state, cookie).status == 401  # not twice
    assert len(_rows(oauth_bot, SlackInstallation)) == 1


def test_the_sender_refreshes_an_expired_token_and_rotates_one_about_to_expire(oauth, oauth_bot, fake, pinned_clock):
    fake.add_workspace(TEAM, "Mentor Test")
    install(oauth_bot, fake, team_id=TEAM, rotation=True)
    first = fake.tokens_of(TEAM)[0]
    assert first.startswith("xoxe.xoxb-") and _rows(oauth_bot, SlackBot)[0].bot_refresh_token
    world = World(oauth, fake, oauth_bot)
    users = _pairs(world, 1)

    fake.expire_tokens()  # Slack says the token expired before the bot expected it to
    world.run_job("monthly-checkins")
    second = fake.tokens_of(TEAM)[-1]
    assert second != first
    assert [c.error for c in fake.calls_to("chat.postMessage", ok=False)] == ["token_expired"]
    assert all(len(_checkins(fake, u)) == 1 for u in users) and _states(oauth_bot) == {"sent": 2}
    assert {c.token for c in fake.calls_to("chat.postMessage", ok=True)[-2:]} == {second}
    assert [c.args.get("grant_type") for c in fake.calls_to("oauth.v2.access")] == [None, "refresh_token"]

    failed_before = len(fake.calls_to("chat.postMessage", ok=False))
    pinned_clock.shift(timedelta(hours=11))  # 1 hour left: inside SLACK_TOKEN_ROTATION_MINUTES (120)
    oauth.app_home_opened(users[0])
    world.idle()
    drain(oauth_bot.settings, oauth_bot.db, max_seconds=5)
    third = fake.tokens_of(TEAM)[-1]
    assert third != second and fake.calls_to("views.publish", ok=True)[-1].token == third
    assert len(fake.calls_to("chat.postMessage", ok=False)) == failed_before and not [
        c for c in fake.calls if c.error == "token_expired" and c.method != "chat.postMessage"]


def test_an_uninstall_mid_fan_out_loses_nothing_and_sends_nothing_until_reinstalled(oauth, oauth_bot, fake):
    fake.add_workspace(TEAM, "Mentor Test")
    install(oauth_bot, fake, team_id=TEAM)
    world = World(oauth, fake, oauth_bot)
    users = _pairs(world, 3)
    fake.revoke_after(TEAM, "chat.postMessage", 2)  # someone removes the app after two check-ins went out

    world.run_job("monthly-checkins")
    assert oauth.app_uninstalled().status == 200  # ... and Slack says so
    world.idle()
    assert sum(len(_checkins(fake, u)) for u in users) == 2
    assert _states(oauth_bot) == {"sent": 2, "held": 4}  # held, not failed
    assert [(t.status) for t in _rows(oauth_bot, Tenant)] == ["uninstalled"] and _rows(oauth_bot, SlackBot) == []

    posts = len(fake.calls_to("chat.postMessage"))
    world.run_job("monthly-checkins")  # the scheduler goes on: nothing new is written, nothing is sent
    drain(oauth_bot.settings, oauth_bot.db, max_seconds=5)
    assert len(fake.calls_to("chat.postMessage")) == posts and _states(oauth_bot) == {"sent": 2, "held": 4}

    install(oauth_bot, fake, team_id=TEAM)  # installed again: the held check-ins go out, each once
    drain(oauth_bot.settings, oauth_bot.db, max_seconds=10)
    assert all(len(_checkins(fake, u)) == 1 for u in users), {u: len(_checkins(fake, u)) for u in users}
    assert _states(oauth_bot) == {"sent": 6}
    new = fake.tokens_of(TEAM)[-1]
    assert {c.token for c in fake.calls_to("chat.postMessage", ok=True)[-4:]} == {new}
    assert [(t.status) for t in _rows(oauth_bot, Tenant)] == ["installed"]


def test_oauth_settings_are_all_or_nothing_and_single_token_stays_the_default(monkeypatch):
    import pytest

    from bot.settings import SettingsError

    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert load_settings(_env_file=None).oauth is False
    with pytest.raises(SettingsError, match="SLACK_STATE_SECRET is missing"):
        load_settings(_env_file=None, slack_client_id="1.2", slack_client_secret="s")
    settings = load_settings(_env_file=None, slack_client_id="1.2", slack_client_secret="s", slack_state_secret="x")
    assert settings.oauth and settings.require_slack() is None  # no SLACK_BOT_TOKEN needed


def test_single_token_mode_holds_after_tokens_revoked_and_resumes_by_command(world, slack, fake, bot):
    users = _pairs(world, 1)
    assert slack.tokens_revoked(oauth=["UA000"]).status == 200  # a person's own token: not the bot's, nothing held
    assert slack.tokens_revoked().status == 200  # the bot's token
    world.idle()
    posts = len(fake.calls_to("chat.postMessage"))
    world.run_job("monthly-checkins")
    assert len(fake.calls_to("chat.postMessage")) == posts and _states(bot) == {"held": 2}

    from bot.flows import workspace
    from bot.flows.context import Context

    assert workspace.resume(Context(bot.settings, bot.db), TEAM) == 2  # `mentor-bot workspace resume T0TEST`
    drain(bot.settings, bot.db, max_seconds=5)
    assert all(len(_checkins(fake, u)) == 1 for u in users) and _states(bot) == {"sent": 2}


def test_the_manifest_for_oauth_names_the_redirect_url_and_the_scopes(capsys):
    from app.cli import main
    from app.manifest import BOT_SCOPES

    assert main(["manifest", "--oauth", "--token-rotation", "--url", "https://bot.example.com/"]) == 0
    out, err = capsys.readouterr()
    import json

    manifest = json.loads(out)
    assert manifest["oauth_config"]["redirect_urls"] == ["https://bot.example.com/slack/oauth_redirect"]
    assert manifest["settings"]["org_deploy_enabled"] is True and manifest["settings"]["token_rotation_enabled"] is True
    assert {"app_uninstalled", "tokens_revoked"} <= set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert "Redirect URL: https://bot.example.com/slack/oauth_redirect" in err and ",".join(BOT_SCOPES) in err
