"""matching boundaries: reporting lines, private don't-suggest lists, program rules (issue 12)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 16:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'reporting_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('manager_user_id', sa.String(length=32), nullable=False),
        sa.Column('source', sa.String(length=8), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("source IN ('profile', 'slack')", name=op.f('ck_reporting_lines_source_known')),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_reporting_lines_person_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_lines')),
        sa.UniqueConstraint('person_id', 'source', name=op.f('uq_reporting_lines_person_id_source')),
    )
    op.create_index('ix_reporting_lines_team_manager', 'reporting_lines', ['team_id', 'manager_user_id'], unique=False)
    op.create_table(
        'dont_suggest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('other_user_id', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_dont_suggest_person_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dont_suggest')),
        sa.UniqueConstraint('person_id', 'other_user_id', name=op.f('uq_dont_suggest_person_id_other_user_id')),
    )
    op.create_index('ix_dont_suggest_team_other', 'dont_suggest', ['team_id', 'other_user_id'], unique=False)
    op.create_table(
        'matching_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('user_a', sa.String(length=32), nullable=False),
        sa.Column('user_b', sa.String(length=32), nullable=False),
        sa.Column('created_by', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('separate-departments', 'never-pair')", name=op.f('ck_matching_rules_kind_known')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_rules')),
        sa.UniqueConstraint('team_id', 'kind', 'user_a', 'user_b', name=op.f('uq_matching_rules_team_id_kind_user_a_user_b')),
    )


def downgrade() -> None:
    op.drop_table('matching_rules')
    op.drop_index('ix_dont_suggest_team_other', table_name='dont_suggest')
    op.drop_table('dont_suggest')
    op.drop_index('ix_reporting_lines_team_manager', table_name='reporting_lines')
    op.drop_table('reporting_lines')
