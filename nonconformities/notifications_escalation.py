"""ncscale: the escalation sweep's grouped message (rendered in the reader's language)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from qms_portal.notifications import Kind

KINDS = {
    # ONE message per person and run, listing every action due (services.escalation).
    "actions_escalated": Kind(
        title=ngettext_lazy("%(count)s corrective action due or overdue",
                            "%(count)s corrective actions due or overdue", "count"),
        text=_("Each action is listed with how late it is and its due date. Complete it, or ask for a later "
               "due date with a reason."),
    ),
}
