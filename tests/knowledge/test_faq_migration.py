"""Migration 0003_knowledge moves today's FAQ into faq_entries and comes off cleanly."""
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from forum import create_app
from forum.extensions import db
from forum.lookups import faq_entries
from forum.models import FAQ_CATEGORIES
from tests.conftest import BASE_CONFIG
from tests.test_migrations import empty_database_url  # noqa: F401  (the fixture)


def test_the_seed_lands_in_the_six_categories_and_downgrade_removes_it(empty_database_url):  # noqa: F811
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0003_knowledge")
        entries = faq_entries()
        assert len(entries) == 18
        assert [e.category for e in entries][::3] == list(FAQ_CATEGORIES)  # three each, in order
        assert entries[0].question == "認定ランサーとは何ですか？"
        assert "<p>" in str(entries[0].rendered_answer)  # rendered through the sanitiser on first display
        db.session.remove()
        downgrade(revision="0003_mail")
        assert "faq_entries" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
