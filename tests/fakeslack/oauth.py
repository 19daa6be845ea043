"""The fake's OAuth side: "Add to Slack" codes, oauth.v2.access (with and without token rotation, and
grant_type=refresh_token), one bot token per install, token expiry (token_expired), revoked installs, and
Enterprise Grid: workspaces of an org, org-wide installs, users of several workspaces.

Strict like Slack: a code works once and only with the app's client id and secret; an expired rotating token
answers token_expired; a refresh token works once (the answer carries the next one); a workspace's token
cannot reach a user of another workspace (user_not_found), an org-wide token reaches every workspace of its org.
The single token of the classic fake (FakeSlack.bot_token) keeps working as before.
"""
from __future__ import annotations

import base64
import time
from typing import Any
from urllib.parse import unquote

from ._core import ApiError
from .api import method

OPEN = ("oauth.v2.access",)  # methods that take the app's credentials instead of a token


class OAuthSide:
    """Mixed into FakeSlack; every method runs with the fake's lock held where it touches state."""

    def _oauth_reset(self) -> None:
        self.client_id, self.client_secret = "1111.2222", "fake-client-secret"
        self._workspaces: dict[str, dict] = {}  # team id -> {"name", "enterprise_id"}
        self._enterprises: dict[str, str] = {}  # enterprise id -> name
        self._codes: dict[str, dict] = {}
        self._installs: dict[str, dict] = {}  # bot token -> install
        self._refresh_tokens: dict[str, str] = {}  # refresh token -> the install's key
        self._install_seq = 0
        self._current: dict | None = None  # the install of the call being answered (None: the classic token)
        self._revoke_after: dict | None = None

    # -- set-up -----------------------------------------------------------------------------------
    def add_workspace(self, team_id: str, name: str, enterprise_id: str | None = None,
                      enterprise_name: str = "Acme Org") -> None:
        """A workspace (optionally of an Enterprise Grid org)."""
        with self._lock:
            self._workspaces[team_id] = {"name": name, "enterprise_id": enterprise_id}
            if enterprise_id:
                self._enterprises[enterprise_id] = enterprise_name

    def grant(self, *, team_id: str | None = None, enterprise_id: str | None = None, org_wide: bool = False,
              installer: str = "UINSTALLER", rotation: bool = False, expires_in: int = 43200) -> str:
        """Someone clicked "Allow" on Slack's consent page: the code Slack hands to the redirect."""
        with self._lock:
            if org_wide and not enterprise_id:
                raise ValueError("an org-wide install needs an enterprise id")
            if team_id and team_id in self._workspaces:
                enterprise_id = enterprise_id or self._workspaces[team_id]["enterprise_id"]
            code = f"code-{self._new_id('C')}"
            self._codes[code] = {"team_id": None if org_wide else team_id, "enterprise_id": enterprise_id,
                                 "org_wide": org_wide, "installer": installer, "rotation": rotation,
                                 "expires_in": expires_in}
            return code

    def expire_tokens(self) -> None:
        """Every rotating token expires now (as if its 12 hours were over)."""
        with self._lock:
            for install in self._installs.values():
                if install["expires_at"] is not None:
                    install["expires_at"] = time.time() - 1

    def revoke_install(self, key: str, error: str = "token_revoked") -> None:
        """The install of workspace or org `key` is gone (uninstalled, token revoked): its tokens answer `error`."""
        with self._lock:
            for install in self._installs.values():
                if install["key"] == key:
                    install["revoked"] = error

    def revoke_after(self, key: str, method_name: str, calls: int, error: str = "token_revoked") -> None:
        """After `calls` more answered calls to `method_name` with its token, install `key` is revoked (someone
        uninstalls the app while the bot is mid-way through a fan-out)."""
        with self._lock:
            self._revoke_after = {"key": key, "method": method_name, "left": calls, "error": error}

    def tokens_of(self, key: str) -> list[str]:
        """Bot tokens issued to workspace or org `key`, oldest first."""
        with self._lock:
            return [t for t, i in self._installs.items() if i["key"] == key]

    def calls_with_token(self, token: str) -> list:
        with self._lock:
            return [c for c in self._calls if c.token == token]

    # -- the Web API side -------------------------------------------------------------------------
    def _authenticate(self, name: str, token: str | None, headers: Any, args: dict) -> None:
        """Who is calling: the classic token, an install's token, or (oauth.v2.access) the app itself."""
        self._current = None
        if name in OPEN:
            self._check_client(headers, args)
            return
        if not token:
            raise ApiError("not_authed")
        if token == self.bot_token:
            if self._token_error:
                raise ApiError(self._token_error, injected=True)
            return
        install = self._installs.get(token)
        if install is None:
            raise ApiError("invalid_auth")
        countdown = self._revoke_after
        if countdown and countdown["key"] == install["key"] and countdown["method"] == name:
            if countdown["left"] <= 0:
                self._revoke_after = None
                self.revoke_install(install["key"], countdown["error"])
            countdown["left"] -= 1
        if install["revoked"]:
            raise ApiError(install["revoked"], injected=True)
        if install["expires_at"] is not None and time.time() >= install["expires_at"]:
            raise ApiError("token_expired", injected=True)
        self._current = install

    def _installed_team(self) -> str:
        """The workspace the calling token was installed in (an org-wide install: the fake's own team)."""
        install = self._current
        return (install or {}).get("team_id") or self.team_id

    def _check_client(self, headers: Any, args: dict) -> None:
        client_id, client_secret = args.pop("client_id", None), args.pop("client_secret", None)
        auth = headers.get("Authorization") or ""
        if auth.lower().startswith("basic "):
            client_id, _, client_secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
        if not client_id:
            raise ApiError("invalid_client_id")
        if unquote(client_id) != self.client_id or unquote(client_secret or "") != self.client_secret:
            raise ApiError("bad_client_secret")

    def _reaches(self, user: dict) -> bool:
        """Whether the calling token may see this user: one workspace's token sees its own workspace's people;
        an org-wide token sees every workspace of its org."""
        install = self._current
        if install is None or not user.get("team_id"):
            return True
        if install["org_wide"]:
            return self._workspaces.get(user["team_id"], {}).get("enterprise_id") == install["enterprise_id"]
        return user["team_id"] == install["team_id"]

    def _check_reach(self, args: dict) -> None:
        for field in ("user", "user_id", "users", "channel"):
            value = args.get(field)
            if not isinstance(value, str):
                continue
            for uid in (u.strip() for u in value.split(",")):
                user = self._users.get(uid)
                if user is not None and not self._reaches(user):
                    raise ApiError("user_not_found")

    def _issue(self, install: dict) -> dict:
        """A fresh bot token (and, rotating, a refresh token and its expiry) for an install."""
        self._install_seq += 1
        token = f"xoxb-{install['key']}-{self._install_seq}"
        if install["rotation"]:
            token = f"xoxe.{token}"
        issued = dict(install, revoked=None,
                      expires_at=time.time() + install["expires_in"] if install["rotation"] else None)
        self._installs[token] = issued
        body = {"access_token": token, "token_type": "bot"}
        if install["rotation"]:
            refresh = f"xoxe-1-{install['key']}-{self._install_seq}"
            self._refresh_tokens[refresh] = token
            body.update(refresh_token=refresh, expires_in=install["expires_in"])
        return body


