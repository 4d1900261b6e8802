"""Plain text to safe HTML with clickable links: comments are not Markdown."""
import re

from markupsafe import Markup, escape

# http(s) URLs up to whitespace, a full-width space or a closing bracket/quote around them.
_URL = re.compile(r"https?://[^\s\u3000<>\"'「」『』（）()【】、。]+")
_TRAILING = ".,;:!?"


def _link(url: str) -> Markup:
    return Markup('<a href="{0}" rel="nofollow noopener ugc">{0}</a>').format(url)


def render_comment(text: str) -> Markup:
    """Escape everything, make http(s) URLs links (rel=nofollow ugc), keep line breaks."""
    text = text or ""
    parts: list[Markup] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0)
        trail = len(url) - len(url.rstrip(_TRAILING))
        end = match.end() - trail
        parts.append(escape(text[position:match.start()]))
        parts.append(_link(text[match.start():end]))
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts).replace("\n", Markup("<br>\n"))
