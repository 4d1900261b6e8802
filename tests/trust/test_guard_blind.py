"""The guard on a set written by others without seeing it (tests/trust/data/guard_blind.jsonl).

The figures asserted are those reached when the detector was last tuned, less a small margin
(bench/guard.py prints them per kind, with timing). A contact line counts as found when some
finding is certain or held; an ordinary line is refused when a finding is certain, held when it
has only uncertain findings.
"""
import json
from pathlib import Path

import pytest

from forum.guard import find_contact_info

BLIND = Path(__file__).parent / "data" / "guard_blind.jsonl"
ROWS = [json.loads(line) for line in BLIND.read_text(encoding="utf-8").splitlines() if line.strip()]
CONTACT = [r for r in ROWS if r["contact"]]
ORDINARY = [r for r in ROWS if not r["contact"]]

# Reached: recall 99.5 % (201/202; every kind ≥ 98 %), refused 0.0 %, held 0.5 % of 190 ordinary lines.
MIN_RECALL = 0.97
MIN_RECALL_PER_KIND = 0.94
MIN_CERTAIN = 0.72  # reached 78 %: most contact details are refused outright, not only held
MAX_REFUSED = 0.01
MAX_HELD = 0.05


def _found(text: str) -> bool:
    return bool(find_contact_info(text))


def test_the_set_is_whole():
    assert len(CONTACT) >= 200 and len(ORDINARY) >= 190
    assert {r["kind"] for r in CONTACT} == {"phone", "email", "line", "chat"}


def test_recall_overall_and_per_kind(capsys):
    found = [r for r in CONTACT if _found(r["text"])]
    certain = [r for r in CONTACT if any(f.certain for f in find_contact_info(r["text"]))]
    per_kind = {}
    for kind in ("phone", "email", "line", "chat"):
        rows = [r for r in CONTACT if r["kind"] == kind]
        per_kind[kind] = sum(_found(r["text"]) for r in rows) / len(rows)
    with capsys.disabled():
        print(f"\nguard (blind): recall {len(found) / len(CONTACT):.1%}, certain {len(certain) / len(CONTACT):.1%}, "
              + ", ".join(f"{k} {v:.1%}" for k, v in per_kind.items()))
    assert len(found) / len(CONTACT) >= MIN_RECALL
    assert len(certain) / len(CONTACT) >= MIN_CERTAIN
    assert min(per_kind.values()) >= MIN_RECALL_PER_KIND, per_kind


def test_ordinary_posts_are_rarely_refused_or_held():
    refused = [r["id"] for r in ORDINARY if any(f.certain for f in find_contact_info(r["text"]))]
    held = [r["id"] for r in ORDINARY
            if find_contact_info(r["text"]) and not any(f.certain for f in find_contact_info(r["text"]))]
    assert len(refused) / len(ORDINARY) <= MAX_REFUSED, refused
    assert len(held) / len(ORDINARY) <= MAX_HELD, held


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_findings_slice_the_original_text(row):
    text = row["text"]
    findings = find_contact_info(text)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end].strip() == text[f.start:f.end]  # no stray spaces at the edges
        assert f.kind in ("phone", "email", "line", "chat") and isinstance(f.certain, bool)
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))


def test_a_ten_thousand_character_post_finishes():
    sentences = [r["text"] for r in ROWS]
    post = "\n".join(sentences * (10_000 // sum(map(len, sentences)) + 1))[:10_000]
    findings = find_contact_info(post)
    assert len(findings) > 100
    assert all(post[f.start:f.end] for f in findings)
