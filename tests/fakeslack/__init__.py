"""A strict fake Slack for mentor-bot's test suite.

Two halves, both over real HTTP on 127.0.0.1:

* ``FakeSlack`` (server.py) plays Slack's Web API. Point the app's ``SLACK_API_URL`` at
  ``fake.api_url``. It checks auth, parses requests the way slack-sdk sends them (JSON, form,
  query), enforces Block Kit limits (blockkit.py), trigger_id expiry and single use, the modal
  stack limit, response_url limits, optional rate limits and injected failures, and records
  every call. Tests inspect ``fake.calls`` / ``fake.rejected`` / ``fake.messages(...)`` /
  ``fake.dms_to(...)`` / ``fake.open_modal(...)`` / ``fake.home(...)`` and synchronise with
  ``fake.wait_for(...)`` because the app calls Slack from worker threads after acking.
* ``SlackDriver`` (driver.py) plays Slack's inbound side: it sends signed slash commands,
  block_actions, view_submission and Events API requests to the app, building payloads from
  what the fake recorded (click a button by its text, submit a modal by its labels).

``message_errors`` / ``view_errors`` (blockkit.py) are pure validators tests can also use on
ack bodies directly.

Typical use::

    fake = FakeSlack(bot_token="xoxb-test").start()
    fake.add_user("U1", "Ada Lovelace", title="Engineer")
    slack = SlackDriver(app_url, signing_secret="secret", fake=fake)
    r = slack.command("U1", "find python")
    fake.wait_for("views.open")
    slack.submit("U1", fake.open_modal("U1"), {"Topic": "python"})
    assert fake.rejected == []
"""
from .blockkit import message_errors, view_errors
from .driver import Response, SlackDriver
from .server import Call, FakeSlack

__all__ = ["FakeSlack", "SlackDriver", "Response", "Call", "message_errors", "view_errors"]
