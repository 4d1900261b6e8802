"""FAQ blueprint: よくある質問."""
from .views import bp

__all__ = ["bp"]
