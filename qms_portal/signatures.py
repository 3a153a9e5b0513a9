"""Signing a transition: the person types their password again, and it is checked here."""

from django.utils.translation import gettext_lazy as _


def verify_signature(user, password):
    """Raise ``TransitionError`` unless ``password`` is ``user``'s."""
    from .workflow import TransitionError

    if not (password and user.check_password(password)):
        raise TransitionError(_("The password is not correct. Your signature was not recorded."))
