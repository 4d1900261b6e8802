"""E-mail addresses: written, spelled out (アット, ドット, ★ for ＠), split in two, or a webmail account name."""
from __future__ import annotations

import base64
import binascii
import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from .text import View
from .vocab import AT_MARK_WORDS, CLOSE, DOT_WORDS, KANA_PROVIDERS, MAIL_PROVIDERS, OPEN, REVERSED, USER_NAME

_FILE_EXTENSIONS = frozenset(str.split(
    "png jpg jpeg gif svg webp bmp tif tiff ico heic pdf doc docx xls xlsx ppt pptx csv txt md json xml yml yaml "
    "html htm css scss js ts jsx tsx py rb php java go rs zip mp3 mp4 mov wav psd ai fig sketch"
))
_TLDS = frozenset(str.split(
    "com net org jp co ne or ac go ed gr lg ad info biz io me dev app cloud site online tech design page link work "
    "us uk de fr it es cn kr tw hk sg au ca nz eu asia mobi name pro tokyo osaka nagoya yokohama xyz ai tv cc "
    "email mail studio art jp.net blog shop store"
))
_PLACEHOLDER_LOCALS = frozenset(["example", "sample", "test", "user", "name", "your-name", "yourname", "xxx", "foo",
                                 "hoge", "info"])
_PROVIDER_NAME = re.compile(MAIL_PROVIDERS)
_VERSION = re.compile(r"v?\d")
_KANA_PROVIDERS = tuple((re.compile(words), name) for words, name in KANA_PROVIDERS)
_AT_WORD = rf"(?:{AT_MARK_WORDS}|アット|あっと|at ?mark)"
_DOT_WORD = rf"(?:{DOT_WORDS}|ピリオド|ぴりおど|period)"
_GAP = r"[ 、,]*"
_SPELLED = (
    # (?<! ): see text.py. "morita(a)gmail.com": a bracketed a, at or @ between a name and a domain.
    (re.compile(rf"(?<! )(?<=[A-Za-z0-9_.\-]) *{OPEN} *(?:at|a|@|{_AT_WORD}) *{CLOSE} *(?=[A-Za-z0-9])",
                re.IGNORECASE), "@"),
    (re.compile(rf"(?<! ) *{OPEN} *(?:at|@|{_AT_WORD}) *{CLOSE} *", re.IGNORECASE), "@"),
    (re.compile(rf"(?<=[A-Za-z0-9_.\-]){_GAP}{_AT_WORD}{_GAP}(?=[A-Za-z0-9])", re.IGNORECASE), "@"),
    (re.compile(r"(?<=[A-Za-z0-9_.\-]) *(?:\+ *@ *\+|@ +| +@) *(?=[A-Za-z0-9])"), "@"),
    (re.compile(rf"(?<=[A-Za-z0-9_]) +at +(?=(?:{MAIL_PROVIDERS}|live|me|mac)\b)", re.IGNORECASE), "@"),
    (re.compile(r"(?<=[A-Za-z0-9]) *(?:ドットコム|どっとこむ)"), ".com"),
    (re.compile(rf"(?<=[A-Za-z0-9]){_GAP}{_DOT_WORD}{_GAP}(?=[A-Za-z0-9])", re.IGNORECASE), "."),
    (re.compile(r"(?<=[A-Za-z0-9]) *[。・] *(?=[A-Za-z0-9])"), "."),
)
# A symbol to be replaced by ＠ ("design.k.lab#yahoo.co.jp ※#を@に"): only before a mail provider's name.
_SYMBOL_AT = re.compile(rf"(?<=[A-Za-z0-9_.\-]) *[#★☆*◎●■◆♪&%] *(?=(?:{MAIL_PROVIDERS})\b)", re.IGNORECASE)
_SYMBOL_ANY = re.compile(r"(?<=[A-Za-z0-9_.\-]) *[#★☆*◎●■◆♪&%] *(?=[A-Za-z0-9])")
_INSTRUCTION = re.compile(r"[@＠]|アット|置き?換え|置換|変えて|替えて|直して", re.IGNORECASE)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(
    rf"(?<![A-Za-z0-9._%+\-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+\-]{{0,63}})@(?P<domain>{_LABEL}(?:\.{_LABEL})*)"
    rf"(?:\.(?P<tld>[A-Za-z]{{2,24}})(?![A-Za-z0-9])|(?![A-Za-z0-9.\-]))"
)
_BARE_PROVIDER = re.compile(rf"(?<![A-Za-z0-9._%+\-])@(?:{MAIL_PROVIDERS})(?:\.[a-z]{{2,6}}){{0,3}}\b", re.IGNORECASE)
_PROVIDER = re.compile(rf"(?<![A-Za-z0-9])(?:{MAIL_PROVIDERS})(?:\.[a-z]{{2,6}}){{0,3}}(?![A-Za-z0-9])", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![A-Za-z0-9._\-@])[A-Za-z0-9][A-Za-z0-9._\-]{2,40}")
_DOMAIN = re.compile(r"(?<![A-Za-z0-9._\-])@?(?:[a-z0-9\-]+\.)+(?:com|net|org|jp|me|io|biz|info)(?![A-Za-z0-9.])",
                     re.IGNORECASE)
