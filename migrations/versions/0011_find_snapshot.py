"""find index snapshot (issue 13): a started process loads find's index instead of reading everyone

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'find_snapshots',
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('format', sa.Integer(), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('built_at', sa.DateTime(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('team_id', name=op.f('pk_find_snapshots')),
    )


def downgrade() -> None:
    op.drop_table('find_snapshots')
