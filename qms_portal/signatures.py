"""Signing a transition: the person types their password again, and it is checked here.

A signature's password counts as a sign-in attempt: it goes through Django's ``authenticate`` with
the request, so django-axes counts a wrong one against the same user name and address as a wrong
sign-in, refuses while that pair is locked out, and shows the same lockout page. When a wrong
signature starts the lockout, the session is ended: whoever sits at an unlocked screen cannot go
on guessing. The check runs before the transition's transaction (``Workflow.perform``), so the
failed attempt axes writes is not rolled back with the refused transition.

Without a request (a task, a management command, a test calling a service) the password is
checked directly.
"""


from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.utils.translation import gettext_lazy as _

from .middleware import current_request


def verify_signature(user, password):
    """Raise ``TransitionError`` unless ``password`` is ``user``'s (and the user name is not locked
    out on this address)."""
    from .workflow import TransitionError

    wrong = TransitionError(_("The password is not correct. Your signature was not recorded."))
    request = current_request()
    if request is None or not settings.AXES_ENABLED:
        if not (password and user.check_password(password)):
            raise wrong
        return
    from axes.handlers.proxy import AxesProxyHandler

    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    signer = authenticate(request, username=user.get_username(), password=password or "")
    if signer is not None and signer.pk == user.pk:
        return
    if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
        # Locked out now (by this attempt or before it): the session ends, and the lockout page
        # replaces the answer (axes' middleware, from ``request.axes_locked_out``).
        request.axes_locked_out = True
        request.axes_credentials = credentials
        logout(request)
        raise TransitionError(_("Too many wrong passwords: you were signed out. Try again later."))
    raise wrong
