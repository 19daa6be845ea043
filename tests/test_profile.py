"""Opting in and editing the profile: the modal, its field errors, and what gets stored."""

from sqlalchemy import func, select

from models import Person, Skill


def labels(view):
    return [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]


def test_join_stores_profile_with_slack_name_title_and_timezone(world, slack, fake, bot):
    fake.add_user("U1", "Ada Lovelace", title="Staff Engineer", tz="America/New_York", tz_offset=-5 * 3600)
    r = slack.command("U1", "join")
    assert r.status == 200
    view = fake.wait_for(lambda: fake.open_modal("U1"))
    assert view["title"]["text"] == "Join the program"
    assert labels(view) == [
        "Skills I can share", "Skills I want to learn", "What I want from the program", "My goals in my own words",
        "Department or function", "Job level", "Partners at once", "Partners from other departments",
        "Reverse mentoring", "Recognition", "Working hours from", "Working hours until", "Working days",
        "Leadership", "Listening (1 to 5)", "Follow-through (1 to 5)",
        "Interpersonal skills (1 to 5)", "Giving feedback (1 to 5)", "Time available (1 to 5)",
    ]
    r = slack.submit("U1", view, {
        "Skills I can share": "Python, SQL", "Skills I want to learn": "Public speaking",
        "What I want from the program": ["Career journey", "Knowledge gaps"], "Department or function": " Data ",
        "Job level": "Level 4", "Partners at once": "3", "Reverse mentoring": ["Open to reverse mentoring"],
    })
    assert r.view_errors is None and fake.open_modal("U1") is None  # the modal closed
    world.idle()
    with bot.db.uow() as session:
        ada = session.scalars(select(Person)).one()
        assert (ada.display_name, ada.title, ada.tz, ada.tz_offset) == ("Ada Lovelace", "Staff Engineer",
                                                                        "America/New_York", -18000)
        assert (ada.department, ada.level, ada.capacity, ada.reverse_mentoring) == ("Data", 4, 3, True)
        assert ada.goals == ["career", "knowledge"]
        assert ada.skill_names("offer") == ["Python", "SQL"] and ada.skill_names("want") == ["Public speaking"]
    assert "Welcome to Grow Together" in fake.dms_to("U1")[0]["text"]
    home = fake.home("U1")
    assert home is not None and "Python" in str(home["blocks"])


def test_bad_input_comes_back_as_field_errors_and_nothing_is_saved(world, slack, fake, bot):
    fake.add_user("U1", "Ada")
    slack.command("U1", "join")
    view = fake.wait_for(lambda: fake.open_modal("U1"))
    r = world.forged_submit("U1", view, {"department": "   ", "level": None})
    assert r.status == 200
    assert set(r.view_errors) == {"offers", "wants", "goals", "department", "level"}
    assert r.view_errors["offers"] == "Name at least one skill you can share."
    assert r.view_errors["department"] == "Please fill this in."
    too_long = "x" * 61
    r = slack.submit("U1", fake.open_modal("U1"), {
        "Skills I can share": too_long, "Skills I want to learn": ", ".join(f"skill {n}" for n in range(16)),
        "What I want from the program": ["Experience gaps"], "Department or function": "Ops", "Job level": "Level 2",
    })
    assert "too long" in r.view_errors["offers"] and r.view_errors["wants"] == "Pick at most 15 skills."
    assert fake.open_modal("U1") is not None  # still open, with what was typed
    with bot.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0
        assert session.scalar(select(func.count()).select_from(Skill)) == 0


def test_skills_are_one_whatever_the_spelling_and_edit_is_prefilled(world, slack, fake, bot):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bob", offers=["python ", "  PYTHON"], wants=["GO", "Kubernetes"])
    with bot.db.uow() as session:
        assert sorted(session.scalars(select(Skill.name))) == ["Go", "Kubernetes", "Python"]

    slack.command("U2", "profile")
    view = fake.wait_for(lambda: fake.open_modal("U2"))
    assert view["title"]["text"] == "Edit my profile"
    picks = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert [o["text"]["text"] for o in picks["offers_pick"]["initial_options"]] == ["Python"]
    assert {o["text"]["text"] for o in picks["wants_pick"]["initial_options"]} == {"Go", "Kubernetes"}
    assert picks["department"]["initial_value"] == "Engineering"
    assert picks["level"]["initial_option"]["value"] == "3"
    r = slack.submit("U2", view, {"Skills I can share (type)": "Rust", "Partners at once": "1",
                                  "Partners from other departments": "Same department only"})
    assert r.view_errors is None
    world.idle()
    with bot.db.uow() as session:
        bob = session.scalars(select(Person).where(Person.slack_user_id == "U2")).one()
        assert bob.skill_names("offer") == ["Python", "Rust"] and bob.capacity == 1 and not bob.cross_department
    assert len([m for m in fake.dms_to("U2") if "Welcome" in m["text"]]) == 1  # no second welcome on edit
