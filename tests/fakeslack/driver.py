"""SlackDriver: Slack's inbound side, played by signed HTTP requests to the app.

Slash commands go form-encoded, interactive payloads as the form field ``payload=<JSON>``,
events as JSON; every request carries ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature``.
trigger_ids and response_urls come from the FakeSlack, so the app's follow-up calls are
checked there. Buttons are found by their text (as a person reads them) or action_id, modal
inputs by their labels.
"""
from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from . import forms
from ._core import Call

VERIFICATION_TOKEN = "fake-verification-token"


@dataclass
class Response:
    """The app's HTTP answer (plus what the driver knows about the request)."""

    status: int
    headers: dict
    text: str
    json: Any = None
    payload: Any = None  # what was sent (dict for commands/payloads/events)
    user_id: str | None = None
    channel_id: str | None = None
    response_url: str | None = None
    ephemeral: dict | None = None  # a command's ack as the user sees it (recorded in the fake)
    view_errors: dict | None = None  # a view_submission ack's response_action=errors
    elapsed: float = 0.0  # seconds the app took to answer
    extra: dict = field(default_factory=dict)

    @property
    def blocks(self) -> list:
        return (self.json or {}).get("blocks") or [] if isinstance(self.json, dict) else []

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class SlackDriver:
    def __init__(self, app_url: str, signing_secret: str, fake: Any = None, team_id: str | None = None, *,
                 team_domain: str | None = None, api_app_id: str | None = None, path: str = "/slack/events",
                 timeout: float = 10.0, ack_timeout: float = 3.0):
        self.url = app_url.rstrip("/") + (path if urlsplit(app_url).path in ("", "/") else "")
        self.signing_secret = signing_secret
        self.fake = fake
        self.team_id = team_id or (fake.team_id if fake else "T0TEST")
        self.team_domain = team_domain or (fake.team_domain if fake else "mentor-test")
        self.api_app_id = api_app_id or (fake.app_id if fake else "A0APP")
        self.timeout = timeout
        self.ack_timeout = ack_timeout  # Slack gives up on commands/interactions after 3 s
        self._seq = itertools.count(1)
        self.enterprise_id: str | None = None  # Enterprise Grid: the org the workspaces belong to
        self.enterprise_name = "Acme Org"
        self.org_wide = False  # the app is installed org-wide (is_enterprise_install)

    def grid(self, enterprise_id: str, *, org_wide: bool = True, name: str = "Acme Org") -> SlackDriver:
        """Send Grid-shaped payloads from now on: each person's own workspace (their `team_id` in the fake), the
        org's `enterprise`, and `is_enterprise_install` for an org-wide install."""
        self.enterprise_id, self.enterprise_name, self.org_wide = enterprise_id, name, org_wide
        return self

    def _team_id_of(self, user_id: str | None) -> str:
        """The workspace a person belongs to (the fake's `team_id` of the user; the driver's team otherwise)."""
        info = self.fake._users.get(user_id) if (self.fake and user_id) else None
        return (info or {}).get("team_id") or self.team_id

    # -- transport --------------------------------------------------------------------------------
    def sign(self, body: bytes, timestamp: str) -> str:
        base = b"v0:" + timestamp.encode() + b":" + body
        return "v0=" + hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()

    def post_raw(self, body: bytes, content_type: str, *, timestamp: str | int | None = None,
                 signature: str | None = None, headers: dict | None = None) -> Response:
        """POST bytes to the app; timestamp/signature override the valid ones (for rejection tests)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": signature if signature is not None else self.sign(body, ts),
                "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)", **(headers or {})}
        request = urllib.request.Request(self.url, data=body, headers=sent, method="POST")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                status, resp_headers, raw = resp.status, dict(resp.headers.items()), resp.read()
        except urllib.error.HTTPError as err:
            status, resp_headers, raw = err.code, dict(err.headers.items()), err.read()
        text = raw.decode("utf-8", "replace")
        try:
            parsed = json.loads(text) if text.strip() else None
        except ValueError:
            parsed = None
        return Response(status, {k.lower(): v for k, v in resp_headers.items()}, text, parsed,
                        elapsed=time.monotonic() - started)

    def _in_time(self, kind: str, user_id: str, resp: Response) -> bool:
        """False (and a rejected call in the fake) when the app acked later than Slack waits."""
        if resp.elapsed <= self.ack_timeout or self.fake is None:
            return True
        self.fake._record(Call(kind, {"user": user_id, "elapsed": round(resp.elapsed, 3)}, False,
                               "operation_timeout", {"ok": False, "error": "operation_timeout"}, time.time()))
        return False

    def _form(self, fields: dict) -> Response:
        return self.post_raw(urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def _interactive(self, payload: dict) -> Response:
        resp = self._form({"payload": json.dumps(payload)})
        resp.payload = payload
        return resp

    # -- people and places ------------------------------------------------------------------------
    def _user(self, user_id: str) -> dict:
        name = user_id.lower()
        if self.fake:
            info = self.fake._users.get(user_id)
            if info:
                name = info["real_name"].lower().replace(" ", ".") or name
        return {"id": user_id, "username": name, "name": name, "team_id": self._team_id_of(user_id)}

    def _team(self, user_id: str | None = None) -> dict:
        team = {"id": self._team_id_of(user_id), "domain": self.team_domain}
        if self.enterprise_id:
            team["enterprise_id"] = self.enterprise_id
        return team

    def _enterprise(self) -> dict | None:
        return {"id": self.enterprise_id, "name": self.enterprise_name} if self.enterprise_id else None

    def _channel_name(self, channel_id: str) -> str:
        chan = self.fake._channels.get(channel_id) if self.fake else None
        if channel_id.startswith("D"):
            return "directmessage"
        return chan["name"] if chan else ("privategroup" if channel_id.startswith("G") else "general")

    def _trigger(self, user_id: str) -> str:
        return self.fake.new_trigger_id(user_id) if self.fake else f"{next(self._seq)}.fake.trigger"

    def _base_payload(self, kind: str, user_id: str) -> dict:
        return {"type": kind, "team": self._team(user_id), "user": self._user(user_id), "api_app_id": self.api_app_id,
                "token": VERIFICATION_TOKEN, "trigger_id": self._trigger(user_id), "enterprise": self._enterprise(),
                "is_enterprise_install": self.org_wide}

    def _action_ts(self) -> str:
        return f"{int(time.time())}.{next(self._seq):06d}"

    # -- slash commands ---------------------------------------------------------------------------
    def command(self, user_id: str, text: str = "", command: str = "/mentor", channel_id: str = "C0GENERAL",
                channel_name: str | None = None) -> Response:
        response_url = (self.fake.new_response_url(user_id, channel_id) if self.fake
                        else "http://127.0.0.1:9/respond/none")
        fields = {
            "token": VERIFICATION_TOKEN, "team_id": self._team_id_of(user_id), "team_domain": self.team_domain,
            "channel_id": channel_id, "channel_name": channel_name or self._channel_name(channel_id),
            "user_id": user_id, "user_name": self._user(user_id)["name"], "command": command, "text": text,
            "api_app_id": self.api_app_id, "is_enterprise_install": "true" if self.org_wide else "false",
            "response_url": response_url, "trigger_id": self._trigger(user_id),
        }
        if self.enterprise_id:
            fields.update(enterprise_id=self.enterprise_id, enterprise_name=self.enterprise_name)
        resp = self._form(fields)
        resp.payload, resp.user_id, resp.channel_id, resp.response_url = fields, user_id, channel_id, response_url
        if self._in_time("command_ack", user_id, resp) and self.fake and resp.status == 200:
            resp.ephemeral = self.fake.record_ack("command_ack", user_id, channel_id,
                                                  resp.json if resp.json is not None else resp.text, response_url)
        return resp

    # -- block_actions ----------------------------------------------------------------------------
    def _resolve(self, user_id: str, surface: Any) -> tuple[str, dict]:
        """(kind, surface as the person saw it). The copy passed in wins over the fake's current
        one (a stale copy models a stale client, e.g. a double click); it must still exist."""
        fake = self.fake
        if fake is None:
            raise AssertionError("click/submit need SlackDriver(fake=...)")
        if isinstance(surface, Response):
            if surface.ephemeral is None:
                raise AssertionError(f"the command's ack showed nothing clickable: {surface.text!r}")
            surface = surface.ephemeral
        if not isinstance(surface, dict):
            raise AssertionError(f"cannot click on {type(surface).__name__}")
        if "response_type" in surface and "replace_original" in surface:  # a fake.responses() record
            seen = {"text": surface.get("text"), "blocks": surface.get("blocks")}
            if surface.get("ephemeral_id"):
                surface = {**seen, "is_ephemeral": True, "id": surface["ephemeral_id"]}
            elif surface.get("message_ts"):
                surface = {**seen, "ts": surface["message_ts"], "channel": surface["channel"]}
        if surface.get("is_ephemeral"):
            kind = "ephemeral"
            current = next((e for e in fake.ephemerals(user_id) if e["id"] == surface.get("id")), None)
            gone = f"{user_id} no longer sees that ephemeral message: {surface.get('text')!r}"
        elif surface.get("type") in ("modal", "home") and surface.get("id"):
            kind, current = "view", fake.view(surface["id"])
            gone = f"view {surface['id']} ({surface.get('callback_id')!r}) is no longer open"
        elif surface.get("ts") and surface.get("channel"):
            kind, current = "message", fake.message(surface["channel"], surface["ts"])
            gone = f"message {surface['ts']} in {surface['channel']} no longer exists"
        else:
            raise AssertionError(f"unsupported surface: {sorted(surface)}")
        if current is None:
            raise AssertionError(gone)
        return kind, {**current, **copy.deepcopy(surface)}

    def click(self, user_id: str, surface: Any, button_text_or_action_id: str, *, value: Any = None,
              selected: Any = None) -> Response:
        """Press a button (or pick `selected` in a select/overflow/datepicker...) on a surface."""
        kind, current = self._resolve(user_id, surface)
        slot = forms.find_slot(current.get("blocks") or [], button_text_or_action_id, value)
        payload = self._base_payload("block_actions", user_id)
        payload["actions"] = [forms.action_for(slot, selected, self._action_ts())]
        if kind == "view":
            view = copy.deepcopy(current)
            view["state"] = {"values": forms.build_state(view)}
            payload.update(container={"type": "view", "view_id": view["id"]}, view=view)
        else:
            channel = current["channel"]
            payload.update(
                container={"type": "message", "message_ts": current["ts"], "channel_id": channel,
                           "is_ephemeral": kind == "ephemeral"},
                channel={"id": channel, "name": self._channel_name(channel)},
                state={"values": forms.build_state(current)},
            )
            if kind == "message":
                payload["message"] = {k: v for k, v in current.items() if k != "channel" and v is not None}
                payload["response_url"] = self.fake.new_response_url(user_id, channel, message_ts=current["ts"])
            else:
                payload["response_url"] = self.fake.new_response_url(user_id, channel, ephemeral_id=current["id"])
        resp = self._interactive(payload)
        resp.user_id, resp.response_url = user_id, payload.get("response_url")
        self._in_time("block_actions_ack", user_id, resp)
        return resp

    # -- modals -----------------------------------------------------------------------------------
    def _open_view(self, user_id: str, view: Any) -> dict:
        kind, current = self._resolve(user_id, {"type": "modal", "id": view} if isinstance(view, str) else view)
        top = self.fake.open_modal(user_id)
        if kind != "view" or current["type"] != "modal" or not top or top["id"] != current["id"]:
            raise AssertionError(f"{user_id} cannot act on view {current.get('id')}: it is not the modal on top "
                                 f"of their stack (top: {top and top['id']})")
        return current

    def submit(self, user_id: str, view: Any, values: dict | None = None) -> Response:
        """Fill the modal's inputs (keys: label text or block_id) and press its submit button."""
        current = self._open_view(user_id, view)
        if current.get("submit") is None:
            raise AssertionError(f"modal {current.get('callback_id')!r} has no submit button")
        sent = copy.deepcopy(current)
        sent["state"] = {"values": forms.build_state(current, values or {})}
        payload = self._base_payload("view_submission", user_id)
        payload.update(view=sent, response_urls=[])
        resp = self._interactive(payload)
        resp.user_id = user_id
        if self._in_time("view_submission_ack", user_id, resp) and resp.status == 200:
            resp.view_errors = self.fake.apply_view_response(user_id, resp.json if resp.json is not None
                                                             else resp.text)
        return resp

    def close_view(self, user_id: str, view: Any) -> Response | None:
        """Close the modal (X/Cancel). Slack tells the app only when notify_on_close is set."""
        current = self._open_view(user_id, view)
        cleared = bool(current.get("clear_on_close"))
        if cleared:
            while self.fake.close_modal(user_id):
                pass
        else:
            self.fake.close_modal(user_id)
        if not current.get("notify_on_close"):
            return None
        payload = self._base_payload("view_closed", user_id)
        payload.pop("trigger_id")
        payload.update(view=current, is_cleared=cleared)
        resp = self._interactive(payload)
        resp.user_id = user_id
        return resp

    # -- Events API -------------------------------------------------------------------------------
    def event(self, event: dict, *, event_id: str | None = None, retry_num: int | None = None,
              retry_reason: str | None = None) -> Response:
        ev = copy.deepcopy(event)
        ev.setdefault("event_ts", self._action_ts())
        team_id = self._team_id_of(ev.get("user") if isinstance(ev.get("user"), str) else None)
        body = {
            "token": VERIFICATION_TOKEN, "team_id": team_id, "api_app_id": self.api_app_id, "event": ev,
            "type": "event_callback", "event_id": event_id or f"Ev{next(self._seq):08d}",
            "event_time": int(time.time()), "event_context": "4-fake",
            "authorizations": [{"enterprise_id": self.enterprise_id, "team_id": None if self.org_wide else team_id,
                                "user_id": self.fake.bot_user_id if self.fake else "UBOT", "is_bot": True,
                                "is_enterprise_install": self.org_wide}],
            "is_ext_shared_channel": False,
        }
        if self.enterprise_id:
            body["enterprise_id"] = self.enterprise_id
        headers = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
        if retry_reason is not None:
            headers["X-Slack-Retry-Reason"] = retry_reason
        resp = self.post_raw(json.dumps(body).encode(), "application/json", headers=headers)
        resp.payload = body
        return resp

    def app_home_opened(self, user_id: str, tab: str = "home") -> Response:
        event = {"type": "app_home_opened", "user": user_id, "tab": tab,
                 "channel": self.fake.dm_channel(user_id) if self.fake else "D0"}
        home = self.fake.home(user_id) if self.fake else None
        if home:
            event["view"] = home
        return self.event(event)

    def dm_message(self, user_id: str, text: str) -> Response:
        """A person writes to the bot in their DM (message.im event)."""
        channel = self.fake.dm_channel(user_id) if self.fake else "D0"
        ts = self._action_ts()
        return self.event({"type": "message", "channel_type": "im", "channel": channel, "user": user_id,
                           "text": text, "ts": ts, "event_ts": ts})

    # -- install lifecycle events -----------------------------------------------------------------
    def app_uninstalled(self) -> Response:
        """Slack tells the app it was uninstalled (from the workspace, or from the org when installed org-wide)."""
        return self.event({"type": "app_uninstalled"})

    def tokens_revoked(self, *, bot: list[str] | None = None, oauth: list[str] | None = None) -> Response:
        """Slack tells the app tokens were revoked: `bot` user ids (the bot's token), `oauth` user ids (user tokens)."""
        bot_ids = [self.fake.bot_user_id if self.fake else "UBOT"] if bot is None else bot
        return self.event({"type": "tokens_revoked", "tokens": {"oauth": oauth or [], "bot": bot_ids}})

