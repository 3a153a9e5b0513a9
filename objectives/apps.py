from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each part of the area (kpi: quality objectives, indicators, measurements and the on-time rate;
# surveys: satisfaction surveys; risks: risks and opportunities; review: management review, its
# decisions and the area's figures) declares what it registers in ``objectives/parts/<part>.py``
# (``qms_portal.areas.register_parts``).
PARTS = ("kpi", "surveys", "risks", "review")


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = _("Objectives")

    def ready(self):
        from qms_portal import areas

        areas.register_parts(self.label, PARTS)
        from .cached import track_changes

        track_changes()  # what retires the area's cached lists
