"""Reports blueprint: members flag a question or an answer for the moderators."""
from .views import bp

__all__ = ["bp"]
