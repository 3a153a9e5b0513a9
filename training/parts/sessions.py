"""The sessions part of the training area: the catalogue of competences and courses, sessions with
their invitations, reminders, attendance, tests, feedback and effectiveness checks, the attendance
sheet and the certificates. It names the area's menu, demo, scale builder and bench (each part adds
its own pieces to them)."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import MenuLink
from qms_portal.notifications import Kind

READ = ["training.view_competence", "training.view_course", "training.view_session", "training.view_participant",
        "training.view_feedback", "training.view_effectivenesscheck"]
MANAGE = ["training.add_competence", "training.change_competence", "training.add_course", "training.change_course",
          "training.add_session", "training.change_session", "training.add_participant",
          "training.change_participant", "training.mark_attendance"]
TRAINER = "training.train_session"  # may be named a session's trainer (Session.scope_extra)
CHECK = ["training.check_effectiveness", "training.change_effectivenesscheck"]

# The training coordinator runs the catalogue and the sessions of their units; department heads read
# their units' sessions and check, months later, that their people's training worked; anyone who may
# be named a trainer (staff, heads, auditors…) marks the attendance of the sessions naming them; the
# steering committee and the administrators read everything through their "*.view_*". (The
# management representative appoints staff, so holds what the staff role carries.)
ROLES = {
    "training_coordinator": [*READ, *MANAGE, TRAINER],
    "management_representative": [*READ, TRAINER],
    "department_head": [*READ, *CHECK, TRAINER],
    "document_controller": [TRAINER],
    "internal_auditor": [TRAINER],
    "staff": [TRAINER],
}

KINDS = {
    "training_invited": Kind(
        title=_("You are invited to a training session: %(object)s"),
        text=_("Course: %(course)s. Starts: %(starts)s. Place or link: %(place)s."),
    ),
    "training_session_changed": Kind(
        title=_("A training session you are invited to has changed: %(object)s"),
        text=_("Starts: %(starts)s. Place or link: %(place)s."),
    ),
    "training_session_cancelled": Kind(
        title=_("Training session cancelled: %(object)s"),
        text=_("Reason: %(reason)s"),
    ),
    "training_trainer_named": Kind(
        title=_("You are the trainer of a training session: %(object)s"),
        text=_("Starts: %(starts)s. You mark its attendance on its page."),
    ),
}

PART = {
    "menu": _("Training"),
    "menu_links": [
        MenuLink(_("Training sessions"), "training:session_list", "training.view_session"),
        MenuLink(_("Courses"), "training:course_list", "training.view_course"),
        MenuLink(_("Competences"), "training:competence_list", "training.view_competence"),
    ],
    "roles": ROLES,
    "notification_kinds": KINDS,
    "beat": {
        "training-session-reminders": {"task": "training.tasks_sessions.send_reminders",
                                       "schedule": crontab(minute=40, hour=7)},
    },
    "demo": "training.demo.seed",
    "scale": "training.scale.TrainingScale",
    "bench": "training.bench.TrainingBench",
}


def ready():
    from .. import tasks_sessions  # noqa: F401 - registers the task with the worker
    from ..services import sessions as services
    from ..services.sessions_reminders import KINDS as REMINDER_KINDS

    services.register_workflow()
    PART["notification_kinds"].update(REMINDER_KINDS)
    PART["rollout"] = _rollout()


def _rollout():
    """The rollout checklist's "staff have been trained": a training session held (or closed) by
    the unit or by a unit above it (an agency's session trains its departments' staff)."""
    from qms_portal.areas import RolloutCheck
    from qms_portal.steering.rollout import units_with

    from ..models import Session

    held = Session.objects.filter(status__in=[Session.Status.HELD, Session.Status.CLOSED])
    return [RolloutCheck("awareness_training", units_with(held, below=True), _("a training session held"))]
