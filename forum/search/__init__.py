"""Search blueprint: resolved threads as a knowledge base."""
from .views import bp

__all__ = ["bp"]
