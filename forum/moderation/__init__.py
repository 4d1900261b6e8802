"""Moderation: closing threads, the report queue and the audit log."""
