"""A tenant's install, as use cases: the tenant key, holding and resuming its messages, a retried uninstall event."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.flows import workspace
from bot.services import outbox, tenants
from models import AuditEntry, OutboxMessage, Tenant
from models.base import utcnow
from models.status import OutboxStatus
from tests.flows.conftest import TEAM


def test_the_tenant_key_is_the_org_for_an_org_wide_install_and_the_workspace_otherwise():
    assert tenants.tenant_key("T1", "E1", True) == "E1"
    assert tenants.tenant_key("T1", "E1", False) == "T1"  # a Grid workspace installed on its own
    assert tenants.tenant_key("T1", None, False) == "T1"
    assert tenants.tenant_key(None, "E1", True) == "E1"


def _rows(ctx):
    with ctx.db.uow() as session:
        return {r.recipient: (r.status, r.held_from) for r in session.scalars(select(OutboxMessage))}


def test_held_messages_go_back_as_they_were_and_a_retried_uninstall_does_nothing_twice(ctx):
    with ctx.db.uow() as session:
        for user in ("U1", "U2", "U3"):
            outbox.enqueue(session, TEAM, f"notice:{TEAM}:{user}:t", "notice", user, {"text": "hello"})
        outbox.enqueue(session, "T0OTHER", "notice:T0OTHER:U9:t", "notice", "U9", {"text": "hello"})
        session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "U2")
                        .values(status=OutboxStatus.SENDING, lease_until=utcnow() + timedelta(minutes=2)))
        session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "U3").values(status=OutboxStatus.SENT))

    assert workspace.uninstalled(ctx, TEAM, event_id="Ev1") is True
    assert workspace.uninstalled(ctx, TEAM, event_id="Ev1") is False  # Slack's retry of the same event
    assert _rows(ctx) == {"U1": ("held", "pending"), "U2": ("held", "sending"), "U3": ("sent", None),
                          "U9": ("pending", None)}  # another tenant's message is not touched

    with ctx.db.uow() as session:  # written after the uninstall (a job's fan-out): held by the sender's next run
        outbox.enqueue(session, TEAM, f"notice:{TEAM}:U4:t", "notice", "U4", {"text": "hello"})
    assert workspace.hold_uninstalled(ctx) == (1, {TEAM})

    done = workspace.installed(ctx, team_id=TEAM, enterprise_id=None, is_enterprise_install=False)
    assert done.resumed == 3
    rows = _rows(ctx)  # the one that may have reached Slack is checked with Slack before it is sent again
    assert rows["U1"] == rows["U4"] == ("pending", None) and rows["U2"] == ("sending", None)
    with ctx.db.uow() as session:
        assert session.get(Tenant, TEAM).status == "installed"
        assert [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == ["uninstalled",
                                                                                                    "installed"]


def test_messages_held_for_more_than_a_week_are_not_sent_on_reinstall(ctx):
    with ctx.db.uow() as session:
        outbox.enqueue(session, TEAM, f"notice:{TEAM}:U1:old", "notice", "U1", {"text": "meeting tomorrow"})
        outbox.enqueue(session, TEAM, f"notice:{TEAM}:U2:new", "notice", "U2", {"text": "meeting tomorrow"})
        session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "U1")
                        .values(created_at=utcnow() - timedelta(days=8)))
    workspace.uninstalled(ctx, TEAM, event_id="Ev-week")

    assert workspace.installed(ctx, team_id=TEAM, enterprise_id=None, is_enterprise_install=False).resumed == 1
    assert _rows(ctx) == {"U1": ("cancelled", None), "U2": ("pending", None)}
    with ctx.db.uow() as session:
        old = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "U1")).one()
        assert "more than 7 days" in (old.last_error or "")
