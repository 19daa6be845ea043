"""the early fit check and recognition consent (issue 11, fit and recognition)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 16:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
