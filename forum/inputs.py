"""What a browser sends, made into the text a person typed, before any form or view reads it.

Every submitted form value (every text field of every form, and anything else that reads
request.form) passes through `clean_text`:
- line breaks become "\n": a browser submits a textarea's line breaks as CRLF but counts each as
  one character (its maxlength and our live counter, static/js/charcount.js), so the server
  counts them as one too, and the stored text has one kind of line break;
- NUL and the other invisible control characters (all but tab and line breaks) are dropped:
  nobody types them, PostgreSQL cannot store NUL, and refusing the whole form for one would
  lose what the member wrote.
Query parameters are not changed (a NUL there is refused as a bad request: forum/__init__.py).
"""
import re

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.formparser import FormDataParser

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"\r\n?")


def clean_text(value: str) -> str:
    """CRLF and CR to LF; control characters other than tab and LF removed."""
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", value))


def text_length(value: str) -> int:
    """The length the forms check and the counter shows: characters, a line break counts one."""
    return len(clean_text(value))


class CleanFormDataParser(FormDataParser):
    def parse(self, *args, **kwargs):
        stream, form, files = super().parse(*args, **kwargs)
        cleaned = MultiDict((clean_text(key), clean_text(value)) for key, value in form.items(multi=True))
        return stream, self.cls(cleaned), files


class FormRequest(Request):
    """Flask's request whose form values are cleaned as above."""

    form_data_parser_class = CleanFormDataParser
