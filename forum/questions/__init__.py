"""Questions blueprint: asking, answering and resolving threads."""
from .views import bp

__all__ = ["bp"]
