"""Self-tests of tests/fakeslack: the fake must be as strict as Slack (no app needed)."""
from __future__ import annotations

import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from tests.fakeslack import FakeSlack, SlackDriver, message_errors, view_errors

TOKEN = "xoxb-test"
SECRET = "test-signing-secret"


def txt(text: str, kind: str = "plain_text") -> dict:
    return {"type": kind, "text": text}


MODAL = {
    "type": "modal", "callback_id": "find", "title": txt("Find a mentor"), "submit": txt("Search"),
    "private_metadata": "meta",
    "blocks": [
        {"type": "input", "block_id": "topic", "label": txt("Topic"),
         "element": {"type": "plain_text_input", "action_id": "value", "max_length": 40}},
        {"type": "input", "block_id": "level", "label": txt("Level"),
         "element": {"type": "static_select", "action_id": "value", "options": [
             {"text": txt("Beginner"), "value": "beginner"}, {"text": txt("Expert"), "value": "expert"}]}},
        {"type": "input", "block_id": "days", "label": txt("Days"), "optional": True,
         "element": {"type": "checkboxes", "action_id": "value", "options": [
             {"text": txt("Mon"), "value": "mon"}, {"text": txt("Tue"), "value": "tue"}]}},
        {"type": "input", "block_id": "start", "label": txt("Start"), "optional": True,
         "element": {"type": "datepicker", "action_id": "value", "initial_date": "2024-01-02"}},
    ],
}


