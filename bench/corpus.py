"""Deterministic synthetic Japanese threads for the search benchmark (JSON Lines)."""
import json
import random
from datetime import UTC, datetime, timedelta

# Common words of a freelance Q&A forum: drawn often (the "frequent" queries).
COMMON = [
    "仕事", "契約", "報酬", "請求書", "見積もり", "納期", "クライアント", "修正", "連絡", "案件",
    "確定申告", "源泉徴収", "インボイス", "手数料", "仮払い", "振込", "評価", "提案", "相談", "納品",
    "デザイン", "ライティング", "プログラム", "サーバー", "ウェブサイト", "ロゴ", "翻訳", "動画編集",
    "キャンセル", "トラブル", "返信", "メッセージ", "プロフィール", "ポートフォリオ", "単価", "時給",
    "消費税", "経費", "口座", "本人確認", "秘密保持", "著作権", "追加料金", "作業時間", "打ち合わせ",
]
FILLER = [
    "について", "ですが", "はどうすればいいですか", "を確認しました", "の件で", "が届きません",
    "をお願いしたいです", "は初めてです", "で困っています", "を教えてください", "になりました",
    "が遅れています", "の場合は", "と言われました", "を送りました", "もあります",
]
KANJI = ("業務委託法人個人税務会計設計開発運用保守品質検収検品規約条件期限予算費用"
         "調整交渉依頼受注発注成果物管理監修校正取材撮影録音編集構成原稿記事資料分析")
CATEGORIES = ["want_to_know", "urgent", "in_trouble"]


def rare_words(rng: random.Random, n: int) -> list[str]:
    """Made-up compounds of 2-6 kanji: each appears in only a few threads."""
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(KANJI) for _ in range(rng.randint(2, 6))))
    return sorted(words)


class Corpus:
    def __init__(self, seed: int = 42):
        self.rng = random.Random(seed)
        self.rare = rare_words(self.rng, 20_000)
        # Zipf-like weights: the first common words are much more frequent than the last.
        self.weights = [1 / (i + 1) ** 0.8 for i in range(len(COMMON))]

    def word(self) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return rng.choice(self.rare)
        return rng.choices(COMMON, self.weights)[0]

    def sentence(self, words: int) -> str:
        rng = self.rng
        return "".join(self.word() + rng.choice(FILLER) for _ in range(words)) + "。"

    def thread(self, i: int, start: datetime) -> dict:
        rng = self.rng
        created = start + timedelta(minutes=i * 5 + rng.randint(0, 4))
        n_answers = rng.randint(2, 6)
        best = rng.randrange(n_answers)
        return {
            "external_id": f"bench-{i}",
            "category": rng.choice(CATEGORIES),
            "title": (self.word() + rng.choice(FILLER) + self.word() + "について")[:120],
            "body": " ".join(self.sentence(rng.randint(2, 4)) for _ in range(rng.randint(2, 4))),
            "author": f"asker{rng.randint(1, 3000)}",
            "created_at": created.isoformat(),
            "status": "resolved",
            "tags": [self.word() for _ in range(rng.randint(0, 2))],
            "answers": [
                {"author": f"answerer{rng.randint(1, 3000)}", "body": self.sentence(rng.randint(2, 5)),
                 "created_at": (created + timedelta(hours=k + 1)).isoformat(), "best": k == best}
                for k in range(n_answers)
            ],
        }

    def thread_list(self, n: int) -> list[dict]:
        start = datetime(2020, 1, 1, tzinfo=UTC)
        return [self.thread(i, start) for i in range(n)]

    def write(self, path, n: int) -> None:
        start = datetime(2020, 1, 1, tzinfo=UTC)
        with open(path, "w", encoding="utf-8") as fh:
            for i in range(n):
                fh.write(json.dumps(self.thread(i, start), ensure_ascii=False) + "\n")

    def queries(self, n: int = 240) -> list[str]:
        """2- to 6-character words and two-word queries, frequent and rare, in a fixed mix."""
        rng = random.Random(7)
        frequent = [w for w in COMMON if 2 <= len(w) <= 6]
        rare = [w for w in self.rare if 2 <= len(w) <= 6]
        out = []
        for i in range(n):
            kind = i % 4
            if kind == 0:
                out.append(rng.choice(frequent[:15]))
            elif kind == 1:
                out.append(rng.choice(frequent[15:]))
            elif kind == 2:
                out.append(rng.choice(rare))
            else:
                out.append(f"{rng.choice(frequent)} {rng.choice(frequent + rare)}")
        return out


