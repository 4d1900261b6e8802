"""PostgreSQL connections as pages use them: reads outside a transaction, and a liveness check
without a round trip.

A page's reads inside a transaction cost three round trips beyond the reads themselves: the
pool's liveness ping, BEGIN and, when the connection goes back, ROLLBACK. On a small machine the
database server shares the CPU with the workers, and a thread page served that way ran at 0.095 x
hello where the same reads outside a transaction, without the ping, ran at 0.17 (bench/pages.py,
threads-random, one run).

- Reads outside a transaction. While a GET or HEAD request has its connection, the connection is
  in autocommit, and each plain SELECT is its own transaction: at READ COMMITTED, the default,
  every statement takes its own snapshot anyway, so a page reads what it read before. The first
  statement that is not a plain SELECT (a write, SELECT ... FOR UPDATE, SET LOCAL, text SQL,
  which may be any of these) turns autocommit off before it runs, so it opens a transaction that
  lasts until the request commits or rolls back, as every write did before. Requests that post
  and everything outside a request keep transactions throughout.
- The liveness check. An idle connection has nothing to read from the server; when its socket is
  readable, the server has closed it or is closing it (a restart, pg_terminate_backend), and the
  pool replaces it before the request uses it, as pool_pre_ping did with a round trip.
"""
import select

import sqlalchemy as sa
from flask import has_request_context, request

_READING_METHODS = frozenset({"GET", "HEAD"})


def install(engine: sa.Engine, *, check_liveness: bool = True) -> None:
    """Listen on a PostgreSQL engine's pool and statements (psycopg connections)."""
    sa.event.listen(engine, "checkout", _checked_and_liveness if check_liveness else _set_mode)
    sa.event.listen(engine, "before_cursor_execute", _before_statement)


def _checked_and_liveness(dbapi_connection, record, proxy) -> None:
    if dbapi_connection.closed or _has_something_to_read(dbapi_connection):
        # The pool drops this connection and hands out another (SQLAlchemy's documented way).
        raise sa.exc.DisconnectionError("the server closed this connection")
    _set_mode(dbapi_connection, record, proxy)


def _set_mode(dbapi_connection, _record, _proxy) -> None:
    """Autocommit for a reading request, transactions for everything else: set at every
    checkout (a setting of the client alone on an idle connection), so no mode outlives its
    request."""
    try:
        dbapi_connection.autocommit = has_request_context() and request.method in _READING_METHODS
    except Exception as error:  # noqa: BLE001 - not idle: not fit to hand out
        raise sa.exc.DisconnectionError("the connection is not idle") from error


def _before_statement(connection, _cursor, _statement, _parameters, context, _executemany) -> None:
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection.autocommit and not _plain_read(context) and not _chose_autocommit(connection):
        dbapi_connection.autocommit = False  # this statement opens a transaction


def _plain_read(context) -> bool:
    """A compiled SELECT without a lock: the one kind of statement that may run on its own."""
    statement = getattr(context.compiled, "statement", None) if context is not None else None
    return statement is not None and statement.is_select and getattr(statement, "_for_update_arg", None) is None


def _chose_autocommit(connection: sa.Connection) -> bool:
    """Whether the code asked for autocommit itself (execution option isolation_level)."""
    return connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


def _has_something_to_read(dbapi_connection) -> bool:
    try:
        fd = dbapi_connection.fileno()
    except Exception:  # noqa: BLE001 - no socket left: as closed
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))
