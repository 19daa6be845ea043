"""`/mentor` help, unknown subcommands, request signing and the health check, all over HTTP."""

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from tests.fakeslack import message_errors


def button_texts(blocks):
    return [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]] + [
        b["accessory"]["text"]["text"] for b in blocks if b.get("accessory", {}).get("type") == "button"]


def test_help_explains_the_program_and_every_subcommand(slack):
    for text in ("", "help", "  HELP  "):
        r = slack.command("U1", text)
        assert r.status == 200
        assert r.json["response_type"] == "ephemeral"
        assert message_errors(r.json["blocks"], r.json["text"]) == []
        shown = json.dumps(r.json)
        assert "Grow Together" in shown and "not coaching" in shown
        for sub in ("join", "profile", "find", "agreement", "log", "journal"):
            assert f"/mentor {sub}" in shown
        assert button_texts(r.json["blocks"]) == ["Join the program", "Find a partner", "Log a meeting"]


def test_unknown_subcommand_gets_help_with_did_you_mean(slack):
    r = slack.command("U1", "fnd python")
    assert r.status == 200
    shown = json.dumps(r.json)
    assert "I don't know `/mentor fnd`" in shown and "Did you mean `/mentor find`?" in shown
    assert "/mentor journal" in shown  # the full help follows

    r = slack.command("U1", "xyzzy")
    assert "I don't know `/mentor xyzzy`" in json.dumps(r.json) and "Did you mean" not in json.dumps(r.json)


def test_help_button_from_a_dm_opens_the_help_ephemerally(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    welcome = fake.dms_to("U1")[0]
    assert "Welcome to Grow Together" in welcome["text"]
    slack.click("U1", welcome, "Find a partner")
    world.idle()
    assert any("No good match" in e["text"] for e in fake.ephemerals("U1"))


def test_bad_and_stale_signatures_are_refused(slack, fake):
    body = urlencode({"command": "/mentor", "text": "help", "user_id": "U1", "team_id": "T0TEST"}).encode()
    assert slack.post_raw(body, "application/x-www-form-urlencoded", signature="v0=deadbeef").status == 401
    stale = int(time.time()) - 10 * 60
    assert slack.post_raw(body, "application/x-www-form-urlencoded", timestamp=stale).status == 401
    assert slack.post_raw(body, "application/x-www-form-urlencoded", signature="").status == 401
    assert fake.calls == []  # nothing reached Slack


def test_healthz_answers_when_the_database_does(bot):
    with urllib.request.urlopen(bot.url + "/healthz", timeout=5) as resp:
        assert resp.status == 200 and json.loads(resp.read())["database"] == "ok"
    try:
        urllib.request.urlopen(bot.url + "/nope", timeout=5)
    except urllib.error.HTTPError as err:
        assert err.code == 404


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    from app.web import Server, make_wsgi
    from bot.db import Database

    class NoApp:  # /healthz never touches Slack
        pass

    db = Database("postgresql://nobody@127.0.0.1:1/none")
    server = Server(make_wsgi(NoApp(), db), host="127.0.0.1", port=0, threads=1)  # type: ignore[arg-type]
    server.start_background()
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz", timeout=10)
        raise AssertionError("expected 503")
    except urllib.error.HTTPError as err:
        assert err.code == 503
    finally:
        server.stop()


def test_slack_url_verification_is_answered(slack):
    r = slack.post_raw(json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"}).encode(),
                       "application/json")
    assert r.status == 200 and "c-123" in r.text
