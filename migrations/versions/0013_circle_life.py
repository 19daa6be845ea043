"""circle life: sessions, attendance, check-ins, renewals, rounds that form circles (issue 12)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 18:18:18.768888

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('circle_checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('met', sa.Boolean(), nullable=True),
    sa.Column('sessions', sa.Integer(), nullable=True),
    sa.Column('effectiveness', sa.Integer(), nullable=True),
    sa.Column('expectations', sa.String(length=8), nullable=True),
    sa.Column('help', sa.Text(), nullable=True),
    sa.CheckConstraint("expectations IN ('yes', 'partly', 'no')", name=op.f('ck_circle_checkins_expectations_known')),
    sa.CheckConstraint('effectiveness BETWEEN 1 AND 5', name=op.f('ck_circle_checkins_effectiveness_range')),
    sa.CheckConstraint('sessions BETWEEN 0 AND 31', name=op.f('ck_circle_checkins_sessions_range')),
    sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_circle_checkins_circle_id_circles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_circle_checkins_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_checkins')),
    sa.UniqueConstraint('circle_id', 'person_id', 'period', name=op.f('uq_circle_checkins_circle_id_person_id_period'))
    )
    with op.batch_alter_table('circle_checkins', schema=None) as batch_op:
        batch_op.create_index('ix_circle_checkins_person', ['person_id', 'period'], unique=False)
        batch_op.create_index('ix_circle_checkins_team_period', ['team_id', 'period'], unique=False)

    op.create_table('circle_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=128), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('planned_by_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=True),
    sa.Column('followed_up_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'held', 'missed', 'cancelled')", name=op.f('ck_circle_sessions_status_known')),
    sa.CheckConstraint('minutes BETWEEN 1 AND 480', name=op.f('ck_circle_sessions_minutes_range')),
    sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_circle_sessions_circle_id_circles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['logged_by_id'], ['people.id'], name=op.f('fk_circle_sessions_logged_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['planned_by_id'], ['people.id'], name=op.f('fk_circle_sessions_planned_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_sessions')),
    sa.UniqueConstraint('uid', name=op.f('uq_circle_sessions_uid'))
    )
    with op.batch_alter_table('circle_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_circle_sessions_circle', ['circle_id', 'status'], unique=False)
        batch_op.create_index('ix_circle_sessions_team_held_on', ['team_id', 'held_on'], unique=False)
        batch_op.create_index('ix_circle_sessions_team_starts', ['team_id', 'status', 'starts_at'], unique=False)

    op.create_table('round_circles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=True),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('proposed', 'dropped', 'formed')", name=op.f('ck_round_circles_status_known')),
    sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_round_circles_circle_id_circles'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['facilitator_id'], ['people.id'], name=op.f('fk_round_circles_facilitator_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['pairing_rounds.id'], name=op.f('fk_round_circles_round_id_pairing_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_round_circles_skill_id_skills'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_circles'))
    )
    with op.batch_alter_table('round_circles', schema=None) as batch_op:
        batch_op.create_index('ix_round_circles_round', ['round_id', 'status'], unique=False)

    op.create_table('circle_attendance',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_circle_attendance_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['circle_sessions.id'], name=op.f('fk_circle_attendance_session_id_circle_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'person_id', name=op.f('pk_circle_attendance'))
    )
    with op.batch_alter_table('circle_attendance', schema=None) as batch_op:
        batch_op.create_index('ix_circle_attendance_person', ['person_id'], unique=False)

    op.create_table('round_circle_members',
    sa.Column('round_circle_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_round_circle_members_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_circle_id'], ['round_circles.id'], name=op.f('fk_round_circle_members_round_circle_id_round_circles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_circle_id', 'person_id', name=op.f('pk_round_circle_members'))
    )
    with op.batch_alter_table('round_circle_members', schema=None) as batch_op:
        batch_op.create_index('ix_round_circle_members_person', ['person_id'], unique=False)

    with op.batch_alter_table('checkin_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('circle', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('checkin_periods', schema=None) as batch_op:
        batch_op.add_column(sa.Column('circle_asked', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('circle_answered', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('circle_met', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('circle_sessions', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('circle_effectiveness_sum', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('circle_effectiveness_n', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('circle_expected_yes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('circle_expected_partly', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('circle_expected_no', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('circles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_asked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('renewals', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_circles_round_id_pairing_rounds'), 'pairing_rounds', ['round_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('pairing_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), server_default='pairs', nullable=False))
        batch_op.add_column(sa.Column('circle_size', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_pairing_rounds_kind_known'), "kind IN ('pairs', 'circles')")
        batch_op.create_check_constraint(op.f('ck_pairing_rounds_circle_size_range'),
                                         'circle_size IS NULL OR circle_size BETWEEN 3 AND 8')



def downgrade() -> None:
    with op.batch_alter_table('pairing_rounds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pairing_rounds_circle_size_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_pairing_rounds_kind_known'), type_='check')
        batch_op.drop_column('circle_size')
        batch_op.drop_column('kind')

    with op.batch_alter_table('circles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_circles_round_id_pairing_rounds'), type_='foreignkey')
        batch_op.drop_column('round_id')
        batch_op.drop_column('renewals')
        batch_op.drop_column('end_asked_at')

    with op.batch_alter_table('checkin_periods', schema=None) as batch_op:
        batch_op.drop_column('circle_expected_no')
        batch_op.drop_column('circle_expected_partly')
        batch_op.drop_column('circle_expected_yes')
        batch_op.drop_column('circle_effectiveness_n')
        batch_op.drop_column('circle_effectiveness_sum')
        batch_op.drop_column('circle_sessions')
        batch_op.drop_column('circle_met')
        batch_op.drop_column('circle_answered')
        batch_op.drop_column('circle_asked')

    with op.batch_alter_table('checkin_answers', schema=None) as batch_op:
        batch_op.drop_column('circle')

    with op.batch_alter_table('round_circle_members', schema=None) as batch_op:
        batch_op.drop_index('ix_round_circle_members_person')

    op.drop_table('round_circle_members')
    with op.batch_alter_table('circle_attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_circle_attendance_person')

    op.drop_table('circle_attendance')
    with op.batch_alter_table('round_circles', schema=None) as batch_op:
        batch_op.drop_index('ix_round_circles_round')

    op.drop_table('round_circles')
    with op.batch_alter_table('circle_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_circle_sessions_team_starts')
        batch_op.drop_index('ix_circle_sessions_team_held_on')
        batch_op.drop_index('ix_circle_sessions_circle')

    op.drop_table('circle_sessions')
    with op.batch_alter_table('circle_checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_circle_checkins_team_period')
        batch_op.drop_index('ix_circle_checkins_person')

    op.drop_table('circle_checkins')
