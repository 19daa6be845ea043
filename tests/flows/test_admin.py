"""Program settings as use cases: only admins may read or change them, and every change is audited once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.flows import admin
from bot.services import program, schedules
from bot.services.errors import NotAllowed
from bot.services.program import ProgramForm
from bot.settings import Settings
from models import AuditEntry
from tests.flows.conftest import TEAM

ADMIN = "UADMIN"
ANONYMITY_K = Settings.model_fields["anonymity_min_group"].default


@pytest.fixture
def ctx(ctx):
    ctx.settings = ctx.settings.model_copy(update={"program_admins": [ADMIN]})
    return ctx


def form(**changes) -> ProgramForm:
    values = dict(name="Grow Together", anonymity_min_group=ANONYMITY_K, default_length_months=6, default_capacity=2,
                  program_types=["peer"], admins=[ADMIN]) | changes
    return ProgramForm(**values)


def audit(ctx) -> list[AuditEntry]:
    with ctx.db.uow() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_a_non_admin_saving_settings_is_refused_and_nothing_is_audited(ctx):
    with pytest.raises(NotAllowed):
        admin.save_settings(ctx, TEAM, "U001", form(name="Mine now", admins=["U001"]))
    assert audit(ctx) == []
    with ctx.db.uow() as session:
        assert program.current(session, TEAM, ctx.settings).name == "Grow Together"
        assert program.admins(session, TEAM, ctx.settings) == [ADMIN]


def test_a_non_admin_can_open_neither_the_form_nor_the_log(ctx):
    with pytest.raises(NotAllowed):
        admin.settings_form(ctx, TEAM, "U001")
    with pytest.raises(NotAllowed):
        admin.audit_log(ctx, TEAM, "U001")


def test_each_change_is_audited_once_and_saving_again_changes_nothing(ctx):
    wanted = form(name="Learn Together", schedules={"weekly-digest": "0 9 * * 1"}, admins=[ADMIN, "U002"])
    assert admin.save_settings(ctx, TEAM, ADMIN, wanted).changes == 3
    assert [(e.action, e.actor_user_id) for e in audit(ctx)] == [
        ("program.name", ADMIN), ("program.schedule", ADMIN), ("admin.add", ADMIN)]
    assert admin.save_settings(ctx, TEAM, ADMIN, wanted).changes == 0
    assert len(audit(ctx)) == 3
    assert "Learn Together" in str(admin.audit_log(ctx, TEAM, "U002"))  # the new admin reads the log


def test_the_form_lists_every_scheduled_job_with_its_schedule(ctx):
    admin.save_settings(ctx, TEAM, ADMIN, form(schedules={"buddy-plan": "5 9 * * *"}))
    view = str(admin.settings_form(ctx, TEAM, ADMIN))
    for job in schedules.SCHEDULED:
        assert f"cron_{job.name}" in view and job.setting.startswith("cron_")
    assert "5 9 * * *" in view and ctx.settings.cron("weekly-digest") in view
