"""core schema: people, skills, partnerships, agreements, meetings

Revision ID: 0001
Revises:
Create Date: 2026-11-23 02:46:49.888658

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('slack_user_id', sa.String(length=32), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=True),
    sa.Column('tz_offset', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('department_key', sa.String(length=100), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('cross_department', sa.Boolean(), nullable=False),
    sa.Column('reverse_mentoring', sa.Boolean(), nullable=False),
    sa.Column('goals', sa.JSON(), nullable=False),
    sa.Column('goals_note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'paused', 'left')", name=op.f('ck_people_status_known')),
    sa.CheckConstraint('capacity BETWEEN 1 AND 5', name=op.f('ck_people_capacity_range')),
    sa.CheckConstraint('level BETWEEN 1 AND 10', name=op.f('ck_people_level_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('team_id', 'slack_user_id', name=op.f('uq_people_team_id_slack_user_id'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index('ix_people_team_status', ['team_id', 'status'], unique=False)

    op.create_table('processed_events',
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_processed_events'))
    )
    op.create_table('skills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skills')),
    sa.UniqueConstraint('team_id', 'key', name=op.f('uq_skills_team_id_key'))
    )
    op.create_table('partnerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('person_a_id', sa.Integer(), nullable=False),
    sa.Column('person_b_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('channel_id', sa.String(length=32), nullable=True),
    sa.CheckConstraint("status IN ('requested', 'active', 'paused', 'ended', 'declined', 'expired', 'cancelled')", name=op.f('ck_partnerships_status_known')),
    sa.CheckConstraint('person_a_id < person_b_id', name=op.f('ck_partnerships_ordered_pair')),
    sa.ForeignKeyConstraint(['person_a_id'], ['people.id'], name=op.f('fk_partnerships_person_a_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_b_id'], ['people.id'], name=op.f('fk_partnerships_person_b_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnerships'))
    )
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.create_index('ix_partnerships_b', ['person_b_id', 'status'], unique=False)
        batch_op.create_index('ix_partnerships_team_status', ['team_id', 'status'], unique=False)
        batch_op.create_index('uq_partnerships_open_pair', ['person_a_id', 'person_b_id'], unique=True, sqlite_where=sa.text("status IN ('requested', 'active', 'paused')"), postgresql_where=sa.text("status IN ('requested', 'active', 'paused')"))

    op.create_table('person_skills',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.CheckConstraint("kind IN ('offer', 'want')", name=op.f('ck_person_skills_kind_known')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_skills_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_person_skills_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'skill_id', 'kind', name=op.f('pk_person_skills'))
    )
    with op.batch_alter_table('person_skills', schema=None) as batch_op:
        batch_op.create_index('ix_person_skills_skill_kind', ['skill_id', 'kind'], unique=False)

    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=False),
    sa.Column('purposes', sa.JSON(), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('boundaries', sa.Text(), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('meeting_minutes', sa.Integer(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('confidentiality', sa.Boolean(), nullable=False),
    sa.Column('supervisor_a', sa.String(length=32), nullable=True),
    sa.Column('supervisor_b', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_a_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_b_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("frequency IN ('weekly', 'fortnightly', 'monthly')", name=op.f('ck_agreements_frequency_known')),
    sa.CheckConstraint('meeting_minutes BETWEEN 15 AND 480', name=op.f('ck_agreements_minutes_range')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['people.id'], name=op.f('fk_agreements_drafted_by_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_agreements_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('partnership_id', 'version', name=op.f('uq_agreements_partnership_id_version'))
    )
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('action_items', sa.Text(), nullable=False),
    sa.Column('next_meeting_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('minutes BETWEEN 1 AND 480', name=op.f('ck_meetings_minutes_range')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['people.id'], name=op.f('fk_meetings_logged_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_meetings_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('partnership_id', 'held_on', name=op.f('uq_meetings_partnership_id_held_on'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_team_held_on', ['team_id', 'held_on'], unique=False)

    op.create_table('partnership_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('from_person_id', sa.Integer(), nullable=False),
    sa.Column('to_person_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('dm_channel', sa.String(length=32), nullable=True),
    sa.Column('dm_ts', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['from_person_id'], ['people.id'], name=op.f('fk_partnership_requests_from_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_requests_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_person_id'], ['people.id'], name=op.f('fk_partnership_requests_to_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_requests')),
    sa.UniqueConstraint('partnership_id', name=op.f('uq_partnership_requests_partnership_id'))
    )
    with op.batch_alter_table('partnership_requests', schema=None) as batch_op:
        batch_op.create_index('ix_requests_from', ['from_person_id'], unique=False)
        batch_op.create_index('ix_requests_to', ['to_person_id'], unique=False)

    op.create_table('journal_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_journal_notes_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_journal_notes_partnership_id_partnerships'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_journal_notes_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_notes'))
    )
    with op.batch_alter_table('journal_notes', schema=None) as batch_op:
        batch_op.create_index('ix_journal_notes_person', ['person_id', 'created_at'], unique=False)

    op.create_table('supervisor_acks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_user_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('dm_channel', sa.String(length=32), nullable=True),
    sa.Column('dm_ts', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_supervisor_acks_agreement_id_agreements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervisor_acks')),
    sa.UniqueConstraint('agreement_id', 'supervisor_user_id', name=op.f('uq_supervisor_acks_agreement_id_supervisor_user_id'))
    )


def downgrade() -> None:
    op.drop_table('supervisor_acks')
    with op.batch_alter_table('journal_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_notes_person')

    op.drop_table('journal_notes')
    with op.batch_alter_table('partnership_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_requests_to')
        batch_op.drop_index('ix_requests_from')

    op.drop_table('partnership_requests')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_team_held_on')

    op.drop_table('meetings')
    op.drop_table('agreements')
    with op.batch_alter_table('person_skills', schema=None) as batch_op:
        batch_op.drop_index('ix_person_skills_skill_kind')

    op.drop_table('person_skills')
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_index('uq_partnerships_open_pair', sqlite_where=sa.text("status IN ('requested', 'active', 'paused')"), postgresql_where=sa.text("status IN ('requested', 'active', 'paused')"))
        batch_op.drop_index('ix_partnerships_team_status')
        batch_op.drop_index('ix_partnerships_b')

    op.drop_table('partnerships')
    op.drop_table('skills')
    op.drop_table('processed_events')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_team_status')

    op.drop_table('people')
