"""Forms shared by more than one feature: the one-button form, the whitespace filter, and (in
posts and moderation) the post and moderator forms that several features render."""
from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A one-button POST form; it exists to carry the CSRF token."""


def strip_whitespace(value):
    """WTForms filter: trim what was typed, so "  " counts as empty and names compare cleanly."""
    return value.strip() if isinstance(value, str) else value
