"""engagement: comments, 補足, follows, in-app notifications, edit history, お礼 and 自己解決

Revision ID: 0005_engagement
Revises: 0004_operators

- comments: under a question (answer_id NULL) or an answer; question_id on both, so a thread's
  comments load in one statement (ix_comments_question_created).
- supplements: the asker's 補足 under the question.
- follows: who follows which thread (a row with following=false remembers an unfollow).
- notifications: one row per event and recipient; (recipient_id, read_at) serves the header's
  unread count, (recipient_id, created_at, id) the list.
- revisions: the versions edits replaced, for questions, answers and comments.
- questions.thanks (お礼), questions.resolution_note (自己解決); edited_at / edited_by_id on
  questions and answers (the 編集済み mark).
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_engagement'
down_revision = '0004_operators'
branch_labels = None
depends_on = None


def _edited_columns(batch_op, table: str) -> None:
    batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))
    batch_op.add_column(sa.Column('edited_by_id', sa.Integer(), nullable=True))
    batch_op.create_foreign_key(op.f(f'fk_{table}_edited_by_id_users'), 'users', ['edited_by_id'], ['id'])


def upgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thanks', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('resolution_note', sa.Text(), nullable=True))
        _edited_columns(batch_op, 'questions')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        _edited_columns(batch_op, 'answers')

    op.create_table(
        'comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('answer_id', sa.Integer(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=True),
        sa.Column('is_hidden', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('edited_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_comments_question_id_questions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_comments_answer_id_answers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users')),
        sa.ForeignKeyConstraint(['edited_by_id'], ['users.id'], name=op.f('fk_comments_edited_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comments')),
    )
    op.create_index('ix_comments_question_created', 'comments', ['question_id', 'created_at', 'id'])
    op.create_index(op.f('ix_comments_answer_id'), 'comments', ['answer_id'])
    op.create_index(op.f('ix_comments_author_id'), 'comments', ['author_id'])

    op.create_table(
        'supplements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                                name=op.f('fk_supplements_question_id_questions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_supplements_author_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supplements')),
    )
    op.create_index('ix_supplements_question_created', 'supplements', ['question_id', 'created_at', 'id'])

    op.create_table(
        'follows',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('following', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follows_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_follows_question_id_questions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'question_id', name=op.f('pk_follows')),
    )
    op.create_index('ix_follows_question_following', 'follows', ['question_id', 'following'])

    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('answer_id', sa.Integer(), nullable=True),
        sa.Column('comment_id', sa.Integer(), nullable=True),
        sa.Column('supplement_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=32), nullable=True),
        sa.Column('note', sa.Text(), server_default='', nullable=False),
        sa.Column('count', sa.Integer(), server_default='1', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notifications_recipient_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notifications_actor_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                                name=op.f('fk_notifications_question_id_questions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_notifications_answer_id_answers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_notifications_comment_id_comments'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['supplement_id'], ['supplements.id'],
                                name=op.f('fk_notifications_supplement_id_supplements'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    )
    op.create_index('ix_notifications_recipient_unread', 'notifications', ['recipient_id', 'read_at'])
    op.create_index('ix_notifications_recipient_created', 'notifications', ['recipient_id', 'created_at', 'id'])
    op.create_index(op.f('ix_notifications_question_id'), 'notifications', ['question_id'])

    op.create_table(
        'revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('target_type', sa.String(length=16), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('written_by_id', sa.Integer(), nullable=False),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name=op.f('fk_revisions_written_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions')),
    )
    op.create_index('ix_revisions_target', 'revisions', ['target_type', 'target_id', 'id'])


def downgrade():
    op.drop_index('ix_revisions_target', table_name='revisions')
    op.drop_table('revisions')
    op.drop_index(op.f('ix_notifications_question_id'), table_name='notifications')
    op.drop_index('ix_notifications_recipient_created', table_name='notifications')
    op.drop_index('ix_notifications_recipient_unread', table_name='notifications')
    op.drop_table('notifications')
    op.drop_index('ix_follows_question_following', table_name='follows')
    op.drop_table('follows')
    op.drop_index('ix_supplements_question_created', table_name='supplements')
    op.drop_table('supplements')
    op.drop_index(op.f('ix_comments_author_id'), table_name='comments')
    op.drop_index(op.f('ix_comments_answer_id'), table_name='comments')
    op.drop_index('ix_comments_question_created', table_name='comments')
    op.drop_table('comments')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_answers_edited_by_id_users'), type_='foreignkey')
        batch_op.drop_column('edited_by_id')
        batch_op.drop_column('edited_at')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_questions_edited_by_id_users'), type_='foreignkey')
        batch_op.drop_column('edited_by_id')
        batch_op.drop_column('edited_at')
        batch_op.drop_column('resolution_note')
        batch_op.drop_column('thanks')
