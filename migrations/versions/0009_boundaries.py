"""matching boundaries: reporting lines, private don't-suggest lists, program rules (issue 12)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 16:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
