"""The operators' insight: what happened to the threads asked in a period, per category and in total.

Every figure comes from a fixed number of statements (eight), whatever the period or the
forum's size. Each thread stores when its first answer and its first veteran answer came and
the minutes to each (questions.first_answer_at, first_answer_minutes, ...; kept by
forum/models/counters.py for every answer and badge event), so the period's threads are counted
by the engine in groups and the waits' percentiles are computed there too (PostgreSQL's
ordered-set aggregates; on SQLite an ordered OFFSET per wanted rank, the counts being known):
no thread is loaded into Python, and the period is a range of one covering index
(ix_questions_insight). Definitions:
- a thread counts in the period it was asked in (Tokyo calendar days, both ends included),
  hidden threads left out; its outcome is its state now;
- answered: at least one visible answer by someone other than the asker;
- resolved: 解決済み with a best answer, or 自己解決 (resolved without one); expired: 回答受付終了;
- time to first answer: asked → the first such answer; "by a veteran": the first one whose
  author holds the 先輩 badge now; median (mean of the middle two) and 90th percentile (nearest rank);
- concentration: the share of the period's visible answers written by the top 10 % of that
  period's answerers (at least one person); new answerers: whose first answer ever is in the period.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import CATEGORIES, Answer, AuditLog, ContactMessage, Question, Report
from ..models.operators import DailyCounter

TOTAL = "total"
URGENT_LIMIT = 20


@dataclass
class Figures:
    """One row of the table: a category, or the total."""

    asked: int = 0
    answered: int = 0
    resolved_best: int = 0
    resolved_self: int = 0
    expired: int = 0
    closed: int = 0
    median_first: float | None = None
    p90_first: float | None = None
    median_veteran: float | None = None
    p90_veteran: float | None = None

    @property
    def unanswered(self) -> int:
        return self.asked - self.answered

    @property
    def resolved(self) -> int:
        return self.resolved_best + self.resolved_self

    @property
    def resolve_rate(self) -> float | None:
        return self.resolved / self.asked if self.asked else None


@dataclass
class Week:
    start: date
    asked: int = 0
    answered: int = 0
    resolved: int = 0
    faq_views: int = 0
    empty_searches: int = 0
    contacts: int = 0


@dataclass
class Insights:
    start: date
    end: date
    figures: dict[str, Figures]
    weeks: list[Week]
    urgent_waiting: list[tuple[int, str, datetime]]
    urgent_waiting_count: int
    reports_received: int = 0
    reports_handled: int = 0
    median_handle_minutes: float | None = None
    report_outcomes: dict[str, int] = field(default_factory=dict)
    suspensions: int = 0
    answerers: int = 0
    answers: int = 0
    top_share: float | None = None
    new_answerers: int = 0
    faq_views: int = 0
    empty_searches: int = 0
    contacts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> Figures:
        return self.figures[TOTAL]


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in Tokyo time."""
    return datetime.combine(start, time(), zone()), datetime.combine(end + timedelta(days=1), time(), zone())


# --- engine-specific arithmetic on times -----------------------------------------------------

def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _minutes(later, earlier):
    if _postgres():
        return sa.func.extract("epoch", later - earlier) / 60.0
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 1440.0


def _week(column, since: datetime):
    """0 for the first seven days from `since`, 1 for the next seven..."""
    origin = sa.literal(since, Question.created_at.type)
    if _postgres():
        return sa.cast(sa.func.floor(sa.func.extract("epoch", column - origin) / 604800), sa.Integer)
    return sa.cast((sa.func.julianday(column) - sa.func.julianday(origin)) / 7, sa.Integer)


# --- the statements ----------------------------------------------------------------------------

def _in_period(since: datetime, until: datetime):
    """The period's visible threads: a range of ix_questions_insight, which holds every column
    the thread figures read (no table rows)."""
    return sa.and_(Question.is_hidden.is_(False), Question.created_at >= since, Question.created_at < until)


