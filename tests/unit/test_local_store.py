"""The per-process page store (no Redis): entries come back as they were kept, pages held
compressed."""
import os
import random
import tracemalloc

from forum.pagecache import LocalStore

_WORDS = ["相談", "請求書", "仮払い", "納品", "クライアント", "<p>", "</p>", "<li>", "見積もり", "修正", "契約",
          "class=\"answer\"", "回答", "です。", "ます。", "\n"]


def _page(seed: int, size: int = 20_000) -> bytes:
    rng = random.Random(seed)
    text = "".join(rng.choice(_WORDS) for _ in range(size // 6))
    return f"<!doctype html><html lang=\"ja\"><body>{text}</body></html>".encode()


def test_an_entry_comes_back_as_it_was_kept():
    store = LocalStore(10, 60)
    page = (200, "text/html", _page(1))
    door = ("200 OK", [("Content-Type", "text/html; charset=utf-8")], _page(2))
    store.set("page", page)
    store.set("door", door)
    assert store.get("page") == page and store.get("page") == page  # read twice, same bytes
    assert store.get("door") == door
    small = (200, "text/html", b"<p>ok</p>")
    store.set("small", small)
    assert store.get("small") == small
    # What does not shrink (an already compressed copy) and what is not an entry tuple are
    # kept as they are.
    noise = (200, "application/octet-stream", os.urandom(5000))
    store.set("noise", noise)
    assert store.get("noise") == noise
    store.set("copy", b"\x1f\x8b compressed")
    assert store.get("copy") == b"\x1f\x8b compressed"


def test_kept_pages_take_a_fraction_of_their_size():
    store = LocalStore(100, 60)
    size = 0
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for seed in range(50):  # each page made here and held by the store alone
            page = _page(seed)
            size += len(page)
            store.set(f"page{seed}", (200, "text/html", page))
        del page
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held < size / 2.5, (held, size)
    assert all(store.get(f"page{seed}") == (200, "text/html", _page(seed)) for seed in range(50))


def test_the_store_keeps_its_newest_entries_up_to_its_size():
    store = LocalStore(2, 60)
    for n in range(3):
        store.set(f"page{n}", (200, "text/html", _page(n)))
    assert store.get("page0") is None
    assert store.get("page1") is not None and store.get("page2") is not None
    store.clear()
    assert store.get("page1") is None
