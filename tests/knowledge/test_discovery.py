"""What search engines, feed readers and API clients get: QAPage JSON-LD and the sitemap checked
against their schemas, robots.txt, Atom feeds read by feedparser, and the read API, whose
OpenAPI document Schemathesis checks against the running app."""
import json
import re
from pathlib import Path

import feedparser
import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from lxml import etree

from forum.extensions import db
from forum.models import Question
from tests.factories import make_answer, make_question, make_user, resolved_thread
from tests.functional.html import text

SCHEMAS = Path(__file__).parent / "schemas"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def forum_content():
    alice, bob, carol = make_user("alice"), make_user("bob", veteran=True), make_user("carol")
    resolved = resolved_thread(alice, bob, "仮払いはいつ戻りますか", "キャンセルした仮払いについて", "数日で戻ります",
                               category="in_trouble")
    make_answer(resolved, carol, "私の場合は3日でした")
    resolved.tags = [db.session.merge(t) for t in make_question(alice, title="タグ用", tags=["仮払い"]).tags]
    db.session.commit()
    closed = resolved_thread(alice, bob, "クローズされる質問", "本文", "回答")
    closed.status, closed.close_reason = "closed", "spam"
    hidden = resolved_thread(alice, bob, "非表示の質問", "本文", "回答")
    hidden.is_hidden = True
    open_q = make_question(alice, title="受付中の質問")
    db.session.commit()
    return {"resolved": resolved, "closed": closed, "hidden": hidden, "open": open_q}


def _json_ld(page: str) -> list[dict]:
    return [json.loads(block) for block in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]


def test_thread_page_meta_and_qapage_json_ld_validate(app, client, forum_content):
    q = forum_content["resolved"]
    site = app.config["SITE_URL"].rstrip("/")
    page = text(client.get(f"/questions/{q.id}"))
    assert f'<link rel="canonical" href="{site}/questions/{q.id}">' in page
    assert '<meta name="description" content="キャンセルした仮払いについて">' in page
    for tag in ('property="og:title" content="仮払いはいつ戻りますか"', 'property="og:type"', 'name="twitter:card"'):
        assert tag in page
    assert 'name="robots"' not in page
    (data,) = _json_ld(page)
    schema = json.loads((SCHEMAS / "qapage.schema.json").read_text())
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    entity = data["mainEntity"]
    assert entity["answerCount"] == 2 and entity["acceptedAnswer"]["text"] == "数日で戻ります"
    assert [a["text"] for a in entity["suggestedAnswer"]] == ["私の場合は3日でした"]
    assert entity["author"]["name"] == "alice"


def test_json_ld_keeps_japanese_as_written_and_cannot_close_its_script(client):
    asker, answerer = make_user("asker"), make_user("answerer")
    sneaky = "</script><script>alert('x')</script> & <b>仮払い</b>"
    q = resolved_thread(asker, answerer, title="スクリプトを含む質問", body=sneaky, answer_body=f"回答 {sneaky}")
    page = client.get(f"/questions/{q.id}").get_data(as_text=True)
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert "<" not in block and ">" not in block and "&" not in block and "'" not in block
    assert "スクリプトを含む質問" in block  # UTF-8 as written, not \\u escapes (half the bytes)
    data = json.loads(block)
    assert data["mainEntity"]["text"] == sneaky  # what was written, read back whole
    assert data["mainEntity"]["acceptedAnswer"]["text"] == f"回答 {sneaky}"


def test_a_members_thread_page_goes_without_json_ld_and_link_previews(client, auth, forum_content):
    """Search engines and link previews read as guests; a signed-in member's page is never indexed."""
    make_user("reader")
    auth.login("reader")
    page = text(client.get(f"/questions/{forum_content['resolved'].id}"))
    assert not _json_ld(page) and "og:title" not in page and "twitter:card" not in page
    assert '<link rel="canonical"' in page and '<meta name="description" content="キャンセルした仮払いについて">' in page


def test_closed_and_hidden_threads_are_noindex(client, auth, forum_content):
    closed = text(client.get(f"/questions/{forum_content['closed'].id}"))
    assert '<meta name="robots" content="noindex">' in closed and not _json_ld(closed)
    make_user("mod", role="moderator")
    auth.login("mod")
    hidden = text(client.get(f"/questions/{forum_content['hidden'].id}"))
    assert '<meta name="robots" content="noindex">' in hidden


def test_robots_txt_points_at_the_sitemap_and_disallows_private_pages(app, client):
    body = text(client.get("/robots.txt"))
    assert f"Sitemap: {app.config['SITE_URL'].rstrip('/')}/sitemap.xml" in body
    for path in ("/moderation", "/settings", "/search"):
        assert f"Disallow: {path}\n" in body


