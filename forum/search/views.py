"""Search pages: /search and /search/suggest; the admins' synonym editor under /search/synonyms."""
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..exceptions import StateConflict
from ..forms import EmptyForm
from ..labels import CATEGORY_LABELS
from ..pagecache import guest_cached
from ..urls import page_number
from . import synonym_admin
from .forms import SearchForm, SynonymForm
from .services import search_threads, suggest

bp = Blueprint("search", __name__)


@bp.get("/search")
@guest_cached
def search():
    form = SearchForm(request.args)
    text = (request.args.get("q") or "")[:200]
    category = request.args.get("category") or None
    if category not in CATEGORY_LABELS:
        category = None
    expired = request.args.get("expired") not in (None, "", "0", "false")
    results = search_threads(text, category, page_number(limit=10_000), current_app.config["SEARCH_PER_PAGE"],
                             expired=expired)
    return render_template("search/results.html", form=form, results=results)


@bp.get("/search/suggest")
@guest_cached
def suggestions():
    text = (request.args.get("q") or "")[:200]
    return jsonify([
        {"id": q.id, "title": q.title, "url": url_for("questions.show", question_id=q.id), "category": q.category,
         "open": is_open}
        for q, is_open in suggest(text)
    ])


# --- the synonym editor (admins) ----------------------------------------------------------------

def _refused(form: SynonymForm, editing=None) -> bool:
    """Put the service's reason on the form's field; True when the pair is refused."""
    problem = synonym_admin.refusal(form.word.data, form.other.data, editing)
    if problem is not None:
        getattr(form, problem.field).errors.append(problem.message)
    return problem is not None


def _stored(form: SynonymForm, save) -> bool:
    """Save through `save`; a pair another admin stored a moment ago comes back as a form error."""
    try:
        save()
    except StateConflict as refusal:
        form.other.errors.append(refusal.message)
        return False
    return True


def _list_page(form: SynonymForm, status: int = 200):
    search = (request.args.get("q") or "").strip()[:50]
    return render_template("search/synonyms.html", form=form, pairs=synonym_admin.pairs(search), search=search,
                           total=synonym_admin.count(), delete_form=EmptyForm()), status


@bp.get("/search/synonyms")
@login_required
def synonyms():
    synonym_admin.require_admin(current_user)
    return _list_page(SynonymForm())


@bp.post("/search/synonyms")
@login_required
def add_synonym():
    synonym_admin.require_admin(current_user)
    form = SynonymForm()
    if form.validate_on_submit() and not _refused(form) and _stored(
            form, lambda: synonym_admin.add_pair(current_user, form.word.data, form.other.data)):
        flash(_("「%(word)s」と「%(other)s」を同義語に追加しました。検索にすぐ反映されます。",
                word=form.word.data, other=form.other.data), "success")
        return redirect(url_for("search.synonyms"), code=303)
    return _list_page(form, 422)


@bp.route("/search/synonyms/<int:pair_id>/edit", methods=["GET", "POST"])
@login_required
def edit_synonym(pair_id: int):
    synonym_admin.require_admin(current_user)
    pair = synonym_admin.get_pair(pair_id)
    form = SynonymForm(obj=pair)
    if form.validate_on_submit() and not _refused(form, pair) and _stored(
            form, lambda: synonym_admin.update_pair(current_user, pair, form.word.data, form.other.data)):
        flash(_("同義語を更新しました。検索にすぐ反映されます。"), "success")
        return redirect(url_for("search.synonyms"), code=303)
    return (render_template("search/synonym_edit.html", form=form, pair=pair),
            422 if form.is_submitted() else 200)


@bp.post("/search/synonyms/<int:pair_id>/delete")
@login_required
def delete_synonym(pair_id: int):
    synonym_admin.require_admin(current_user)
    pair = synonym_admin.get_pair(pair_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    word, other = pair.word, pair.other
    synonym_admin.delete_pair(current_user, pair)
    flash(_("「%(word)s」と「%(other)s」の同義語を削除しました。", word=word, other=other), "success")
    return redirect(url_for("search.synonyms"), code=303)
