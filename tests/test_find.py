"""`/mentor find`: who is suggested, in what order, with what reasons; who is left out; paging."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from models import Person
from tests.fakeslack import message_errors


def shown_people(response_or_message) -> list[str]:
    blocks = response_or_message.json["blocks"] if hasattr(response_or_message, "json") else response_or_message["blocks"]
    return [b["block_id"].removeprefix("candidate_") for b in blocks if b.get("block_id", "").startswith("candidate_")]


def name_of(world, user_id):
    return str(world.person_id(user_id))


def test_reciprocal_peers_rank_first_with_reasons_in_plain_words(world, slack):
    world.join("U1", "Ada", offers=["Python", "SQL"], wants=["Public speaking"], department="Data", level=3,
               tz_offset=0)
    # Both give and get, same department, same level, 3 hours apart
    world.join("U2", "Bea", offers=["Public speaking"], wants=["SQL"], department="Data", level=3, tz_offset=3 * 3600)
    # Only gives (one-way), though same department and level
    world.join("U3", "Cai", offers=["Public speaking", "Negotiation"], wants=["Gardening"], department="Data", level=3)
    # Both give and get, other department, two levels apart
    world.join("U4", "Dev", offers=["public SPEAKING"], wants=["python"], department="Sales", level=5)
    # Nothing in common: never suggested
    world.join("U5", "Eve", offers=["Gardening"], wants=["Knitting"], department="Data", level=3)

    r = world.find("U1")
    assert message_errors(r.json["blocks"], r.json["text"]) == []
    assert shown_people(r) == [name_of(world, "U2"), name_of(world, "U4"), name_of(world, "U3")]
    text = json.dumps(r.json)
    bea = next(b for b in r.json["blocks"] if b.get("block_id") == f"candidate_{name_of(world, 'U2')}")["text"]["text"]
    assert "They can help you with Public speaking." in bea
    assert "You can help them with SQL." in bea
    assert "Same department." in bea and "Same level." in bea
    assert "5 hours of shared working day." in bea
    assert "you can help each other" in bea
    dev = next(b for b in r.json["blocks"] if b.get("block_id") == f"candidate_{name_of(world, 'U4')}")["text"]["text"]
    assert "Different department (Sales)" in dev and "2 levels apart." in dev and "Python" in dev
    assert "Eve" not in text
    assert text.count('"Ask to partner"') == 3


def test_people_who_should_not_be_suggested_are_left_out(world, slack, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"], department="Data", cross=True)
    world.join("U2", "Paused Pat", offers=["Go"], wants=["Python"])
    world.join("U3", "Full Fay", offers=["Go"], wants=["Python"], capacity=1)
    world.join("U4", "Sam Same-dept-only", offers=["Go"], wants=["Python"], department="Marketing", cross=False)
    world.join("U5", "Partner Pia", offers=["Go"], wants=["Python"])
    world.join("U6", "Decliner Dan", offers=["Go"], wants=["Python"])
    world.join("U7", "Ok Olu", offers=["Go"], wants=["Python"])
    world.join("U8", "Filler", offers=["Cooking"], wants=["Go"])
    with bot.db.uow() as session:
        session.execute(update(Person).where(Person.slack_user_id == "U2").values(status="paused"))
    world.pair("U8", "U3")   # Fay is now at her capacity of 1
    world.pair("U1", "U5")   # Pia is already my partner
    world.ask("U1", "U6")
    slack.click("U6", world.request_message("U6"), "Decline")
    world.idle()

    r = world.find("U1")
    assert shown_people(r) == [name_of(world, "U7")]

    # A decline is remembered for 90 days, then Dan can be suggested again.
    import time_machine

    with time_machine.travel(datetime.now(UTC) + timedelta(days=91), tick=True):
        assert name_of(world, "U6") in shown_people(world.find("U1"))


def test_words_narrow_to_people_who_offer_that_skill(world):
    world.join("U1", "Ada", offers=["Python"], wants=["Go", "Rust"])
    world.join("U2", "Gus", offers=["Go"], wants=["Python"])
    world.join("U3", "Rue", offers=["Rust"], wants=["Python"])
    world.join("U4", "Kit", offers=["Kubernetes"], wants=["Cooking"])
    assert shown_people(world.find("U1", "rust")) == [name_of(world, "U3")]
    # a word for a skill I never listed still finds the people who offer it
    assert shown_people(world.find("U1", "kubernetes")) == [name_of(world, "U4")]
    r = world.find("U1", "underwater basket weaving")
    assert shown_people(r) == [] and "Nobody in the program lists a skill like" in r.text


def test_show_more_pages_on(world, slack, fake):
    world.join("U0", "Ada", offers=["Python"], wants=["Go"])
    for n in range(1, 8):
        world.join(f"U{n}", f"Peer {n}", offers=["Go"], wants=["Python"])
    r = world.find("U0")
    first = shown_people(r)
    assert len(first) == 5 and "(1–5 of 7)" in json.dumps(r.json, ensure_ascii=False)
    slack.click("U0", r, "Show more")
    world.idle()
    page2 = fake.ephemerals("U0")[-1]
    second = shown_people(page2)
    assert len(second) == 2 and not set(first) & set(second)
    assert message_errors(page2["blocks"], page2["text"]) == []


def test_find_before_joining_offers_join_and_no_match_says_what_would_help(world, slack, fake):
    r = slack.command("U9", "find")
    assert "Join the program" in r.text and "first tell the program" in r.text
    slack.click("U9", r, "Join the program")
    fake.add_user("U9", "Nia")
    assert fake.wait_for(lambda: fake.open_modal("U9"))["title"]["text"] == "Join the program"

    world.join("U1", "Ada", offers=["Python"], wants=["Go"], cross=False)
    r = world.find("U1")
    assert "No good match right now" in r.text
    assert "Add more skills" in r.text and "other departments" in r.text


def test_forged_find_buttons_get_a_plain_answer(world, slack, fake):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Gus", offers=["Go"], wants=["Python"])
    channel = fake.dm_channel("U1")
    for action_id, value in (("find_more", "{not json"), ("find_more", '{"p": -4, "q": ["x"]}'),
                             ("partner_ask:1", "DROP TABLE people"), ("partner_ask:1", "999999999999999999999")):
        payload = slack._base_payload("block_actions", "U1")
        payload.update(actions=[{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                                 "action_ts": "1.1"}],
                       container={"type": "message", "channel_id": channel, "message_ts": "1.1"},
                       response_url=fake.new_response_url("U1", channel))
        assert slack._interactive(payload).status == 200
    world.idle()
    answers = sorted(r["text"] for r in fake.responses("U1"))
    assert answers == ["1 peer who suits you"] * 2 + ["That person is no longer in the program."] * 2
