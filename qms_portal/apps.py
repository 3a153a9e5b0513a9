from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QmsPortalConfig(AppConfig):
    name = "qms_portal"
    verbose_name = _("QMS Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save

        from . import fragments, jobs, rosters, services  # noqa: F401 - services registers the core's workflows
        from .context_processors import request_unread_piece, unread_generation
        from .notifications import shown_models
        from .permissions import forget_permission_names

        # Permission ids are read once per process; migrations (and a test database's flush) renew them.
        post_migrate.connect(forget_permission_names, dispatch_uid="qms-permission-names")
        # Cached pieces of pages (fragments.py) are retired when the rows they show change.
        # A signature is written once; its signer's name is kept as it was when they signed.
        fragments.immutable("qms_portal.TransitionRecord")
        pre_save.connect(fragments.row_saving, dispatch_uid="qms-fragments-saving")
        post_save.connect(fragments.row_changed, dispatch_uid="qms-fragments-saved")
        post_delete.connect(fragments.row_changed, dispatch_uid="qms-fragments-deleted")
        m2m_changed.connect(fragments.relation_changed, dispatch_uid="qms-fragments-related")
        # The core's rows that cached pieces show, each with its generation: a piece that shows a
        # unit, a person or a role depends on it. Renames are rare; a person's sign-in (which
        # saves their last_login) or preferences retire nothing.
        fragments.track("qms_portal.Unit", (fragments.UNITS,))
        # A single-object grant on a unit widens the units its holder is offered (in filters).
        fragments.track("qms_portal.UnitUserObjectPermission", (fragments.UNITS,))
        fragments.track("qms_portal.User", (fragments.PEOPLE,), fields=("full_name", "username"))
        fragments.track("qms_portal.Role", (fragments.ROLES,))
        # The core's cached lists (views: ``cache_generations``). The people list shows (and its
        # search reads, through the search key) more of a person than their name.
        fragments.track("qms_portal.User", (fragments.PEOPLE_LIST,),
                        fields=("full_name", "username", "position", "primary_unit", "is_active", "search_key"))
        fragments.track("qms_portal.RoleAssignment", (fragments.ASSIGNMENTS,))
        fragments.track("qms_portal.AccessRequest", (fragments.ACCESS_REQUESTS,))
        # The steering committee's cached lists (evaluations, sheets, annual reports).
        from .steering import cached as steering_cached

        steering_cached.track_changes()
        # A message may refer to a record of any model of the portal (the inbox shows them).
        fragments.track_rows(shown_models(), named={"qms_portal.Unit": fragments.UNITS,
                                                    "qms_portal.User": fragments.PEOPLE,
                                                    "qms_portal.Role": fragments.ROLES})
        # The core's own background jobs (the areas register theirs through areas.register).
        jobs.register_kinds(self.label, rosters.job_kinds())
        from .steering import pdf as steering_pdf

        jobs.register_kinds(self.label, steering_pdf.job_kinds())
        # The annual ISO report: its workflow (registered on import) and its XLSX and PDF jobs.
        from .steering import report_exports, report_services  # noqa: F401

        jobs.register_kinds(self.label, report_exports.job_kinds())
        # The evaluation of units: its two workflows (registered on import) and its messages.
        from . import mywork
        from .notifications import register_kinds as register_notification_kinds
        from .steering import evaluation_exports, evaluation_mywork, evaluation_services

        register_notification_kinds(evaluation_services.NOTIFICATION_KINDS)
        register_notification_kinds(report_services.NOTIFICATION_KINDS)
        jobs.register_kinds(self.label, evaluation_exports.job_kinds())
        mywork.register(evaluation_mywork.evaluation_work)
        # The unread count in the navigation (context_processors.py), read with a view's pieces.
        fragments.track("qms_portal.Notification", lambda n: [unread_generation(n.recipient_id)])
        # A COUNT on the (recipient, read_at) index costs what a round trip to the cache costs: on a
        # page that keeps nothing in the cache it is counted, not read from it (one query instead of
        # three round trips on a first visit); with the pieces a page reads, it comes in their round trip.
        fragments.request_piece("unread", request_unread_piece, build_alone=True)