@pytest.fixture(scope="module")
def server():
    fake = FakeSlack(bot_token=TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake(server):
    server.reset()
    server.add_user("U1", "Ada Lovelace", title="Engineer")
    server.add_user("U2", "Grace Hopper")
    server.add_user("U3", "Alan Turing")
    return server


@pytest.fixture
def client(fake):
    return WebClient(base_url=fake.api_url, token=TOKEN)


class _Capture(BaseHTTPRequestHandler):
    """Stands in for the app: records signed requests, answers with server.reply."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append((dict(self.headers.items()), body))
        status, reply = self.server.reply
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


@pytest.fixture
def app_stub():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    srv.seen, srv.reply = [], (200, b"")
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _payload(body: bytes) -> dict:
    return json.loads(parse_qs(body.decode())["payload"][0])


# -- pure validators --------------------------------------------------------------------------------
def test_validators_name_the_path_of_each_problem():
    long_button = {"type": "actions", "elements": [{"type": "button", "text": txt("x" * 76), "action_id": "a"}]}
    assert message_errors([{"type": "divider"}] * 3 + [long_button]) == [
        "blocks[3].elements[0].text: longer than 75 characters"]
    assert message_errors(None, None) == ["message: needs text or blocks"]
    assert message_errors([{"type": "divider"}] * 51)[0].startswith("blocks: more than 50 blocks")
    assert any("not in messages" in e for e in message_errors([MODAL["blocks"][0]]))
    assert message_errors([{"type": "section"}]) == ["blocks[0]: a section needs text or fields"]
    assert message_errors([{"type": "header", "text": txt("hi", "mrkdwn")}])
    assert message_errors([{"type": "section", "text": {"type": "plain_text", "text": "a", "bogus": 1}}])
    assert message_errors([{"type": "carousel"}]) == ["blocks[0]: unknown block type 'carousel'"]
    dup = [{"type": "divider", "block_id": "b"}, {"type": "divider", "block_id": "b"}]
    assert message_errors(dup) == ["blocks[1].block_id: duplicate id 'b'"]
    select = {"type": "static_select", "action_id": "s", "options": [{"text": txt("A"), "value": "a"}],
              "initial_option": {"text": txt("B"), "value": "b"}}
    assert message_errors([{"type": "actions", "elements": [select]}]) == [
        "blocks[0].elements[0].initial_option: is not one of the element's options"]
    assert view_errors(MODAL) == []
    assert view_errors({**MODAL, "submit": None}) == ["submit: is required when the modal has input blocks"]
    number = {**MODAL, "blocks": [{"type": "input", "label": txt("N"), "element": {"type": "number_input"}}]}
    assert view_errors(number) == ["blocks[0].element.is_decimal_allowed: is required and must be a boolean"]


# -- Web API strictness -----------------------------------------------------------------------------
def test_invalid_blocks_are_rejected_and_recorded(fake, client):
    section = {"type": "section", "text": txt("x" * 3001, "mrkdwn")}
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="U1", text="hi", blocks=[section])
    assert err.value.response["error"] == "invalid_blocks"
    assert "blocks[0].text: longer than 3000 characters" in err.value.response["response_metadata"]["messages"][0]
    # form-encoded blocks (a JSON string) are validated too
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.api_call("chat.postMessage", params={"channel": "U1", "text": "t", "blocks": json.dumps([section])})
    assert [c.error for c in fake.rejected] == ["invalid_blocks", "invalid_blocks"]
    assert fake.dms_to("U1") == []


def test_auth_channels_and_messages(fake, client):
    with pytest.raises(SlackApiError, match="not_authed"):
        WebClient(base_url=fake.api_url).auth_test()
    with pytest.raises(SlackApiError, match="invalid_auth"):
        WebClient(base_url=fake.api_url, token="xoxb-wrong").auth_test()
    with pytest.raises(SlackApiError, match="not_in_channel"):
        client.chat_postMessage(channel="C0GENERAL", text="hello")
    with pytest.raises(SlackApiError, match="unknown_method"):
        client.api_call("chat.fly")
    request = urllib.request.Request(fake.api_url + "users.info?user=U1", headers={"Authorization": f"Bearer {TOKEN}"})
    user = json.load(urllib.request.urlopen(request))["user"]
    assert (user["real_name"], user["profile"]["title"], user["tz"]) == ("Ada Lovelace", "Engineer", "Europe/London")
    posted = client.chat_postMessage(channel="U1", text="first")
    reply = client.chat_postMessage(channel=posted["channel"], text="reply", thread_ts=posted["ts"])
    assert posted["channel"] == fake.dm_channel("U1") and float(reply["ts"]) > float(posted["ts"])
    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="edited")
    assert [m["text"] for m in fake.dms_to("U1")] == ["edited", "reply"]
    assert fake.dms_to("U1")[1]["thread_ts"] == posted["ts"]
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_update(channel=posted["channel"], ts="1.000001", text="x")
    fake.revoke_token()
    with pytest.raises(SlackApiError, match="token_revoked"):
        client.auth_test()
    assert [c.error for c in fake.rejected] == ["not_authed", "invalid_auth", "unknown_method", "message_not_found"]


def test_modal_title_over_24_characters_is_invalid_arguments(fake, client):
    view = {**MODAL, "title": txt("A title of 25 characters!")}
    with pytest.raises(SlackApiError) as err:
        client.views_open(trigger_id=fake.new_trigger_id("U1"), view=view)
    assert err.value.response["error"] == "invalid_arguments"
    assert "title: longer than 24 characters" in err.value.response["response_metadata"]["messages"][0]
    assert fake.open_modal("U1") is None


def test_trigger_id_is_single_use_and_expires(fake, client):
    fake.trigger_ttl = 0.2
    trigger = fake.new_trigger_id("U1")
    opened = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert opened["id"].startswith("V") and opened["hash"] and opened["state"] == {"values": {}}
    assert fake.open_modal("U1")["callback_id"] == "find"
    for bad, error in ((trigger, "exchanged_trigger_id"), ("123.456.789", "invalid_trigger_id")):
        with pytest.raises(SlackApiError, match=error):
            client.views_open(trigger_id=bad, view=MODAL)
    late = fake.new_trigger_id("U1")
    time.sleep(0.25)
    with pytest.raises(SlackApiError, match="expired_trigger_id"):
        client.views_push(trigger_id=late, view=MODAL)


def test_modal_stack_limit_hash_and_view_responses(fake, client):
    client.views_open(trigger_id=fake.new_trigger_id("U1"), view=MODAL)
    for _ in range(2):
        client.views_push(trigger_id=fake.new_trigger_id("U1"), view=MODAL)
    with pytest.raises(SlackApiError, match="push_limit_reached"):
        client.views_push(trigger_id=fake.new_trigger_id("U1"), view=MODAL)
    top = fake.open_modal("U1")
    with pytest.raises(SlackApiError, match="hash_conflict"):
        client.views_update(view_id=top["id"], hash="stale", view=MODAL)
    client.views_update(view_id=top["id"], hash=top["hash"], view={**MODAL, "callback_id": "v2"})
    assert fake.open_modal("U1")["callback_id"] == "v2"
    assert fake.apply_view_response("U1", {"response_action": "errors", "errors": {"topic": "Too vague"}}) == {
        "topic": "Too vague"}
    fake.apply_view_response("U1", "")  # empty ack closes the top view
    assert len(fake.modal_stack("U1")) == 2
    fake.apply_view_response("U1", {"response_action": "update", "view": {**MODAL, "title": txt("x" * 30)}})
    assert fake.rejected[-1].error == "invalid_arguments"
    fake.apply_view_response("U1", {"response_action": "clear"})
    assert fake.open_modal("U1") is None
    client.views_publish(user_id="U2", view={"type": "home", "blocks": [{"type": "divider"}]})
    assert fake.home("U2")["blocks"] == [{"type": "divider"}]


def test_rate_limit_answers_429_and_the_sdk_retry_handler_recovers(fake, client):
    fake.set_rate_limit("chat.postMessage", per_minute=1, retry_after=1, window=1.0)
    client.chat_postMessage(channel="U1", text="one")
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="U1", text="two")
    assert err.value.response.status_code == 429 and err.value.response["error"] == "ratelimited"
    assert err.value.response.headers["Retry-After"] == "1"
    patient = WebClient(base_url=fake.api_url, token=TOKEN, retry_handlers=[RateLimitErrorRetryHandler()])
    patient.chat_postMessage(channel="U1", text="three")
    assert [m["text"] for m in fake.dms_to("U1")] == ["one", "three"]
    fake.fail_next("users.info", status=503)
    fake.fail_next("users.info", error="fatal_error", status=200)
    for status in (503, 200):
        with pytest.raises(SlackApiError) as err:
            client.users_info(user="U1")
        assert err.value.response.status_code == status
    assert fake.rejected == []


def test_conversations_open_group_dm_is_stable(fake, client):
    group = client.conversations_open(users="U1,U2")["channel"]["id"]
    assert client.conversations_open(users=["U2", "U1"])["channel"]["id"] == group
    assert fake.group_dm("U1", "U2") == group and fake.group_dm("U1", "U3") is None
    assert client.conversations_open(users="U1,U2,U3")["channel"]["id"] != group
    assert client.conversations_open(users="U1")["channel"]["id"] == fake.dm_channel("U1")
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.conversations_open(users="U1,U404")
    client.chat_postMessage(channel=group, text="Meet your mentor!")
    assert fake.messages(group)[0]["text"] == "Meet your mentor!"


def test_files_upload_v2_flow(fake, client):
    channel = fake.dm_channel("U1")
    result = client.files_upload_v2(channel=channel, content=b"\x89PNG...", filename="a.png", initial_comment="Chart")
    assert result["file"]["name"] == "a.png"
    assert fake.files()[0]["data"] == b"\x89PNG..." and fake.files()[0]["channels"] == [channel]
    assert fake.dms_to("U1")[0]["text"] == "Chart"
    with pytest.raises(SlackApiError, match="file_not_found"):
        client.files_completeUploadExternal(files=[{"id": "F404", "title": "x"}], channel_id=channel)


def test_response_url_allows_five_posts(fake):
    url = fake.new_response_url("U1", "C0GENERAL")

    def post(body: dict) -> tuple[int, str]:
        req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()
    assert post({"blocks": [{"type": "carousel"}]}) == (400, "invalid_blocks")
    assert [post({"text": f"#{i}"})[0] for i in range(5)] == [200] * 5
    assert post({"text": "six"}) == (404, "used_url")
    assert [e["text"] for e in fake.ephemerals("U1")] == ["#0", "#1", "#2", "#3", "#4"]
    assert [c.error for c in fake.rejected] == ["invalid_blocks", "used_url"]


def test_wait_for_times_out_with_a_summary(fake, client):
    client.auth_test()
    with pytest.raises(AssertionError, match="auth.test ok"):
        fake.wait_for("views.open", timeout=0.1)
    assert fake.wait_for("auth.test")[0].ok


# -- driver ------------------------------------------------------------------------------------------
def test_driver_requests_are_signed_and_shaped_like_slack(fake, client, app_stub):
    slack = SlackDriver(f"http://127.0.0.1:{app_stub.server_port}", SECRET, fake=fake)
    app_stub.reply = (200, json.dumps({"text": "Pick one", "blocks": [{"type": "actions", "elements": [
        {"type": "button", "text": txt("Pick me"), "action_id": "pick", "value": "7"}]}]}).encode())
    r = slack.command("U1", "find python")
    assert r.status == 200 and fake.ephemerals("U1")[0]["text"] == "Pick one"
    verifier = SignatureVerifier(SECRET)
    headers, body = app_stub.seen[-1]
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    assert (form["command"], form["text"], form["user_id"], form["trigger_id"]) == (
        "/mentor", "find python", "U1", r.payload["trigger_id"])
    app_stub.reply = (200, b"")
    slack.click("U1", r, "pick me")
    action = _payload(app_stub.seen[-1][1])
    assert action["type"] == "block_actions" and action["container"]["is_ephemeral"] is True
    assert action["actions"][0]["action_id"] == "pick" and action["actions"][0]["value"] == "7"
    with pytest.raises(AssertionError, match="Pick me"):
        slack.click("U1", r, "Missing button")
    slack.event({"type": "app_mention", "user": "U1", "text": "hi"}, event_id="Ev1", retry_num=1,
                retry_reason="http_timeout")
    headers, body = app_stub.seen[-1]
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    assert headers["X-Slack-Retry-Num"] == "1" and json.loads(body)["event_id"] == "Ev1"
    slack.post_raw(b"a=1", "application/x-www-form-urlencoded", timestamp=int(time.time()) - 600)
    headers, body = app_stub.seen[-1]
    assert not verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])


def test_driver_submit_fills_state_by_label_and_applies_the_ack(fake, client, app_stub):
    slack = SlackDriver(f"http://127.0.0.1:{app_stub.server_port}", SECRET, fake=fake)
    client.views_open(trigger_id=fake.new_trigger_id("U1"), view=MODAL)
    modal = fake.open_modal("U1")
    with pytest.raises(AssertionError, match="Topic"):
        slack.submit("U1", modal, {"Colour": "red"})
    with pytest.raises(AssertionError, match="required input 'Level'"):
        slack.submit("U1", modal, {"Topic": "python"})
    app_stub.reply = (200, json.dumps({"response_action": "errors", "errors": {"topic": "Too short"}}).encode())
    r = slack.submit("U1", modal, {"topic": "py", "Level": "Expert", "days": ["Mon", "tue"]})
    assert r.view_errors == {"topic": "Too short"} and fake.open_modal("U1")["id"] == modal["id"]
    sent = _payload(app_stub.seen[-1][1])
    values = sent["view"]["state"]["values"]
    assert sent["type"] == "view_submission" and sent["view"]["private_metadata"] == "meta"
    assert values["topic"]["value"] == {"type": "plain_text_input", "value": "py"}
    assert values["level"]["value"]["selected_option"]["value"] == "expert"
    assert [o["value"] for o in values["days"]["value"]["selected_options"]] == ["mon", "tue"]
    assert values["start"]["value"]["selected_date"] == "2024-01-02"
    app_stub.reply = (200, b"")
    slack.submit("U1", modal, {"Topic": "python", "Level": "beginner"})
    assert fake.open_modal("U1") is None and fake.rejected == []
