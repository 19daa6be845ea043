"""Formal pairing: introductions (accept, decline, double clicks, forged ids) and an admin's pairing round."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from sqlalchemy import select

from bot.services import introductions
from messages import rounds as intro_messages
from models import Introduction, Partnership
from tests.fakeslack import message_errors
from tests.world import set_program


def _intro(world, giver: str, taker: str, kind: str = "formal", reason: str = "Python for Python") -> int:
    with world.bot.db.uow() as session:
        intro = introductions.propose(session, team_id="T0TEST", kind=kind, giver_id=world.person_id(giver),
                                      taker_id=world.person_id(taker), reason=reason, created_by="UADMIN")
        introductions.send(session, intro, world.bot.settings, intro_messages)
        intro_id = intro.id
    _deliver(world)
    return intro_id


def _deliver(world) -> None:
    from bot.delivery import drain

    drain(world.bot.settings, world.bot.db, max_seconds=5.0)


def _intro_dm(fake, user: str) -> dict:
    return next(m for m in reversed(fake.dms_to(user)) if "introduc" in m["text"])


def _forged(message: dict, value: str) -> dict:
    """The message as a tampering client would present it: every button carrying `value`."""
    forged = copy.deepcopy(message)
    for block in forged["blocks"]:
        for element in block.get("elements", []):
            if element.get("type") == "button" and "value" in element:
                element["value"] = value
    return forged


def _intro_row(world, intro_id: int) -> Introduction:
    with world.bot.db.uow() as session:
        return session.get(Introduction, intro_id)


def _two(world) -> None:
    world.join("U1", "Ada Lovelace", offers=["Python"], wants=["Leadership"], level=6, title="Principal")
    world.join("U2", "Bea Brown", offers=["Design"], wants=["Python"], level=2)


def test_two_yeses_make_a_formal_partnership_with_a_group_chat(world, slack, fake):
    _two(world)
    intro_id = _intro(world, "U1", "U2", reason="Ada offers Python, which Bea wants")
    to_ada, to_bea = _intro_dm(fake, "U1"), _intro_dm(fake, "U2")
    for message in (to_ada, to_bea):
        assert message_errors(message["blocks"], message["text"]) == []
        assert "Ada offers Python, which Bea wants" in str(message["blocks"])  # the context box
    assert "be the mentor of *Bea Brown* (<@U2>)" in str(to_ada["blocks"])
    assert "*Ada Lovelace* (<@U1>), your mentor" in str(to_bea["blocks"])

    slack.click("U1", to_ada, "Accept")
    world.idle()
    assert _intro_row(world, intro_id).status == "sent" and world.partnership("U1", "U2") is None
    assert "I'll tell you as soon as they answer" in str(fake.responses("U1")[-1])
    slack.click("U2", to_bea, "Accept")
    slack.click("U2", to_bea, "Accept")  # a double click changes nothing
    world.idle()

    intro = _intro_row(world, intro_id)
    partnership = world.partnership("U1", "U2")
    assert intro.status == "accepted" and intro.partnership_id == partnership.id
    assert partnership.status == "active" and partnership.kind == "formal"
    assert partnership.planned_end is not None and partnership.planned_end > date.today() + timedelta(days=150)
    group = fake.group_dm("U1", "U2")
    assert group is not None and partnership.channel_id == group
    kickoff = fake.messages(group)
    assert len(kickoff) == 1 and "(mentor)" in kickoff[0]["text"] and "Write our agreement" in str(kickoff[0]["blocks"])
    for user in ("U1", "U2"):
        assert len([m for m in fake.dms_to(user) if "both accepted the introduction" in m["text"]]) == 1
    with world.bot.db.uow() as session:
        assert len(session.scalars(select(Partnership)).all()) == 1


def test_a_buddy_introduction_runs_45_days(world, slack, fake):
    _two(world)
    _intro(world, "U1", "U2", kind="buddy", reason="Same department")
    assert "onboarding buddy" in str(_intro_dm(fake, "U2")["blocks"])
    slack.click("U2", _intro_dm(fake, "U2"), "Accept")
    slack.click("U1", _intro_dm(fake, "U1"), "Accept")
    world.idle()
    partnership = world.partnership("U1", "U2")
    assert partnership.kind == "buddy" and partnership.planned_end == partnership.started_at.date() + timedelta(days=45)


def test_a_decline_tells_the_other_and_the_admin(world, slack, fake):
    _two(world)
    fake.add_user("UADMIN", "Program Admin")
    intro_id = _intro(world, "U1", "U2")
    slack.click("U2", _intro_dm(fake, "U2"), "Decline")
    world.idle()
    assert _intro_row(world, intro_id).status == "declined"
    assert any("can't take on this partnership right now" in m["text"] for m in fake.dms_to("U1"))
    assert any("was declined" in m["text"] for m in fake.dms_to("UADMIN"))
    slack.click("U1", _intro_dm(fake, "U1"), "Accept")  # too late: nothing starts
    world.idle()
    assert "can't take on this partnership right now, so this introduction is closed" in str(fake.responses("U1")[-1])
    assert world.partnership("U1", "U2") is None and fake.group_dm("U1", "U2") is None


def test_a_stranger_cannot_answer_an_introduction(world, slack, fake):
    _two(world)
    world.join("U3", "Cy Crook", offers=["Go"], wants=["Python"])
    intro_id = _intro(world, "U1", "U2")
    _intro(world, "U3", "U1")  # Cy has an introduction of his own, with buttons to tamper with
    slack.click("U3", _forged(_intro_dm(fake, "U3"), str(intro_id)), "Accept")  # someone else's intro
    slack.click("U3", _forged(_intro_dm(fake, "U3"), "99999999999999999999"), "Decline")
    world.idle()
    intro = _intro_row(world, intro_id)
    assert intro.status == "sent" and intro.giver_answer is None and intro.taker_answer is None
    refused = [r for r in fake.responses("U3") if "isn't one of yours" in str(r)]
    assert len(refused) == 2


# -- the admin's round ------------------------------------------------------------------------------------------
def _admin(world, user: str = "UADMIN") -> None:
    world.fake.add_user(user, "Program Admin")
    set_program(world.bot, "formal", admins=(user,))


def _open_round(world, admin: str = "UADMIN", **values) -> dict:
    """The admin fills `/mentor round`; returns the review DM."""
    before = len(world.fake.dms_to(admin))
    assert world.slack.command(admin, "round").status == 200
    modal = world.fake.wait_for(lambda: (m := world.fake.open_modal(admin)) and m["callback_id"] == "round_submit" and m)
    response = world.slack.submit(admin, modal, values)
    assert response.status == 200 and not response.view_errors, response.text
    world.idle()
    reviews = world.fake.dms_to(admin)[before:]
    assert reviews, f"no review DM; admin saw: {[m['text'] for m in world.fake.dms_to(admin)]}"
    return reviews[-1]


def _command(world, user: str, words: str) -> str:
    """What the person sees after a `/mentor` command: its ack, and any answer sent after it."""
    before = len(world.fake.responses(user))
    response = world.slack.command(user, words)
    assert response.status == 200
    world.idle()
    return response.text + str(world.fake.responses(user)[before:])


def _pairs(world) -> dict[tuple[str, str], Introduction]:
    with world.bot.db.uow() as session:
        rows = session.scalars(select(Introduction).where(Introduction.round_id.is_not(None))).unique().all()
        return {(i.giver.slack_user_id, i.taker.slack_user_id): i for i in rows if i.status != "dropped"}


def test_the_round_is_optimal_where_greedy_is_not(world, slack, fake):
    """Ada fits Xia best (14), but then Yan has nobody: the optimum gives Xia to Ben (11) and Yan to Ada (7)."""
    _admin(world)
    world.join("U1", "Ada Mentor", offers=["Python", "Go", "SQL"], wants=["Budgeting"], level=6)
    world.join("U2", "Ben Mentor", offers=["Go", "SQL"], wants=["Budgeting"], level=6)
    world.join("U3", "Xia Mentee", offers=["Design"], wants=["Python", "Go", "SQL"], level=3)
    world.join("U4", "Yan Mentee", offers=["Design"], wants=["Python"], level=3, goals=("Career journey",))
    review = _open_round(world, criteria=["Mentor training done"], trained=["U1", "U2"], min_level="Level 5",
                         max_per_mentor="1")
    assert message_errors(review["blocks"], review["text"]) == []
    shown = str(review["blocks"])
    assert "*2* pairs proposed" in shown and "0 without an acceptable mentor" in shown
    assert "Total match score *18* (the optimum); a greedy pick would score 14" in shown
    assert set(_pairs(world)) == {("U1", "U4"), ("U2", "U3")}
    assert "offers Python, which Yan Mentee wants" in shown  # the one-line reason
    assert "_Mentor: trained" in shown  # admins see the mentor's record

    slack.click("UADMIN", review, "Confirm and send")
    world.idle()
    _deliver(world)
    assert {i.status for i in _pairs(world).values()} == {"sent"}
    assert "Confirmed: 2 introductions sent" in str(fake.responses("UADMIN")[-1])
    for mentee, mentor in (("U4", "U1"), ("U3", "U2")):
        assert f"(<@{mentor}>), your mentor" in str(_intro_dm(fake, mentee)["blocks"])
    slack.click("U4", _intro_dm(fake, "U4"), "Accept")
    slack.click("U1", _intro_dm(fake, "U1"), "Accept")
    world.idle()
    assert world.partnership("U1", "U4").kind == "formal"
    slack.click("U3", _intro_dm(fake, "U3"), "Decline")
    world.idle()
    assert any("was declined" in m["text"] and "round" in m["text"] for m in fake.dms_to("UADMIN"))
    with world.bot.db.uow() as session:
        from models import AuditEntry

        actions = [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["round.trained", "round.open", "round.confirm"]


def test_capacity_drop_swap_and_cancel(world, slack, fake):
    _admin(world)
    world.join("U1", "Ada Mentor", offers=["Python"], wants=["Budgeting"], level=7, capacity=2)
    world.join("U2", "Ben Mentor", offers=["Python"], wants=["Budgeting"], level=7, capacity=1)
    for n, name in enumerate(("Cy", "Di", "Ed", "Flo"), start=3):
        world.join(f"U{n}", f"{name} Mentee", offers=["Design"], wants=["Python"], level=2)
    world.pair("U2", "U6")  # Ben's one place is taken: he is out of the round
    slack.command("UADMIN", "round trained <@U1|ada> <@U2>")
    review = _open_round(world, criteria=["Mentor training done"], max_per_mentor="5")
    pairs = _pairs(world)
    assert len(pairs) == 2 and {m for m, _ in pairs} == {"U1"}  # Ada takes two (her profile's capacity), not five
    assert "2 without an acceptable mentor with room" in str(review["blocks"])

    first, second = sorted(pairs.values(), key=lambda i: i.id)
    slack.click("UADMIN", review, f"round_drop:{first.id}")
    world.idle()
    after_drop = fake.responses("UADMIN")[-1]
    assert "*1* pairs proposed, 1 dropped" in str(after_drop["blocks"])
    assert "was dropped" in _command(world, "UADMIN", f"round swap {first.id} {second.id}")
    shown = _command(world, "UADMIN", "round show")
    assert f"#{second.id}" in shown and f"#{first.id}*" not in shown

    slack.click("UADMIN", after_drop, "Cancel round")
    world.idle()
    assert "Pairing round" in fake.responses("UADMIN")[-1]["text"] and "cancelled" in fake.responses("UADMIN")[-1]["text"]
    assert _pairs(world) == {}
    assert not [m for u in ("U1", "U3", "U4", "U5") for m in fake.dms_to(u) if "introduc" in m["text"]]


def test_swap_exchanges_mentees_and_explains_again(world, slack, fake):
    _admin(world)
    world.join("U1", "Ada Mentor", offers=["Python"], wants=["Budgeting"], level=7, capacity=1)
    world.join("U2", "Ben Mentor", offers=["Go"], wants=["Budgeting"], level=7, capacity=1)
    world.join("U3", "Cy Mentee", offers=["Design"], wants=["Python"], level=2)
    world.join("U4", "Di Mentee", offers=["Design"], wants=["Go"], level=2)
    _open_round(world, criteria=[], min_level="Level 5")
    pairs = _pairs(world)
    assert set(pairs) == {("U1", "U3"), ("U2", "U4")}
    assert "still waiting for review" in _command(world, "UADMIN", "round")  # one round at a time
    a, b = pairs[("U1", "U3")], pairs[("U2", "U4")]
    answer = _command(world, "UADMIN", f"round swap #{a.id} #{b.id}")
    assert f"Swapped the mentees of pairs #{a.id} and #{b.id}" in answer
    swapped = _pairs(world)
    assert set(swapped) == {("U1", "U4"), ("U2", "U3")}
    assert swapped[("U1", "U4")].score < a.score and "Python" not in swapped[("U1", "U4")].reason
    slack.command("UADMIN", "round confirm")
    world.idle()
    _deliver(world)
    assert "Ada Mentor" in str(_intro_dm(fake, "U4")["blocks"])
    # Both mentors' one place is promised to an introduction nobody has answered yet: a new round has no mentor
    again = _open_round(world, criteria=[], min_level="Level 5")
    assert "This pool has 0 mentor(s) with room and 2 mentee(s) with room" in again["text"]


def test_rounds_are_for_admins_only_even_forged(world, slack, fake):
    set_program(world.bot, admins=("UADMIN",))  # formal pairing not switched on yet
    world.fake.add_user("UADMIN", "Program Admin")
    assert "Formal pairing rounds are off" in _command(world, "UADMIN", "round") and fake.open_modal("UADMIN") is None
    _admin(world)
    world.join("U1", "Ada Mentor", offers=["Python"], wants=["Budgeting"], level=7)
    world.join("U3", "Cy Mentee", offers=["Design"], wants=["Python"], level=2)
    assert "Only the program's admins" in _command(world, "U3", "round") and fake.open_modal("U3") is None
    for words in ("round trained <@U3>", "round swap 1 2", "round confirm", "round show"):
        assert "Only the program's admins" in _command(world, "U3", words), words

    review = _open_round(world, criteria=[], min_level="Level 5")
    pair = next(iter(_pairs(world).values()))
    forged_view = {"type": "modal", "callback_id": "round_submit", "id": "VFORGED", "blocks": [],
                   "title": {"type": "plain_text", "text": "Pairing round"}, "state": {"values": {}}}
    payload = slack._base_payload("view_submission", "U3")
    payload.update(view=forged_view, response_urls=[])
    forged = slack._interactive(payload)  # a hand-made submission of the round modal
    assert forged.status == 200 and "Only the program's admins" in forged.text
    # A mentee replays the admin's buttons: confirm, drop, next page
    for label in ("Confirm and send", f"round_drop:{pair.id}"):
        slack.click("U3", review, label)
    world.idle()
    assert len([r for r in fake.dms_to("U3") + fake.responses("U3") if "Only the program's admins" in str(r)]) >= 2
    with world.bot.db.uow() as session:
        assert session.get(Introduction, pair.id).status == "proposed"
        assert session.scalars(select(Partnership)).all() == []
    assert not [m for m in fake.dms_to("U3") if "introduc" in m["text"]]


def test_five_thousand_people_solve_in_seconds_and_match_scipys_optimum():
    """A random round of 5,000 (1,500 mentors of capacity 1 to 3): the solve stays fast, and its total equals the
    optimum scipy finds on the same scores with every mentor slot spelled out (no pruning)."""
    import random
    import time

    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from bot.services import pairing

    test_started = time.perf_counter()
    rng = random.Random(4)
    people = [pairing.Candidate(
        person_id=i, offers=frozenset(rng.sample(range(200), rng.randint(1, 6))),
        wants=frozenset(rng.sample(range(200), rng.randint(1, 4))),
        goals=frozenset(rng.sample(["career journey", "knowledge gaps", "experience gaps"], rng.randint(0, 2))),
        department=f"d{rng.randint(0, 20)}", level=rng.randint(1, 10), tz_offset=rng.choice([0, 3600, -18000, 19800, None]),
        cross_department=rng.random() < 0.8) for i in range(5000)]
    mentors = [p for p in people if p.level >= 5][:1500]
    chosen = {p.person_id for p in mentors}
    mentees = [p for p in people if p.person_id not in chosen]
    capacities = [rng.randint(1, 3) for _ in mentors]
    previous = {(mentors[k].person_id, mentees[k].person_id) for k in range(0, 1500, 7)}

    started = time.perf_counter()
    solution = pairing.solve(mentors, mentees, capacities, previous)
    elapsed = time.perf_counter() - started
    assert elapsed < 15, f"{elapsed:.1f} s"

    scores = pairing.score_matrix(mentors, mentees, previous)
    slots = np.repeat(scores, capacities, axis=0)
    rows, cols = linear_sum_assignment(slots, maximize=True)
    assert abs(solution.total - float(slots[rows, cols].sum())) < 1e-3
    load = np.bincount([i for i, _, _ in solution.pairs], minlength=len(mentors))
    assert (load <= np.asarray(capacities)).all()  # every capacity respected
    assert len({j for _, j, _ in solution.pairs}) == len(solution.pairs)  # a mentee has one mentor
    assert all(scores[i, j] > 0 for i, j, _ in solution.pairs)  # only acceptable pairs, never a previous one
    assert all(scores[k, k] == 0 for k in range(0, 1500, 7))
    assert solution.greedy_total < solution.total and solution.summary()["greedy_share"] < 1
    assert time.perf_counter() - test_started < 20  # the whole test, checking included, stays under 20 s


def test_self_assessment_picks_mentors_and_only_admins_see_it(world, slack, fake):
    _admin(world)
    world.join("U1", "Ada Mentor", offers=["Python"], wants=["Budgeting"], level=7)
    world.join("U3", "Cy Mentee", offers=["Design"], wants=["Python"], level=2)
    slack.command("U1", "profile")
    modal = fake.wait_for(lambda: fake.open_modal("U1"))
    response = slack.submit("U1", modal, {"Leadership": ["I'm interested in mentoring others"],
                                          "Listening (1 to 5)": "5", "Giving feedback (1 to 5)": "3"})
    assert response.status == 200 and not response.view_errors, response.text
    world.idle()
    slack.command("U1", "profile")  # the form shows it back
    again = fake.wait_for(lambda: (m := fake.open_modal("U1")) and m["id"] != modal["id"] and m)
    shown = {b.get("block_id"): b for b in again["blocks"]}
    assert "initial_options" in shown["leadership_interest"]["element"]
    assert shown["assess_listening"]["element"]["initial_option"]["value"] == "5"
    forged = world.forged_submit("U1", again, {"assess_listening": "9"})
    assert forged.view_errors == {"assess_listening": "Rate each criterion from 1 to 5."}

    review = _open_round(world, criteria=["Leadership interest (their own say, in their profile)"])
    assert "_Mentor: leadership interest · self-assessment: listening 5, feedback 3_" in str(review["blocks"])
    slack.click("UADMIN", review, "Confirm and send")
    world.idle()
    _deliver(world)
    assert "listening" not in str(_intro_dm(fake, "U3")).lower()  # peers never see it
    assert "listening" not in world.find("U3").text.lower()


def test_a_channel_pool_takes_only_its_members(world, slack, fake):
    _admin(world)
    world.join("U1", "Ada Mentor", offers=["Python"], wants=["Budgeting"], level=7)
    world.join("U2", "Ben Mentor", offers=["Python"], wants=["Budgeting"], level=7)
    world.join("U3", "Cy Mentee", offers=["Design"], wants=["Python"], level=2)
    world.join("U4", "Di Mentee", offers=["Design"], wants=["Python"], level=2)
    fake.add_channel("CPILOT", "mentoring-pilot", members=["U2", "U4", "UADMIN"])
    slack.command("UADMIN", "round")  # a channel pool without a channel is a field error in the form
    modal = fake.wait_for(lambda: (m := fake.open_modal("UADMIN")) and m["callback_id"] == "round_submit" and m)
    response = slack.submit("UADMIN", modal, {"pool": "The members of a channel"})
    assert response.view_errors == {"channel": "Pick the channel whose members are the pool."}
    slack.close_view("UADMIN", modal)
    review = _open_round(world, pool="The members of a channel", channel="CPILOT", criteria=[], min_level="Level 5")
    assert set(_pairs(world)) == {("U2", "U4")}
    assert "1 mentors, 1 mentees" in str(review["blocks"])
    with world.bot.db.uow() as session:
        from models import PairingRound

        assert session.scalars(select(PairingRound)).one().pool == "CPILOT"


def test_a_big_round_is_paged_within_block_kit_limits(world, slack, fake):
    from bot.services import profiles
    from bot.services.profiles import ProfileForm

    _admin(world)
    with world.bot.db.uow() as session:
        for n in range(23):
            for role, level, offers, wants in (("M", 8, [f"Skill {n}"], ["Budgeting"]), ("E", 2, ["Design"], [f"Skill {n}"])):
                user = f"U{role}{n:02d}"
                fake.add_user(user, f"{role}{n:02d} " + "Long Name " * 15)
                person, _ = profiles.save(session, "T0TEST", user, ProfileForm(
                    offers=offers, wants=wants, goals=["knowledge"], department="Engineering", level=level, capacity=1))
                person.display_name = f"{role}{n:02d} " + "Long Name " * 15
    review = _open_round(world, criteria=[], min_level="Level 5")
    assert message_errors(review["blocks"], review["text"]) == [] and len(review["blocks"]) <= 50
    assert str(review["blocks"]).count("· score ") == 20 and "Page 1 of 2" in str(review["blocks"])
    slack.click("UADMIN", review, "Next")
    world.idle()
    second = fake.responses("UADMIN")[-1]
    assert message_errors(second["blocks"], second["text"]) == []
    assert str(second["blocks"]).count("· score ") == 3 and "Page 2 of 2" in str(second["blocks"])
    slack.click("UADMIN", second, "Confirm and send")
    world.idle()
    _deliver(world)  # what the action did not send at once, the sender sends at Slack's pace
    assert all(_intro_dm(fake, f"UE{n:02d}") for n in range(23))
    assert len(fake.calls_to("chat.postMessage")) >= 46
