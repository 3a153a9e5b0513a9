"""Login required everywhere, session time limits, the person's own language."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

PUBLIC_PREFIXES = ("/accounts/login/", "/accounts/password-reset/", "/accounts/reset/", "/static/", "/healthz",
                   "/i18n/")


class LoginRequiredMiddleware:
    """Every page needs a login except the login and password-reset pages, static files and the
    health check. A person flagged to change their password is sent to do so first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(PUBLIC_PREFIXES):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.must_change_password and not path.startswith(
                ("/accounts/password-change/", "/accounts/logout/")
            ):
                return redirect("password_change")
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """Idle timeout is the session cookie age (renewed each request); this adds the absolute one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get("qms_login_at")
            now = int(time.time())
            if started is None:
                request.session["qms_login_at"] = now
            elif now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                return redirect_to_login(request.get_full_path(), reverse("login"))
        return self.get_response(request)


class UserLanguageMiddleware:
    """Without a language cookie, a signed-in person sees their preferred language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
