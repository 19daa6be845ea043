"""Asking, accepting, declining, expiry and double clicks: one partnership, never two."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from models import Partnership
from tests.fakeslack import message_errors


def test_ask_and_accept_opens_the_pairs_group_chat(world, slack, fake):
    world.join("U1", "Ada Lovelace", offers=["Python"], wants=["Public speaking"], title="Engineer")
    world.join("U2", "Bea Brown", offers=["Public speaking"], wants=["Python"])
    world.ask("U1", "U2", note="I'd love to get better at talks <!channel>")

    request = world.request_message("U2")
    assert message_errors(request["blocks"], request["text"]) == []
    shown = str(request["blocks"])
    assert "<@U1> would like to be your peer partner in *Grow Together*" in shown
    assert "Can share:* Python" in shown and "Wants to learn:* Public speaking" in shown
    assert "I'd love to get better at talks &lt;!channel&gt;" in shown  # user text cannot ping a channel
    assert world.partnership("U1", "U2").status == "requested"

    slack.click("U2", request, "Accept")
    world.idle()
    partnership = world.partnership("U1", "U2")
    assert partnership.status == "active" and partnership.planned_end is not None
    group = fake.group_dm("U1", "U2")
    assert group is not None and partnership.channel_id == group
    kickoff = fake.messages(group)[0]
    assert "not coaching" in str(kickoff["blocks"]) and "not counselling" in str(kickoff["blocks"])
    assert "Write our agreement" in str(kickoff["blocks"])
    assert "accepted" in fake.message(request["channel"], request["ts"])["text"]  # the ask was updated
    assert any("accepted your request" in m["text"] for m in fake.dms_to("U1"))
    home = str(fake.home("U1")["blocks"])
    assert "<@U2>" in home and "No agreement yet" in home


def test_decline_is_kind_and_asks_no_reason(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.ask("U1", "U2")
    request = world.request_message("U2")
    assert "No reason is needed to decline" in str(request["blocks"])
    slack.click("U2", request, "Decline")
    world.idle()
    assert world.partnership("U1", "U2").status == "declined"
    told = [m for m in fake.dms_to("U1") if "can't take on a partnership right now" in m["text"]]
    assert len(told) == 1 and "nothing personal" in told[0]["text"]
    assert fake.group_dm("U1", "U2") is None


def test_nobody_is_asked_twice_while_a_request_is_open(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.ask("U1", "U2")
    # The open request hides Bea from Ada's suggestions; a stale "Ask" button is refused kindly.
    assert str(world.person_id("U2")) not in str(world.find("U1").json)
    first_find = fake.ephemerals("U1")[0]
    slack.click("U1", first_find, "Ask to partner", value=str(world.person_id("U2")))
    modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "ask_submit" and m)
    r = slack.submit("U1", modal, {})
    assert "already an open request" in str(r.json)
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Partnership)) == 1
    assert len([m for m in fake.dms_to("U2") if "would like to be your peer partner" in m["text"]]) == 1


def test_requests_expire_after_14_days(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.ask("U1", "U2")
    request = world.request_message("U2")
    with time_machine.travel(datetime.now(UTC) + timedelta(days=14, minutes=1), tick=True):
        slack.click("U2", request, "Accept")
        world.idle()
        assert any("This request expired" in e["text"] for e in fake.ephemerals("U2"))
        assert fake.group_dm("U1", "U2") is None
        # the hourly job closes it for good
        assert world.run_job("request-expiry").startswith("1 request(s) expired")
        assert world.run_job("request-expiry") == "0 request(s) expired"
        assert world.partnership("U1", "U2").status == "expired"
        # both are told: Ada by DM (once), Bea's request message loses its buttons
        assert len([m for m in fake.dms_to("U1") if "expired after 14 days" in m["text"]]) == 1
        updated = fake.message(request["channel"], request["ts"])
        assert "expired" in updated["text"] and "Accept" not in str(updated["blocks"])
        # Ada can ask again now that the old request is closed.
        world.ask("U1", "U2")
        assert world.partnership("U1", "U2").status == "requested"


def test_capacity_is_checked_again_at_accept_time(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"], capacity=1)
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cai", offers=["Go"], wants=["Python"])
    world.ask("U1", "U2")
    world.ask("U1", "U3")
    slack.click("U2", world.request_message("U2"), "Accept")
    world.idle()
    slack.click("U3", world.request_message("U3"), "Accept")
    world.idle()
    assert world.partnership("U1", "U3").status == "requested"
    assert any("can't take on another partner" in e["text"] for e in fake.ephemerals("U3"))


def test_double_click_on_accept_makes_one_partnership(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.ask("U1", "U2")
    request = world.request_message("U2")
    slack.click("U2", request, "Accept")
    slack.click("U2", request, "Accept")
    world.idle()
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Partnership).where(Partnership.status == "active")) == 1
    assert len(fake.messages(fake.group_dm("U1", "U2"))) == 1  # one kickoff
    assert len([m for m in fake.dms_to("U1") if "accepted your request" in m["text"]]) == 1


def test_a_button_carrying_another_pairs_id_changes_nothing(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Mal", offers=["Go"], wants=["Python"])
    world.ask("U1", "U2")
    # Mal forges Bea's Accept button (same value) from a message of his own.
    mal_dm = fake.dm_channel("U3")
    payload = slack._base_payload("block_actions", "U3")
    payload.update(actions=[{"type": "button", "action_id": "request_accept", "block_id": "request_answer",
                             "value": str(world.partnership("U1", "U2").id), "action_ts": "1.2"}],
                   container={"type": "message", "channel_id": mal_dm, "message_ts": "1.1"},
                   channel={"id": mal_dm}, response_url=fake.new_response_url("U3", mal_dm))
    r = slack._interactive(payload)
    assert r.status == 200
    world.idle()
    assert world.partnership("U1", "U2").status == "requested"
    assert any("doesn't belong to one of your partnerships" in e["text"] for e in fake.ephemerals("U3"))
    # Ada cannot accept her own request either.
    payload = slack._base_payload("block_actions", "U1")
    payload.update(actions=[{"type": "button", "action_id": "request_accept", "block_id": "request_answer",
                             "value": str(world.partnership("U1", "U2").id), "action_ts": "1.3"}],
                   container={"type": "message", "channel_id": fake.dm_channel("U1"), "message_ts": "1.1"},
                   response_url=fake.new_response_url("U1", fake.dm_channel("U1")))
    slack._interactive(payload)
    world.idle()
    assert world.partnership("U1", "U2").status == "requested"
    assert any("Only the person who was asked" in e["text"] for e in fake.ephemerals("U1"))


def test_slack_rate_limits_are_waited_out_and_nothing_is_lost(world, slack, fake, bot):
    from bot.delivery import drain

    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.ask("U1", "U2")
    fake.set_rate_limit("chat.postMessage", per_minute=1, retry_after=1, window=1.0)
    slack.click("U2", world.request_message("U2"), "Accept")
    world.idle()
    drain(bot.settings, bot.db, max_seconds=10)  # the scheduler's sender, seconds later, sends what had to wait
    assert any(c.error == "ratelimited" for c in fake.calls_to("chat.postMessage"))  # Slack said 429 ...
    assert len(fake.messages(fake.group_dm("U1", "U2"))) == 1  # ... and the kickoff still arrived once
    assert len([m for m in fake.dms_to("U1") if "accepted your request" in m["text"]]) == 1


def test_an_oversized_note_is_a_field_error_and_sends_nothing(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    found = world.find("U1")
    slack.click("U1", found, "Ask to partner", value=str(world.person_id("U2")))
    modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "ask_submit" and m)
    r = world.forged_submit("U1", modal, {"note": "x" * 1001})
    assert r.view_errors == {"note": "Keep it to 1,000 characters."}
    world.idle()
    assert world.partnership("U1", "U2") is None and fake.dms_to("U2")[-1]["text"].startswith("Welcome")


def test_two_people_asking_each_other_at_once_make_one_request(world, slack, fake, bot):
    import threading

    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    modals = {}
    for me, other in (("U1", "U2"), ("U2", "U1")):
        slack.click(me, world.find(me), "Ask to partner", value=str(world.person_id(other)))
        modals[me] = fake.wait_for(lambda me=me: (m := fake.open_modal(me)) and m["callback_id"] == "ask_submit" and m)
    answers = {}
    threads = [threading.Thread(target=lambda u=u: answers.setdefault(u, slack.submit(u, modals[u], {})))
               for u in modals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    world.idle()
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Partnership)) == 1
    titles = sorted(a.json["view"]["title"]["text"] for a in answers.values())
    assert titles == ["Request not sent", "Request sent"]


def test_a_request_slack_cannot_deliver_is_reported_to_the_asker(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    fake.deactivate_user("U2")  # Bea left the company; the bot hasn't heard
    world.ask("U1", "U2")
    world.idle()
    assert not [m for m in fake.dms_to("U2") if "would like to be your peer partner" in m["text"]]
    told = [m for m in fake.dms_to("U1") if "couldn't deliver your request" in m["text"]]
    assert len(told) == 1 and "<@U2>" in told[0]["text"], fake.dms_to("U1")
