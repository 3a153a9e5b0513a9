from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QmsPortalConfig(AppConfig):
    name = "qms_portal"
    verbose_name = _("QMS Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from . import fragments, services  # noqa: F401 - services registers the core's workflows
        from .context_processors import unread_generation
        from .permissions import forget_permission_names
        from .search import register_sqlite_functions
        from .widgets import track_option_sources

        # Permission ids are read once per process; migrations (and a test database's flush) renew them.
        post_migrate.connect(forget_permission_names, dispatch_uid="qms-permission-names")
        # Cached pieces of pages (fragments.py) are retired when the rows they show change.
        post_save.connect(fragments.row_changed, dispatch_uid="qms-fragments-saved")
        post_delete.connect(fragments.row_changed, dispatch_uid="qms-fragments-deleted")
        m2m_changed.connect(fragments.relation_changed, dispatch_uid="qms-fragments-related")
        # A list page's filter options (widgets.py): a change to a row they list, or to a
        # single-object grant (which can widen someone's units), makes them stale.
        track_option_sources()
        # Searching without tone marks (search.py): the ``folded`` transforms' functions on SQLite.
        connection_created.connect(register_sqlite_functions, dispatch_uid="qms-search-functions")
        # The unread count in the navigation (context_processors.py).
        fragments.track("qms_portal.Notification", lambda n: [unread_generation(n.recipient_id)])