_MAIL_WORDS = re.compile(r"メール|メアド|アドレス|ドメイン|mail|[@＠]", re.IGNORECASE)
_NEAR = 40


def _email_view(view: View) -> View:
    for pattern, repl in _KANA_PROVIDERS + _SPELLED:
        view = view.rewrite(pattern, repl)
    return view


# Not a mailbox but a program's: "@slack/bolt@3.17.0", "actions/setup-node@v4.0.2" (a version), a bare IP.
_NUMBERED = re.compile(r"v?\d+(?:\.\d+)*")
# Addresses that take no replies, so reach no one: noreply@github.com, taro@users.noreply.github.com.
_NO_REPLY = re.compile(r"(?<![a-z])(?:no-?reply|do-?not-?reply|mailer-daemon)(?![a-z])")
# A login to a machine, not a mailbox: ssh user@host, scp file deploy@web01:/var/www, a URL's
# user part (postgres://admin:secret@db.example.com, https://user@bitbucket.org/...).
_LOGIN_BEFORE = re.compile(r"(?:(?<![a-z])(?:ssh|scp|sftp|rsync|mosh)\b[^\n]*|://[^\s/@]*)$", re.IGNORECASE)
_LOGIN_AFTER = re.compile(r":[/~\d]")


_LOGIN_WORDS = ("://", "ssh", "scp", "sftp", "rsync", "mosh")


def _login(m: re.Match[str]) -> bool:
    text = m.string
    before = text[max(0, m.start() - 60):m.start()].lower()
    if any(w in before for w in _LOGIN_WORDS) and _LOGIN_BEFORE.search(before):  # plain look-ups first: cheap
        return True
    return text.startswith(":", m.end()) and _LOGIN_AFTER.match(text, m.end()) is not None


def _not_a_mailbox(m: re.Match[str]) -> bool:
    """A package's version, an address that takes no replies, or a login to a machine."""
    tld = m.group("tld")
    whole = m.group().lower()
    return bool(_NUMBERED.fullmatch(m.group("domain") + (f".{tld}" if tld else ""))
                or (("reply" in whole or "daemon" in whole) and _NO_REPLY.search(whole)) or _login(m))


def _address(m: re.Match[str]) -> bool | None:
    """True: certain, False: held, None: not an address (a file name such as icon@2x.png, a login)."""
    verdict = _by_shape(m)
    return None if verdict is not None and _not_a_mailbox(m) else verdict


def _by_shape(m: re.Match[str]) -> bool | None:
    domain = m.group("domain").lower()
    tld = (m.group("tld") or "").lower()
    if not tld and "." in domain:
        domain, tld = domain.rsplit(".", 1)
    if tld in _FILE_EXTENSIONS:
        return None
    if not tld:  # "name@gmail", the ".com" said elsewhere
        return False if _PROVIDER_NAME.fullmatch(domain) else None
    if m.group("local").lower() == "git":
        return None  # git's SSH remotes (git@github.com:owner/repo.git), not anyone's mailbox
    if m.group("local").lower() in _PLACEHOLDER_LOCALS and domain.split(".")[0] == "example":
        return False  # the documentation address, example@example.com
    return tld in _TLDS


@lru_cache(maxsize=4096)
def strong_handle(word: str) -> bool:
    """A name someone made up: letters with a dot, underscore, hyphen or digits (taro.y, naoki_photo2023)."""
    word = word.strip("._-")
    letters = sum(c.isalpha() for c in word)
    if letters < 3 or sum(c.islower() for c in word) < 2 or len(word) < 4:
        return False
    if not any(c in "._-" or c.isdigit() for c in word):
        return False
    last = word.rsplit(".", 1)[-1].lower()
    return not ("." in word and last in _FILE_EXTENSIONS) and not _VERSION.match(word)


