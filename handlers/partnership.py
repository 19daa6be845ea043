"""Answering a partnership request: accept (opens the pair's group chat), decline, or withdraw."""

from __future__ import annotations

from bot.services import partnerships
from handlers import ids
from handlers.blocks import requests as request_blocks
from handlers.common import Deps, action_value, dm, guarded, team_of, user_of
from handlers.home import publish_home


def _request_facts(partnership) -> dict:
    req = partnership.request
    asker = partnership.person_a if partnership.person_a_id == req.from_person_id else partnership.person_b
    asked = partnership.other(asker.id)
    return {"id": partnership.id, "asker": asker.slack_user_id, "asked": asked.slack_user_id,
            "channel": req.dm_channel, "ts": req.dm_ts}


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.ACCEPT))
    @guarded
    def accept(ack, body, client):
        ack()
        team_id = team_of(body)
        with deps.db.uow() as session:
            facts = _request_facts(partnerships.accept(session, team_id, user_of(body), action_value(body)))
        if facts["channel"] and facts["ts"]:
            client.chat_update(channel=facts["channel"], ts=facts["ts"],
                               **request_blocks.request_answered(facts["asker"], "accepted"))
        group = client.conversations_open(users=f"{facts['asker']},{facts['asked']}")["channel"]["id"]
        with deps.db.uow() as session:
            partnerships.set_channel(session, facts["id"], group)
        client.chat_postMessage(channel=group, **request_blocks.kickoff(deps.program_name, facts["asker"],
                                                                         facts["asked"], facts["id"]))
        dm(client, facts["asker"], request_blocks.accepted_for_requester(facts["asked"]))
        publish_home(client, deps, team_id, facts["asker"], facts["asked"])

    @app.action(ids.matcher(ids.DECLINE))
    @guarded
    def decline(ack, body, client):
        ack()
        team_id = team_of(body)
        with deps.db.uow() as session:
            facts = _request_facts(partnerships.decline(session, team_id, user_of(body), action_value(body)))
        if facts["channel"] and facts["ts"]:
            client.chat_update(channel=facts["channel"], ts=facts["ts"],
                               **request_blocks.request_answered(facts["asker"], "declined"))
        dm(client, facts["asker"], request_blocks.declined_for_requester(facts["asked"]))
        publish_home(client, deps, team_id, facts["asker"], facts["asked"])

    @app.action(ids.matcher(ids.CANCEL))
    @guarded
    def withdraw(ack, body, client):
        ack()
        team_id = team_of(body)
        with deps.db.uow() as session:
            facts = _request_facts(partnerships.cancel(session, team_id, user_of(body), action_value(body)))
        if facts["channel"] and facts["ts"]:
            client.chat_update(channel=facts["channel"], ts=facts["ts"],
                               **request_blocks.request_answered(facts["asker"], "withdrawn by the person who asked"))
        publish_home(client, deps, team_id, facts["asker"], facts["asked"])
