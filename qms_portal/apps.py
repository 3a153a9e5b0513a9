from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QmsPortalConfig(AppConfig):
    name = "qms_portal"
    verbose_name = _("QMS Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import services  # noqa: F401 - registers the core's workflows
