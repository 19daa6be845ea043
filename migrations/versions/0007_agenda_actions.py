"""agenda templates, agenda points and action items as items (issue 11, session structure)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 16:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