# Longer sentences for the page benchmark: thread bodies and answers of a few hundred characters.
OPENERS = ["はじめまして。", "お世話になっております。", "先日、", "初心者です。", "ご相談です。",
           "経験者の方に伺いたいです。", "私の場合は", "結論から言うと、", "補足します。", "よくある話ですが、"]
TEMPLATES = [
    "{a}の{b}{f}", "{a}と{b}の違いがよく分かりません。", "{a}を受けたあと、{b}{f}",
    "クライアントから{a}について{b}の相談がありました。", "{a}は{b}の前に決めておくと安心です。",
    "まずは{a}を確認して、それから{b}を見直してください。", "{a}で揉めたときは{b}の記録が役に立ちます。",
]


class PageCorpus(Corpus):
    """The threads of bench/pages.py: longer bodies, ~15 % open threads, and one thread
    ("bench-long") with 50 answers. Same seed, so the same rare words as the search corpus."""

    def text(self, chars: int) -> str:
        rng = self.rng
        out = [rng.choice(OPENERS)]
        while sum(map(len, out)) < chars:
            out.append(rng.choice(TEMPLATES).format(a=self.word(), b=self.word(), f=rng.choice(FILLER)))
            if not out[-1].endswith("。"):
                out[-1] += "。"
        return "".join(out)

    def thread(self, i: int, start: datetime, answers: int | None = None) -> dict:
        rng = self.rng
        created = start + timedelta(minutes=i * 5 + rng.randint(0, 4))
        n_answers = answers or rng.randint(2, 6)
        is_open = answers is None and rng.random() < 0.15
        best = None if is_open else rng.randrange(n_answers)
        return {
            "external_id": "bench-long" if answers else f"bench-{i}",
            "category": rng.choice(CATEGORIES),
            "title": (self.word() + rng.choice(FILLER) + self.word() + "について")[:120],
            "body": self.text(rng.randint(200, 500)),
            "author": f"asker{rng.randint(1, 3000)}",
            "created_at": created.isoformat(),
            "status": "open" if is_open else "resolved",
            "tags": list(dict.fromkeys(self.word() for _ in range(rng.randint(1, 3)))),
            "answers": [
                {"author": f"answerer{rng.randint(1, 3000)}", "body": self.text(rng.randint(150, 450)),
                 "created_at": (created + timedelta(hours=k + 1)).isoformat(), "best": k == best}
                for k in range(n_answers)
            ],
        }

    def write(self, path, n: int) -> None:
        """n threads; the one in the middle is the 50-answer thread."""
        start = datetime(2020, 1, 1, tzinfo=UTC)
        with open(path, "w", encoding="utf-8") as fh:
            for i in range(n):
                record = self.thread(i, start, 50 if i == n // 2 else None)
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    def search_queries(self, n: int = 200) -> list[str]:
        """Common and rare words, two-word queries and a few 1- and 2-character terms."""
        rng = random.Random(11)
        short = ["税", "料", "案", "契約", "納期", "評価", "口座", "単価"]
        rare = [w for w in self.rare if 2 <= len(w) <= 6]
        out = []
        for i in range(n):
            kind = i % 10
            if kind < 3:
                out.append(rng.choice(COMMON))
            elif kind < 6:
                out.append(rng.choice(rare))
            elif kind < 9:
                out.append(f"{rng.choice(COMMON)} {rng.choice(COMMON + rare)}")
            else:
                out.append(rng.choice(short))
        return out
