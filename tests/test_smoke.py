from tests.factories import make_user

def test_home(client):
    r = client.get("/")
    assert r.status_code == 200, r.data[:2000]

def test_flow(client, auth, app):
    make_user("alice"); make_user("bob")
    auth.login("alice")
    r = client.post("/questions/new", data={"category": "urgent", "asker_type": "lancer", "title": "仮払いはいつされますか", "body": "初めての契約で仮払いが来ません。どうすればいいですか。", "tags": "仮払い, 契約"})
    assert r.status_code == 302, r.data.decode()[:3000]
    loc = r.headers["Location"]
    r = client.get(loc); assert "仮払いはいつ" in r.data.decode()
    auth.logout(); auth.login("bob")
    r = client.post(loc + "/answers", data={"body": "納品前に仮払いされるのが普通です。"})
    assert r.status_code == 302
    auth.logout(); auth.login("alice")
    page = client.get(loc).data.decode()
    import re
    aid = re.search(r'id="answer-(\d+)"', page).group(1)
    r = client.post(loc + "/resolve", data={"best_answer_id": aid}); assert r.status_code == 302
    page = client.get(loc).data.decode()
    assert "ベストアンサー" in page and "解決済み" in page
    r = client.get("/search?q=納品"); assert "仮払いはいつ" in r.data.decode(), r.data.decode()
    r = client.get("/search?q=仮払い"); assert "<mark>" in r.data.decode()
