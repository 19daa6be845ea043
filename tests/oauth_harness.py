"""The bot in OAuth mode (issue 14), for tests/test_oauth.py and tests/test_grid.py: its own database, the same
fake Slack (which plays the consent page's codes, oauth.v2.access and each install's tokens), and "Add to Slack"
driven through real HTTP: GET /slack/install, then the redirect with Slack's code and the state, and the cookie."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from app.bolt import build_app
from app.web import Server, make_wsgi
from bot import migrate, pacing
from bot.db import Database
from bot.services import match_index
from bot.settings import Settings
from tests.conftest import SECRET, Bot, CountingExecutor, _truncate
from tests.fakeslack import SlackDriver

STATE_SECRET = "test-state-secret"


@pytest.fixture(scope="module")
def oauth_bot(tmp_path_factory, fake):
    url = f"sqlite:///{tmp_path_factory.mktemp('oauth') / 'oauth.sqlite3'}"
    migrate.upgrade(url)
    settings = Settings(slack_signing_secret=SECRET, slack_api_url=fake.api_url, database_url=url,
                        slack_client_id=fake.client_id, slack_client_secret=fake.client_secret,
                        slack_state_secret=STATE_SECRET, program_name="Grow Together", _env_file=None)
    db = Database(url)
    executor = CountingExecutor()
    app = build_app(settings, db, executor=executor)
    server = Server(make_wsgi(app, db), host="127.0.0.1", port=0, threads=8)
    server.start_background()
    yield Bot(settings, db, server, executor)
    server.stop()
    executor.shutdown(wait=True)
    db.dispose()


@pytest.fixture
def oauth(oauth_bot, fake):
    """A clean OAuth-mode world: empty tables, a reset fake Slack (no install yet), a driver."""
    oauth_bot.executor.wait_idle()
    _truncate(oauth_bot.db)
    fake.reset()
    pacing.reset()
    match_index.reset()
    yield SlackDriver(oauth_bot.url, signing_secret=SECRET, fake=fake, team_id="T0TEST")
    oauth_bot.executor.wait_idle()
    assert fake.rejected == [], f"Slack rejected calls:\n{fake.summary()}"


class Page:
    def __init__(self, status: int, body: str, headers):
        self.status, self.body, self.headers = status, body, headers


def get(url: str, cookie: str | None = None) -> Page:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return Page(resp.status, resp.read().decode(), resp.headers)
    except urllib.error.HTTPError as exc:
        return Page(exc.code, exc.read().decode(), exc.headers)


def start_install(bot) -> tuple[Page, str, str]:
    """Open the install page: the page, the state in its "Add to Slack" link, and the cookie it set."""
    page = get(bot.url + "/slack/install")
    link = unescape(re.search(r'<a href="([^"]+)"', page.body).group(1))
    state = parse_qs(urlsplit(link).query)["state"][0]
    cookie = page.headers["Set-Cookie"].split(";")[0]
    return page, state, cookie


def finish_install(bot, code: str, state: str, cookie: str | None) -> Page:
    """Slack sends the installer back to the redirect URL with a code and the state."""
    return get(f"{bot.url}/slack/oauth_redirect?code={quote(code)}&state={quote(state)}", cookie)


def install(bot, fake, **grant) -> Page:
    """A whole "Add to Slack": the page, the consent (fake.grant), the redirect."""
    _page, state, cookie = start_install(bot)
    page = finish_install(bot, fake.grant(**grant), state, cookie)
    assert page.status == 200, page.body
    return page
