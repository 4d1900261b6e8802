"""Functional tests: the real app through the test client and its HTML forms."""