def test_sitemap_index_and_pages_validate_and_list_only_resolved_visible_threads(app, client, forum_content):
    app.config["SITEMAP_URLS"] = 1  # one URL per file, to see the index split them
    extra = resolved_thread(make_user("dave"), make_user("erin"), "二つ目の解決済み", "本文", "回答")
    expected = {forum_content["resolved"].id, extra.id}
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
    index = etree.fromstring(client.get("/sitemap.xml").data)
    xsd.assertValid(index)
    locations = index.xpath("//s:sitemap/s:loc/text()", namespaces=SITEMAP_NS)
    assert len(locations) == 2  # one URL per file here: two resolved, visible threads
    found = set()
    for loc in locations:
        page = client.get("/" + loc.split("/", 3)[3])
        assert page.status_code == 200 and page.mimetype == "application/xml"
        urlset = etree.fromstring(page.data)
        xsd.assertValid(urlset)
        assert urlset.xpath("//s:lastmod/text()", namespaces=SITEMAP_NS)
        found |= {int(u.rsplit("/", 1)[1]) for u in urlset.xpath("//s:loc/text()", namespaces=SITEMAP_NS)}
    assert found == expected
    assert client.get("/sitemaps/3.xml").status_code == 404


def test_resolved_feed_by_category_and_tag_parses_as_atom(app, client, forum_content):
    q = forum_content["resolved"]
    feed = feedparser.parse(client.get("/feeds/resolved.atom").data)
    assert feed.version == "atom10" and not feed.bozo
    assert [e.title for e in feed.entries] == ["仮払いはいつ戻りますか"]  # not closed, hidden or open ones
    assert feed.entries[0].link == f"{app.config['SITE_URL'].rstrip('/')}/questions/{q.id}"
    assert "<p>キャンセルした仮払いについて</p>" in feed.entries[0].content[0].value
    assert [e.title for e in feedparser.parse(client.get("/feeds/resolved.atom?category=in_trouble").data).entries]
    assert not feedparser.parse(client.get("/feeds/resolved.atom?category=urgent").data).entries
    assert len(feedparser.parse(client.get("/feeds/resolved.atom?tag=仮払い").data).entries) == 1
    assert client.get("/feeds/resolved.atom?category=nope").status_code == 404
    assert client.get("/feeds/resolved.atom?tag=nope").status_code == 404


def test_thread_feed_lists_new_answers(client, forum_content):
    q = forum_content["resolved"]
    feed = feedparser.parse(client.get(f"/feeds/questions/{q.id}.atom").data)
    assert not feed.bozo and [e.author for e in feed.entries] == ["carol", "bob"]  # newest first
    assert client.get(f"/feeds/questions/{forum_content['hidden'].id}.atom").status_code == 404


def test_api_lists_a_thread_and_hides_what_pages_hide(client, forum_content):
    listing = client.get("/api/v1/questions?status=resolved").get_json()
    assert [q["title"] for q in listing["items"]] == ["仮払いはいつ戻りますか"]
    detail = client.get(f"/api/v1/questions/{forum_content['resolved'].id}").get_json()
    assert detail["answers"][0]["is_best"] and detail["answer_count"] == 2
    missing = client.get(f"/api/v1/questions/{forum_content['hidden'].id}")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found" and missing.get_json()["message"]
    bad = client.get("/api/v1/questions?status=nope")
    assert bad.status_code == 400 and bad.get_json()["code"] == "bad_request"
    assert client.get("/api/v1/tags").get_json()["items"][0]["name"] == "仮払い"
    found = client.get("/api/v1/search", query_string={"q": "仮払い"}).get_json()
    assert [q["id"] for q in found["items"]] == [forum_content["resolved"].id]
    assert client.get("/api/v1/search?q=").get_json()["code"] == "bad_request"


def test_api_is_rate_limited_like_the_site(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_API="2 per minute", PAGE_CACHE_ENABLED=False)
    client = app.test_client()
    statuses = [client.get("/api/v1/tags").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get("/api/v1/tags").get_json()["code"] == "rate_limited"


def test_openapi_document_holds_against_the_running_app(app, forum_content):
    """Schemathesis generates requests from /api/v1/openapi.json for every operation and checks
    each response: no 5xx, status codes, content types and bodies as documented."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} == {"GET /questions", "GET /questions/{question_id}", "GET /search",
                                                "GET /tags"}
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def check(case):
            # Schemathesis's WSGI client asks for compressed bodies and cannot read zstd.
            case.call_and_validate(headers={"Accept-Encoding": "identity"})

        check()
    assert db.session.get(Question, forum_content["resolved"].id) is not None
