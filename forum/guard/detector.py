"""連絡先ガード: find phone numbers, e-mail addresses, LINE IDs and chat handles in a text, certain or held."""
from __future__ import annotations

from dataclasses import dataclass

from .broad import broad_holds
from .chats import find_chats
from .emails import find_emails
from .phones import find_phones
from .text import base_view

KINDS = ("phone", "email", "line", "chat")


@dataclass(frozen=True)
class Finding:
    """text[start:end] is contact information of `kind`; certain: refuse it, else hold it for a moderator."""

    kind: str
    start: int
    end: int
    certain: bool = True


def _merge(candidates: list[Finding]) -> list[Finding]:
    """Overlapping findings become one: certain if any part is, of the kind of the longest certain part."""
    candidates.sort(key=lambda f: (f.start, -(f.end - f.start)))
    result: list[Finding] = []
    for f in candidates:
        if result and f.start < result[-1].end:
            last = result[-1]
            lead = last
            if f.certain != last.certain:
                lead = f if f.certain else last
            elif f.end - f.start > last.end - last.start:
                lead = f
            result[-1] = Finding(lead.kind, last.start, max(last.end, f.end), last.certain or f.certain)
            continue
        result.append(f)
    return result


def find_contact_info(text: str) -> list[Finding]:
    """Every piece of contact information in `text`, in order, without overlaps; offsets into `text`."""
    if not text:
        return []
    view = base_view(text)
    candidates = [Finding("email", s, e, certain) for s, e, certain in find_emails(view)]
    for s, e, kind, certain in find_chats(view):
        candidates.append(Finding(kind, *view.span(s, e), certain))
    for s, e, kind in broad_holds(view.text):  # looser, so only ever held
        candidates.append(Finding(kind, *view.span(s, e), False))
    for hit in find_phones(view):
        candidates.append(Finding("phone", hit.start, hit.end, hit.certain))
    return _merge(candidates)


def certain_findings(text: str) -> list[Finding]:
    """The findings to refuse the post for."""
    return [f for f in find_contact_info(text) if f.certain]


def uncertain_findings(text: str) -> list[Finding]:
    """The findings to hold the post for, when nothing in it is certain (a moderator looks first)."""
    findings = find_contact_info(text)
    if any(f.certain for f in findings):
        return []
    return findings
