"""Moderation blueprint: closing threads, the report queue and the audit log."""
from .views import bp

__all__ = ["bp"]
