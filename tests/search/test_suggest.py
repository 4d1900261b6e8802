"""/search/suggest: similar resolved threads for a draft title, then open ones (marked), as JSON."""
from tests.factories import make_question, make_user, resolved_thread


def test_suggest_returns_matching_resolved_threads(client, app):
    asker, answerer = make_user("asker"), make_user("answerer")
    q = resolved_thread(asker, answerer, "源泉徴収の計算方法", "教えてください", "こうです")
    waiting = make_question(asker, title="源泉徴収の未解決の質問")  # open: after, marked
    r = client.get("/search/suggest", query_string={"q": "源泉徴収はどう計算しますか"})
    assert r.status_code == 200 and r.is_json
    assert r.get_json() == [{"id": q.id, "title": "源泉徴収の計算方法", "url": f"/questions/{q.id}",
                             "category": "want_to_know", "open": False},
                            {"id": waiting.id, "title": "源泉徴収の未解決の質問", "url": f"/questions/{waiting.id}",
                             "category": "want_to_know", "open": True}]


def test_suggest_at_most_five_and_empty_for_nothing(client, app):
    asker, answerer = make_user("asker"), make_user("answerer")
    for i in range(7):
        resolved_thread(asker, answerer, f"インボイス登録{i}", "本文", "回答")
    assert len(client.get("/search/suggest?q=インボイス").get_json()) == 5
    assert client.get("/search/suggest?q=").get_json() == []
    assert client.get("/search/suggest", query_string={"q": "のはを"}).get_json() == []
