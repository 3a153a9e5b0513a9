"""The documents area's messages (title templates, rendered in the reader's language)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from qms_portal.notifications import Kind

KINDS = {
    "revision_review_requested": _("Please review: %(object)s"),
    "revision_approval_requested": _("Reviewed and waiting for your approval: %(object)s"),
    "revision_changes_requested": _("Changes requested on %(object)s: %(reason)s"),
    "revision_approved": _("Approved: %(object)s"),
    "revision_acknowledge": _("New effective revision to read and acknowledge: %(object)s"),
    "changerequest_submitted": _("A change was proposed for %(object)s"),
    "changerequest_accepted": _("Your proposed change was accepted: %(object)s"),
    "changerequest_declined": _("Your proposed change was declined: %(object)s — %(reason)s"),
    # Grouped: one message per person listing the records (``count`` and ``objects``).
    "acknowledgements_overdue": Kind(
        title=ngettext_lazy("%(count)s revision still to read and acknowledge",
                            "%(count)s revisions still to read and acknowledge", "count"),
        text=_("Distributed to you more than %(days)s days ago."),
    ),
    "reviews_due": Kind(
        title=ngettext_lazy("Periodic review due for %(count)s document",
                            "Periodic review due for %(count)s documents", "count"),
        text=_("Each document is listed with the date its review is due."),
    ),
    "legal_review_required": Kind(
        title=ngettext_lazy("%(count)s document needs review: %(legal)s is now %(status)s",
                            "%(count)s documents need review: %(legal)s is now %(status)s", "count"),
        text=_("These documents cite it; each is marked “review required” in the register."),
    ),
    "announcement_scope_changed": Kind(
        title=ngettext_lazy("The scope of %(count)s unit changed since its announcement of conformity",
                            "The scope of %(count)s units changed since their announcement of conformity", "count"),
        text=_("A document was added to or withdrawn from the register since the announcement (dated beside each "
               "unit): announce again."),
    ),
    # One message per record: kept so that messages written before grouping still render.
    "acknowledge_overdue": _("Still to read and acknowledge after %(days)s days: %(object)s"),
    "review_due": _("Periodic review due on %(date)s: %(object)s"),
    "review_overdue": _("Periodic review overdue since %(date)s: %(object)s"),
    "legal_changed": _("Legal basis %(legal)s changed: review %(object)s"),
}