def _median(values: list[float]) -> float | None:
    """The middle value (the mean of the middle two); values sorted."""
    n = len(values)
    return (values[(n - 1) // 2] + values[n // 2]) / 2 if n else None


def _counts(since: datetime, until: datetime, figures: dict[str, Figures], weeks: list[Week]) -> dict[str, int]:
    """Counts and the weekly series: the period's threads grouped by what is counted (a few
    hundred rows for a year, whatever the number of threads). Returns how many threads per
    category (and in total) a veteran answered: the percentiles' ranks need it."""
    week = _week(Question.created_at, since)
    answered = Question.first_answer_minutes.is_not(None)
    by_veteran = Question.first_veteran_answer_minutes.is_not(None)
    has_best = Question.best_answer_id.is_not(None)
    rows = db.session.execute(
        sa.select(Question.category, week, Question.status, has_best, answered, by_veteran, sa.func.count())
        .where(_in_period(since, until))
        .group_by(Question.category, week, Question.status, has_best, answered, by_veteran)
    ).all()
    veteran_answered: dict[str, int] = {}
    for category, week_number, status, best, was_answered, veteran, n in rows:
        resolved = status == "resolved"
        for key in (category, TOTAL):
            f = figures.setdefault(key, Figures())
            f.asked += n
            f.answered += n if was_answered else 0
            f.resolved_best += n if resolved and best else 0
            f.resolved_self += n if resolved and not best else 0
            f.expired += n if status == "expired" else 0
            f.closed += n if status == "closed" else 0
            veteran_answered[key] = veteran_answered.get(key, 0) + (n if veteran else 0)
        if 0 <= week_number < len(weeks):
            weeks[week_number].asked += n
            weeks[week_number].answered += n if was_answered else 0
            weeks[week_number].resolved += n if resolved else 0
    return veteran_answered


def _waits():
    """The stored minutes to the first answer and to the first veteran answer (NULL while none),
    to the hundredth, with the Figures fields their median and 90th percentile go to."""
    return ((Question.first_answer_minutes, "median_first", "p90_first"),
            (Question.first_veteran_answer_minutes, "median_veteran", "p90_veteran"))


def _percentiles_postgres(since: datetime, until: datetime, figures: dict[str, Figures]) -> None:
    """Ordered-set aggregates per category and, by ROLLUP, for the total: one statement.
    percentile_cont(0.5) is the mean of the middle two; percentile_disc(0.9) the nearest rank."""
    columns = []
    for wait, _, _ in _waits():
        columns += [sa.func.percentile_cont(0.5).within_group(wait), sa.func.percentile_disc(0.9).within_group(wait)]
    rows = db.session.execute(
        sa.select(Question.category, sa.func.grouping(Question.category), *columns)
        .where(_in_period(since, until))
        .group_by(sa.func.rollup(Question.category))
    ).all()
    for category, is_total, *values in rows:
        f = figures.setdefault(TOTAL if is_total else category, Figures())
        pairs = zip(values[::2], values[1::2], strict=True)
        for (_, median, p90), (median_value, p90_value) in zip(_waits(), pairs, strict=True):
            setattr(f, median, None if median_value is None else float(median_value))
            setattr(f, p90, None if p90_value is None else float(p90_value))


def _percentiles_sqlite(since: datetime, until: datetime, figures: dict[str, Figures],
                        veteran_answered: dict[str, int]) -> None:
    """SQLite: the value at each wanted rank by an ordered OFFSET (the counts are known), each a
    scalar subquery over the covering index, all in one statement."""
    subqueries, targets = [], []
    answered = {key: f.answered for key, f in figures.items()}
    for (wait, median, p90), counts in zip(_waits(), (answered, veteran_answered), strict=True):
        for key, n in counts.items():
            if not n:
                continue
            waits = sa.select(wait).where(_in_period(since, until), wait.is_not(None)).order_by(wait)
            if key != TOTAL:
                waits = waits.where(Question.category == key)
            # The middle value, or the mean of the middle two; the nearest rank ceil(0.9 n).
            middle = waits.limit(2 - n % 2).offset((n - 1) // 2).subquery()
            subqueries += [sa.select(sa.func.avg(middle.c[0])).scalar_subquery(),
                           waits.limit(1).offset((9 * n + 9) // 10 - 1).scalar_subquery()]
            targets += [(key, median), (key, p90)]
    if not subqueries:
        return
    values = db.session.execute(sa.select(*subqueries)).one()
    for (key, name), value in zip(targets, values, strict=True):
        setattr(figures.setdefault(key, Figures()), name, None if value is None else float(value))


def _threads(since: datetime, until: datetime, figures: dict[str, Figures], weeks: list[Week]) -> None:
    """Counts, weekly series and both waits' percentiles, from the stored first-answer minutes
    (two statements; no thread is loaded into Python)."""
    veteran_answered = _counts(since, until, figures, weeks)
    if _postgres():
        _percentiles_postgres(since, until, figures)
    else:
        _percentiles_sqlite(since, until, figures, veteran_answered)


def _urgent_waiting() -> tuple[list[tuple[int, str, datetime]], int]:
    """急募 threads open right now with no visible answer from anyone but the asker, longest first."""
    rows = db.session.execute(
        sa.select(Question.id, Question.title, Question.created_at, sa.func.count().over())
        .where(Question.status == "open", Question.is_hidden.is_(False), Question.category == "urgent",
               Question.first_answer_minutes.is_(None))
        .order_by(Question.created_at, Question.id).limit(URGENT_LIMIT)
    ).all()
    return [(r[0], r[1], r[2]) for r in rows], (rows[0][3] if rows else 0)


def _reports(since: datetime, until: datetime, insights: Insights) -> None:
    rows = db.session.execute(
        sa.select(Report.status, Report.resolution, _minutes(Report.handled_at, Report.created_at))
        .where(Report.created_at >= since, Report.created_at < until)
    ).all()
    waits = sorted(round(float(m), 2) for status, _, m in rows if status == "closed" and m is not None)
    insights.reports_received = len(rows)
    insights.reports_handled = len(waits)
    insights.report_outcomes = dict(Counter(r[1] or "open" if r[0] == "closed" else "open" for r in rows))
    insights.median_handle_minutes = _median(waits)
    insights.suspensions = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditLog)
        .where(AuditLog.action == "suspend", AuditLog.created_at >= since, AuditLog.created_at < until)
    ) or 0


def _answerers(since: datetime, until: datetime, insights: Insights) -> None:
    """Answers per answerer in the period and each one's first answer ever: one pass over the
    covering (author, created_at, is_hidden) index, in author order (no sort, no table reads);
    the answerers are then ranked by their count in the engine, which returns one row."""
    in_period = sa.and_(Answer.created_at >= since, Answer.created_at < until, Answer.is_hidden.is_(False))
    written = sa.func.sum(sa.case((in_period, 1), else_=0))
    per_author = (
        sa.select(written.label("written"), sa.func.min(Answer.created_at).label("first"))
        .group_by(Answer.author_id).having(written > 0).subquery()
    )
    ranked = sa.select(
        per_author.c.written, per_author.c.first,
        sa.func.row_number().over(order_by=per_author.c.written.desc()).label("rank"),
        sa.func.count().over().label("people"),
    ).subquery()
    top = (ranked.c.people + 9) // 10  # the top 10 %, at least one person
    people, answers, top_answers, new = db.session.execute(sa.select(
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(ranked.c.written), 0),
        sa.func.coalesce(sa.func.sum(sa.case((ranked.c.rank <= top, ranked.c.written), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((ranked.c.first >= since, 1), else_=0)), 0),
    )).one()
    insights.answerers, insights.answers, insights.new_answerers = int(people), int(answers), int(new)
    if answers:
        insights.top_share = int(top_answers) / int(answers)


def _help(since: datetime, until: datetime, insights: Insights) -> None:
    start = insights.start
    rows = db.session.execute(
        sa.select(DailyCounter.day, DailyCounter.kind, DailyCounter.count)
        .where(DailyCounter.day >= start, DailyCounter.day <= insights.end)
    ).all()
    for day, kind, count in rows:
        week = insights.weeks[(day - start).days // 7]
        if kind == "faq_view":
            insights.faq_views += count
            week.faq_views += count
        elif kind == "search_empty":
            insights.empty_searches += count
            week.empty_searches += count
    messages = (
        sa.select(ContactMessage.kind, _week(ContactMessage.created_at, since).label("week"))
        .where(ContactMessage.created_at >= since, ContactMessage.created_at < until)
        .subquery()
    )
    contacts = db.session.execute(
        sa.select(messages.c.kind, messages.c.week, sa.func.count()).group_by(messages.c.kind, messages.c.week)
    ).all()
    for kind, week, count in contacts:
        insights.contacts[kind] = insights.contacts.get(kind, 0) + count
        if 0 <= week < len(insights.weeks):
            insights.weeks[week].contacts += count


def compute(start: date, end: date) -> Insights:
    """Every figure of the insight page for the Tokyo days start..end (both included)."""
    since, until = bounds(start, end)
    weeks = [Week(start + timedelta(days=7 * i)) for i in range((end - start).days // 7 + 1)]
    figures: dict[str, Figures] = {key: Figures() for key in (*CATEGORIES, TOTAL)}
    _threads(since, until, figures, weeks)
    urgent, urgent_count = _urgent_waiting()
    insights = Insights(start, end, figures, weeks, urgent, urgent_count)
    _reports(since, until, insights)
    _answerers(since, until, insights)
    _help(since, until, insights)
    return insights


CSV_COLUMNS = ("category", "asked", "answered", "unanswered", "resolved", "expired",
               "median_first_answer_minutes", "median_first_veteran_answer_minutes")


def csv_rows(insights: Insights) -> list[list[str]]:
    """The CSV: a header, one row per category, a total row."""

    def minutes(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}"

    rows = [list(CSV_COLUMNS)]
    for key in (*CATEGORIES, TOTAL):
        f = insights.figures[key]
        rows.append([key, str(f.asked), str(f.answered), str(f.unanswered), str(f.resolved), str(f.expired),
                     minutes(f.median_first), minutes(f.median_veteran)])
    return rows
