"""App Home, and Slack's event retries."""



def test_home_shows_profile_partnerships_and_requests_with_buttons(world, slack, fake):
    fake.add_user("U1", "Ada")
    r = slack.app_home_opened("U1")
    assert r.status == 200
    world.idle()
    home = fake.home("U1")
    assert "Join the program" in str(home["blocks"])

    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cai", offers=["Go"], wants=["Python"])
    world.join("U4", "Dee", offers=["Go"], wants=["Python"])
    world.pair("U1", "U2")
    world.ask("U3", "U1")
    world.ask("U1", "U4")
    slack.app_home_opened("U1")
    world.idle()
    home = fake.home("U1")
    assert len(home["blocks"]) <= 100
    text = str(home["blocks"])
    assert "*Your profile*" in text and "Can share:* Python" in text
    assert "*Bea* (<@U2>)" in text and "No agreement yet" in text and "No meeting logged yet" in text
    assert "Requests to you" in text and "*Cai* (<@U3>) asked to partner with you" in text
    assert "Your requests" in text and "Waiting for *Dee* (<@U4>)" in text

    # Accept from the Home tab; withdraw my own request from it too
    slack.click("U1", home, "Accept")
    world.idle()
    assert world.partnership("U1", "U3").status == "active"
    slack.click("U1", fake.home("U1"), "Withdraw")
    world.idle()
    assert world.partnership("U1", "U4").status == "cancelled"
    assert any("withdrawn by the person who asked" in m["text"] for m in fake.dms_to("U4"))  # the ask was updated

    # Buttons on a partnership line open the right modals
    home = fake.home("U1")
    slack.click("U1", home, "Log a meeting", value=str(world.partnership("U1", "U2").id))
    assert fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "meeting_submit")


def test_a_retried_event_has_no_second_effect(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    before = len(fake.calls_to("views.publish"))
    event = {"type": "app_home_opened", "user": "U1", "tab": "home", "channel": fake.dm_channel("U1")}
    assert slack.event(event, event_id="Ev123").status == 200
    assert slack.event(event, event_id="Ev123", retry_num=1, retry_reason="http_timeout").status == 200
    assert slack.event(event, event_id="Ev123", retry_num=2, retry_reason="http_timeout").status == 200
    world.idle()
    assert len(fake.calls_to("views.publish")) == before + 1
