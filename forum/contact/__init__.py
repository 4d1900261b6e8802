"""Contact blueprint: お問い合わせ to the operators, and the admins' inbox."""
from .views import bp

__all__ = ["bp"]
