"""The records part of the training area: the attendance sheet PDF, the certificates of completion,
the participants' feedback and their heads' check of the training's effectiveness.

Roles: what it reads and writes is carried by the sessions part's roles (``view_session``,
``view_participant``, ``view_feedback``, ``check_effectiveness`` for department heads). The
attendance sheet is for whoever may read the session; a certificate for the participant and whoever
may read the participation; the effectiveness checks for the participant's unit's heads."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import MenuLink

PART = {
    "menu_links": [
        MenuLink(_("Training effectiveness checks"), "training:effectiveness_list", "training.check_effectiveness"),
        MenuLink(_("My certificates and feedback"), "training:my_records"),  # everyone's own
    ],
    "beat": {
        "training-effectiveness-reminders": {"task": "training.tasks_records.send_effectiveness_reminders",
                                             "schedule": crontab(minute=35, hour=6)},
    },
}


def ready():
    from .. import tasks_records  # noqa: F401 - registers the task with the worker
    from ..selectors.records import records_work
    from ..services.records_reminders import KINDS

    PART["notification_kinds"] = KINDS
    PART["my_work"] = [records_work]
