"""Tenants: whose program a row belongs to, whether the bot may send there, and moving or deleting a tenant's rows.

The tenant key is what every program row keeps in its `team_id` column: the enterprise id for an org-wide
Enterprise Grid install (one program across all the org's workspaces), the workspace's team id otherwise
(`tenant_key`, applied once at the Slack edge by `handlers.common.team_of`). The column keeps its name.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import Table, and_, delete, func, select, tuple_, update
from sqlalchemy.orm import Session

from bot.db import rowcount
from bot.services.errors import Conflict
from models import Base, OutboxMessage, Tenant
from models.base import utcnow
from models.status import OutboxStatus, TenantStatus

# Slack's own install records and our tenant rows say where a tenant is installed; they are not program data.
NOT_PROGRAM_DATA = frozenset({"tenants", "slack_installations", "slack_bots"})
# Rows that two workspaces may both have under the same natural key, and that mean the same thing (a skill
# called "python"): moved onto the target's row instead of conflicting with it.
SAME_THING = {"skills": ("key",)}
# Caches of program rows (find's saved index): never moved, dropped on both sides of a move and rebuilt.
CACHES = frozenset({"find_snapshots"})


def tenant_key(team_id: str | None, enterprise_id: str | None, is_enterprise_install: bool) -> str:
    """The program a Slack payload belongs to: the org for an org-wide install, the workspace otherwise."""
    if is_enterprise_install and enterprise_id:
        return enterprise_id
    return team_id or enterprise_id or ""


def program_tables() -> Iterator[Table]:
    """Every table that holds program rows keyed by tenant, parents before children."""
    for table in Base.metadata.sorted_tables:
        if "team_id" in table.c and table.name not in NOT_PROGRAM_DATA:
            yield table


# -- installed or not ---------------------------------------------------------------------------------------------

def is_installed(session: Session, key: str) -> bool:
    """Whether the bot may send to this tenant: yes unless it was uninstalled (or its token revoked) since."""
    status = session.scalar(select(Tenant.status).where(Tenant.team_id == key))
    return status != TenantStatus.UNINSTALLED


def uninstalled(session: Session) -> list[str]:
    return list(session.scalars(select(Tenant.team_id).where(Tenant.status == TenantStatus.UNINSTALLED)))


def record_install(session: Session, key: str, *, enterprise_id: str | None = None, name: str | None = None,
                   is_enterprise_install: bool = False) -> tuple[Tenant, bool]:
    """The tenant is installed (again); returns it and whether it had been uninstalled."""
    tenant = session.get(Tenant, key)
    now = utcnow()
    if tenant is None:
        tenant = Tenant(team_id=key, installed_at=now, status=TenantStatus.INSTALLED.value)
        session.add(tenant)
        was_uninstalled = False
    else:
        was_uninstalled = tenant.status == TenantStatus.UNINSTALLED
        if was_uninstalled:
            tenant.installed_at, tenant.uninstalled_at = now, None
    tenant.status = TenantStatus.INSTALLED.value
    tenant.enterprise_id = enterprise_id or tenant.enterprise_id
    tenant.name = name or tenant.name
    tenant.is_enterprise_install = is_enterprise_install
    session.flush()
    return tenant, was_uninstalled


def record_uninstall(session: Session, key: str) -> bool:
    """The tenant uninstalled the bot or revoked its token; returns whether that is news."""
    tenant = session.get(Tenant, key)
    if tenant is None:
        tenant = Tenant(team_id=key, installed_at=utcnow(), is_enterprise_install=key.startswith("E"))
        session.add(tenant)
    elif tenant.status == TenantStatus.UNINSTALLED:
        return False
    tenant.status, tenant.uninstalled_at = TenantStatus.UNINSTALLED.value, utcnow()
    session.flush()
    return True


def hold_outbox(session: Session, key: str) -> int:
    """Keep the tenant's unsent messages, unsent: held, and remembered as they were (a "sending" one may have
    reached Slack, and is checked with Slack before it is sent again)."""
    return rowcount(session.execute(
        update(OutboxMessage).where(OutboxMessage.team_id == key,
                                    OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
        .values(held_from=OutboxMessage.status, status=OutboxStatus.HELD.value)
        .execution_options(synchronize_session=False)))


# A message held longer than this (written while the bot was uninstalled, or before) is not sent on reinstall:
# a reminder of a meeting long past or a check-in for a month gone would confuse more than it helps. What it
# was about is still in the database, on Home and in the next job's messages.
STALE_AFTER = timedelta(days=7)
STALE = "not sent: written more than 7 days before the bot was installed again"


def resume_outbox(session: Session, key: str, now: datetime | None = None) -> int:
    """Send the tenant's held messages now, each as it was when held; those older than STALE_AFTER are
    cancelled instead (with the reason in `last_error`). Returns how many will be sent."""
    now = now or utcnow()
    session.execute(
        update(OutboxMessage).where(OutboxMessage.team_id == key, OutboxMessage.status == OutboxStatus.HELD,
                                    OutboxMessage.created_at < now - STALE_AFTER)
        .values(status=OutboxStatus.CANCELLED.value, held_from=None, last_error=STALE)
        .execution_options(synchronize_session=False))
    held = and_(OutboxMessage.team_id == key, OutboxMessage.status == OutboxStatus.HELD)
    count = rowcount(session.execute(
        update(OutboxMessage).where(held, OutboxMessage.held_from == OutboxStatus.SENDING)
        .values(status=OutboxStatus.SENDING.value, lease_until=now, held_from=None)
        .execution_options(synchronize_session=False)))
    count += rowcount(session.execute(
        update(OutboxMessage).where(held)
        .values(status=OutboxStatus.PENDING.value, next_attempt_at=now, held_from=None)
        .execution_options(synchronize_session=False)))
    return count


# -- a tenant's rows ----------------------------------------------------------------------------------------------

def row_counts(session: Session, key: str) -> dict[str, int]:
    """How many rows each table keeps for the tenant (tables with none left out)."""
    counts = {}
    for table in program_tables():
        n = session.scalar(select(func.count()).select_from(table).where(table.c.team_id == key)) or 0
        if n:
            counts[table.name] = n
    return counts


def _keys_with_team(table: Table) -> list[tuple[str, ...]]:
    """The table's unique keys that include team_id, without it (an empty tuple: one row per tenant)."""
    keys = []
    candidates = [tuple(c.name for c in table.primary_key.columns)]
    candidates += [tuple(c.name for c in con.columns) for con in table.constraints  # type: ignore[attr-defined]
                   if con.__class__.__name__ == "UniqueConstraint"]
    candidates += [tuple(c.name for c in ix.columns) for ix in table.indexes if ix.unique]
    for columns in candidates:
        if "team_id" in columns:
            keys.append(tuple(c for c in columns if c != "team_id"))
    return keys


