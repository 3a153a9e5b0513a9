"""Messages of the one-stop-shop desk (title templates, rendered in the reader's language)."""

from django.utils.translation import gettext_lazy as _

from qms_portal.notifications import Kind

KINDS = {
    "feedback_bad_review": Kind(
        title=_("A citizen was not satisfied at %(unit)s: %(object)s"),
        text=_("Call the citizen back, put it right and record the reply by %(due)s."),
    ),
}