@method("oauth.v2.access")
def oauth_v2_access(fake, a: dict) -> dict:
    if a.get("grant_type") == "refresh_token":
        old = fake._refresh_tokens.pop(str(a.get("refresh_token") or ""), None)
        if old is None:
            raise ApiError("invalid_refresh_token")
        install = fake._installs[old]
        if install["revoked"]:
            raise ApiError("invalid_refresh_token")
        return {"app_id": fake.app_id, "scope": install["scope"], **fake._issue(install)}
    code = fake._codes.pop(str(a.get("code") or ""), None)
    if code is None:
        raise ApiError("invalid_code")
    key = code["enterprise_id"] if code["org_wide"] else code["team_id"]
    workspace = fake._workspaces.get(code["team_id"] or "", {})
    install = {"key": key, "team_id": code["team_id"], "enterprise_id": code["enterprise_id"],
               "org_wide": code["org_wide"], "rotation": code["rotation"], "expires_in": code["expires_in"],
               "scope": "commands,chat:write,im:write,mpim:write,users:read", "bot_user_id": fake.bot_user_id}
    body: dict = {
        "app_id": fake.app_id, "authed_user": {"id": code["installer"]}, "scope": install["scope"],
        "bot_user_id": fake.bot_user_id,
        "team": None if code["org_wide"] else {"id": code["team_id"], "name": workspace.get("name", "Team")},
        "enterprise": ({"id": code["enterprise_id"], "name": fake._enterprises.get(code["enterprise_id"], "Org")}
                       if code["enterprise_id"] else None),
        "is_enterprise_install": code["org_wide"],
    }
    body.update(fake._issue(install))
    return body


def auth_test_body(fake) -> dict:
    """auth.test as Slack answers it for the calling token (an org-wide install names its org, not a team)."""
    install = fake._current
    if install is None:
        return {"url": f"https://{fake.team_domain}.slack.com/", "team": fake.team_domain, "user": "mentor-bot",
                "team_id": fake.team_id, "user_id": fake.bot_user_id, "bot_id": fake.bot_id,
                "is_enterprise_install": False}
    if install["org_wide"]:
        return {"url": "https://acme-org.enterprise.slack.com/", "team": fake._enterprises.get(install["enterprise_id"]),
                "user": "mentor-bot", "team_id": install["enterprise_id"], "user_id": fake.bot_user_id,
                "bot_id": fake.bot_id, "enterprise_id": install["enterprise_id"], "is_enterprise_install": True}
    body = {"url": f"https://{install['team_id'].lower()}.slack.com/", "team": install["team_id"], "user": "mentor-bot",
            "team_id": install["team_id"], "user_id": fake.bot_user_id, "bot_id": fake.bot_id,
            "is_enterprise_install": False}
    if install["enterprise_id"]:
        body["enterprise_id"] = install["enterprise_id"]
    return body
