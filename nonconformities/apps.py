from celery.schedules import crontab
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# --- nc-core: nonconformities, corrective actions, extensions ---------------------------------
NC_READ = ["nonconformities.view_nonconformity", "nonconformities.view_correctiveaction",
           "nonconformities.view_duedateextension"]
NC_RAISE = ["nonconformities.add_nonconformity"]
NC_MANAGE = ["nonconformities.change_nonconformity", "nonconformities.add_correctiveaction",
             "nonconformities.change_correctiveaction", "nonconformities.complete_correctiveaction"]

# What the nonconformities area gives each seeded role (the core's roles.py holds the core's part).
CORE_ROLES = {
    "steering_committee": [*NC_READ],
    "management_representative": [*NC_READ, *NC_RAISE, "nonconformities.verify_nonconformity",
                                  "nonconformities.close_nonconformity", "nonconformities.decide_extension"],
    "document_controller": [*NC_READ, *NC_RAISE, "nonconformities.accept_nonconformity"],
    "department_head": [*NC_READ, *NC_RAISE, *NC_MANAGE, "nonconformities.accept_nonconformity"],
    "staff": [*NC_READ, *NC_RAISE],
    "internal_auditor": [*NC_READ, *NC_RAISE],
}


def _merge(*parts):
    roles = {}
    for part in parts:
        for role, perms in part.items():
            roles.setdefault(role, []).extend(perms)
    return roles


# desk: nonconforming outputs, apology letters, citizen feedback triage and the desk's QR code
OUTPUT_READ = ["nonconformities.view_nonconformingoutput", "nonconformities.view_citizenfeedback"]
OUTPUT_WRITE = ["nonconformities.add_nonconformingoutput", "nonconformities.change_nonconformingoutput",
                "nonconformities.print_apology_letter"]
TRIAGE = ["nonconformities.change_citizenfeedback", "nonconformities.print_desk_qr"]
# one file, one rating: who hands a citizen the feedback link of their file, and sees those handed out
CASE_LINKS = ["nonconformities.view_casefeedbackrequest", "nonconformities.issue_case_feedback_link"]
DESK_ROLES = {
    "management_representative": [*OUTPUT_READ, *OUTPUT_WRITE, *TRIAGE, *CASE_LINKS,
                                  "nonconformities.authorise_concession"],
    "document_controller": [*OUTPUT_READ, *OUTPUT_WRITE, *TRIAGE, *CASE_LINKS],  # the unit's ISO officer
    "department_head": [*OUTPUT_READ, *OUTPUT_WRITE, *TRIAGE, *CASE_LINKS, "nonconformities.authorise_concession"],
    "staff": ["nonconformities.view_nonconformingoutput", "nonconformities.add_nonconformingoutput", *CASE_LINKS],
    "steering_committee": [*OUTPUT_READ, "nonconformities.view_casefeedbackrequest"],
    "internal_auditor": OUTPUT_READ,
}


# ncreports: the register as XLSX (a background job), the PDF report, the dashboard's figures
REPORTS_ROLES = {
    "steering_committee": ["nonconformities.export_nonconformity"],
    "management_representative": ["nonconformities.export_nonconformity"],
    "document_controller": ["nonconformities.export_nonconformity"],  # the unit's ISO officer
    "internal_auditor": ["nonconformities.export_nonconformity"],
}


def register_desk():
    """desk: the citizen feedback form behind the desk's QR code (a standing token link)."""
    from qms_portal.public_links import register_purpose

    from .forms.desk import CaseFeedbackForm, PublicFeedbackForm
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
    register_purpose(  # one file, one rating: the single-use link handed out with a citizen's file
        desk_feedback.CASE_PURPOSE,
        title=_("How did we handle your file?"),
        form_class=CaseFeedbackForm,
        link_form=True,
        handle=desk_feedback.case_feedback_received,
        template="nonconformities/desk/public_feedback.html",
        permission=desk_feedback.CASE_LINK,
        done_message=desk_feedback.thank_you,
        intro=_("Your answer goes to the unit that handled your file. It takes a minute."),
    )


# ncscale: the corrective actions' reminders and escalation, every morning (services.escalation)
BEAT = {
    "nonconformities-escalate-actions": {"task": "nonconformities.tasks.escalate_actions",
                                         "schedule": crontab(minute=30, hour=6)},
}


class NonconformitiesConfig(AppConfig):
    name = "nonconformities"
    verbose_name = _("Nonconformities")

    def ready(self):
        from qms_portal import areas
        from qms_portal.areas import MenuLink

        from .dashboard import FIGURES  # ncreports
        from .exports import job_kinds  # ncreports
        from .mywork import nonconformity_work
        from .notifications import KINDS
        from .notifications_desk import KINDS as DESK_KINDS
        from .notifications_escalation import KINDS as ESCALATION_KINDS  # ncscale
        from .review_input import review_inputs  # objectives (review): the management review's input

        areas.register(
            self.label,
            roles=_merge(CORE_ROLES, DESK_ROLES, REPORTS_ROLES),
            notification_kinds={**KINDS, **DESK_KINDS, **ESCALATION_KINDS},
            my_work=[nonconformity_work],
            jobs=job_kinds(),  # ncreports
            dashboard=FIGURES,  # ncreports
            beat=BEAT,  # ncscale
            demo="nonconformities.demo.seed",  # ncscale
            scale="nonconformities.scale.NonconformitiesScale",  # ncscale
            bench="nonconformities.bench.NonconformitiesBench",  # ncscale
            menu=_("Nonconformities"),
            menu_links=[
                MenuLink(_("Register"), "nonconformities:register", "nonconformities.view_nonconformity"),
                MenuLink(_("Raise a nonconformity"), "nonconformities:nonconformity_create",
                         "nonconformities.add_nonconformity"),
                MenuLink(_("My actions"), "nonconformities:action_list", "nonconformities.view_correctiveaction",
                         query="?mine=true"),
                MenuLink(_("Figures"), "nonconformities:figures", "nonconformities.view_nonconformity"),  # ncreports
                # desk
                MenuLink(_("Nonconforming outputs"), "nonconformities:output_list",
                         "nonconformities.view_nonconformingoutput"),
                MenuLink(_("Citizen feedback"), "nonconformities:feedback_list",
                         "nonconformities.view_citizenfeedback"),
                MenuLink(_("Feedback links for files"), "nonconformities:case_request_list",
                         "nonconformities.view_casefeedbackrequest"),
            ],
            signature_meanings={"verified": _("Verified"), "closed": _("Closed")},
            review_inputs=review_inputs(),  # objectives (review)
        )
        from . import services  # noqa: F401 - registers the workflows
        from .cached import track_changes

        track_changes()
        register_desk()  # desk: the feedback form's purpose (and the feedback workflow)
