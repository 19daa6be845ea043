"""Slack's install records of a tenant (the rows slack_sdk's installation store keeps), read and removed here
without Slack: which workspaces of an org had installed the bot on their own, and forgetting a tenant's tokens."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.orm import Session

from bot.db import rowcount
from models import SlackBot, SlackInstallation, Tenant


def _of(model: type[SlackBot] | type[SlackInstallation], key: str) -> ColumnElement[bool]:
    """The install rows of a tenant: an org-wide install of enterprise `key`, or workspace `key`."""
    return or_(and_(model.enterprise_id == key, model.is_enterprise_install.is_(True)),
               and_(model.team_id == key, model.is_enterprise_install.is_(False)))


def has_bot(session: Session, key: str) -> bool:
    """Whether the tenant has a bot token on record (installed with "Add to Slack" and not revoked)."""
    return session.scalar(select(SlackBot.id).where(_of(SlackBot, key)).limit(1)) is not None


def forget(session: Session, key: str, *, tokens_only: bool = False) -> int:
    """Remove the tenant's bot tokens (tokens_revoked), or every install record of it (app_uninstalled)."""
    removed = rowcount(session.execute(delete(SlackBot).where(_of(SlackBot, key))))
    if not tokens_only:
        removed += rowcount(session.execute(delete(SlackInstallation).where(_of(SlackInstallation, key))))
    return removed


def workspaces_of(session: Session, enterprise_id: str) -> list[str]:
    """Workspaces of the org that had the bot installed on their own before (their rows are under their team id)."""
    installed = set(session.scalars(select(SlackInstallation.team_id).where(
        SlackInstallation.enterprise_id == enterprise_id, SlackInstallation.is_enterprise_install.is_(False),
        SlackInstallation.team_id.is_not(None))))
    known = set(session.scalars(select(Tenant.team_id).where(
        Tenant.enterprise_id == enterprise_id, Tenant.is_enterprise_install.is_(False))))
    return sorted(t for t in installed | known if t and t != enterprise_id)
