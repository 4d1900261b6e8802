"""Holding posts: text whose only findings are uncertain is saved but held for a moderator, who
sees the suspicious spans marked."""
from markupsafe import Markup

from .detector import uncertain_findings
from .validators import excerpt


def should_hold(*texts: str | None) -> bool:
    """Any of the post's texts (title, body, tags…) has uncertain findings (and, the form having
    refused certain ones, nothing certain)."""
    return any(uncertain_findings(text) for text in texts if text)


def marked_spans(text: str | None) -> list[Markup]:
    """The suspicious spans of `text`, each with a little context and the span in <mark>."""
    if not text:
        return []
    return [excerpt(text, f) for f in uncertain_findings(text)]
