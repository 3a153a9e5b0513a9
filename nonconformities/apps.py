from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the nonconformities area gives each seeded role, grouped by part.
ROLES = {}

# desk: nonconforming outputs, apology letters, citizen feedback triage and the desk's QR code
OUTPUT_READ = ["nonconformities.view_nonconformingoutput", "nonconformities.view_citizenfeedback"]
OUTPUT_WRITE = ["nonconformities.add_nonconformingoutput", "nonconformities.change_nonconformingoutput",
                "nonconformities.print_apology_letter"]
TRIAGE = ["nonconformities.change_citizenfeedback", "nonconformities.print_desk_qr"]
DESK_ROLES = {
    "management_representative": [*OUTPUT_READ, *OUTPUT_WRITE, *TRIAGE, "nonconformities.authorise_concession"],
    "document_controller": [*OUTPUT_READ, *OUTPUT_WRITE, *TRIAGE],  # the unit's ISO officer
    "department_head": [*OUTPUT_READ, *OUTPUT_WRITE, *TRIAGE, "nonconformities.authorise_concession"],
    "staff": ["nonconformities.view_nonconformingoutput", "nonconformities.add_nonconformingoutput"],
    "steering_committee": OUTPUT_READ,
    "internal_auditor": OUTPUT_READ,
}
for _code, _perms in DESK_ROLES.items():
    ROLES.setdefault(_code, []).extend(_perms)


def register_desk():
    """desk: the citizen feedback form behind the desk's QR code (a standing token link)."""
    from qms_portal.public_links import register_purpose

    from .forms.desk import PublicFeedbackForm
    from .services import desk_feedback

    register_purpose(
        desk_feedback.PURPOSE,
        title=_("How was our service?"),
        form_class=PublicFeedbackForm,
        handle=desk_feedback.feedback_received,
        template="nonconformities/desk/public_feedback.html",
        permission=desk_feedback.DESK_QR,
        done_message=desk_feedback.thank_you,
        intro=_("Your answer goes to the unit that served you. It takes a minute."),
    )


class NonconformitiesConfig(AppConfig):
    name = "nonconformities"
    verbose_name = _("Nonconformities")

    def ready(self):
        from qms_portal import areas

        from .notifications_desk import KINDS as DESK_KINDS

        areas.register(
            self.label,
            roles=ROLES,
            notification_kinds={**DESK_KINDS},
            menu="nonconformities/nav.html",
        )
        register_desk()
