"""The guard on sets written by others without seeing it (tests/trust/data/):

- guard_blind.jsonl: the first blind set (392 lines), the one the guard was first tuned on;
- guard_holdout.jsonl: a second set (293 lines), first measured at recall 90.8 %, then its misses
  fixed by general rules;
- guard_blind_c.jsonl: set C (340 lines), written by a helper who had not read the guard; measured
  before any tuning on it (recall 82.9 %: phone 82.2, e-mail 86.7, LINE 70.0, chat 92.5; no ordinary
  line refused or held), then its misses fixed by general rules;
- guard_blind_d.jsonl: set D (320 lines), written by someone who never saw the guard; measured before
  any tuning on it (recall 85.6 %: phone 85.7, e-mail 85.7, LINE 78.9, chat 92.1; 1 of 160 ordinary
  lines refused, "Discordで @everyone", 2 held), then its misses fixed by general rules;
- guard_blind_e.jsonl: set E (300 lines), written without seeing the guard; measured before any tuning
  on it (recall 87.3 %: phone 97.5, e-mail 87.5, LINE 82.9, chat 80.0; 1 of 150 ordinary lines refused,
  an invoice number INV-090-4417-2218, 1 held, a placeholder 090-0000-0000), then fixed by broader
  rules that only hold (forum/guard/broad.py: a made-up name near any channel named, in any script);
- guard_blind_f.jsonl: set F (240 lines), written without seeing the guard or any earlier set; measured
  after the tuning on E and before any on F: recall 94.2 % (phone 86.7, e-mail 96.7, LINE 100, chat
  93.3), 2 of 120 ordinary lines refused (an emoji's short name after "Slackで", git@github.com), 4
  held. Then tuned on: the two false refusals fixed (emoji names, git's SSH remotes; recall still 94.2 %,
  certain 71.7 %, 5 held), then its seven misses by general shapes (a kana digit before a small kana, SMS as a phone word, a
  mobile head and 1234-5678 given apart, 宛 after a mailbox near a domain, a Discord tag with a quoted
  name, 探して after a quoted name): recall 100 % (every kind 100; certain 72.5 %), 0 refused, 1 held
  (logins, package versions after @ and variables' names in talk about code are no longer held). Its floors are what it reaches. Being
  tuned on, F no longer says how the guard does on text it has not seen; a newer blind set does;
- guard_blind_g.jsonl: set G (320 lines: 40 of each kind, 160 ordinary), written by a helper who read
  no code and no earlier set; never tuned on, and the person tuning on F never saw it. Measured before
  the tuning on F (guard at 76dbb95): recall 97.5 % (phone 95.0, e-mail 97.5, LINE 97.5, chat 100;
  certain 74.4 %), 0 of 160 ordinary lines refused, 3 held; after it: recall 98.1 % (phone 97.5), the
  rest unchanged. This is the guard's blind figure; the floors are what it reaches.

Each asserts the issue's targets (≥ 95 % of contact details found, certain or held; ≤ 1 % of ordinary
lines refused; ≤ 5 % held) and the share refused outright, less a small margin from what was reached
(bench/guard.py prints the figures per kind, with timing). A contact line counts as found when some
finding is certain or held; an ordinary line is refused when a finding is certain, held when it has
only uncertain findings.
"""
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from forum.guard import find_contact_info

DATA = Path(__file__).parent / "data"
KINDS = ("phone", "email", "line", "chat")
MIN_RECALL = 0.95
MIN_RECALL_PER_KIND = 0.95
MAX_REFUSED = 0.01
MAX_HELD = 0.05


@dataclass(frozen=True)
class BlindSet:
    name: str
    min_contact: int  # lines with contact details the set must have
    min_ordinary: int
    min_certain: float  # share of contact lines refused outright (not only held)
    min_recall: float = MIN_RECALL  # a set measured blind and not tuned on keeps what it reached
    min_recall_per_kind: float = MIN_RECALL_PER_KIND


