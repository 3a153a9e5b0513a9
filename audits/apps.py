from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each part of the area (plan: programmes and audit plans; checklist: the checklist on site;
# findings: findings, reports and the certification body's response; certificates: certificates,
# reminders, figures, scale and bench; review: the audits' input to a management review) declares
# what it registers in ``audits/parts/<part>.py`` (``qms_portal.areas.register_parts``).
PARTS = ("plan", "checklist", "findings", "certificates", "review")


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits")

    def ready(self):
        from qms_portal import areas

        from .cached import track_changes

        areas.register_parts(self.label, PARTS)
        track_changes()  # what retires the cached lists of the findings, certificates and checklist parts