def _user_name(word: str) -> bool:
    """A made-up name that is not itself a provider's name."""
    return strong_handle(word) and not _PROVIDER.fullmatch(word.strip("."))


def _near_provider(view: View) -> list[tuple[int, int]]:
    """A user name near a mail provider's name: "gmailで shun.writing88 です", "前半 hina.v、後半 yahoo.co.jp".

    The words are found once for the whole post and each mention looks only at those within reach
    (by bisection), so a post that names gmail a thousand times stays fast.
    """
    text = view.text
    spans: list[tuple[int, int]] = []
    mentions = list(_PROVIDER.finditer(text))
    if _MAIL_WORDS.search(text):
        mentions += [d for d in _DOMAIN.finditer(text)
                     if not _PROVIDER.match(text, d.start() + (text[d.start()] == "@"))]
    if not mentions:
        return spans
    words = [(h.start(), h.end()) for h in _HANDLE.finditer(text)]
    starts = [w[0] for w in words]
    for p in mentions:
        lo, hi = max(0, p.start() - _NEAR), min(len(text), p.end() + _NEAR)
        for k in range(bisect_left(starts, lo), len(words)):
            start, end = words[k]
            if start >= hi:
                break
            end = min(end, hi)  # a word running past the reach is cut there
            if end - start < 3 or start == p.start():
                continue
            if start < p.start() < end:
                end = p.start()  # "koji_ux.gmail.com": the name before the provider
            word = text[start:end]
            if _user_name(word):
                spans.append((min(start, p.start()), max(start + len(word.rstrip(".")), p.end())))
                break
    return spans


# "kato@ の後に kato-translations.com": the name and @ here, the domain a few words on.
_DANGLING = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@(?![A-Za-z0-9])")
# "ユーザー名は info", "その頭に info を付けた": the name part, said near a domain.
_LOCAL_INTRO = re.compile(rf"(?:{USER_NAME}|アカウント名?|名前の部分|前の部分|頭|先頭|前)"
                          r"\s*(?:は|が|に|:)?\s*"
                          r"[「『\"]?(?P<h>[A-Za-z0-9][A-Za-z0-9._\-]{1,30})(?![A-Za-z0-9.@])"
                          # "ドメインは abc-works.co.jp で、私は suzuki です": the person's name in lower case
                          r"|(?:私|わたし|僕|自分)\s*は\s*[「『\"]?(?P<p>[a-z][a-z0-9._\-]{1,30})(?![A-Za-z0-9.@])"
                          # "x.com の info 宛に": the mailbox the mail is addressed to
                          r"|(?<![A-Za-z0-9._\-@])(?P<a>[A-Za-z0-9][A-Za-z0-9._\-]{1,30})\s*[」』\"]?\s*(?:宛|あて)")
# "名前のローマ字＋生まれ年でgmailを取ってます": how to make the address up, instead of the address.
_RECIPE = re.compile(r"ローマ字|アルファベット")
_RECIPE_PARTS = re.compile(r"名前|苗字|名字|生まれ|誕生|数字|ユーザー?名|[「『][ぁ-ゖァ-ヺー]{2,}[」』]")
# ...with the pieces given: "ハヤシ ミキ 1995", "「いのうえ ゆうき ろくに」" (not a question about how to choose one).
_RECIPE_GIVEN = re.compile(r"\d{2,}|[「『]")
_RECIPE_MAIL = re.compile(rf"(?:{MAIL_PROVIDERS})|メールアドレス|メアド|アドレス|@の前", re.IGNORECASE)
_AT_PAIR = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._\-]{2,}@[A-Za-z0-9._\-]{2,}")
_REACH = 50


def _parts_near_domains(text: str) -> list[tuple[int, int]]:
    """A domain, and near it a name part given apart: "kato@ の後に x.com", "ドメインは x.jp で、ユーザー名は info"."""
    if not _MAIL_WORDS.search(text):
        return []
    spans = []
    for d in _DOMAIN.finditer(text):
        lo, hi = max(0, d.start() - _REACH), min(len(text), d.end() + _REACH)
        dangling = _DANGLING.search(text, lo, d.start())
        local = dangling or _LOCAL_INTRO.search(text, lo, hi)
        if local is not None and not (d.start() <= local.start() < d.end()):
            spans.append((min(local.start(), d.start()), max(local.end(), d.end())))
    return spans


