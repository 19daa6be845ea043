"""planned meetings: proposed times, calendar invites, the partner's pick (issue 11, planning)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 16:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'planned_meetings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('organizer_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=True),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('uid', sa.String(length=128), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('proposal', sa.Integer(), server_default='0', nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('proposed', 'planned', 'cancelled', 'held', 'missed')",
                           name=op.f('ck_planned_meetings_status_known')),
        sa.CheckConstraint('minutes BETWEEN 1 AND 480', name=op.f('ck_planned_meetings_minutes_range')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_planned_meetings_meeting_id_meetings'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'],
                                name=op.f('fk_planned_meetings_partnership_id_partnerships'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organizer_id'], ['people.id'], name=op.f('fk_planned_meetings_organizer_id_people'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['people.id'], name=op.f('fk_planned_meetings_proposed_by_id_people'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_meetings')),
        sa.UniqueConstraint('uid', name=op.f('uq_planned_meetings_uid')),
    )
    op.create_index('ix_planned_meetings_pair', 'planned_meetings', ['partnership_id', 'status'], unique=False)
    op.create_index('ix_planned_meetings_team_starts', 'planned_meetings', ['team_id', 'status', 'starts_at'], unique=False)
    op.create_table(
        'plan_slots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('proposal', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('offered', 'withdrawn', 'picked')", name=op.f('ck_plan_slots_status_known')),
        sa.CheckConstraint('minutes BETWEEN 1 AND 480', name=op.f('ck_plan_slots_minutes_range')),
        sa.ForeignKeyConstraint(['plan_id'], ['planned_meetings.id'], name=op.f('fk_plan_slots_plan_id_planned_meetings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_slots')),
    )
    op.create_index('ix_plan_slots_plan', 'plan_slots', ['plan_id', 'proposal'], unique=False)
    # working hours, in each person's own time zone: the times planning suggests fall inside both partners'
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('work_start_minutes', sa.Integer(), server_default='540', nullable=False))
        batch_op.add_column(sa.Column('work_end_minutes', sa.Integer(), server_default='1020', nullable=False))
        batch_op.add_column(sa.Column('work_days', sa.String(length=7), server_default='01234', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('work_days')
        batch_op.drop_column('work_end_minutes')
        batch_op.drop_column('work_start_minutes')
    op.drop_index('ix_plan_slots_plan', table_name='plan_slots')
    op.drop_table('plan_slots')
    op.drop_index('ix_planned_meetings_team_starts', table_name='planned_meetings')
    op.drop_index('ix_planned_meetings_pair', table_name='planned_meetings')
    op.drop_table('planned_meetings')
