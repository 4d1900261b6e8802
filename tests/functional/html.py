"""Read the forms a page really renders, so tests submit what a browser would."""
import html
import re
from html.parser import HTMLParser


class Form:
    """One <form>: its action, method and the values a browser would submit by default."""

    def __init__(self, action: str, method: str, attrs: dict):
        self.action, self.method, self.attrs = action, method.lower(), attrs
        self.fields: list[tuple[str, str]] = []  # (name, value) a browser would send
        self.names: set[str] = set()  # every named control, sent or not
        self.options: dict[str, list[str]] = {}  # radio / select choices per name

    def data(self, **overrides) -> dict:
        """The default submission with some values replaced (like a person typing)."""
        values: dict = {}
        for name, value in self.fields:
            values.setdefault(name, value)
        values.update(overrides)
        return values

    def __repr__(self) -> str:
        return f"<Form {self.method} {self.action} {sorted(self.names)}>"


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: list | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get"), a)
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            form.names.add(name)
            if kind in ("radio", "checkbox"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            form.names.add(name)
            self._textarea = [name, ""]
        elif tag == "select" and name:
            form.names.add(name)
            self._select = {"name": name, "first": None, "selected": None}
            form.options[name] = []
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            form.options[self._select["name"]].append(value)
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            # Browsers normalise newlines and drop one right after <textarea>.
            value = self._textarea[1].replace("\r\n", "\n")
            self._form.fields.append((self._textarea[0], value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"] if self._select["selected"] is not None else self._select["first"]
            if chosen is not None:
                self._form.fields.append((self._select["name"], chosen))
            self._select = None
        elif tag == "form":
            self._form = None


def forms(page) -> list[Form]:
    """Every form on a page (a response or its text)."""
    text = page if isinstance(page, str) else page.get_data(as_text=True)
    parser = _Parser()
    parser.feed(text)
    return parser.forms


def form(page, action_part: str, method: str = "post") -> Form:
    """The one form whose action contains `action_part` (fails loudly otherwise)."""
    found = [f for f in forms(page) if action_part in f.action and f.method == method]
    assert len(found) == 1, f"expected one {method} form with {action_part!r}, found {found}"
    return found[0]


def submit(client, page, action_part: str, follow_redirects: bool = False, **overrides):
    """Fill in the form found on `page` and post it, as a browser would."""
    f = form(page, action_part)
    return client.post(f.action, data=f.data(**overrides), follow_redirects=follow_redirects)


def text(response) -> str:
    return response.get_data(as_text=True)


def answer_ids(page) -> list[int]:
    """Answer element ids in page order."""
    body = page if isinstance(page, str) else page.get_data(as_text=True)
    return [int(n) for n in re.findall(r'id="answer-(\d+)"', body)]


def visible_text(page) -> str:
    """The page without tags, for checking what a reader sees."""
    body = page if isinstance(page, str) else page.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def links(page, href_part: str) -> list[str]:
    """The hrefs of the page's links that contain `href_part` (entities decoded, as a browser would)."""
    body = page if isinstance(page, str) else page.get_data(as_text=True)
    return [html.unescape(h) for h in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', body) if href_part in html.unescape(h)]


def follow_link(client, page, href_part: str):
    """GET the one link on `page` whose href contains `href_part` (fails loudly otherwise)."""
    found = links(page, href_part)
    assert len(found) == 1, f"expected one link with {href_part!r}, found {found}"
    return client.get(found[0])
