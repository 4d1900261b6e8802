"""Phone numbers: digits as numerals, kanji, kana or English words, whole, split across a sentence or reversed."""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice, permutations
from typing import Final

from .text import View
from .vocab import REVERSED

_KANJI_DIGITS = {"〇": "0", "零": "0", "一": "1", "壱": "1", "二": "2", "弐": "2", "三": "3",
                 "参": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_KANA = {
    "0": "ゼロ ぜろ レイ れい レー れー マル まる",
    "1": "イチ いち",
    "2": "ニイ(?!チ) にい(?!ち) ニー にー ニ に",
    "3": "サン さん",
    "4": "ヨン よん シ し",
    "5": "ゴー ごー ゴ ご",
    "6": "ロク ろく",
    "7": "ナナ なな シチ しち",
    "8": "ハチ はち",
    "9": "キュウ きゅう キュー きゅー キュ きゅ ク く",
}
# Digits read in English but written in katakana: "オーナインオー、セブンセブンファイブワン".
_KATAKANA_ENGLISH = {"0": "オー", "1": "ワン", "2": "ツー", "3": "スリー", "4": "フォー", "5": "ファイブ",
                     "6": "シックス", "7": "セブン", "8": "エイト", "9": "ナイン"}
for _digit, _word in _KATAKANA_ENGLISH.items():
    _KANA[_digit] += " " + _word
_KANA_DIGIT = {w.split("(")[0]: d for d, words in _KANA.items() for w in words.split()}
_KANA_ALT = "|".join(sorted((w for words in _KANA.values() for w in words.split()),
                            key=lambda w: -len(w.split("(")[0])))
_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
          "seven": "7", "eight": "8", "nine": "9"}
_SEPARATORS = "-‐‑‒–—―−ーｰ~ ./･・()[]「」\t_*→⇒>、,◆◇■□●○★☆♪"
# The look-ahead names every character a token can begin with, so the rest of a post is skipped quickly.
_TOKEN_FIRST = re.escape("".join(sorted({w[0] for w in _KANA_DIGIT} | {w[0] for w in _WORDS}
                                        | {w[0].upper() for w in _WORDS})))
_TOKEN = re.compile(
    rf"(?=[0-9{''.join(_KANJI_DIGITS)}{_TOKEN_FIRST}OoIlSB|])"
    rf"(?:(?P<n>[0-9]+|[{''.join(_KANJI_DIGITS)}])|(?P<k>{_KANA_ALT})"
    rf"|(?P<e>(?i:(?<![a-z])(?:{'|'.join(_WORDS)})(?![a-z])))|(?P<l>[OoIlSB|]))"
)
# Letters standing in for digits: "O8O 3l47 2296", "O9O-5528-1O73".
_LETTER_DIGITS = re.compile(r"(?<![A-Za-z0-9])[0-9OoIlSB|]{2,}(?![A-Za-z0-9])")
_LETTER_VALUE = {"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8"}
_LETTER_NEXT = re.compile(r"[\-‐−ー_ .・*]{1,2}[0-9OIlSB]")
# A number followed by one of these counts something else: 3日, 4桁, 100枚, 5万円.
_COUNTER = re.compile(r" ?(?:[年月日時分秒円件個本枚回人歳才桁割万千百億週%倍階名社行号部冊点番度]"
                      r"|ページ|文字|ヶ月|か月)")
_NOT_PHONE_BEFORE = "¥$#№"
# 〒 before a postal code (123-4567); "〒090-2281-3364" is a mobile number dressed up as one.
_POSTAL = re.compile(r"〒 ?\d{3}[-‐ー−]?\d{4}(?![-‐ー−]?\d)")
_MAX_SEPARATOR = 3
_MOBILE = ("020", "050", "060", "070", "080", "090")
_FREE = ("0120", "0570", "0800", "0990", "0088")
# Words that say a number is to be called or texted (an SMS goes to a mobile number too).
_CONTEXT = re.compile(r"電話|でんわ|tel|☎|📞|携帯|ケータイ|けいたい|fax|ファックス|call|コール|架電|連絡先|番号"
                      r"|自宅|固定|かけて|掛けて|架けて|着信|通話|ダイヤル|押して"
                      r"|(?<![a-z])sms(?![a-z])|ショートメ|ショトメ|しょーとめ|ｼｮｰﾄﾒ", re.IGNORECASE)


