"""peer circles: circles, their skills, members and invitations (issue 12)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 17:10:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('circles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('goal', sa.String(length=300), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('meeting_minutes', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('invite_only', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('channel_id', sa.String(length=32), nullable=True),
    sa.Column('chat_key', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("frequency IN ('weekly', 'fortnightly', 'monthly')", name=op.f('ck_circles_frequency_known')),
    sa.CheckConstraint("status IN ('open', 'full', 'active', 'ended')", name=op.f('ck_circles_status_known')),
    sa.CheckConstraint('ends_on > starts_on', name=op.f('ck_circles_ends_after_start')),
    sa.CheckConstraint('meeting_minutes BETWEEN 15 AND 480', name=op.f('ck_circles_minutes_range')),
    sa.CheckConstraint('size BETWEEN 3 AND 8', name=op.f('ck_circles_size_range')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['people.id'], name=op.f('fk_circles_facilitator_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organiser_id'], ['people.id'], name=op.f('fk_circles_organiser_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circles'))
    )
    op.create_index('ix_circles_team_status', 'circles', ['team_id', 'status'], unique=False)
    op.create_table('circle_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('invited', 'accepted', 'declined')", name=op.f('ck_circle_invites_status_known')),
    sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_circle_invites_circle_id_circles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_circle_invites_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_invites')),
    sa.UniqueConstraint('circle_id', 'person_id', name=op.f('uq_circle_invites_circle_id_person_id'))
    )
    op.create_table('circle_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.Column('left_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role IN ('organiser', 'facilitator', 'member')", name=op.f('ck_circle_members_role_known')),
    sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_circle_members_circle_id_circles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_circle_members_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_members')),
    sa.UniqueConstraint('circle_id', 'person_id', name=op.f('uq_circle_members_circle_id_person_id'))
    )
    op.create_index('ix_circle_members_person', 'circle_members', ['person_id', 'left_at'], unique=False)
    op.create_table('circle_skills',
    sa.Column('circle_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_circle_skills_circle_id_circles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_circle_skills_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('circle_id', 'skill_id', name=op.f('pk_circle_skills'))
    )
    op.create_index('ix_circle_skills_skill', 'circle_skills', ['skill_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_circle_skills_skill', table_name='circle_skills')
    op.drop_table('circle_skills')
    op.drop_index('ix_circle_members_person', table_name='circle_members')
    op.drop_table('circle_members')
    op.drop_table('circle_invites')
    op.drop_index('ix_circles_team_status', table_name='circles')
    op.drop_table('circles')
