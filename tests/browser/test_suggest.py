"""Asking: typing a title shows similar resolved threads under it."""
from playwright.sync_api import expect

from tests.browser.test_core_loop import sign_in
from tests.factories import PASSWORD, make_user, resolved_thread


def test_typing_a_title_shows_a_similar_resolved_thread(live_server, base_url, new_page):
    with live_server.app.app_context():
        asker, answerer = make_user("asker"), make_user("answerer")
        thread = resolved_thread(asker, answerer, "インボイス登録の手続きについて", "どうすれば？", "税務署で申請します。")
        url = f"/questions/{thread.id}"
        make_user("newbie")
    page = new_page()
    sign_in(page, base_url, "newbie", PASSWORD)
    page.goto(f"{base_url}/questions/new")
    box = page.locator("#suggestions")
    expect(box).to_be_hidden()
    page.locator("input[name=title]").press_sequentially("インボイスの登録は必要ですか", delay=20)
    expect(box).to_be_visible()
    link = box.locator("a", has_text="インボイス登録の手続きについて")
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", url)
