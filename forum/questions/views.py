"""Thread pages: home, lists, ask, one thread, answer, resolve."""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required

from .. import permissions
from ..decorators import posting_allowed
from ..errors import render_error
from ..exceptions import ForumError
from ..forms.moderation import CloseForm
from ..forms.posts import AnswerForm, QuestionForm, split_tags
from ..holds import held_message
from ..labels import CATEGORY_LABELS, STATUS_LABELS
from ..lookups import get_answer, get_question, may_exist
from ..pagecache import guest_cached, member_page
from ..ratelimits import answer_per_account, question_per_account, retry_after_seconds, wait_text
from ..urls import page_number
from . import services
from .forms import ResolveForm

bp = Blueprint("questions", __name__)


@bp.get("/")
@guest_cached
def home():
    open_threads, resolved = services.home_lists()
    counts = services.answer_counts([q.id for q in open_threads + resolved])
    return render_template("questions/home.html", open_threads=open_threads,
                           resolved=resolved, counts=counts)


def _list_options() -> tuple[bool, str]:
    """?unanswered=1 (未回答 only) and ?sort=newest|answers|helpful; anything else is the default."""
    sort = request.args.get("sort") or "newest"
    return request.args.get("unanswered") == "1", sort if sort in services.SORTS else "newest"


@bp.get("/questions")
@guest_cached
def index():
    status = request.args.get("status") or None
    category = request.args.get("category") or None
    if status not in STATUS_LABELS:
        status = None
    if category not in CATEGORY_LABELS:
        category = None
    unanswered, sort = _list_options()
    pagination = services.list_questions(status, category, page_number(),
                                         current_app.config["QUESTIONS_PER_PAGE"], unanswered, sort)
    counts = services.answer_counts([q.id for q in pagination.items])
    return render_template("questions/index.html", pagination=pagination, counts=counts,
                           status=status, category=category, unanswered=unanswered, sort=sort)


@bp.get("/tags/<name>")
@guest_cached
def tag(name: str):
    tag = services.tag_named(name)
    unanswered, sort = _list_options()
    pagination = services.list_tag_questions(tag, page_number(), current_app.config["QUESTIONS_PER_PAGE"],
                                             unanswered, sort)
    counts = services.answer_counts([q.id for q in pagination.items])
    return render_template("questions/tag.html", tag=tag, pagination=pagination, counts=counts,
                           unanswered=unanswered, sort=sort)


@bp.route("/questions/new", methods=["GET", "POST"])
@login_required
@posting_allowed
@question_per_account
def new():
    form = QuestionForm()
    if form.validate_on_submit():
        question = services.ask_question(
            current_user, category=form.category.data, title=form.title.data, body=form.body.data,
            asker_type=form.asker_type.data, tags=split_tags(form.tags.data),
        )
        flash(held_message() if question.is_held else _("質問を投稿しました。"), "success")
        return redirect(url_for("questions.show", question_id=question.id))
    if not form.is_submitted():
        # "「…」について質問する" on a search with no results starts the draft with the words searched.
        form.title.data = (request.args.get("title") or "").strip()[:120]
    status = 422 if form.is_submitted() else 200
    return render_template("questions/new.html", form=form), status


def _render_thread(question, answer_form=None, status=200, following=None, notice=None, parts=None):
    thread = services.load_thread(current_user, question, following, parts)
    return render_template(
        "questions/show.html", thread=thread, question=question, notice=notice,
        # Guests get no form object: making one makes a CSRF token, and a page with a token
        # is personal (never kept in the page cache).
        answer_form=answer_form or (AnswerForm() if permissions.can_answer(current_user, question) else None),
        close_form=CloseForm() if permissions.can_close_as_duplicate(
            current_user, question, current_app.config["VETERANS_CLOSE_DUPLICATES"]) else None,
    ), status


@bp.get("/questions/<int:question_id>")
@guest_cached
def show(question_id: int):
    if not current_user.is_authenticated or not may_exist(question_id):
        return _page_of(question_id)  # (a 404 for an impossible id)
    # A member's page is theirs alone, and may be kept for them (pagecache.member_page) with
    # what it shows beyond the forum's rows. Opening the thread reads its notifications, even
    # when the page is served again.
    following, unread, version = services.open_for_member(current_user, question_id)
    return member_page((following, unread), lambda: _page_of(question_id, following), version)


