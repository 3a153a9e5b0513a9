"""A temporary password changed first, session time limits, the person's own language."""

import contextvars
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

# Every page needs a login: Django's ``LoginRequiredMiddleware`` (settings.MIDDLEWARE) sends an
# anonymous visitor to the sign-in page unless the view is marked ``@login_not_required`` (the
# sign-in and password-reset pages, the health check, the language switch, token pages). Static
# files never get this far: WhiteNoise answers them first.

_current = contextvars.ContextVar("qms_current_request", default=None)


def current_request():
    """The request being served, for code that takes none (None in a task, a management command or a
    test calling a service)."""
    return _current.get()


@contextmanager
def serving(request):
    """``current_request()`` is ``request`` inside the block."""
    token = _current.set(request)
    try:
        yield
    finally:
        _current.reset(token)


class CurrentRequestMiddleware:
    """Makes the request being served known where no request is passed: the signature check (axes
    counts a wrong password by user name and address, ``qms_portal.signatures``) and the pieces
    every page may show, read with a view's first cached read (``qms_portal.fragments``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with serving(request):
            return self.get_response(request)


# What a person who must change their password may still open (besides the public pages).
PASSWORD_CHANGE_PAGES = frozenset({"password_change", "password_change_done", "logout"})


class ForcePasswordChangeMiddleware:
    """A person whose password was set by an administrator changes it before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not user.must_change_password:
            return None
        if not getattr(view_func, "login_required", True):  # a public page: nothing to protect
            return None
        if request.resolver_match.view_name in PASSWORD_CHANGE_PAGES:
            return None
        return redirect("password_change")


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
