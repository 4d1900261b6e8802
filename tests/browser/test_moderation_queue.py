"""A moderator works the report queue in real Chromium: a member reports, the moderator hides, restores."""
from playwright.sync_api import Page, expect

from forum.extensions import db
from tests.factories import PASSWORD, make_answer, make_question, make_user


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page.locator(f"header.site-header a[href='/users/{username}']")).to_be_visible()


def test_moderator_works_the_queue(new_page, live_server, base_url):
    with live_server.app.app_context():
        q = make_question(make_user("alice"), title="見積もりの出し方を教えてください")
        spam = make_answer(q, make_user("spammer"), "今すぐ稼げる副業！プロフィールを見てね")
        make_user("carol")
        make_user("mod", role="moderator")
        qid, aid = q.id, spam.id
        db.session.remove()

    # A member reports the answer from the thread: its link opens the report form, which
    # sends them back to the answer.
    member = new_page()
    sign_in(member, base_url, "carol")
    member.goto(f"{base_url}/questions/{qid}")
    member.locator(f"#answer-{aid}").get_by_role("link", name="通報する").click()
    expect(member.locator("h1")).to_have_text("投稿を通報する")
    member.locator("input[name=reason][value=spam]").check()
    member.locator("textarea[name=detail]").fill("副業の勧誘です")
    member.get_by_role("button", name="通報を送信").click()
    expect(member.locator(".flash-success")).to_contain_text("通報を受け付けました")
    assert member.url.endswith(f"/questions/{qid}#answer-{aid}")

    # The moderator sees it in the queue, with the post in context, and hides it.
    moderator = new_page()
    sign_in(moderator, base_url, "mod")
    moderator.click("header.site-header a[href='/moderation']")
    item = moderator.locator(f"#queue-answer-{aid}")
    expect(item).to_contain_text("見積もりの出し方を教えてください")
    expect(item).to_contain_text("今すぐ稼げる副業")
    expect(item).to_contain_text("副業の勧誘です")
    expect(moderator.locator("header.site-header a.moderation-link")).to_have_attribute("data-open-reports", "1")
    item.get_by_role("link", name="投稿を非表示にする…").click()
    # The confirmation step says what will happen and asks why (the author is told).
    expect(moderator.locator(".consequence")).to_contain_text("この回答を非表示にします")
    moderator.locator("textarea[name=note]").fill("副業の勧誘のため")
    moderator.get_by_role("button", name="非表示にする").click()
    expect(moderator.locator(".flash-success")).to_contain_text("非表示にしました")
    expect(moderator.locator("section[aria-labelledby=queue-heading]")).to_contain_text("対応待ちの通報はありません")
    expect(moderator.locator("table.audit")).to_contain_text("非表示")

    # The answer has left the thread for the member; the moderator restores it from the thread.
    member.goto(f"{base_url}/questions/{qid}")
    expect(member.locator(f"#answer-{aid}")).to_have_count(0)
    moderator.goto(f"{base_url}/questions/{qid}")
    expect(moderator.locator(f"#answer-{aid} .notice")).to_contain_text("非表示")
    moderator.locator(f"#answer-{aid} .answer-tools summary", has_text="再表示する").click()
    moderator.locator(f"#answer-{aid}").get_by_role("button", name="再表示する").click()
    member.goto(f"{base_url}/questions/{qid}")
    expect(member.locator(f"#answer-{aid}")).to_contain_text("今すぐ稼げる副業")
