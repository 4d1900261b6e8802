"""Notifications and お礼 in real Chromium: a member's answer reaches the asker as an unread
notification; the asker follows it to the answer, resolves with a お礼 through the confirmation
page, and the お礼 is shown under the best answer."""
import re

from playwright.sync_api import Page, expect

from forum.extensions import db
from tests.browser.test_core_loop import sign_in
from tests.factories import PASSWORD, make_question, make_user

TITLE = "初めての見積もりで金額の決め方がわかりません"
# Long enough that the answer starts below the fold: landing on it means the page scrolled to it.
BODY = "\n\n".join(f"{n}. 見積もりについて確認したいことがあります。" for n in range(1, 31))
ANSWER = "相場は過去の案件の単価から時給を逆算すると決めやすいです。最初は作業時間を多めに見積もりましょう。"
THANKS = "時給から逆算する考え方がとても参考になりました。ありがとうございました！"


def unread_link(page: Page):
    return page.locator("header.site-header a[href='/notifications']")


def test_answer_notifies_the_asker_who_resolves_with_thanks(new_page, live_server, base_url):
    with live_server.app.app_context():
        question = make_question(make_user("asker_a"), title=TITLE, body=BODY)
        make_user("member_b")
        qid = question.id
        db.session.remove()
    thread_url = f"{base_url}/questions/{qid}"

    # Member B answers A's question.
    b = new_page()
    sign_in(b, base_url, "member_b", PASSWORD)
    expect(unread_link(b)).to_have_attribute("data-unread", "0")
    b.goto(thread_url)
    b.fill("section.answer-form textarea[name=body]", ANSWER)
    b.click("section.answer-form button[type=submit]")
    answer = b.locator("article.answer", has_text="時給を逆算")
    expect(answer).to_have_attribute("id", re.compile(r"^answer-\d+$"))
    answer_anchor = answer.get_attribute("id")
    assert answer_anchor is not None
    answer_id = answer_anchor.split("-", 1)[1]

    # A signs in and sees one unread notification in the header.
    a = new_page()
    sign_in(a, base_url, "asker_a", PASSWORD)
    expect(unread_link(a)).to_have_attribute("data-unread", "1")
    expect(unread_link(a).locator(".unread-count")).to_contain_text("1")

    # The list shows it unread, on A's question, from B.
    unread_link(a).click()
    expect(a).to_have_url(f"{base_url}/notifications")
    item = a.locator("ol.notifications li.notification")
    expect(item).to_have_count(1)
    expect(item).to_have_class(re.compile(r"\bunread\b"))
    expect(item.locator(".notification-thread")).to_contain_text(TITLE)
    expect(item.locator(".notification-meta")).to_contain_text("member_b")

    # Clicking it lands on the answer itself: the fragment, and the answer in view.
    item.locator("a.notification-link").click()
    expect(a).to_have_url(re.compile(rf"/questions/{qid}#answer-{answer_id}$"))
    target = a.locator(f"#answer-{answer_id}")
    expect(target).to_be_visible()
    expect(target).to_be_in_viewport()
    assert a.evaluate("window.scrollY") > 0
    expect(target).to_contain_text("時給を逆算")
    # Read now: the header count is back to 0, and the list no longer marks it unread.
    expect(unread_link(a)).to_have_attribute("data-unread", "0")
    expect(unread_link(a).locator(".unread-count")).to_have_count(0)

    # A resolves from the answer's button, through the confirmation page, with a お礼.
    target.get_by_role("button", name="ベストアンサーに選んで解決済みにする").click()
    expect(a).to_have_url(re.compile(rf"/questions/{qid}/resolve\?best_answer_id={answer_id}$"))
    expect(a.locator("section.chosen-answer")).to_contain_text("時給を逆算")
    expect(a.locator("section.chosen-answer")).to_contain_text("member_b")
    a.locator("form.resolve-confirm textarea[name=thanks]").fill(THANKS)
    a.locator("form.resolve-confirm").get_by_role("button", name="ベストアンサーに選んで解決済みにする").click()

    # Back on the thread: resolved, B's answer first as the best answer, the お礼 under it.
    expect(a).to_have_url(thread_url)
    expect(a.locator(".thread-head .status-resolved")).to_have_text("解決済み")
    best = a.locator("section.answers article.answer").first
    expect(best).to_have_attribute("id", f"answer-{answer_id}")
    expect(best).to_have_class(re.compile(r"\bbest\b"))
    expect(best.locator(".best-mark")).to_have_text("ベストアンサー")
    thanks = best.locator(".thanks")
    expect(thanks).to_be_visible()
    expect(thanks.locator(".thanks-label")).to_have_text("質問者からのお礼")
    expect(thanks.locator(".thanks-text")).to_have_text(THANKS)
    # The お礼 is below the answer's text, inside the best answer.
    prose_box, thanks_box = best.locator(".prose").bounding_box(), thanks.bounding_box()
    assert prose_box and thanks_box and thanks_box["y"] >= prose_box["y"] + prose_box["height"]
    expect(unread_link(a)).to_have_attribute("data-unread", "0")
    a.goto(f"{base_url}/notifications")
    expect(a.locator("ol.notifications li.notification.unread")).to_have_count(0)
    expect(unread_link(a)).to_have_attribute("data-unread", "0")

    # B, in turn, is told the answer was chosen, with the お礼.
    b.goto(f"{base_url}/notifications")
    expect(unread_link(b)).to_have_attribute("data-unread", "1")
    chosen = b.locator("ol.notifications li.notification.unread")
    expect(chosen).to_have_count(1)
    expect(chosen.locator(".notification-note")).to_contain_text(THANKS)
