"""Pick the search backend that matches the database engine in use."""
from .base import SearchBackend, SearchPage
from .postgres import PostgresBackend
from .sqlite import SQLiteBackend

_BACKENDS = {"sqlite": SQLiteBackend(), "postgresql": PostgresBackend()}


def backend_for(session) -> SearchBackend:
    return _BACKENDS[session.get_bind().dialect.name]


def backend_named(engine: str) -> SearchBackend:
    """The backend of a database engine by its dialect name ("sqlite", "postgresql")."""
    return _BACKENDS[engine]


__all__ = ["SearchBackend", "SearchPage", "backend_for", "backend_named"]
