"""The blind graded set (tests/search/graded/): load it, run a search over it, score it.

Metrics: nDCG@10 with gains 2^grade - 1 over the ideal ordering of every graded thread,
averaged over the natural queries; recall@10 of the substring queries (every thread graded
2 or more must be in the first 10, or all of them when fewer than 10 are relevant).
`plain_bm25` is the textbook comparison: BM25 (k1 1.2, b 0.75) over character bigrams of
the folded text (title, body, tags and answers as one document), query bigrams OR-ed.
"""
import json
import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from forum.search.ngrams import runs
from forum.text import normalize

GRADED = Path(__file__).parent / "graded"


def queries() -> list[dict]:
    return json.loads((GRADED / "queries.json").read_text(encoding="utf-8"))


def corpus_lines() -> list[str]:
    return (GRADED / "corpus.jsonl").read_text(encoding="utf-8").splitlines()


def ndcg_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    dcg = sum((2 ** grades.get(e, 0) - 1) / math.log2(i + 2) for i, e in enumerate(ranked[:10]))
    ideal = sorted(grades.values(), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    relevant = {e for e, g in grades.items() if g >= 2}
    if not relevant:
        return 1.0
    return len(relevant & set(ranked[:10])) / min(10, len(relevant))


def evaluate(search: Callable[[str], list[str]]) -> dict[str, float]:
    """`search(text)` returns external ids, best first."""
    natural, substring = [], []
    for q in queries():
        ranked = search(q["query"])
        if q["kind"] == "natural":
            natural.append(ndcg_at_10(ranked, q["grades"]))
        else:
            substring.append(recall_at_10(ranked, q["grades"]))
    return {"ndcg@10": sum(natural) / len(natural), "recall@10 substring": sum(substring) / len(substring),
            "natural": len(natural), "substring": len(substring)}


def _bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in runs(normalize(text)):
        out.extend(run[i:i + 2] for i in range(len(run) - 1)) if len(run) > 1 else out.append(run)
    return out


def plain_bm25() -> Callable[[str], list[str]]:
    """A search function: textbook BM25 over bigrams of the whole folded thread."""
    docs: dict[str, Counter] = {}
    for line in corpus_lines():
        r = json.loads(line)
        text = " ".join([r["title"], r["body"], " ".join(r.get("tags", []))]
                        + [a["body"] for a in r.get("answers", [])])
        docs[r["external_id"]] = Counter(_bigrams(text))
    lengths = {k: sum(v.values()) for k, v in docs.items()}
    avg = sum(lengths.values()) / len(lengths)
    df: Counter = Counter()
    for tf in docs.values():
        df.update(tf.keys())
    n = len(docs)

    def search(text: str) -> list[str]:
        grams = Counter(_bigrams(text))
        scores = {}
        for key, tf in docs.items():
            s = 0.0
            for g in grams:
                if g in tf:
                    idf = math.log(1 + (n - df[g] + 0.5) / (df[g] + 0.5))
                    s += idf * tf[g] * 2.2 / (tf[g] + 1.2 * (0.25 + 0.75 * lengths[key] / avg))
            if s:
                scores[key] = s
        return sorted(scores, key=lambda k: -scores[k])

    return search
