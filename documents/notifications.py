"""The documents area's messages (title templates, rendered in the reader's language)."""

from django.utils.translation import gettext_lazy as _

KINDS = {
    "revision_review_requested": _("Please review: %(object)s"),
    "revision_approval_requested": _("Reviewed and waiting for your approval: %(object)s"),
    "revision_changes_requested": _("Changes requested on %(object)s: %(reason)s"),
    "revision_approved": _("Approved: %(object)s"),
    "revision_acknowledge": _("New effective revision to read and acknowledge: %(object)s"),
    "acknowledge_overdue": _("Still to read and acknowledge after %(days)s days: %(object)s"),
    "changerequest_submitted": _("A change was proposed for %(object)s"),
    "changerequest_accepted": _("Your proposed change was accepted: %(object)s"),
    "changerequest_declined": _("Your proposed change was declined: %(object)s — %(reason)s"),
    "review_due": _("Periodic review due on %(date)s: %(object)s"),
    "review_overdue": _("Periodic review overdue since %(date)s: %(object)s"),
    "legal_changed": _("Legal basis %(legal)s changed: review %(object)s"),
}
