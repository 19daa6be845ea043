"""Recognition in Slack: a find card shows sessions held and, with the writer's consent, testimonials; "Thank your
partner" on an ended partnership; the monthly thank-you post names only people who opted in and kept their cadence,
and names nobody without consent."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import func, select

from models import fit as fit_rows

STORIES = "C0STORIES"


def log_meeting(world, slack, fake, user_id: str, held_on: date) -> None:
    slack.command(user_id, "log")
    modal = fake.wait_for(lambda: (m := fake.open_modal(user_id)) and m["callback_id"] == "meeting_submit" and m)
    r = slack.submit(user_id, modal, {"Date of the meeting": held_on, "Length in minutes": "45",
                                      "Topics we talked about": "Conference talk"})
    assert r.view_errors is None, r.view_errors
    world.idle()


def opt_in(world, slack, fake, user_id: str) -> None:
    slack.command(user_id, "profile")
    modal = fake.wait_for(lambda: (m := fake.open_modal(user_id)) and m["callback_id"] == "profile_submit" and m)
    assert "Include me in the monthly thank-you post" in json.dumps(modal)
    r = slack.submit(user_id, modal, {"Recognition": ["Include me in the monthly thank-you post"]})
    assert r.view_errors is None, r.view_errors
    world.idle()


def card_of(response, name: str) -> str:
    return next(b["text"]["text"] for b in response.json["blocks"] if b["type"] == "section" and f"*{name}*" in
                b["text"]["text"])


def test_find_cards_show_sessions_and_testimonials_only_with_the_writer_s_consent(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.pair("U1", "U2")
    log_meeting(world, slack, fake, "U1", date(2028, 1, 5))
    log_meeting(world, slack, fake, "U2", date(2028, 1, 10))
    # Ada ends it with a testimonial for Bea, ticking "You may show this on my partner's profile"
    slack.command("U1", "end")
    view = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["callback_id"] == "closing_submit" and m)
    r = slack.submit("U1", view, {"Would you recommend Bea as a partner to others?": "Yes",
                                  "A testimonial for Bea (optional)": "Bea made Go feel easy.",
                                  "Their profile": ["You may show this on my partner's profile"]})
    assert r.view_errors is None
    world.idle()
    # Bea thanks Ada from the DM that told her, without the box: it reaches Ada, but not Ada's card
    ended = next(m for m in fake.dms_to("U2") if "ended your partnership" in m["text"])
    slack.click("U2", ended, "Thank your partner")
    view = fake.wait_for(lambda: (m := fake.open_modal("U2")) and m["callback_id"] == "thank_submit" and m)
    r = slack.submit("U2", view, {"Thank you, Ada": "Ada's questions sharpened my thinking."})
    assert r.view_errors is None
    world.idle()
    assert "sharpened my thinking" in json.dumps([m for m in fake.dms_to("U1") if "thanked you" in m["text"]])
    r = slack.submit("U2", view, {"Thank you, Ada": "Ada's questions sharpened my thinking."})  # submitted twice
    world.idle()
    assert len([m for m in fake.dms_to("U1") if "thanked you" in m["text"]]) == 1
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(fit_rows.Testimonial)) == 2

    world.join("U3", "Cai", offers=["Python"], wants=["Go"])  # Bea can help Cai
    world.join("U4", "Dee", offers=["Go"], wants=["Python"])  # Ada can help Dee
    bea = card_of(world.find("U3"), "Bea")
    assert "Sessions held in the program: 2" in bea and "Bea made Go feel easy." in bea and "— Ada" in bea
    ada = card_of(world.find("U4"), "Ada")
    assert "Sessions held in the program: 2" in ada and "sharpened" not in ada
    # a thank-you on a partnership that is still live, or someone else's, is refused and changes nothing
    world.pair("U3", "U4")
    cai_dee = world.partnership("U3", "U4").id
    world.forged_click("U3", f"thank_partner:{cai_dee}", cai_dee)
    assert "once the partnership has ended" in json.dumps(fake.responses("U3"))
    ada_bea = world.partnership("U1", "U2").id
    world.forged_click("U3", f"thank_partner:{ada_bea}", ada_bea)
    assert "doesn't belong to one of your partnerships" in json.dumps(fake.responses("U3"))


def _pair_in_september(world, a: tuple[str, str], b: tuple[str, str]) -> None:
    with time_machine.travel(datetime(2027, 9, 20, 12, tzinfo=UTC), tick=True):
        world.join(a[0], a[1], offers=["Python"], wants=["Go"])
        world.join(b[0], b[1], offers=["Go"], wants=["Python"])
        world.pair(a[0], b[0])


def test_the_monthly_thank_you_names_only_people_who_opted_in_and_kept_their_cadence(world, slack, fake, bot):
    fake.add_channel(STORIES, "stories", bot_member=True)
    _pair_in_september(world, ("U1", "Ada"), ("U2", "Bea"))  # every few weeks: kept the (monthly) cadence
    _pair_in_september(world, ("U3", "Cai"), ("U4", "Dee"))  # met once in October, then nothing
    for day in (date(2027, 10, 1), date(2027, 10, 25), date(2027, 11, 20), date(2027, 12, 15)):
        log_meeting(world, slack, fake, "U1", day)
    log_meeting(world, slack, fake, "U3", date(2027, 10, 1))

    result = world.run_job("recognition-post", stories_channel=STORIES)
    assert "nobody to thank" in result and fake.messages(STORIES) == []  # nobody opted in: nobody is named

    opt_in(world, slack, fake, "U1")
    opt_in(world, slack, fake, "U3")  # opted in, but did not keep the cadence
    assert "1 thanked" in world.run_job("recognition-post", stories_channel=STORIES)
    assert "posted before" in world.run_job("recognition-post", stories_channel=STORIES)  # once a month
    [post] = fake.messages(STORIES)
    text = json.dumps(post)
    assert "<@U1>" in text and "October 2027 to December 2027" in text
    assert "<@U2>" not in text and "<@U3>" not in text and "<@U4>" not in text  # Bea kept it too, but never opted in
