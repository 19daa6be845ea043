"""the early fit check and recognition consent (issue 11, fit and recognition)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 16:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'fit_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('asked_at', sa.DateTime(), nullable=False),
        sa.Column('answer', sa.String(length=16), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('round BETWEEN 1 AND 2', name=op.f('ck_fit_answers_round_range')),
        sa.CheckConstraint("answer IN ('good', 'deciding', 'not_good')", name=op.f('ck_fit_answers_answer_known')),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'],
                                name=op.f('fk_fit_answers_partnership_id_partnerships'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_fit_answers_person_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fit_answers')),
        sa.UniqueConstraint('partnership_id', 'person_id', 'round',
                            name=op.f('uq_fit_answers_partnership_id_person_id_round')),
    )
    op.create_index('ix_fit_answers_team_answered', 'fit_answers', ['team_id', 'answered_at'], unique=False)
    op.create_index('ix_fit_answers_person', 'fit_answers', ['person_id'], unique=False)
    op.create_table(
        'fit_months',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=False),
        sa.Column('answers', sa.Integer(), nullable=False),
        sa.Column('good', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fit_months')),
        sa.UniqueConstraint('team_id', 'period', name=op.f('uq_fit_months_team_id_period')),
    )
    op.create_table(
        'testimonials',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('writer_id', sa.Integer(), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('show_on_profile', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'],
                                name=op.f('fk_testimonials_partnership_id_partnerships'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['writer_id'], ['people.id'], name=op.f('fk_testimonials_writer_id_people'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['subject_id'], ['people.id'], name=op.f('fk_testimonials_subject_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_testimonials')),
        sa.UniqueConstraint('partnership_id', 'writer_id', name=op.f('uq_testimonials_partnership_id_writer_id')),
    )
    op.create_index('ix_testimonials_subject', 'testimonials', ['subject_id', 'show_on_profile'], unique=False)
    op.create_index('ix_testimonials_writer', 'testimonials', ['writer_id'], unique=False)
    with op.batch_alter_table('people') as batch:
        batch.add_column(sa.Column('recognition_opt_in', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('people') as batch:
        batch.drop_column('recognition_opt_in')
    op.drop_index('ix_testimonials_writer', table_name='testimonials')
    op.drop_index('ix_testimonials_subject', table_name='testimonials')
    op.drop_table('testimonials')
    op.drop_table('fit_months')
    op.drop_index('ix_fit_answers_person', table_name='fit_answers')
    op.drop_index('ix_fit_answers_team_answered', table_name='fit_answers')
    op.drop_table('fit_answers')
