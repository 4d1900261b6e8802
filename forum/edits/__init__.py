"""Edits: authors edit their own questions and answers."""
