from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QmsPortalConfig(AppConfig):
    name = "qms_portal"
    verbose_name = _("QMS Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from . import services  # noqa: F401 - registers the core's workflows
        from .permissions import forget_permission_names
        from .widgets import options_source_changed

        # Permission ids are read once per process; migrations (and a test database's flush) renew them.
        post_migrate.connect(forget_permission_names, dispatch_uid="qms-permission-names")
        # A list page's filter options are cached (widgets.py): a change to a row they list, or to
        # a single-object grant (which can widen someone's units), makes them stale.
        post_save.connect(options_source_changed, dispatch_uid="qms-options-saved")
        post_delete.connect(options_source_changed, dispatch_uid="qms-options-deleted")
