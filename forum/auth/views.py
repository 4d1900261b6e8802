"""Sign up, sign in, sign out."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..forms import EmptyForm
from ..i18n import select_locale
from ..ratelimits import (
    login_per_account,
    login_per_address,
    password_reset_per_address,
    password_reset_per_email,
    signup_per_address,
)
from ..urls import safe_next
from . import services
from .forms import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm

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
        user = services.register(form.username.data, form.email.data, form.password.data, select_locale())
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


@bp.route("/reset", methods=["GET", "POST"])
@password_reset_per_address
@password_reset_per_email
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer whether or not the address is registered.
        flash(_("%(email)s が登録されていれば、パスワード再設定用のリンクをお送りしました。メールをご確認ください。",
                email=form.email.data), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        services.user_for_reset(token)
    except services.ResetLinkError as error:
        return render_template("auth/reset_invalid.html", message=str(error)), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        flash(_("パスワードを変更しました。新しいパスワードでログインしてください。"), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, token=token), 422 if form.is_submitted() else 200
