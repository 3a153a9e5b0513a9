from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NonconformitiesConfig(AppConfig):
    name = "nonconformities"
    verbose_name = _("Nonconformities")
