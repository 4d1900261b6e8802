"""knowledge base: duplicates, list counts, tag index, the FAQ in the database

Revision ID: 0003_knowledge
Revises: 0003_mail

- questions.duplicate_of_id: a thread closed as a duplicate points at the thread it repeats.
- questions.answer_count, helpful_count: visible answers and 参考になった marks on them, for the
  lists' 未回答 filter and sorts (kept by forum/models/counters.py), with listing indexes.
- question_tags (tag_id, question_id): a tag's page reads its threads from the index.
- faq_entries: the FAQ as content admins edit; today's entries (formerly forum/faq/content.py)
  are written here. Their HTML is rendered on first display (answer_html NULL).
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_knowledge'
down_revision = '0003_mail'
branch_labels = None
depends_on = None

SEED = [
    ('certified_lancer', 1, '認定ランサーとは何ですか？',
     '認定ランサーは、当サイトでの実績や評価、取引の完了率などが一定の基準を満たしたランサーに与えられる認定です。プロフィールに認定マークが表示され、発注者が依頼先を選ぶときの目安になります。'),
    ('certified_lancer', 2, '認定ランサーになるための条件を教えてください。',
     '主な条件は、一定期間の受注実績や報酬額、高い評価、本人確認の完了などです。基準は定期的に見直されることがあるため、最新の条件は認定制度のページで確認してください。日頃から納期を守り、丁寧な連絡を続けることが認定への近道です。'),
    ('certified_lancer', 3, '一度認定されたら、ずっと認定ランサーのままですか？',
     '認定は定期的に見直されるため、条件を満たさなくなった場合や規約違反があった場合には解除されることがあります。認定を維持するには、評価や取引の完了率を安定して保つことが大切です。'),
    ('direct_request', 1, '直接依頼とは何ですか？',
     '直接依頼は、発注者が特定のランサーを指名して、当サイト上で仕事を依頼する方法です。公開募集を行わずに、プロフィールや実績を見て依頼したい相手に直接相談できます。契約、仮払い、支払いは通常の依頼と同じく当サイトを通して行われます。'),
    ('direct_request', 2, '直接依頼と直接取引は何が違いますか？',
     '直接依頼は当サイトの仕組みの中で相手を指名して依頼することで、問題なく利用できます。直接取引は当サイトを通さずに外部で契約や支払いを行うことで、利用規約で禁止されています。直接取引ではトラブル時にサポートを受けられず、アカウント停止の対象にもなるため、絶対に行わないでください。'),
    ('direct_request', 3, '直接依頼を受けたら、必ず引き受けなければいけませんか？',
     '引き受けるかどうかはランサーが自由に判断できます。スケジュールや条件が合わない場合は、理由を添えて丁寧にお断りしましょう。条件を調整すれば対応できる場合は、見積もりや納期を提案し直すこともできます。'),
    ('withdrawal', 1, '報酬はいつ受け取れますか？',
     '納品後に発注者が検収を完了すると報酬が確定し、アカウントの残高に反映されます。確定した報酬は、出金申請（振り込み依頼）を行うことで、登録した銀行口座に振り込まれます。'),
    ('withdrawal', 2, '出金申請から振り込みまで、どのくらいかかりますか？',
     '通常は、出金申請から数営業日で振り込まれます。土日祝日や年末年始は営業日に含まれないため、その分日数がかかります。申請の締め時間や振込スケジュールは、ヘルプの出金に関するページで確認してください。'),
    ('withdrawal', 3, '振込先の口座はどうやって登録・変更しますか？',
     'アカウント設定の口座情報から登録・変更できます。口座名義は登録している氏名と一致している必要があり、一致しない場合は振り込みができないことがあります。申請済みの出金は申請時の口座に振り込まれるため、口座の変更は出金が完了してから行うと確実です。'),
    ('posting_jobs', 1, '仕事を依頼するにはどうすればいいですか？',
     '依頼内容、予算、納期を入力して仕事を募集するか、依頼したいランサーに直接依頼を送ります。集まった提案の中から依頼先を選んで契約し、仮払いを行うと作業が始まります。'),
    ('posting_jobs', 2, '依頼内容はどこまで詳しく書けばいいですか？',
     '作業の目的、成果物の形式や分量、納期、予算、修正の回数などをできるだけ具体的に書くと、的確な提案が集まりやすくなります。参考資料やイメージがあれば添えておくと、認識のずれを防げます。'),
    ('posting_jobs', 3, '依頼をキャンセルしたいときはどうすればいいですか？',
     '契約前であれば、募集を取り下げることができます。契約後や仮払い後のキャンセルは、まずランサーと話し合い、双方が合意したうえで手続きを行ってください。作業がすでに進んでいる場合は、作業済みの分の支払いについても相談しましょう。'),
    ('basics', 1, '仮払いとは何ですか？',
     '仮払いは、契約後に発注者が報酬を当サイトへ一時的に預ける仕組みです。ランサーは仮払いを確認してから作業を始めるため、安心して仕事に取り組めます。預けられた報酬は、検収が完了した時点でランサーに支払われます。'),
    ('basics', 2, '検収とは何ですか？',
     '検収は、納品された成果物が依頼どおりかを発注者が確認し、問題がなければ完了の手続きを行うことです。修正が必要な場合は、検収を完了する前に修正依頼を出してください。検収が完了すると報酬が確定し、取引は完了となります。'),
    ('basics', 3, '相手と連絡先を交換してもいいですか？',
     '仮払い前に外部の連絡先を交換することは禁止されています。仮払いが完了した契約で業務上どうしても必要な場合に限り、連絡先公開申請を利用して連絡先を伝えることができます。連絡先を公開した後も、契約内容や支払いに関するやりとりは当サイト上で行ってください。'),
    ('payments', 1, '手数料はいくらかかりますか？',
     'ランサーには契約金額に応じたシステム利用料がかかり、報酬から差し引かれます。料率は契約金額の帯によって異なるため、最新の料率は料金ページで確認してください。出金の際には、別途振込手数料がかかる場合があります。'),
    ('payments', 2, '発注者はどのような方法で支払えますか？',
     'クレジットカードや銀行振込など、当サイトが指定する方法で仮払いを行えます。利用できる支払い方法は、取引画面で確認できます。当サイトを通さない支払いは規約で禁止されているため、必ず指定の方法で支払ってください。'),
    ('payments', 3, '源泉徴収はどのように扱われますか？',
     '発注者が源泉徴収義務者で、業務内容が源泉徴収の対象となる場合は、報酬から所得税が差し引かれます。源泉徴収の有無は契約時に設定され、取引画面で確認できます。差し引かれた税額は、ランサーが確定申告を行う際に精算されます。'),
]

_LISTING_INDEXES = {
    'ix_questions_listing_answers': ['status', 'is_hidden', 'answer_count', 'created_at', 'id', 'category'],
    'ix_questions_hidden_answers': ['is_hidden', 'answer_count', 'created_at', 'id', 'category'],
    'ix_questions_listing_helpful': ['status', 'is_hidden', 'helpful_count', 'created_at', 'id', 'category'],
    'ix_questions_hidden_helpful': ['is_hidden', 'helpful_count', 'created_at', 'id', 'category'],
}


def upgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answer_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('helpful_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_questions_duplicate_of_id_questions'), 'questions',
                                    ['duplicate_of_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_questions_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        for name, columns in _LISTING_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table('question_tags', schema=None) as batch_op:
        batch_op.create_index('ix_question_tags_tag_question', ['tag_id', 'question_id'], unique=False)
    # The counts of the threads that already exist.
    op.execute(
        "UPDATE questions SET "
        "answer_count = (SELECT count(*) FROM answers a WHERE a.question_id = questions.id AND NOT a.is_hidden), "
        "helpful_count = (SELECT count(*) FROM helpful_marks h JOIN answers a ON a.id = h.answer_id "
        "WHERE a.question_id = questions.id AND NOT a.is_hidden)"
    )
    faq = op.create_table(
        'faq_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=30), nullable=False),
        sa.Column('position', sa.Integer(), server_default='0', nullable=False),
        sa.Column('question', sa.String(length=200), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answer_html', sa.Text(), nullable=True),
        sa.Column('source_question_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['source_question_id'], ['questions.id'],
                                name=op.f('fk_faq_entries_source_question_id_questions'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_entries')),
    )
    with op.batch_alter_table('faq_entries', schema=None) as batch_op:
        batch_op.create_index('ix_faq_entries_order', ['category', 'position', 'id'], unique=False)
    now = sa.func.current_timestamp()
    for category, position, question, answer in SEED:
        op.execute(faq.insert().values(category=category, position=position, question=question, answer=answer,
                                       created_at=now, updated_at=now))


def downgrade():
    with op.batch_alter_table('faq_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_faq_entries_order')
    op.drop_table('faq_entries')
    with op.batch_alter_table('question_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_question_tags_tag_question')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        for name in _LISTING_INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_index(batch_op.f('ix_questions_duplicate_of_id'))
        batch_op.drop_constraint(batch_op.f('fk_questions_duplicate_of_id_questions'), type_='foreignkey')
        batch_op.drop_column('helpful_count')
        batch_op.drop_column('answer_count')
        batch_op.drop_column('duplicate_of_id')