# A group of digits written together: (digits, start, end, kinds), kinds one letter per token: d digit,
# n kanji, k kana, e English word, l letter for a digit. A plain tuple of strings and numbers, read with
# the names below: the garbage collector stops tracking those, so a post of thousands of digit groups
# does not set off a full collection of the process (a named tuple, being a subclass, stays tracked).
Group = tuple[str, int, int, str]
DIGITS: Final = 0
START: Final = 1
END: Final = 2
KINDS: Final = 3


@dataclass(frozen=True)
class PhoneHit:
    start: int  # view offsets
    end: int
    certain: bool


def _letter_positions(text: str) -> set[int]:
    found: set[int] = set()
    for m in _LETTER_DIGITS.finditer(text):
        word = m.group()
        if word.isdigit():
            continue
        if any(c.isdigit() for c in word) or (len(word) >= 3 and word.isupper() and _LETTER_NEXT.match(text, m.end())):
            found.update(m.start() + i for i, c in enumerate(word) if c in _LETTER_VALUE)
    return found


_OKURIGANA = frozenset(["に", "し", "ご", "く", "まる"])
# A kana digit before a small kana begins another sound (シ in ショート, キ in キャンセル), not a digit.
_SMALL_KANA = frozenset("ゃゅょぁぃぅぇぉゎャュョァィゥェォヮ")


def _is_word_kanji(ch: str) -> bool:
    return "一" <= ch <= "龥" and ch not in _KANJI_DIGITS


def _tokens(text: str) -> list[tuple[str, int, int, str]]:
    """(kinds, start, end, digits): a run of numerals is one token ("ddd"), anything else one digit."""
    letters = _letter_positions(text)
    out: list[tuple[str, int, int, str]] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "n"
        word = m.group()
        if kind == "n":
            out.append(("d" * len(word) if word.isascii() else "n", m.start(), m.end(), _KANJI_DIGITS.get(word, word)))
        elif kind == "k":
            if text[m.end():m.end() + 1] in _SMALL_KANA:
                continue
            if word in _OKURIGANA and m.start() and _is_word_kanji(text[m.start() - 1]):
                continue  # "頭に〇", "始まる": a particle or the end of a word, not a digit read out
            out.append(("k", m.start(), m.end(), _KANA_DIGIT[word]))
        elif kind == "e":
            out.append(("e", m.start(), m.end(), _WORDS[word.lower()]))
        elif m.start() in letters:
            out.append(("l", m.start(), m.end(), _LETTER_VALUE[word]))
    return out


def _keep(text: str, g: Group) -> bool:
    dotted = "・" in (text[g[START] - 1:g[START]] + text[g[END]:g[END] + 1])  # "ゼロ・ハチ・ゼロ、イチ・サン・ゴ"
    if g[KINDS] in ("e", "k") and (g[KINDS] == "e" or (g[END] - g[START] < 2 and not dotted)):
        return False  # one English word, or one kana (に, し, ご) on its own, is an ordinary word
    if g[START] and text[g[START] - 1] in _NOT_PHONE_BEFORE:
        return False
    if _POSTAL.match(text, max(0, g[START] - 2)) or _POSTAL.match(text, max(0, g[START] - 1)):
        return False
    return not (g[KINDS][-1] in "dnl" and _COUNTER.match(text, g[END]))


_JOINS = {"d": "dl", "l": "dl", "n": "nk", "k": "nk", "e": "e"}


def _joins(text: str, last_kind: str, end: int, kind: str, start: int) -> bool:
    """Digits of one sort written together: 090, ゼロ九ゼロ, "zero nine zero" (not "7710に")."""
    if kind[0] not in _JOINS[last_kind]:
        return False
    return start == end or (kind == "e" and not text[end:start].strip(" -"))


