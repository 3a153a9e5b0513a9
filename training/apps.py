from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each part of the area (sessions: the course catalogue, sessions, invitations, reminders, attendance;
# records: the attendance sheet, certificates, feedback and the effectiveness check;
# competence: requirements per role, qualifications, their expiry and the auditor check; matrix: the
# training matrix, its export and the training a new revision needs; plan: the annual training plan
# and the area's figures) declares what it registers in ``training/parts/<part>.py``
# (``qms_portal.areas.register_parts``).
PARTS = ("sessions", "records", "competence", "matrix", "plan")


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from qms_portal import areas

        areas.register_parts(self.label, PARTS)
        from .cached import track_changes

        track_changes()  # what retires the area's cached lists (``cached.py``)
