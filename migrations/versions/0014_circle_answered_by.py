"""who answered a circle's "renew or end?" question, kept on the circle (issue 12)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 20:15:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('circles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_answered_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_circles_end_answered_by_id_people'), 'people',
                                    ['end_answered_by_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('circles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_circles_end_answered_by_id_people'), type_='foreignkey')
        batch_op.drop_column('end_answered_by_id')