def groups(text: str) -> list[Group]:
    """Digit groups: tokens written next to each other (English words may have a space between)."""
    out: list[Group] = []
    cur: Group | None = None
    for kind, start, end, digit in _tokens(text):
        if cur is not None and _joins(text, cur[KINDS][-1], cur[END], kind, start):
            cur = (cur[DIGITS] + digit, cur[START], end, cur[KINDS] + kind)
            continue
        if cur is not None and _keep(text, cur):
            out.append(cur)
        cur = (digit, start, end, kind)
    if cur is not None and _keep(text, cur):
        out.append(cur)
    return out


Run = tuple[Group, ...]


def _runs(text: str, gs: list[Group]) -> list[Run]:
    """Groups joined by short separators ("090-1234-5678", "〇九〇の一二三四", "zero nine zero, four ...")."""
    runs: list[Run] = []
    cur: list[Group] = []
    for g in gs:
        if cur:
            gap = text[cur[-1][END]:g[START]]
            if len(gap) <= _MAX_SEPARATOR and all(c in _SEPARATORS or c in " の" for c in gap):
                cur.append(g)
                continue
            runs.append(tuple(cur))
        cur = [g]
    if cur:
        runs.append(tuple(cur))
    return runs


def _national(text: str, start: int, digits: list[str]) -> list[str] | None:
    """+81 90-1234-5678 / 0081... / +81 (0)3-... rewritten as the national 090-1234-5678."""
    first = digits[0]
    if first.startswith("0081"):
        first = first[2:]
    elif not (first.startswith("81") and text[max(0, start - 2):start].rstrip(" ").endswith("+")):
        return None
    rest = [first[2:]] + digits[1:] if len(first) > 2 else digits[1:]
    if len(rest) > 1 and rest[0] == "0":  # the "(0)" some people write after +81
        rest = rest[1:]
    if not rest or rest[0].startswith("0"):
        return None
    return ["0" + rest[0]] + rest[1:]


def plausible(digits: str) -> bool:
    """10 or 11 digits that could be dialled in Japan (mobile numbers have 11)."""
    if len(digits) not in (10, 11) or digits[0] != "0":
        return False
    if digits[1] == "0" and not digits.startswith("0088"):
        return False
    if len(digits) == 11:
        return digits.startswith(_MOBILE + ("0800",))
    return not digits.startswith(_MOBILE)


def plausible_loose(digits: str) -> bool:
    return 10 <= len(digits) <= 11 and digits[0] == "0" and digits[1] != "0"


def _loose(text: str, run: Run) -> bool:
    """Nearly a number: read out in kana with a digit short or over, 090-1234-567, or 90-1234-5678."""
    digits = "".join(g[DIGITS] for g in run)
    if any(c in "nk" for g in run for c in g[KINDS]) and plausible_loose(digits):
        return True
    if len(run) >= 4 and plausible(digits):
        return True  # "０９０ ４４ ８７ ２２ ３１": a whole number in odd groups
    context = _context(text, run[0][START], run[-1][END], 12, 12)
    if context and len(digits) == 10 and digits.startswith(("070", "080", "090")):
        return True
    if context and len(run) == 3 and plausible_loose(digits) and len(run[-1][DIGITS]) >= 4:
        return True  # "自宅は045の9876の5432": a digit too many for a landline, but said to be a phone
    if len(run) == 3 and run[0][DIGITS] in _MOBILE and len(run[-1][DIGITS]) == 4 and len(digits) >= 9 \
            and _context(text, run[0][START], run[-1][END], 20, 12):
        return True  # "電話で〇七〇、ナナナナ、1203": a mobile head and tail, the middle read out ambiguously
    return context and len(digits) == 10 and digits.startswith(("70", "80", "90")) and len(run) != 2


def is_phone(groups_: list[str], context: bool) -> bool:
    digits = "".join(groups_)
    if not plausible(digits):
        return False
    sizes = [len(g) for g in groups_]
    if len(groups_) == 1:
        return len(digits) == 11 or digits.startswith(_FREE) or context
    if len(groups_) == 2:
        return 2 <= sizes[0] <= 3 and sizes[1] == 8
    if len(groups_) == 3:
        if digits.startswith(_FREE) and sizes == [4, 3, 3]:
            return True
        return 2 <= sizes[0] <= 5 and 1 <= sizes[1] <= 4 and sizes[2] == 4
    return False


