"""Usage counters for the operators' insight: FAQ views and searches with no result, per Tokyo day.

One UPSERT per event on its own short transaction (never the request's ORM session, so it
neither moves the page cache's content version nor commits anything else). The hook runs
after every response, cache hits included: a guest reading a cached FAQ page is counted.
"""
import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, Response, current_app, request
from sqlalchemy.dialects import postgresql, sqlite

from . import pagecache
from .extensions import db
from .models.operators import DailyCounter

log = logging.getLogger(__name__)

# Written into the search results page when nothing was found; read back from the page, so a
# cached page (which keeps only its body) still says it was empty.
EMPTY_SEARCH_MARK = b'data-search-empty="1"'


def today() -> date:
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def record(kind: str, day: date | None = None, amount: int = 1) -> None:
    """Add to today's counter of `kind` (one statement; a failure is logged, never raised:
    a counter must not cost a reader their page)."""
    table = DailyCounter.__table__
    with db.engine.connect() as conn:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(table).values(day=day or today(), kind=kind, count=amount)
        stmt = stmt.on_conflict_do_update(index_elements=["day", "kind"],
                                          set_={"count": table.c.count + stmt.excluded.count})
        try:
            conn.execute(stmt)
            conn.commit()
        except sa.exc.SQLAlchemyError as error:
            conn.rollback()
            log.warning("usage counter %s: %s", kind, error)


_COUNTED_ENDPOINTS = ("faq.index", "search.search")


def _event(response: Response) -> str | None:
    """The counted event this response is, if any."""
    if request.method != "GET":
        return None
    if request.endpoint == "faq.index" and response.status_code in (200, 304):
        return "faq_view"
    if (request.endpoint == "search.search" and response.status_code == 200 and not response.is_streamed
            and (request.args.get("q") or "").strip() and not request.args.get("page")
            and EMPTY_SEARCH_MARK in response.get_data()):
        return "search_empty"
    return None


def count_events(response: Response) -> Response:
    kind = _event(response)
    if kind is not None:
        record(kind)
    return response


def init_app(app: Flask) -> None:
    """After the blueprints: the counted views are marked to reach the app on every request."""
    app.after_request(count_events)
    for endpoint in _COUNTED_ENDPOINTS:
        pagecache.reach_app_each_time(app.view_functions[endpoint])
