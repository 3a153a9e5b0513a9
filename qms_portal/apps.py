from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QmsPortalConfig(AppConfig):
    name = "qms_portal"
    verbose_name = _("QMS Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from . import fragments, jobs, rosters, services  # noqa: F401 - services registers the core's workflows
        from .context_processors import unread_generation
        from .permissions import forget_permission_names
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
        # The core's own background jobs (the areas register theirs through areas.register).
        jobs.register_kinds(self.label, rosters.job_kinds())
        # The unread count in the navigation (context_processors.py).
        fragments.track("qms_portal.Notification", lambda n: [unread_generation(n.recipient_id)])