def _placeholder(groups_: list[str]) -> bool:
    """090-0000-0000, 03-0000-0000: the form's example, not someone's number (left alone)."""
    return len(groups_) > 1 and set("".join(groups_[1:])) == {"0"}


# A number glued to a code's letters (INV-090-4417-2218, SKU-…) is that code's, not a phone; a number
# after 請求書番号 or 注文番号 at most held.
_INVOICE_PREFIX = re.compile(r"(?<![A-Za-z])(?!(?:tel|fax|phone|mobile|call|cell)-$)[A-Za-z]{2,8}-$", re.IGNORECASE)
_NOT_A_PHONE = re.compile(r"(?:請求書?|注文|伝票|管理|受付|会員|予約|問い合わせ|お問合せ|案件|型|品|シリアル"
                          r"|invoice|order)(?:番号|no|id|#)", re.IGNORECASE)


# "080-0000-0000": a sample in a form or a manual, whichever way it was found.
_ZEROS = re.compile(r"0000\D?0000$")


def _not_a_phone(text: str, start: int) -> bool:
    return bool(_NOT_A_PHONE.search(text, max(0, start - 12), start))


def _context(text: str, start: int, end: int, before: int, after: int) -> bool:
    return bool(_CONTEXT.search(text, max(0, start - before), min(len(text), end + after)))


def _whole(text: str, run: Run) -> list[PhoneHit]:
    """Whole numbers inside one run of groups (one to five groups of it at a time)."""
    if len(run) >= 10 and all(len(g[DIGITS]) == 1 for g in run):  # "0 9 0 → 1 ..." one digit at a time
        run = (("".join(g[DIGITS] for g in run), run[0][START], run[-1][END], "".join(g[KINDS] for g in run)),)
    hits: list[PhoneHit] = []
    i = 0
    while i < len(run):
        for j in range(min(len(run), i + 5), i, -1):
            digits = [g[DIGITS] for g in run[i:j]]
            if not 10 <= sum(map(len, digits)) <= 14:  # 10 or 11 digits, 14 with 0081 before them
                continue
            start, end = run[i][START], run[j - 1][END]
            national = _national(text, start, digits)
            if national is not None:
                digits = national
                plus = text.rfind("+", max(0, start - 2), start)
                start = plus if plus >= 0 else start
            if plausible("".join(digits)) and is_phone(digits, _context(text, start, start, 12, 0)):
                if start and text[start - 1] in "([「":  # keep "(03)1234-5678" whole
                    start -= 1
                sure = "l" not in "".join(g[KINDS] for g in run[i:j]) and not _not_a_phone(text, start)
                if not _placeholder(digits):
                    hits.append(PhoneHit(start, end, sure))
                i = j
                break
        else:
            i += 1
    return hits


def _without_particle(text: str, run: Run) -> Run | None:
    """"…ロク・ハチに電話を": the last に (or し, ご, く) is a particle, not a digit."""
    last = run[-1]
    if last[KINDS][-1] != "k" or text[last[END] - 1] not in "にしごくニシゴク" or len(last[DIGITS]) < 2:
        return None
    return run[:-1] + ((last[DIGITS][:-1], last[START], last[END] - 1, last[KINDS][:-1]),)


def _in_run(text: str, run: Run) -> list[PhoneHit]:
    """Numbers in a run: whole, nearly whole (held), or written backwards (held)."""
    if sum(len(g[DIGITS]) for g in run) < 9:  # every number read here has ten digits or more (nine: see _loose)
        return []
    hits = _whole(text, run)
    trimmed = None if hits else _without_particle(text, run)
    if trimmed:  # "…ハチに電話を"; but "よんはちさんご です" keeps its ご when nothing whole is left
        hits = _whole(text, trimmed)
        run = trimmed if hits else run
    if not hits and _loose(text, run):
        hits.append(PhoneHit(run[0][START], run[-1][END], False))  # a digit short or over, or no leading 0
    if not hits:
        backwards = [g[DIGITS][::-1] for g in reversed(run)]
        if is_phone(backwards, True) and REVERSED.search(text, max(0, run[0][START] - 30), run[-1][END] + 30):
            hits.append(PhoneHit(run[0][START], run[-1][END], False))
    if not hits and _shifted(text, run):
        hits.append(PhoneHit(run[0][START], run[-1][END], False))
    return hits