def _page_of(question_id: int, following: bool | None = None):
    question, parts = services.question_for_page(current_user, question_id)
    return _render_thread(question, following=following, parts=parts)


@bp.post("/questions/<int:question_id>/answers")
@login_required
@posting_allowed
@answer_per_account
def answer(question_id: int):
    question = get_question(current_user, question_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_thread(question, form, 422)
    answer = services.post_answer(current_user, question, form.body.data)
    flash(held_message() if answer.is_held else _("回答を投稿しました。"), "success")
    return redirect(url_for("questions.show", question_id=question.id, _anchor=f"answer-{answer.id}"))


@bp.route("/questions/<int:question_id>/resolve", methods=["GET", "POST"])
@login_required
@posting_allowed
def resolve(question_id: int):
    """GET: the confirmation step (the chosen answer, or 自己解決), with the お礼 or the note;
    POST: resolve (best_answer_id, thanks, note)."""
    question = get_question(current_user, question_id)
    services.check_resolve(current_user, question)
    on_behalf = question.author_id != current_user.id  # a moderator, for an asker who never came back
    if request.method == "GET":
        best = request.args.get("best_answer_id", "")
        if best and not (best.isascii() and best.isdigit() and len(best) <= 10):
            abort(400)
        form = ResolveForm(formdata=None, best_answer_id=best)
        return _resolve_page(question, form, on_behalf)
    form = ResolveForm()
    if not form.validate_on_submit():
        if form.best_answer_id.errors or "csrf_token" in form.errors:
            abort(400)
        return _resolve_page(question, form, on_behalf), 422
    services.resolve_question(current_user, question, form.best_id, thanks=form.thanks.data or "",
                              note=form.note.data or "")
    flash(_("質問者に代わって解決済みにしました。質問者に通知しました。") if on_behalf
          else _("解決済みにしました。ありがとうございました。"), "success")
    return redirect(url_for("questions.show", question_id=question.id))


def _resolve_page(question, form: ResolveForm, on_behalf: bool) -> str:
    """The confirmation step: the asker's (best answer and お礼, or 自己解決 and its note), or a
    moderator's on the asker's behalf (the best answer, and a note to the asker)."""
    answer = (services.chosen_for_asker if on_behalf else services.chosen_answer)(question, form.best_id)
    if on_behalf:
        form.note.label.text = _("質問者へのメモ（任意・質問者に通知されます）")
    return render_template("questions/resolve.html", question=question, form=form, answer=answer,
                           on_behalf=on_behalf)


@bp.post("/answers/<int:answer_id>/helpful")
@login_required
@posting_allowed
def helpful(answer_id: int):
    answer = get_answer(current_user, answer_id)
    marked = services.toggle_helpful(current_user, answer)
    flash(_("「参考になった」を付けました。") if marked else _("「参考になった」を取り消しました。"), "success")
    return redirect(url_for("questions.show", question_id=answer.question_id, _anchor=f"answer-{answer.id}"))


@bp.errorhandler(RateLimitExceeded)
def rate_limited(error: RateLimitExceeded):
    """Too many posts: the form comes back (429) with what the member wrote, why, and how long
    to wait (in the text and in Retry-After)."""
    wait = retry_after_seconds()
    notice = f"{error.description} {wait_text(wait)}"
    if request.endpoint == "questions.new":
        body, status = render_template("questions/new.html", form=QuestionForm(), notice=notice), 429
    elif request.endpoint == "questions.answer" and request.view_args:
        try:
            question = get_question(current_user, request.view_args["question_id"])
        except ForumError as missing:  # the limit is checked before the view looks the thread up
            return render_error(missing.status_code, missing.message)
        body, status = _render_thread(question, AnswerForm(), 429, notice=notice)
    else:
        body, status = render_error(429, notice)
    response = make_response(body, status)
    response.headers["Retry-After"] = str(wait)
    return response
