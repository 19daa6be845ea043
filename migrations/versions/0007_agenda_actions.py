"""agenda templates, agenda points and action items as items (issue 11, session structure)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 16:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('program_config', sa.Column('agenda_template', sa.JSON(), nullable=True))
    op.create_table(
        'agenda_points',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('planned_meeting_id', sa.Integer(), nullable=True),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('covered_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['added_by_id'], ['people.id'], name=op.f('fk_agenda_points_added_by_id_people'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_points_meeting_id_meetings'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_agenda_points_owner_id_people'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'],
                                name=op.f('fk_agenda_points_partnership_id_partnerships'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['planned_meeting_id'], ['planned_meetings.id'],
                                name=op.f('fk_agenda_points_planned_meeting_id_planned_meetings'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_points')),
    )
    op.create_index('ix_agenda_points_pair', 'agenda_points', ['partnership_id', 'meeting_id'], unique=False)
    op.create_index('ix_agenda_points_team_created', 'agenda_points', ['team_id', 'created_at'], unique=False)
    op.create_table(
        'action_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('done_at', sa.DateTime(), nullable=True),
        sa.Column('done_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_action_items_created_by_id_people'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['done_by_id'], ['people.id'], name=op.f('fk_action_items_done_by_id_people'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_action_items_meeting_id_meetings'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_action_items_owner_id_people'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'],
                                name=op.f('fk_action_items_partnership_id_partnerships'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items')),
    )
    op.create_index('ix_action_items_pair', 'action_items', ['partnership_id', 'done_at'], unique=False)
    op.create_index('ix_action_items_owner', 'action_items', ['owner_id', 'done_at'], unique=False)
    op.create_index('ix_action_items_team_created', 'action_items', ['team_id', 'created_at'], unique=False)
    op.create_index('ix_action_items_team_due', 'action_items', ['team_id', 'due_on'], unique=False)


def downgrade() -> None:
    for name in ('ix_action_items_team_due', 'ix_action_items_team_created', 'ix_action_items_owner',
                 'ix_action_items_pair'):
        op.drop_index(name, table_name='action_items')
    op.drop_table('action_items')
    op.drop_index('ix_agenda_points_team_created', table_name='agenda_points')
    op.drop_index('ix_agenda_points_pair', table_name='agenda_points')
    op.drop_table('agenda_points')
    with op.batch_alter_table('program_config') as batch_op:
        batch_op.drop_column('agenda_template')
