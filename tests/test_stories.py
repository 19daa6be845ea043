"""Success stories: shared by a participant, agreed to by the partner they name, approved by an admin, posted."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from models import Story
from tests.fakeslack import message_errors

STORIES = "C0STORIES"


@pytest.fixture
def admins(bot, fake, monkeypatch):
    """Two program admins (Deps holds the same Settings object, so the app sees them at once)."""
    fake.add_user("UADMIN", "Ada Admin")
    fake.add_user("UADM2", "Abe Admin")
    monkeypatch.setattr(bot.settings, "program_admins", ["UADMIN", "UADM2"])
    return ["UADMIN", "UADM2"]


def open_story_modal(world, user_id):
    r = world.slack.command(user_id, "story")
    assert r.status == 200, r.text
    return world.fake.wait_for(lambda: (m := world.fake.open_modal(user_id)) and m["callback_id"] == "story_submit" and m)


def share(world, user_id, values):
    r = world.slack.submit(user_id, open_story_modal(world, user_id), values)
    assert r.status == 200 and not r.view_errors, r.text
    world.idle()
    return world.fake.open_modal(user_id)  # the confirmation


def story_rows(bot):
    with bot.db.uow() as session:
        return [(s.title, s.body, s.status) for s in session.scalars(select(Story).order_by(Story.id)).unique()]


def dms_saying(fake, user_id, words):
    return [m for m in fake.dms_to(user_id) if words in json.dumps(m)]


def forged_click(world, user_id, action_id, value):
    """A button press Slack never showed this person (a replayed or hand-made payload)."""
    slack, fake = world.slack, world.fake
    dm = fake.dm_channel(user_id)
    payload = slack._base_payload("block_actions", user_id)
    payload.update(actions=[{"type": "button", "action_id": action_id, "block_id": "x", "value": str(value),
                             "action_ts": "1.1"}],
                   container={"type": "message", "channel_id": dm, "message_ts": "1.1"}, channel={"id": dm},
                   response_url=fake.new_response_url(user_id, dm))
    assert slack._interactive(payload).status == 200
    world.idle()


def two_partners(world):
    world.join("U1", "Ada", offers=["Python"], wants=["Public speaking"])
    world.join("U2", "Bea", offers=["Public speaking"], wants=["Python"])
    return world.pair("U1", "U2")


def test_story_naming_the_partner_goes_through_consent_and_approval_and_is_posted_once(world, slack, fake, bot, admins):
    two_partners(world)
    fake.add_channel(STORIES, "stories", bot_member=True)

    modal = open_story_modal(world, "U1")
    who = next(b for b in modal["blocks"] if b.get("block_id") == "who")
    assert [o["text"]["text"] for o in who["element"]["options"]] == ["Bea", "No one by name"]
    r = slack.submit("U1", modal, {"Title": "From nervous to keynote",
                                   "What changed": "I was scared of talks. Now I gave one to 200 people <!channel>.",
                                   "Who is in this story?": "Bea"})
    assert not r.view_errors
    world.idle()
    assert "names *Bea*" in str(fake.open_modal("U1")["blocks"])  # the confirmation says what happens next
    assert story_rows(bot)[0][2] == "awaiting_partner"

    consent = fake.wait_for(lambda: dms_saying(fake, "U2", "that names you"))[0]
    assert message_errors(consent["blocks"], consent["text"]) == []
    assert "From nervous to keynote" in str(consent["blocks"]) and "&lt;!channel&gt;" in str(consent["blocks"])
    assert fake.dms_to("UADMIN") == []  # admins see it only once Bea agreed

    slack.click("U2", consent, "Agree")
    world.idle()
    assert story_rows(bot)[0][2] == "awaiting_review"
    assert "You agreed to this story" in fake.message(consent["channel"], consent["ts"])["text"]
    assert len(dms_saying(fake, "U1", "agreed to your story")) == 1
    review = {a: fake.dms_to(a) for a in admins}
    assert all(len(msgs) == 1 and "waits for your review" in msgs[0]["text"] for msgs in review.values())
    assert "agreed to be named" in str(review["UADMIN"][0]["blocks"])

    slack.click("U2", consent, "Agree")  # a double click on the old message
    world.idle()
    assert any("already agreed" in e["text"] for e in fake.ephemerals("U2"))
    assert len(fake.dms_to("UADMIN")) == 1  # nobody asked twice

    slack.click("UADMIN", review["UADMIN"][0], "Approve")
    world.idle()
    assert story_rows(bot)[0][2] == "approved"
    assert len(dms_saying(fake, "U1", "was approved")) == 1
    for msgs in review.values():  # both review requests now show the decision, without buttons
        now_shown = fake.message(msgs[0]["channel"], msgs[0]["ts"])
        assert "Approved by <@UADMIN>" in str(now_shown["blocks"])
        assert not [b for b in now_shown["blocks"] if b["type"] == "actions"]

    result = world.run_job("success-stories", stories_channel=STORIES)
    assert result.startswith("posted story")
    posted = fake.messages(STORIES)
    assert len(posted) == 1
    assert message_errors(posted[0]["blocks"], posted[0]["text"]) == []
    shown = str(posted[0]["blocks"])
    assert "From nervous to keynote" in shown and "gave one to 200 people" in shown and "Grow Together" in shown
    assert "*Ada* (<@U1>) with *Bea* (<@U2>)" in shown
    assert world.run_job("success-stories", stories_channel=STORIES).startswith("no approved story to post")
    assert len(fake.messages(STORIES)) == 1
    assert story_rows(bot)[0][2] == "posted"


def test_partner_named_only_in_the_text_declines_and_the_story_is_never_posted(world, slack, fake, bot, admins):
    two_partners(world)
    fake.add_channel(STORIES, "stories", bot_member=True)
    share(world, "U1", {"Title": "What I learned", "What changed": "Working with bea taught me to ask for help.",
                        "Who is in this story?": "No one by name"})
    consent = fake.wait_for(lambda: dms_saying(fake, "U2", "that names you"))[0]  # her name was enough
    slack.click("U2", consent, "Don't agree")
    world.idle()
    assert story_rows(bot)[0][2] == "partner_declined"
    told = dms_saying(fake, "U1", "would rather not appear")
    assert len(told) == 1 and "no reason is needed" in str(told[0]["blocks"])
    assert "won't be posted" in fake.message(consent["channel"], consent["ts"])["text"]
    slack.click("U2", consent, "Agree")  # changing her mind through the old button does nothing
    world.idle()
    assert any("already said no" in e["text"] for e in fake.ephemerals("U2"))
    assert story_rows(bot)[0][2] == "partner_declined"
    assert fake.dms_to("UADMIN") == [] and fake.dms_to("UADM2") == []
    world.run_job("success-stories", stories_channel=STORIES)
    assert fake.messages(STORIES) == []


def test_admin_edits_then_the_edited_story_is_posted_and_a_second_admin_is_told(world, slack, fake, bot, admins):
    world.join("U5", "Cai", offers=["Go"], wants=["Python"])  # no partnership: no "who" question
    fake.add_channel(STORIES, "stories", bot_member=True)
    modal = open_story_modal(world, "U5")
    assert "Who is in this story?" not in str(modal["blocks"])
    slack.submit("U5", modal, {"Title": "Joining made me brave", "What changed": "I asked for a mentor at last."})
    world.idle()
    assert "A program admin will review it" in str(fake.open_modal("U5")["blocks"])
    first, second = fake.dms_to("UADMIN")[0], fake.dms_to("UADM2")[0]
    assert "names no partner" in str(first["blocks"])

    slack.click("UADMIN", first, "Edit")
    edit = fake.wait_for(lambda: (m := fake.open_modal("UADMIN")) and m["callback_id"] == "story_edit_submit" and m)
    inputs = {b["block_id"]: b["element"] for b in edit["blocks"] if b["type"] == "input"}
    assert inputs["title"]["initial_value"] == "Joining made me brave"
    assert inputs["body"]["initial_value"] == "I asked for a mentor at last."
    r = slack.submit("UADMIN", edit, {"What changed": "I finally asked for a mentor, and found one."})
    assert not r.view_errors
    world.idle()
    assert story_rows(bot) == [("Joining made me brave", "I finally asked for a mentor, and found one.", "approved")]
    news = dms_saying(fake, "U5", "approved with a few edits")
    assert len(news) == 1 and "found one" in str(news[0]["blocks"])

    slack.click("UADM2", second, "Reject")  # Abe's copy still shows the buttons
    world.idle()
    assert any("already approved by <@UADMIN>" in e["text"] for e in fake.ephemerals("UADM2"))
    assert story_rows(bot)[0][2] == "approved" and len(dms_saying(fake, "U5", "story")) == 1

    assert world.run_job("success-stories").startswith("STORIES_CHANNEL is not set; 1 approved stories wait")
    assert fake.messages(STORIES) == []
    world.run_job("success-stories", stories_channel=STORIES)
    posted = fake.messages(STORIES)
    assert len(posted) == 1 and "found one" in str(posted[0]["blocks"]) and "asked for a mentor at last" not in str(posted)
    assert "*Cai* (<@U5>)" in str(posted[0]["blocks"]) and " with " not in posted[0]["blocks"][-1]["elements"][0]["text"]


def test_a_rejected_story_is_not_posted_and_the_author_is_told_kindly(world, slack, fake, bot, admins):
    two_partners(world)
    fake.add_channel(STORIES, "stories", bot_member=True)
    share(world, "U1", {"Title": "Slow and steady", "What changed": "Small steps every week.",
                        "Who is in this story?": "No one by name"})
    review = fake.dms_to("UADMIN")[0]
    slack.click("UADMIN", review, "Reject")
    world.idle()
    assert story_rows(bot)[0][2] == "rejected"
    told = dms_saying(fake, "U1", "decided not to post")
    assert len(told) == 1 and "Thank you for sharing" in str(told[0]["blocks"])
    assert "Rejected by <@UADMIN>" in str(fake.message(review["channel"], review["ts"])["blocks"])
    slack.click("UADMIN", review, "Approve")  # a late click on the old copy
    world.idle()
    assert any("already rejected by <@UADMIN>" in e["text"] for e in fake.ephemerals("UADMIN"))
    world.run_job("success-stories", stories_channel=STORIES)
    assert fake.messages(STORIES) == [] and story_rows(bot)[0][2] == "rejected"


def test_forged_clicks_and_submissions_by_others_change_nothing(world, slack, fake, bot, admins):
    two_partners(world)
    world.join("U3", "Mal", offers=["Go"], wants=["Python"])
    share(world, "U1", {"Title": "Our story", "What changed": "We grew together.", "Who is in this story?": "Bea"})
    with bot.db.uow() as session:
        story_id = session.scalars(select(Story.id)).one()

    forged_click(world, "U3", "story_partner_agree", story_id)  # Mal is not the named partner
    forged_click(world, "U1", "story_partner_agree", story_id)  # nor is the author
    assert all(any("Only the partner named" in e["text"] for e in fake.ephemerals(u)) for u in ("U3", "U1"))
    assert story_rows(bot)[0][2] == "awaiting_partner"
    forged_click(world, "U2", "story_approve", story_id)  # review before consent, by a non-admin
    assert any("Only a program admin" in e["text"] for e in fake.ephemerals("U2"))
    forged_click(world, "UADMIN", "story_approve", story_id)  # an admin can't skip the partner's consent
    assert any("waits for the partner" in e["text"] for e in fake.ephemerals("UADMIN"))
    assert story_rows(bot)[0][2] == "awaiting_partner"

    slack.click("U2", dms_saying(fake, "U2", "that names you")[0], "Agree")
    world.idle()
    forged_click(world, "U3", "story_approve", story_id)
    forged_click(world, "U1", "story_reject", story_id)
    forged_click(world, "U1", "story_edit", story_id)
    assert fake.open_modal("U1") is None or fake.open_modal("U1")["callback_id"] != "story_edit_submit"
    assert len([e for e in fake.ephemerals("U1") if "Only a program admin" in e["text"]]) == 2
    # an edit modal's submission with a tampered sender: Mal reuses the admin's modal
    slack.click("UADMIN", fake.dms_to("UADMIN")[0], "Edit")
    edit = fake.wait_for(lambda: (m := fake.open_modal("UADMIN")) and m["callback_id"] == "story_edit_submit" and m)
    open_story_modal(world, "U3")
    r = world.forged_submit("U3", edit, {"body": "Mal was here"})
    assert "Only a program admin" in json.dumps(r.json)
    # and the story modal cannot name someone who is not one of my partners
    r = world.forged_submit("U1", open_story_modal(world, "U1"),
                            {"title": "Hi", "body": "Text", "who": str(world.person_id("U3"))})
    assert r.view_errors == {"who": "Pick one of your partners, or “No one by name”."}
    assert story_rows(bot) == [("Our story", "We grew together.", "awaiting_review")]
    assert dms_saying(fake, "U1", "story") == dms_saying(fake, "U1", "agreed to your story")  # no other news


def test_without_program_admins_a_story_waits_and_the_author_is_told(world, slack, fake, bot):
    assert bot.settings.program_admins == []
    two_partners(world)
    notice = share(world, "U1", {"Title": "Quiet progress", "What changed": "I speak up in meetings now.",
                                 "Who is in this story?": "No one by name"})
    assert "waits for a program admin" in str(notice["blocks"])
    assert story_rows(bot)[0][2] == "awaiting_review"
    # a story naming Bea: once she agrees, Ada hears it waits for an admin
    share(world, "U1", {"Title": "Thanks to Bea", "What changed": "She listened.", "Who is in this story?": "Bea"})
    slack.click("U2", dms_saying(fake, "U2", "that names you")[0], "Agree")
    world.idle()
    assert len(dms_saying(fake, "U1", "waits for a program admin")) == 1
    assert [s[2] for s in story_rows(bot)] == ["awaiting_review", "awaiting_review"]


def test_pairs_are_asked_for_a_story_after_three_months_once(world, slack, fake, bot):
    two_partners(world)
    world.join("U3", "Cai", offers=["Go"], wants=["Rust"])
    world.join("U4", "Dee", offers=["Rust"], wants=["Go"])
    with time_machine.travel(datetime.now(UTC) + timedelta(days=91), tick=True):
        world.pair("U3", "U4")  # a new pair: too early for them
        assert "2 story prompt(s) sent" in world.run_job("success-stories")
        assert "0 story prompt(s) sent" in world.run_job("success-stories")
        for user, partner in (("U1", "<@U2>"), ("U2", "<@U1>")):
            prompts = dms_saying(fake, user, "Share a story")
            assert len(prompts) == 1 and "three months" in str(prompts[0]["blocks"]) and partner in str(prompts[0]["blocks"])
            assert message_errors(prompts[0]["blocks"], prompts[0]["text"]) == []
        assert dms_saying(fake, "U3", "Share a story") == [] and dms_saying(fake, "U4", "Share a story") == []

        # the prompt's button opens the story modal with Bea chosen
        slack.click("U1", dms_saying(fake, "U1", "Share a story")[0], "Share a story")
        modal = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "story_submit" and m)
        who = next(b for b in modal["blocks"] if b.get("block_id") == "who")
        assert who["element"]["initial_option"]["text"]["text"] == "Bea"


def test_bad_story_input_gives_field_errors_and_saves_nothing(world, slack, fake, bot, admins):
    two_partners(world)
    modal = open_story_modal(world, "U1")
    r = world.forged_submit("U1", modal, {"title": "   ", "body": "Something changed.", "who": "none"})
    assert r.view_errors == {"title": "Please fill this in."}
    r = world.forged_submit("U1", fake.open_modal("U1"), {"title": "Long", "body": "x" * 3001, "who": "none"})
    assert r.view_errors == {"body": "Keep it to 3,000 characters."}
    r = world.forged_submit("U1", fake.open_modal("U1"), {"title": "T" * 151, "body": "ok", "who": None})
    assert r.view_errors == {"title": "Keep it to 150 characters.",
                             "who": "Choose who is in this story, or “No one by name”."}
    assert story_rows(bot) == []
    assert fake.dms_to("UADMIN") == [] and dms_saying(fake, "U2", "story") == []


def test_a_post_slack_refuses_is_tried_again_once_the_bot_is_in_the_channel(world, slack, fake, bot, admins):
    world.join("U5", "Cai", offers=["Go"], wants=["Python"])
    fake.add_channel(STORIES, "stories", bot_member=False)  # nobody invited the bot yet
    share(world, "U5", {"Title": "Joining made me brave", "What changed": "I asked for a mentor at last."})
    slack.click("UADMIN", fake.dms_to("UADMIN")[0], "Approve")
    world.idle()
    result = world.run_job("success-stories", stories_channel=STORIES)
    assert "not_in_channel" in result and fake.messages(STORIES) == []
    assert story_rows(bot)[0][2] == "approved"  # not lost: still waiting to be posted
    fake.add_channel(STORIES, "stories", bot_member=True)  # /invite @mentor-bot
    world.run_job("success-stories", stories_channel=STORIES)
    world.run_job("success-stories", stories_channel=STORIES)
    assert len(fake.messages(STORIES)) == 1 and story_rows(bot)[0][2] == "posted"
