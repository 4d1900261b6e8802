"""An admin adds a synonym pair in the browser; a guest's search uses it at once."""
from playwright.sync_api import expect

from tests.browser.test_core_loop import sign_in
from tests.factories import PASSWORD, make_user, resolved_thread


def test_an_admin_adds_a_synonym_and_a_search_finds_the_thread_by_it(live_server, base_url, new_page):
    with live_server.app.app_context():
        asker, answerer = make_user("asker"), make_user("answerer")
        resolved_thread(asker, answerer, "スリカータのロゴを作りたい", "スリカータをモチーフにしたロゴの相場は？",
                        "相場は案件によります。")
        make_user("root", role="admin")
    guest = new_page()
    guest.goto(f"{base_url}/search?q=ミーアキャット")
    expect(guest.locator(".results")).to_have_count(0)  # nothing yet

    admin = new_page()
    sign_in(admin, base_url, "root", PASSWORD)
    admin.goto(f"{base_url}/faq/manage")
    admin.get_by_role("link", name="検索の同義語を編集する").click()
    admin.get_by_label("語", exact=True).fill("ミーアキャット")
    admin.get_by_label("同じ意味の語").fill("ミーアキャット")  # refused: the same word twice
    admin.get_by_role("button", name="追加する").click()
    expect(admin.locator(".errors")).to_contain_text("同じ語どうしは同義語にできません")
    expect(admin.get_by_label("語", exact=True)).to_have_value("ミーアキャット")  # kept
    admin.get_by_label("同じ意味の語").fill("スリカータ")
    admin.get_by_role("button", name="追加する").click()
    expect(admin.locator(".flash")).to_contain_text("同義語に追加しました")
    expect(admin.locator("td", has_text="スリカータ")).to_have_count(1)

    guest.goto(f"{base_url}/search?q=ミーアキャット")
    expect(guest.locator(".results .card-title a")).to_have_text(["スリカータのロゴを作りたい"])
    expect(guest.locator(".did-you-mean")).to_contain_text("スリカータ")