# Reached (bench/guard.py, after tuning): set A+B recall 100 % (certain 78.2 %), 0 refused, 1 of 190 held;
# holdout 100 % (certain 67.1 %), 0 refused, 1 of 141 held; set C 100 % (certain 65.9 %), 0 refused, 0 held;
# set D 100 % (certain 65.6 %), 0 refused, 0 of 160 held; set E 100 % (certain 60.0 %), 0 refused, 0 of 150 held;
# set F 100 % (certain 72.5 %), 0 refused, 1 of 120 held.
SETS = (
    BlindSet("guard_blind.jsonl", 200, 190, 0.72),
    BlindSet("guard_holdout.jsonl", 150, 140, 0.62),
    BlindSet("guard_blind_c.jsonl", 170, 170, 0.60),
    BlindSet("guard_blind_d.jsonl", 160, 160, 0.62),
    BlindSet("guard_blind_e.jsonl", 150, 150, 0.55),
    BlindSet("guard_blind_f.jsonl", 120, 120, 0.70, min_recall=1.0, min_recall_per_kind=1.0),
    BlindSet("guard_blind_g.jsonl", 160, 160, 0.72, min_recall=0.98, min_recall_per_kind=0.975),
)


def _rows(blind: BlindSet) -> list[dict]:
    text = (DATA / blind.name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


ROWS = {blind.name: _rows(blind) for blind in SETS}


def _found(text: str) -> bool:
    return bool(find_contact_info(text))


@pytest.mark.parametrize("blind", SETS, ids=[b.name for b in SETS])
def test_the_set_is_whole(blind):
    rows = ROWS[blind.name]
    assert sum(r["contact"] for r in rows) >= blind.min_contact
    assert sum(not r["contact"] for r in rows) >= blind.min_ordinary
    assert {r["kind"] for r in rows if r["contact"]} == set(KINDS)


@pytest.mark.parametrize("blind", SETS, ids=[b.name for b in SETS])
def test_recall_overall_and_per_kind(blind, capsys):
    contact = [r for r in ROWS[blind.name] if r["contact"]]
    found = [r for r in contact if _found(r["text"])]
    certain = [r for r in contact if any(f.certain for f in find_contact_info(r["text"]))]
    per_kind = {}
    for kind in KINDS:
        rows = [r for r in contact if r["kind"] == kind]
        per_kind[kind] = sum(_found(r["text"]) for r in rows) / len(rows)
    with capsys.disabled():
        print(f"\nguard ({blind.name}): recall {len(found) / len(contact):.1%}, "
              f"certain {len(certain) / len(contact):.1%}, " + ", ".join(f"{k} {v:.1%}" for k, v in per_kind.items()))
    missed = [r["id"] for r in contact if r not in found]
    assert len(found) / len(contact) >= blind.min_recall, missed
    assert len(certain) / len(contact) >= blind.min_certain
    assert min(per_kind.values()) >= blind.min_recall_per_kind, (per_kind, missed)


@pytest.mark.parametrize("blind", SETS, ids=[b.name for b in SETS])
def test_ordinary_posts_are_rarely_refused_or_held(blind):
    ordinary = [r for r in ROWS[blind.name] if not r["contact"]]
    verdicts = {r["id"]: find_contact_info(r["text"]) for r in ordinary}
    refused = [i for i, findings in verdicts.items() if any(f.certain for f in findings)]
    held = [i for i, findings in verdicts.items() if findings and not any(f.certain for f in findings)]
    assert len(refused) / len(ordinary) <= MAX_REFUSED, refused
    assert len(held) / len(ordinary) <= MAX_HELD, held


ALL_ROWS = [(name, row) for name, rows in ROWS.items() for row in rows]


@pytest.mark.parametrize(("name", "row"), ALL_ROWS, ids=[f"{n}:{r['id']}" for n, r in ALL_ROWS])
def test_findings_slice_the_original_text(name, row):
    text = row["text"]
    findings = find_contact_info(text)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end].strip() == text[f.start:f.end]  # no stray spaces at the edges
        assert f.kind in KINDS and isinstance(f.certain, bool)
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))


def test_a_ten_thousand_character_post_finishes():
    sentences = [r["text"] for rows in ROWS.values() for r in rows]
    post = "\n".join(sentences * (10_000 // sum(map(len, sentences)) + 1))[:10_000]
    findings = find_contact_info(post)
    assert len(findings) > 100
    assert all(post[f.start:f.end] for f in findings)
