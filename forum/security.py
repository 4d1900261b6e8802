"""Security headers on every response (Flask-Talisman) and the cookie settings behind them.

The policy allows only what the application serves itself: scripts and styles are files under
static/ (no inline script, no style attribute, no nonce), images from here or data: URLs, forms
posting back here. Nobody may frame a page. Talisman writes the headers in an after-request hook,
which runs for page-cache hits too (forum/pagecache.py answers those in the first before-request
hook, before any other before-request hook), so a cached page carries the same headers.

HTTPS=1 (the site is served over TLS, directly or behind a proxy) adds HSTS and marks every
cookie Secure. Talisman never redirects to https itself: the TLS terminator does that.
"""
from flask import Flask, Response, current_app, request
from flask_talisman import Talisman
from werkzeug.datastructures import Headers

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
# Powerful browser features the forum never uses, turned off for its pages and any frame in them.
PERMISSIONS_POLICY = {feature: "()" for feature in (
    "camera", "microphone", "geolocation", "payment", "usb")}

class KeptHeadersTalisman(Talisman):
    """Talisman, with its headers worked out once per kind of request.

    Talisman builds every policy string again for every response (~40 µs: a tenth of a page
    cache hit). Without nonces or per-view options, what it writes depends only on whether the
    request came over TLS: the headers it wrote for the first such request are copied onto the
    next ones. A view with options of its own (the `talisman(...)` decorator) gets Talisman's own.
    """

    def _set_response_headers(self, response: Response) -> Response:
        view = current_app.view_functions.get(request.endpoint or "")
        if self.content_security_policy_nonce_in or hasattr(view, "talisman_view_options"):
            return super()._set_response_headers(response)
        key = (request.is_secure, request.headers.get("X-Forwarded-Proto", "http") == "https")
        kept = self.__dict__.setdefault("_kept_headers", {})
        headers = kept.get(key)
        if headers is None:
            scratch = Response()
            scratch.headers = Headers()
            super()._set_response_headers(scratch)
            headers = kept[key] = list(scratch.headers.items())
        for name, value in headers:
            response.headers[name] = value
        return response


def init_app(app: Flask) -> None:
    https = bool(app.config.get("HTTPS"))
    if https:
        for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            app.config[name] = True
    # One Talisman per application: it keeps its options on itself.
    app.extensions["talisman"] = KeptHeadersTalisman(
        app,
        force_https=False,
        strict_transport_security=https,
        strict_transport_security_max_age=app.config.get("HSTS_SECONDS", 365 * 24 * 3600),
        strict_transport_security_include_subdomains=False,
        # Talisman would otherwise force Secure cookies (breaking plain-HTTP development).
        session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
    )
