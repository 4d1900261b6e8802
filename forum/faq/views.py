"""よくある質問: the FAQ page, and the admins' editor."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..forms import EmptyForm
from ..pagecache import guest_cached
from . import services
from .forms import FaqEntryForm, MoveForm

bp = Blueprint("faq", __name__)


@bp.get("/faq")
@guest_cached
def index():
    return render_template("faq/index.html", sections=services.sections())


@bp.get("/faq/manage")
@login_required
def manage():
    services.require_editor(current_user)
    return render_template("faq/manage.html", sections=services.sections(), candidates=services.candidates(),
                           form=EmptyForm())


@bp.route("/faq/entries/new", methods=["GET", "POST"])
@login_required
def new():
    services.require_editor(current_user)
    form = FaqEntryForm()
    source = None
    source_id = request.args.get("from", type=int) or (int(form.source_question_id.data)
                                                        if (form.source_question_id.data or "").isdigit() else None)
    if source_id:
        source = services.promotable_thread(current_user, source_id)
    if form.validate_on_submit():
        entry = services.create_entry(current_user, form.category.data, form.question.data, form.answer.data,
                                      source.id if source is not None else None)
        flash(_("よくある質問に追加しました。"), "success")
        return redirect(url_for("faq.index", _anchor=entry.anchor))
    if not form.is_submitted() and source is not None:
        form.question.data, form.answer.data = services.draft_from_thread(source)
        form.source_question_id.data = str(source.id)
    return render_template("faq/edit.html", form=form, entry=None, source=source), 422 if form.is_submitted() else 200


@bp.route("/faq/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int):
    services.require_editor(current_user)
    entry = services.get_entry(entry_id)
    form = FaqEntryForm(obj=entry)
    if form.validate_on_submit():
        services.update_entry(current_user, entry, form.category.data, form.question.data, form.answer.data)
        flash(_("よくある質問を更新しました。"), "success")
        return redirect(url_for("faq.index", _anchor=entry.anchor))
    return render_template("faq/edit.html", form=form, entry=entry, source=None), 422 if form.is_submitted() else 200


@bp.post("/faq/entries/<int:entry_id>/delete")
@login_required
def delete(entry_id: int):
    services.require_editor(current_user)
    entry = services.get_entry(entry_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.delete_entry(current_user, entry)
    flash(_("よくある質問から削除しました。"), "success")
    return redirect(url_for("faq.manage"), code=303)


@bp.post("/faq/entries/<int:entry_id>/move")
@login_required
def move(entry_id: int):
    services.require_editor(current_user)
    entry = services.get_entry(entry_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    services.move_entry(current_user, entry, form.direction.data)
    return redirect(url_for("faq.manage", _anchor=entry.anchor), code=303)