# "各桁から1を引くと本当の番号": every digit shifted by a small amount, the rule said beside the number.
_SHIFT = re.compile(r"(?:各|全部の|すべての|全ての)桁[^\n。]{0,8}?(?P<n>[1-3１-３一二三])\s*(?:を|ずつ)?\s*"
                    r"(?P<op>引|足|たす|ひ|マイナス|プラス|減ら|増や)")
_SHIFT_VALUE = {"一": 1, "二": 2, "三": 3}


def _shifted(text: str, run: Run) -> bool:
    m = _SHIFT.search(text, max(0, run[0][START] - 40), run[-1][END] + 40)
    if m is None:
        return False
    n = _SHIFT_VALUE.get(m.group("n")) or int(m.group("n"))
    step = -n if m.group("op") in ("引", "ひ", "マイナス", "減ら") else n
    groups_ = ["".join(str((int(c) + step) % 10) for c in g[DIGITS]) for g in run]
    return is_phone(groups_, True)


def _split(text: str, runs: list[Run]) -> list[PhoneHit]:
    """A number split across a sentence: "頭が080で、真ん中が7731、お尻が0462です" (held, not refused)."""
    hits: list[PhoneHit] = []
    for i, first in enumerate(runs):
        digits = "".join(g[DIGITS] for g in first)
        if not digits.startswith("0") or len(digits) < 2 or len(digits) > 8:
            continue
        for j in range(i + 1, min(len(runs), i + 4)):
            gap = text[runs[j - 1][-1][END]:runs[j][0][START]]
            part = "".join(g[DIGITS] for g in runs[j])
            if len(gap) > 24 or "\n" in gap or len(part) < 2:
                break
            digits += part
            if len(digits) > 11:
                break
            start, end = first[0][START], runs[j][-1][END]
            mobile = _mobile_split(runs[i:j + 1])
            if plausible(digits) and (mobile or _context(text, start, end, 30, 30)):
                hits.append(PhoneHit(start, end, False))
                break
    return hits


def _mobile_split(runs: list[Run]) -> bool:
    """090 … 1234 … 5678 or 090 … 1234-5678: a mobile prefix and two groups of four, however far apart
    in the sentence."""
    sizes = [len(g[DIGITS]) for run in runs for g in run]
    return runs[0][0][DIGITS] in _MOBILE and sizes == [3, 4, 4]


# Which part of a number a group is: "下4桁が6621、その前が3390、頭は080", "残りは52-8896".
_POSITION = re.compile(r"頭|最初|先頭|上|下|前半|後半|真ん中|中間|最後|末尾|お尻|残り|続き|その前|その後|桁"
                       r"|つなげ|繋げ|並べ|合わせ")
_SCATTER_REACH = 60


def _scattered(text: str, runs: list[Run]) -> list[PhoneHit]:
    """A number given in parts in any order, the parts named: "下四桁が4321、上は090-8765" (held).

    A part starting with 0 is the head; up to three of the four parts around it, in any order, make
    the rest. Only when a word names the parts (頭, 下4桁, 残り…) or a phone, so that a 0 and two
    years stay apart.
    """
    hits: list[PhoneHit] = []
    digits_of = ["".join(g[DIGITS] for g in run) for run in runs]
    for i, head in enumerate(digits_of):
        if not (head.startswith("0") and len(head) <= 8):
            continue  # a lone 0 too: "九〇の頭に〇を付けて、続きは六六三一と二〇八七"
        lo, hi = runs[i][0][START] - _SCATTER_REACH, runs[i][-1][END] + _SCATTER_REACH
        if not (_POSITION.search(text, max(0, lo - 20), hi + 20) or _CONTEXT.search(text, max(0, lo - 20), hi + 20)):
            continue  # no word naming parts or a phone anywhere near: nothing to put together
        if hits and runs[i][0][START] < hits[-1].end:
            continue  # already part of a number found
        near = [k for k in range(max(0, i - 2), min(len(runs), i + 3))
                if k != i and 2 <= len(digits_of[k]) <= 8 and lo <= runs[k][0][START] and runs[k][-1][END] <= hi
                and "\n" not in text[min(runs[k][0][START], runs[i][0][START]):max(runs[k][-1][END], runs[i][-1][END])]]
        for size in (1, 2, 3):
            found = next((combo for combo in permutations(near, size)
                          if 10 <= len(head) + sum(len(digits_of[k]) for k in combo) <= 11
                          and plausible(head + "".join(digits_of[k] for k in combo))), None)
            if found is None:
                continue
            start = min(runs[k][0][START] for k in (i, *found))
            end = max(runs[k][-1][END] for k in (i, *found))
            window = (max(0, start - 20), end + 20)
            if _POSITION.search(text, *window) or _CONTEXT.search(text, *window):
                hits.append(PhoneHit(start, end, False))
                break
    return hits


