"""helpful marks by answer: an index for counting an answer's marks

Revision ID: 0011_helpful_marks_by_answer
Revises: 0010_related_lists

- ix_helpful_marks_answer_id: the thread page counts the marks on its answers, and the counters
  recount a thread's; the primary key (user_id, answer_id) could not serve either, so each was a
  scan of every mark in the forum.
"""
from alembic import op

revision = '0011_helpful_marks_by_answer'
down_revision = '0010_related_lists'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_helpful_marks_answer_id', 'helpful_marks', ['answer_id'], unique=False)


def downgrade():
    op.drop_index('ix_helpful_marks_answer_id', table_name='helpful_marks')
