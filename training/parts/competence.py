"""The competence part of the training area: what each role must be competent in, the
qualifications people hold, their expiry reminders, a person's own training record, and the audits
area's auditor check (a valid internal auditor qualification).

Roles: the training coordinator keeps the requirements and the qualifications of their units'
people; the management representative and department heads read them; internal auditors read
qualifications (their colleagues'); everyone reads their own qualifications ("My training", through
``Qualification.widened_permissions``)."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import MenuLink

READ = ["training.view_competencerequirement", "training.view_qualification"]
MANAGE = ["training.add_competencerequirement", "training.change_competencerequirement",
          "training.add_qualification", "training.change_qualification"]

ROLES = {
    "training_coordinator": [*READ, *MANAGE],
    "management_representative": [*READ],
    "department_head": [*READ],
    "internal_auditor": ["training.view_qualification"],
}

PART = {
    "menu_links": [
        MenuLink(_("My training"), "training:my_training"),  # everyone's own
        MenuLink(_("Competence requirements"), "training:requirement_list", "training.view_competencerequirement"),
        MenuLink(_("Qualifications"), "training:qualification_list", "training.view_qualification"),
    ],
    "roles": ROLES,
    "beat": {
        "training-qualification-expiry": {"task": "training.tasks_competence.send_expiry_reminders",
                                          "schedule": crontab(minute=35, hour=6)},
    },
}


def ready():
    from django.apps import apps

    from .. import tasks_competence  # noqa: F401 - registers the task with the worker
    from ..services.competence_reminders import KINDS

    PART["notification_kinds"] = KINDS
    if apps.is_installed("audits"):
        from audits.services.plan import AUDITOR_CHECKS, register_auditor_check

        from ..services.auditor_check import auditor_qualification_problems

        if auditor_qualification_problems not in AUDITOR_CHECKS:
            register_auditor_check(auditor_qualification_problems)
