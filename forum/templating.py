"""The Jinja environment the app renders with."""
from flask.templating import Environment


class ForumEnvironment(Environment):
    """Flask's environment, with each template reading the environment's globals directly.

    Jinja gives every template a ChainMap over the globals (so that a template's own globals
    never leak into the environment's). Ours have none of their own, and the ChainMap is
    slow where it counts: every `{% from "…" import … %}` compares the page's globals with
    the macro file's, testing some eighty names one by one in Python (about a tenth of a
    thread page's rendering). A plain dict makes that a set operation in C.
    """

    def make_globals(self, d):
        return self.globals if not d else super().make_globals(d)
