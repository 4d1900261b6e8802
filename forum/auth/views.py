"""Sign up, sign in, sign out."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..forms import EmptyForm
from ..ratelimits import login_per_account, login_per_address, signup_per_address
from ..urls import safe_next
from . import services
from .forms import LoginForm, RegisterForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _after_login():
    return redirect(safe_next(request.values.get("next")) or url_for("questions.home"))


@bp.route("/register", methods=["GET", "POST"])
@signup_per_address
def register():
    if current_user.is_authenticated:
        return _after_login()
    form = RegisterForm()
    if form.validate_on_submit():
        user = services.register(form.username.data, form.email.data, form.password.data)
        login_user(user)
        flash(_("ようこそ、%(name)sさん。登録が完了しました。", name=user.username), "success")
        return _after_login()
    return render_template("auth/register.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/login", methods=["GET", "POST"])
@login_per_address
@login_per_account
def login():
    if current_user.is_authenticated:
        return _after_login()
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            flash(_("ログインしました。"), "success")
            return _after_login()
        form.password.errors.append(_("ユーザー名（メールアドレス）またはパスワードが違います。"))
    return render_template("auth/login.html", form=form), 422 if form.is_submitted() else 200


@bp.post("/logout")
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("ログアウトしました。"), "info")
    return redirect(url_for("questions.home"))
