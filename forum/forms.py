"""Forms shared across blueprints."""
from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A one-button POST form; it exists to carry the CSRF token."""
