"""Edits blueprint: authors edit their own questions and answers."""
from .views import bp

__all__ = ["bp"]
