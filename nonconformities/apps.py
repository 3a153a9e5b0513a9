from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# --- nc-core: nonconformities, corrective actions, extensions ---------------------------------
NC_READ = ["nonconformities.view_nonconformity", "nonconformities.view_correctiveaction",
           "nonconformities.view_duedateextension"]
NC_RAISE = ["nonconformities.add_nonconformity"]
NC_MANAGE = ["nonconformities.change_nonconformity", "nonconformities.add_correctiveaction",
             "nonconformities.change_correctiveaction", "nonconformities.complete_correctiveaction"]

# What the nonconformities area gives each seeded role (the core's roles.py holds the core's part).
CORE_ROLES = {
    "steering_committee": [*NC_READ],
    "management_representative": [*NC_READ, *NC_RAISE, "nonconformities.verify_nonconformity",
                                  "nonconformities.close_nonconformity", "nonconformities.decide_extension"],
    "document_controller": [*NC_READ, *NC_RAISE, "nonconformities.accept_nonconformity"],
    "department_head": [*NC_READ, *NC_RAISE, *NC_MANAGE, "nonconformities.accept_nonconformity"],
    "staff": [*NC_READ, *NC_RAISE],
    "internal_auditor": [*NC_READ, *NC_RAISE],
}


def _merge(*parts):
    roles = {}
    for part in parts:
        for role, perms in part.items():
            roles.setdefault(role, []).extend(perms)
    return roles


class NonconformitiesConfig(AppConfig):
    name = "nonconformities"
    verbose_name = _("Nonconformities")

    def ready(self):
        from qms_portal import areas

        from .mywork import nonconformity_work
        from .notifications import KINDS

        areas.register(
            self.label,
            roles=_merge(CORE_ROLES),
            notification_kinds=KINDS,
            my_work=[nonconformity_work],
            menu="nonconformities/nav.html",
            signature_meanings={"verified": _("Verified"), "closed": _("Closed")},
        )
        from . import services  # noqa: F401 - registers the workflows