# "5が4つ" is 5555, "7を3回" is 777: a digit counted out instead of written.
_COUNTED = re.compile(r"(?P<d>[0-9]|ゼロ|イチ|サン|ヨン|ロク|ナナ|ハチ|キュウ)\s*(?:が|を)\s*"
                      r"(?P<n>[2-8二三四五六七八])\s*(?:つ|個|回|連続|並び)")
_COUNT_VALUE = {"二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
# "090-4649(よろしく)-3910(サンキュー)": a reading in brackets between the groups.
_GLOSS = re.compile(r"(?<=[0-9])[(（][^()（）\n0-9]{1,10}[)）](?=\s?[\-‐ー−]?\s?[0-9])")


_KANA_ONLY = re.compile(rf"(?:{_KANA_ALT})+")


def _gloss(m: re.Match[str]) -> str:
    """A bracketed reading is dropped; "090（いちにさんよん）5678": digits read in kana stand as the digits."""
    inner = m.group()[1:-1].strip()
    if len(inner) >= 6 and _KANA_ONLY.fullmatch(inner):
        return "".join(g[DIGITS] for g in groups(inner)) or ""
    return ""


def _counted(m: re.Match[str]) -> str:
    digit = m.group("d")
    digit = _KANA_DIGIT.get(digit, digit)
    count = m.group("n")
    return digit * (int(count) if count.isdigit() else _COUNT_VALUE[count])


# "次は1000×3+456、最後は8000+21": parts of a number given as sums, to be worked out.
_SUM = re.compile(r"(?<![0-9.])(?P<a>[0-9]{1,5})\s*(?:[×xX*]\s*(?P<b>[0-9]{1,4})\s*)?\+\s*(?P<c>[0-9]{1,5})(?![0-9.])")


def _worked_out(m: re.Match[str]) -> str:
    value = int(m.group("a")) * int(m.group("b") or 1) + int(m.group("c"))
    return str(value) if value < 100_000 else m.group()


def _numbers(view: View) -> list[PhoneHit]:
    text = view.text
    runs = _runs(text, groups(text))
    hits: list[PhoneHit] = []
    for run in runs:
        hits += _in_run(text, run)
    hits += _split(text, runs) + _scattered(text, runs)
    return [PhoneHit(*view.span(h.start, h.end), h.certain) for h in hits
            if not _INVOICE_PREFIX.search(text, max(0, h.start - 12), h.start)
            and not _ZEROS.search(text, h.start, h.end)]


def find_phones(base: View) -> list[PhoneHit]:
    """Phone numbers, in offsets of the original text."""
    view = base.rewrite(_COUNTED, _counted).rewrite(_GLOSS, _gloss)
    hits = _numbers(view)
    # Sums worked out: held at most, never refused. Only a few: a post of hundreds is arithmetic, not a puzzle.
    if "+" in view.text and _CONTEXT.search(view.text) and len(list(islice(_SUM.finditer(view.text), 9))) <= 8:
        summed = view.rewrite(_SUM, _worked_out)
        if summed is not view:
            hits += [PhoneHit(h.start, h.end, False) for h in _numbers(summed)]
    return hits