def _recipes(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _RECIPE.finditer(text):
        lo, hi = max(0, m.start() - 40), min(len(text), m.end() + 40)
        mail = _RECIPE_MAIL.search(text, lo, hi)
        if mail is not None and _RECIPE_PARTS.search(text, lo, hi) and _RECIPE_GIVEN.search(text, lo, hi):
            spans.append((min(mail.start(), m.start()), max(mail.end(), m.end())))
    return spans


# "gmailの先頭は yoshi、続けて taka、最後に 77": the name given in pieces after the provider.
_PIECE = re.compile(r"(?:先頭|最初|頭|続けて|続き|次|その後|後ろ|最後|末尾|お尻)\s*(?:は|に|が|:)?\s*[「『]?"
                    r"[a-z0-9][a-z0-9._\-]{0,20}(?![A-Za-z])")  # lower case: "最初に IMAP、次に SMTP" is settings


def _pieces(text: str) -> list[tuple[int, int]]:
    spans = []
    for p in _PROVIDER.finditer(text):
        pieces = list(_PIECE.finditer(text, p.end(), min(len(text), p.end() + 60)))
        if len(pieces) >= 2:
            spans.append((p.start(), pieces[-1].end()))
    return spans


# "base64で書いておきます: a2VudGEu...": an address encoded, with the encoding named.
_ENCODED_WORDS = re.compile(r"base ?64|デコード|decode", re.IGNORECASE)
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{12,200}={0,2}(?![A-Za-z0-9+/=])")


def _encoded(text: str) -> list[tuple[int, int]]:
    if not _ENCODED_WORDS.search(text):
        return []
    spans = []
    for m in _BASE64.finditer(text):
        try:
            plain = base64.b64decode(m.group() + "=" * (-len(m.group()) % 4), validate=True).decode("ascii")
        except (binascii.Error, ValueError):
            continue
        if any(_address(a) for a in _ADDRESS.finditer(plain)):
            spans.append((m.start(), m.end()))
    return spans


def _reversed(text: str) -> list[tuple[int, int]]:
    """"moc.liamg@okieak ←逆から読んでください": an address written backwards."""
    spans = []
    for m in _AT_PAIR.finditer(text):
        backwards = _ADDRESS.fullmatch(m.group()[::-1])
        if backwards and _address(backwards) and REVERSED.search(text, max(0, m.start() - 30), m.end() + 30):
            spans.append((m.start(), m.end()))
    return spans


def find_emails(base: View) -> list[tuple[int, int, bool]]:
    """(start, end, certain) in original offsets."""
    view = _email_view(base)
    found: list[tuple[int, int, bool]] = []
    unfound: list[re.Match[str]] = []
    for m in _ADDRESS.finditer(view.text):
        verdict = _address(m)
        if verdict is not None:
            found.append((*view.span(m.start(), m.end()), verdict))
        else:
            unfound.append(m)
    symbol = view.rewrite(_SYMBOL_ANY if _INSTRUCTION.search(view.text) else _SYMBOL_AT, "@")
    if symbol is not view:
        for m in _ADDRESS.finditer(symbol.text):
            if _address(m) is not None:
                found.append((*symbol.span(m.start(), m.end()), False))
    for m in _BARE_PROVIDER.finditer(view.text):
        found.append((*view.span(m.start(), m.end()), False))
    starts = [m.start() for m in unfound]
    for s, e in (_near_provider(view) + _parts_near_domains(view.text) + _recipes(view.text) + _reversed(view.text)
                 + _pieces(view.text) + _encoded(view.text)):
        if not _over_a_login(unfound, starts, s, e):
            found.append((*view.span(s, e), False))
    return found


def _over_a_login(unfound: list[re.Match[str]], starts: list[int], start: int, end: int) -> bool:
    """text[start:end] overlaps something written as an address that is a program's or a machine's
    (ssh ec2-user@host, noreply@github.com): the looser rules do not find it again in pieces."""
    k = bisect_right(starts, end - 1) - 1
    while k >= 0 and unfound[k].end() > start:
        if _not_a_mailbox(unfound[k]):
            return True
        k -= 1
    return False
