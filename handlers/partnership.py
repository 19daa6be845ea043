"""Answering a partnership request: accept (opens the pair's group chat), decline, or withdraw."""

from __future__ import annotations

from bot.services import outbox, partnerships, program
from messages import ids
from messages import requests as request_blocks
from handlers.common import Deps, action_value, deliver_now, guarded, team_of, user_of
from handlers.home import publish_home


def _request_facts(session, partnership) -> dict:
    req = partnership.request
    asker = partnership.person_a if partnership.person_a_id == req.from_person_id else partnership.person_b
    asked = partnership.other(asker.id)
    channel, ts = req.dm_channel, req.dm_ts
    if not ts and (sent := outbox.sent(session, f"request:{partnership.id}")) is not None:
        channel, ts = sent.slack_channel, sent.slack_ts  # delivered later than the ask, by the outbox sender
    return {"id": partnership.id, "asker": asker.slack_user_id, "asked": asked.slack_user_id,
            "channel": channel, "ts": ts}


def register(app, deps: Deps) -> None:
    @app.action(ids.matcher(ids.ACCEPT))
    @guarded
    def accept(ack, body, client):
        ack()
        team_id = team_of(body)
        with deps.db.uow() as session:
            facts = _request_facts(session, partnerships.accept(session, team_id, user_of(body), action_value(body)))
            outbox.enqueue(session, team_id, f"request-accepted:{facts['id']}", "request-answer", facts["asker"],
                           request_blocks.accepted_for_requester(facts["asked"]))
        if facts["channel"] and facts["ts"]:
            client.chat_update(channel=facts["channel"], ts=facts["ts"],
                               **request_blocks.request_answered(facts["asker"], "accepted"))
        deliver_now(deps)  # the asker's good news first: it does not depend on the group chat
        group = client.conversations_open(users=f"{facts['asker']},{facts['asked']}")["channel"]["id"]
        with deps.db.uow() as session:
            partnerships.set_channel(session, facts["id"], group)
            outbox.enqueue(session, team_id, f"kickoff:{facts['id']}", "kickoff", group,
                           request_blocks.kickoff(program.current(session, team_id, deps.settings).name, facts["asker"],
                                                  facts["asked"], facts["id"]))
        deliver_now(deps)
        publish_home(client, deps, team_id, facts["asker"], facts["asked"])

    @app.action(ids.matcher(ids.DECLINE))
    @guarded
    def decline(ack, body, client):
        ack()
        team_id = team_of(body)
        with deps.db.uow() as session:
            facts = _request_facts(session, partnerships.decline(session, team_id, user_of(body), action_value(body)))
            outbox.enqueue(session, team_id, f"request-declined:{facts['id']}", "request-answer", facts["asker"],
                           request_blocks.declined_for_requester(facts["asked"]))
        if facts["channel"] and facts["ts"]:
            client.chat_update(channel=facts["channel"], ts=facts["ts"],
                               **request_blocks.request_answered(facts["asker"], "declined"))
        deliver_now(deps)
        publish_home(client, deps, team_id, facts["asker"], facts["asked"])

    @app.action(ids.matcher(ids.CANCEL))
    @guarded
    def withdraw(ack, body, client):
        ack()
        team_id = team_of(body)
        with deps.db.uow() as session:
            facts = _request_facts(session, partnerships.cancel(session, team_id, user_of(body), action_value(body)))
        if facts["channel"] and facts["ts"]:
            client.chat_update(channel=facts["channel"], ts=facts["ts"],
                               **request_blocks.request_answered(facts["asker"], "withdrawn by the person who asked"))
        publish_home(client, deps, team_id, facts["asker"], facts["asked"])
