"""The operators' insight: /moderation/insights (figures, charts, tables) and its CSV."""
import csv
import io
from datetime import date, datetime, timedelta

from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..decorators import moderator_required
from ..exceptions import PermissionDenied
from ..labels import CONTACT_KIND_LABELS, REPORT_OUTCOME_LABELS
from ..models import CATEGORIES
from . import insights
from .charts import line_chart
from .forms import InsightsForm

bp = Blueprint("insights", __name__)

MAX_PERIOD_DAYS = 400
DEFAULT_PERIOD_DAYS = 84  # twelve weeks


def _allowed() -> None:
    if not permissions.can_view_insights(current_user):
        raise PermissionDenied(_("この操作はモデレーターだけが行えます。"))


def _period() -> tuple[InsightsForm, date, date, str | None]:
    """The period asked for (default: the twelve weeks up to today), or what is wrong with it."""
    form = InsightsForm(request.args)
    today = datetime.now(insights.zone()).date()
    if not form.validate():
        return form, today, today, _("日付は YYYY-MM-DD の形式で入力してください。")
    end = form.end.data or today
    start = form.start.data or end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if start > end:
        return form, start, end, _("開始日は終了日と同じか、それより前にしてください。")
    if (end - start).days >= MAX_PERIOD_DAYS:
        return form, start, end, _("期間は%(days)d日以内にしてください。", days=MAX_PERIOD_DAYS)
    return form, start, end, None


def _charts(data: insights.Insights) -> list:
    weeks = [w.start for w in data.weeks]
    return [
        line_chart("chart-threads", _("週ごとの質問・回答・解決"),
                   _("%(start)s から %(end)s までの週ごとの、質問された数、回答がついた数、解決した数。"
                     "数値は右の表にあります。", start=data.start.isoformat(), end=data.end.isoformat()),
                   weeks, [(_("質問"), [w.asked for w in data.weeks]),
                           (_("回答あり"), [w.answered for w in data.weeks]),
                           (_("解決"), [w.resolved for w in data.weeks])]),
        line_chart("chart-help", _("週ごとのヘルプの流れ"),
                   _("よくある質問の閲覧、結果のない検索、質問、お問い合わせの週ごとの数。数値は右の表にあります。"),
                   weeks, [(_("よくある質問の閲覧"), [w.faq_views for w in data.weeks]),
                           (_("結果のない検索"), [w.empty_searches for w in data.weeks]),
                           (_("質問"), [w.asked for w in data.weeks]),
                           (_("お問い合わせ"), [w.contacts for w in data.weeks])]),
    ]


@bp.get("/moderation/insights")
@login_required
@moderator_required
def page():
    _allowed()
    form, start, end, error = _period()
    if error:
        return render_template("moderation/insights.html", form=form, error=error, data=None), 400
    data = insights.compute(start, end)
    return render_template("moderation/insights.html", form=form, error=None, data=data,
                           charts=_charts(data), categories=(*CATEGORIES, insights.TOTAL),
                           OUTCOME_LABELS=REPORT_OUTCOME_LABELS, CONTACT_KIND_LABELS=CONTACT_KIND_LABELS)


@bp.get("/moderation/insights.csv")
@login_required
@moderator_required
def as_csv():
    _allowed()
    _form, start, end, error = _period()
    if error:
        abort(400, error)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(insights.csv_rows(insights.compute(start, end)))
    response = make_response(buffer.getvalue())
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f"attachment; filename=insights-{start}-{end}.csv"
    return response