def _clashes(session: Session, table: Table, columns: tuple[str, ...], source: str, target: str) -> list[tuple]:
    """Source rows whose unique key (with the team) the target already has."""
    if not columns:
        both = session.scalar(select(func.count()).select_from(table).where(table.c.team_id.in_((source, target))))
        return [()] if (both or 0) > 1 else []
    cols = [table.c[c] for c in columns]
    theirs = select(*cols).where(table.c.team_id == target)
    return [tuple(r) for r in session.execute(select(*cols).where(table.c.team_id == source,
                                                                  tuple_(*cols).in_(theirs))).all()]


def _merge_same_thing(session: Session, table: Table, columns: tuple[str, ...], source: str, target: str) -> int:
    """Point everything at the target's copy of each row both tenants have (a skill both know), then drop the
    source's copy: nothing that referred to it is lost."""
    merged = 0
    pk = next(iter(table.primary_key.columns))
    other = table.alias("other")
    target_copy = select(other.c[pk.name]).where(other.c.team_id == target,
                                                 *[other.c[c] == table.c[c] for c in columns]).scalar_subquery()
    pairs = session.execute(select(pk, target_copy).where(table.c.team_id == source)).all()
    referring = [(fk.parent.table, fk.parent) for other in Base.metadata.sorted_tables
                 for fk in other.foreign_keys if fk.column is pk]
    for source_id, target_id in pairs:
        if target_id is None:
            continue
        for ref_table, column in referring:
            session.execute(update(ref_table).where(column == source_id).values({column.name: target_id}))
        session.execute(delete(table).where(pk == source_id))
        merged += 1
    return merged


def move(session: Session, source: str, target: str) -> dict[str, int]:
    """Move every program row of tenant `source` (a workspace) to tenant `target` (its org, now installed
    org-wide): rows keep their ids, so everything that points at them still does. Refuses, changing nothing,
    when the two tenants both have a row that may exist once per tenant (one person who joined in both
    workspaces, two program settings); returns the number of rows moved per table."""
    if source == target or not source or not target:
        raise Conflict("Name two different tenants: the workspace's team id and the org's enterprise id.")
    problems = []
    for table in _moved_tables():
        for columns in _keys_with_team(table):
            if table.name in SAME_THING and columns == SAME_THING[table.name]:
                continue
            clashes = _clashes(session, table, columns, source, target)
            if clashes:
                what = ", ".join("/".join(str(v) for v in c) for c in clashes[:5]) or "one row per tenant"
                problems.append(f"{table.name} ({len(clashes)}: {what})")
    if problems:
        raise Conflict(f"{source} and {target} both have rows that may exist only once: " + "; ".join(problems)
                       + ". Nothing was moved; resolve these (or delete one side) and run it again.")
    for name, columns in SAME_THING.items():
        if name in Base.metadata.tables:
            _merge_same_thing(session, Base.metadata.tables[name], columns, source, target)
    for name in CACHES:
        cache = Base.metadata.tables[name]
        session.execute(delete(cache).where(cache.c.team_id.in_([source, target])))
    moved = {}
    for table in _moved_tables():
        kept = {c.name: c for c in table.c if c.onupdate is not None}  # a move is not an edit: no "updated at"
        n = rowcount(session.execute(update(table).where(table.c.team_id == source).values(team_id=target, **kept)))
        if n:
            moved[table.name] = n
    return moved


def _moved_tables() -> Iterator[Table]:
    return (table for table in program_tables() if table.name not in CACHES)


def delete_all(session: Session, key: str) -> dict[str, int]:
    """Delete every program row of the tenant (children first; what hangs off them goes with them)."""
    deleted = {}
    for table in reversed(list(program_tables())):
        n = rowcount(session.execute(delete(table).where(table.c.team_id == key)))
        if n:
            deleted[table.name] = n
    session.execute(delete(Tenant).where(Tenant.team_id == key))
    return deleted
