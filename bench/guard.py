"""The contact guard on a labelled set: found certain / held / missed per kind, refusals and holds on ordinary text.

Usage: .venv/bin/python bench/guard.py tests/trust/data/guard_blind.jsonl [more.jsonl ...] [--show-misses]

Each line of a set is {"id", "text", "contact": bool, "kind": "phone"|"email"|"line"|"chat"|"none"}.
A contact line is found *certain* when some finding is certain, *held* when it has only uncertain
findings, and *missed* when it has none. An ordinary line is *refused* when any finding is certain,
*held* when it has only uncertain findings, and *clean* otherwise. The timing is the slowest of a
few runs over a 10,000-character post built from the set's ordinary sentences, then the slowest over
posts of the same length made of one hostile shape repeated (runs of spaces, digits, service names...).
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forum.guard import find_contact_info  # noqa: E402

POST_LENGTH = 10_000
RUNS = 5


def _load(paths: list[str]) -> list[dict]:
    rows: list[dict] = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return rows


def _verdict(text: str) -> tuple[str, list]:
    findings = find_contact_info(text)
    if any(getattr(f, "certain", True) for f in findings):
        return "certain", findings
    return ("held" if findings else "none"), findings


def _long_post(rows: list[dict]) -> str:
    sentences = [r["text"] for r in rows if not r["contact"]] or ["仮払いについて教えてください。"]
    parts: list[str] = []
    size, i = 0, 0
    while size < POST_LENGTH:
        parts.append(sentences[i % len(sentences)])
        size += len(parts[-1]) + 1
        i += 1
    return "\n".join(parts)[:POST_LENGTH]


# Shapes a hostile or odd post can take, each repeated to 10,000 characters: long runs of one
# character, of digits, of service names and of half-finished contact details. A pattern that starts
# again at every character of a run, or a check that compares every finding with every other, shows
# up here as seconds instead of milliseconds.
HOSTILE_UNITS = (
    " ", "\u3000", "\n", "*", "0", "0123456789 ", "090-1234-", "a1", "O8O-", "+81 ", "ゼロイチニサン", "〇一二三",
    "ｾﾞﾛｷｭｳ ", "LINE ", "LINE ID: abc_def ", "IDは abc_def。", "L*NE ", "ライン", "Slack ", "gmail ",
    "taro@gmail.com ", "a@b ", "a.", "a dot ", "(.)", "a アット ", "kenta#4421 discord ", "Zoom ID 123 456 7890 pass ",
    "meet abc-defg-hij ", "https://t.me/", "naoki_photo2023 ", "「a」を検索", "lorem ipsum dolor sit amet ",
)


def _hostile_posts() -> list[tuple[str, str]]:
    return [(unit, (unit * (POST_LENGTH // len(unit) + 1))[:POST_LENGTH]) for unit in HOSTILE_UNITS]


def _slowest(post: str) -> tuple[float, float]:
    """The slowest of RUNS runs, wall clock and CPU time of this process (the machine is shared: under
    load the wall clock also counts the time other processes held the CPU; a full garbage collection
    of the process, ~50 ms here, lands on whichever run sets it off)."""
    wall = cpu = 0.0
    for _ in range(RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        find_contact_info(post)
        wall = max(wall, time.perf_counter() - t0)
        cpu = max(cpu, time.process_time() - c0)
    return wall, cpu


def _show(row: dict, verdict: str, findings: list) -> str:
    spans = ", ".join(f"{f.kind}{'' if getattr(f, 'certain', True) else '?'}:{row['text'][f.start:f.end]!r}"
                      for f in findings)
    return f"  {row['id']} [{row['kind']}/{verdict}] {row['text']}" + (f"\n      -> {spans}" if spans else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="JSON Lines set(s)")
    parser.add_argument("--show-misses", action="store_true",
                        help="list missed contacts, refused ordinary lines and held ordinary lines")
    args = parser.parse_args(argv)
    rows = _load(args.paths)

    per_kind: dict[str, Counter] = {}
    ordinary: Counter = Counter()
    misses: list[str] = []
    refused: list[str] = []
    held: list[str] = []
    for row in rows:
        verdict, findings = _verdict(row["text"])
        if row["contact"]:
            per_kind.setdefault(row["kind"], Counter())[verdict] += 1
            if verdict == "none":
                misses.append(_show(row, verdict, findings))
        else:
            ordinary[verdict] += 1
            if verdict == "certain":
                refused.append(_show(row, verdict, findings))
            elif verdict == "held":
                held.append(_show(row, verdict, findings))

    print(f"{'kind':<10}{'lines':>7}{'certain':>9}{'held':>7}{'missed':>8}{'recall':>9}")
    total: Counter = Counter()
    for kind in sorted(per_kind):
        c = per_kind[kind]
        n = sum(c.values())
        total.update(c)
        print(f"{kind:<10}{n:>7}{c['certain']:>9}{c['held']:>7}{c['none']:>8}"
              f"{(c['certain'] + c['held']) / n:>9.1%}")
    n = sum(total.values())
    if n:
        print(f"{'all':<10}{n:>7}{total['certain']:>9}{total['held']:>7}{total['none']:>8}"
              f"{(total['certain'] + total['held']) / n:>9.1%}")
    m = sum(ordinary.values())
    print(f"\n{'ordinary':<10}{'lines':>7}{'refused':>9}{'held':>7}{'clean':>8}")
    print(f"{'none':<10}{m:>7}{ordinary['certain']:>9}{ordinary['held']:>7}{ordinary['none']:>8}")
    if m:
        print(f"\nrecall {(total['certain'] + total['held']) / max(n, 1):.1%} "
              f"(certain {total['certain'] / max(n, 1):.1%}), "
              f"refusal rate {ordinary['certain'] / m:.1%}, hold rate {ordinary['held'] / m:.1%}")

    post = _long_post(rows)
    # Settle the process first, as a server has long done by its thousandth request: the objects left by
    # importing are otherwise swept by a full collection (~50 ms) during whichever timed run comes first.
    gc.collect()
    wall, cpu = _slowest(post)
    print(f"slowest of {RUNS} runs on a {len(post):,}-character post: {wall * 1000:.1f} ms (CPU {cpu * 1000:.1f} ms)")
    hostile = [(*_slowest(text), unit) for unit, text in _hostile_posts()]
    wall_worst, cpu_worst = max(hostile), max(hostile, key=lambda h: h[1])
    print(f"slowest of {RUNS} runs on {len(HOSTILE_UNITS)} hostile {POST_LENGTH:,}-character posts: "
          f"{wall_worst[0] * 1000:.1f} ms ({wall_worst[2]!r} repeated); "
          f"most CPU {cpu_worst[1] * 1000:.1f} ms ({cpu_worst[2]!r} repeated)")

    if args.show_misses:
        for title, lines in (("missed contacts", misses), ("refused ordinary lines", refused),
                             ("held ordinary lines", held)):
            print(f"\n{title} ({len(lines)}):")
            print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
