"""A tenant's install: installed with "Add to Slack" (again), uninstalled or its token revoked (data kept, messages
held), moved into its org's program, or deleted entirely (audited). See bot/services/tenants.py for the tenant key."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.flows.context import Context
from bot.services import events, installations, program, tenants
from bot.services.errors import Conflict

log = logging.getLogger("mentor_bot.workspace")

OPERATOR = "operator"  # the actor of an audit entry written by the `mentor-bot workspace` command
SLACK = "slack"  # ... by Slack's own events (app_uninstalled, tokens_revoked)


@dataclass(frozen=True)
class Installed:
    key: str
    resumed: int  # held messages sent again
    moved: dict[str, dict[str, int]] = field(default_factory=dict)  # workspace -> table -> rows now under the org
    refused: dict[str, str] = field(default_factory=dict)  # workspace -> why its rows stay where they are


def installed(ctx: Context, *, team_id: str | None, enterprise_id: str | None, is_enterprise_install: bool,
              name: str | None = None, installer: str = SLACK) -> Installed:
    """Someone completed "Add to Slack": the tenant sends again (its held messages first go out); an org-wide
    install takes in the rows of the org's workspaces that had the bot on their own, so their people keep
    everything in the one program."""
    key = tenants.tenant_key(team_id, enterprise_id, is_enterprise_install)
    with ctx.db.uow() as session:
        _tenant, _was_uninstalled = tenants.record_install(session, key, enterprise_id=enterprise_id, name=name,
                                                           is_enterprise_install=is_enterprise_install)
        resumed = tenants.resume_outbox(session, key)
        program.audit(session, key, installer, "installed", enterprise=is_enterprise_install, resumed=resumed)
        workspaces = installations.workspaces_of(session, key) if is_enterprise_install and enterprise_id else []
    moved, refused = {}, {}
    for workspace in workspaces:
        try:
            rows = move(ctx, workspace, key, installer)
        except Conflict as exc:
            refused[workspace] = exc.message
            log.warning("org-wide install %s: rows of workspace %s not moved: %s", key, workspace, exc.message)
            with ctx.db.uow() as session:  # the admins see it in the audit log; `mentor-bot workspace move` retries
                program.audit(session, key, installer, "workspace_move_refused", source=workspace,
                              reason=exc.message[:500])
            continue
        if rows:
            moved[workspace] = rows
    return Installed(key=key, resumed=resumed, moved=moved, refused=refused)


def uninstalled(ctx: Context, key: str, *, tokens_only: bool = False, event_id: str | None = None) -> bool:
    """Slack says the tenant uninstalled the bot (or revoked its tokens): its tokens are forgotten, its data is
    kept and its unsent messages are held until it installs the bot again. False for a retried event."""
    with ctx.db.uow() as session:
        if event_id and not events.first_delivery(session, event_id[:64], key):
            return False
        installations.forget(session, key, tokens_only=tokens_only)
        news = tenants.record_uninstall(session, key)
        held = tenants.hold_outbox(session, key)
        program.audit(session, key, SLACK, "tokens_revoked" if tokens_only else "uninstalled", held=held)
        return news


def token_refused(ctx: Context, key: str, error: str) -> int:
    """The sender found the tenant's token dead (revoked, invalid): like an uninstall, hold its messages until it
    is installed again. Returns how many were held."""
    with ctx.db.uow() as session:
        tenants.record_uninstall(session, key)
        held = tenants.hold_outbox(session, key)
        program.audit(session, key, SLACK, "token_refused", error=error, held=held)
        return held


def hold_uninstalled(ctx: Context) -> tuple[int, set[str]]:
    """Hold what was written since for tenants that are not installed (the sender does this before each run);
    returns how many rows were held and which tenants are not installed."""
    with ctx.db.uow() as session:
        keys = tenants.uninstalled(session)
        return sum(tenants.hold_outbox(session, key) for key in keys), set(keys)


def is_installed(ctx: Context, key: str) -> bool:
    with ctx.db.uow() as session:
        return tenants.is_installed(session, key)


def resume(ctx: Context, key: str, actor: str = OPERATOR) -> int:
    """The bot is back in the tenant (single-token mode: a new SLACK_BOT_TOKEN): send its held messages."""
    with ctx.db.uow() as session:
        tenants.record_install(session, key, is_enterprise_install=key.startswith("E"))
        resumed = tenants.resume_outbox(session, key)
        program.audit(session, key, actor, "resumed", resumed=resumed)
        return resumed


def move(ctx: Context, source: str, target: str, actor: str = OPERATOR) -> dict[str, int]:
    """Move a workspace's rows into its org's program (all or nothing; refused when both have a row that may exist
    once, e.g. one person who joined in both). Audited in the org's log."""
    with ctx.db.uow() as session:
        moved = tenants.move(session, source, target)
        if moved:
            program.audit(session, target, actor, "workspace_moved", source=source, rows=sum(moved.values()))
        return moved


def counts(ctx: Context, key: str) -> dict[str, int]:
    """How many rows each table keeps for the tenant."""
    with ctx.db.uow() as session:
        return tenants.row_counts(session, key)


def delete_workspace(ctx: Context, key: str, actor: str = OPERATOR) -> dict[str, int]:
    """Delete everything the bot keeps about a tenant: its people, pairs, answers, messages, settings and install
    records. One audit entry stays, saying who deleted it, when, and how many rows went."""
    with ctx.db.uow() as session:
        deleted = tenants.delete_all(session, key)
        installations.forget(session, key)
        program.audit(session, key, actor, "workspace_deleted", rows=sum(deleted.values()), tables=len(deleted))
        return deleted
