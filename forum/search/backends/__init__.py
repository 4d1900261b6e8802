"""Pick the search backend that matches the database engine in use.

base.py is the contract (SearchBackend, SearchPage, Counts); sqlite.py / sqlite_tiers.py and
postgres.py / postgres_sql.py / term_stats.py are the two engines; matching.py is shared.
"""
from .base import Counts, DbSession, SearchBackend, SearchPage
from .postgres import PostgresBackend
from .sqlite import SQLiteBackend

_BACKENDS: dict[str, SearchBackend] = {"sqlite": SQLiteBackend(), "postgresql": PostgresBackend()}


def backend_for(session: DbSession) -> SearchBackend:
    return _BACKENDS[session.get_bind().dialect.name]


def backend_named(engine: str) -> SearchBackend:
    """The backend of a database engine by its dialect name ("sqlite", "postgresql")."""
    return _BACKENDS[engine]


__all__ = ["Counts", "SearchBackend", "SearchPage", "backend_for", "backend_named"]
