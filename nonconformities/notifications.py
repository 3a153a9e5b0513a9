"""The nonconformities area's messages (title templates, rendered in the reader's language)."""

from django.utils.translation import gettext_lazy as _

# --- nc-core: nonconformities, corrective actions, extensions ---------------------------------
CORE_KINDS = {
    "nonconformity_reported": _("New nonconformity to review: %(object)s"),
    "nonconformity_rejected": _("Not accepted as a nonconformity: %(object)s — %(reason)s"),
    "nonconformity_to_verify": _("Actions completed, please verify effectiveness: %(object)s"),
    "nonconformity_not_effective": _("Actions not effective, analyse the cause again: %(object)s — %(reason)s"),
    "nonconformity_closed": _("Nonconformity closed: %(object)s"),
    "action_assigned": _("Corrective action assigned to you (due %(due)s): %(object)s"),
    "extension_requested": _("Due date extension requested to %(due)s: %(object)s"),
    "extension_approved": _("Due date extension approved, now due %(due)s: %(object)s"),
    "extension_declined": _("Due date extension declined: %(object)s — %(reason)s"),
}

KINDS = {**CORE_KINDS}
