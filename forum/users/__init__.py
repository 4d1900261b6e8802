"""Users blueprint: public profiles."""
from .views import bp

__all__ = ["bp"]
