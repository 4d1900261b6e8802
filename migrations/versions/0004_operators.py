"""the operators' room: daily counters, notices to members, an index for new answerers

Revision ID: 0004_operators
Revises: 0003_knowledge

- daily_counters: FAQ views and searches with no result, one row per Tokyo day and kind,
  moved by one UPSERT per event (forum/counters.py).
- member_notices: what a moderator did to a member's post or account and why, shown on the
  member's next visit until dismissed (forum/notices.py).
- ix_answers_author_created: answers per member and their first answer ever, read from the
  index alone (the insights' answer concentration and new answerers).
"""
import sqlalchemy as sa
from alembic import op

revision = '0004_operators'
down_revision = '0003_knowledge'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'daily_counters',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('count', sa.BigInteger(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('day', 'kind', name=op.f('pk_daily_counters')),
    )
    op.create_table(
        'member_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('target_type', sa.String(length=16), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=120), server_default='', nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=True),
        sa.Column('note', sa.Text(), server_default='', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_notices_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_member_notices')),
    )
    op.create_index('ix_member_notices_user_seen', 'member_notices', ['user_id', 'seen_at'], unique=False)
    op.create_index('ix_answers_author_created', 'answers', ['author_id', 'created_at', 'is_hidden'], unique=False)


def downgrade():
    op.drop_index('ix_answers_author_created', table_name='answers')
    op.drop_index('ix_member_notices_user_seen', table_name='member_notices')
    op.drop_table('member_notices')
    op.drop_table('daily_counters')
