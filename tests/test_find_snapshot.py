"""find's index snapshot: a process that starts loads the saved index instead of reading everyone, and still
finds exactly what a process that read everyone finds, changes made since the snapshot included. Also the
compact index's own bookkeeping (slots, the by-name tie-break) when people join and change their names."""

from __future__ import annotations

from sqlalchemy import delete, select

from bot.services import match_index
from models import FindSnapshot
from tests.test_find import name_of, shown_people
from tests.test_lifecycle import modal


def _index(bot) -> match_index.TeamIndex:
    with bot.db.uow() as session:
        return match_index._index(session, "T0TEST")


def _saved(bot) -> int | None:
    with bot.db.uow() as session:
        return session.scalar(select(FindSnapshot.people).where(FindSnapshot.team_id == "T0TEST"))


def test_a_starting_process_loads_the_snapshot_and_sees_every_change_made_since(world, bot):
    """Saved: slots, columns, skills and the by-name order; never a name (a change of name is read on load)."""
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"], capacity=1)
    world.join("U3", "Cy", offers=["Go"], wants=["Cooking"])
    match_index.reset()
    match_index.load_all(bot.db)  # a process starts: nothing saved yet, so it reads everyone and saves the index
    assert _saved(bot) == 3
    assert shown_people(world.find("U1")) == [name_of(world, "U2"), name_of(world, "U3")]

    # meanwhile, with the snapshot as it was: a newcomer who suits Ada best, and Bea's one place taken
    world.join("U4", "Dee", offers=["Go", "SQL"], wants=["Python"])
    world.join("U5", "Eve", offers=["Python"], wants=["Go"])
    world.pair("U2", "U5")
    assert _saved(bot) == 3

    match_index.reset()  # the next process to start loads the snapshot, then catches up
    match_index.load_all(bot.db)
    assert _index(bot).built_at is None  # loaded, not built
    from_snapshot = shown_people(world.find("U1"))
    assert from_snapshot == [name_of(world, "U4"), name_of(world, "U3")]

    with bot.db.uow() as session:  # and a process that reads everyone agrees
        session.execute(delete(FindSnapshot))
    match_index.reset()
    assert shown_people(world.find("U1")) == from_snapshot


def test_someone_who_deleted_their_data_since_the_snapshot_is_never_suggested(world, bot, slack):
    world.join("U1", "Ada", offers=["Python"], wants=["Go"])
    world.join("U2", "Bea", offers=["Go"], wants=["Python"])
    world.join("U3", "Cy", offers=["Go"], wants=["Cooking"])
    match_index.reset()
    match_index.load_all(bot.db)
    assert _saved(bot) == 3

    slack.command("U2", "leave")
    r = slack.submit("U2", modal(world, "U2", "leave_submit"),
                     {"Your data": ["Also delete my personal data (profile, notes, journal)"]})
    assert r.view_errors is None
    world.idle()
    match_index.reset()  # a process that starts now, from the snapshot that still has Bea's slot and skills
    match_index.load_all(bot.db)
    assert shown_people(world.find("U1")) == [name_of(world, "U3")]
    assert _saved(bot) is None  # and someone left: no saved copy keeps what they listed (the next start reads all)


def test_ties_go_by_name_for_newcomers_and_after_a_name_changes(world, fake, slack):
    for user, name in (("U1", "Ada"), ("U2", "Mia"), ("U3", "Zoe")):
        world.join(user, name, offers=["Go"], wants=["Python"])
    world.join("U9", "Me", offers=["Python"], wants=["Go"])
    assert shown_people(world.find("U9")) == [name_of(world, u) for u in ("U1", "U2", "U3")]  # equal scores: by name
    world.join("U4", "Bob", offers=["Go"], wants=["Python"])  # joins after the index was built
    assert shown_people(world.find("U9")) == [name_of(world, u) for u in ("U1", "U4", "U2", "U3")]
    fake.add_user("U3", "Aaron")  # Zoe is Aaron in Slack now; her profile picks it up when she saves it
    slack.command("U3", "profile")
    view = fake.wait_for(lambda: fake.open_modal("U3"))
    assert slack.submit("U3", view, {}).status == 200
    world.idle()
    assert shown_people(world.find("U9"))[0] == name_of(world, "U3")

