"""Unit tests: services, permissions, text helpers."""
