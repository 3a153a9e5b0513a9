"""The roles a government QMS starts with. ``ensure_system_roles()`` is idempotent: it creates the
roles that are missing and adds the permissions each should carry (areas add theirs as they come)."""

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

VIEW_CORE = ["qms_portal.view_unit", "qms_portal.view_user"]

# code → (name, description, the core's permissions). Names are in the translation catalogue
# (gettext_noop). Each area adds the permissions it gives these roles (``areas.register(roles=…)``).
SYSTEM_ROLES = {
    "administrator": (
        gettext_noop("Administrator"),
        gettext_noop("Manages the unit tree, people and who holds which role where."),
        ["qms_portal.*", "*.view_*"],
    ),
    "steering_committee": (
        gettext_noop("Steering committee member"),
        gettext_noop("Reviews dashboards and progress across all units below."),
        VIEW_CORE + ["qms_portal.view_roster", "qms_portal.view_roleassignment", "qms_portal.view_accessrequest",
                     "qms_portal.view_dashboard", "qms_portal.change_unitrollout", "*.view_*",
                     "qms_portal.sign_annualreport", "qms_portal.add_evaluation", "qms_portal.change_evaluation",
                     "qms_portal.appraise_unitevaluation"],
    ),
    "management_representative": (
        gettext_noop("Management representative"),
        gettext_noop("Owns the QMS of an agency: audit programme, nonconformities, management review."),
        VIEW_CORE + ["qms_portal.view_roster", "qms_portal.view_dashboard", "qms_portal.change_unitrollout",
                     "qms_portal.view_roleassignment",
                     "qms_portal.add_roleassignment",
                     "qms_portal.delete_roleassignment", "qms_portal.view_accessrequest",
                     "qms_portal.decide_accessrequest",
                     "qms_portal.add_annualreport", "qms_portal.change_annualreport",
                     "qms_portal.view_annualreport", "qms_portal.view_evaluation",
                     "qms_portal.view_unitevaluation", "qms_portal.change_unitevaluation"],
    ),
    "document_controller": (
        gettext_noop("Document controller"),
        gettext_noop("Keeps the document register: numbering, publishing, withdrawing, periodic review."),
        VIEW_CORE,
    ),
    "department_head": (
        gettext_noop("Department head"),
        gettext_noop("Reviews and approves the procedures of the department; owns corrective actions."),
        VIEW_CORE + ["qms_portal.view_roleassignment", "qms_portal.view_dashboard",
                     "qms_portal.view_unitevaluation", "qms_portal.change_unitevaluation"],
    ),
    "staff": (
        gettext_noop("Staff member"),
        gettext_noop("Reads effective procedures, acknowledges revisions, raises nonconformities."),
        ["qms_portal.view_unit"],
    ),
    "internal_auditor": (
        gettext_noop("Internal auditor"),
        gettext_noop("Plans audits and records findings."),
        VIEW_CORE,
    ),
    "training_coordinator": (
        gettext_noop("Training coordinator"),
        gettext_noop("Plans training and keeps competence records."),
        VIEW_CORE,
    ),
}


def role_patterns(code):
    """Every permission pattern of a seeded role: the core's and those the areas registered."""
    from . import areas

    return SYSTEM_ROLES[code][2] + areas.role_permissions().get(code, [])


def _permissions(patterns):
    q = Q()
    for pattern in patterns:
        app_label, codename = pattern.split(".", 1)
        part = Q() if app_label == "*" else Q(content_type__app_label=app_label)
        if codename == "*":
            pass
        elif codename.endswith("*"):
            part &= Q(codename__startswith=codename[:-1])
        else:
            part &= Q(codename=codename)
        q |= part
    from .selectors import assignable_permissions

    return assignable_permissions().filter(q)


@transaction.atomic
def ensure_system_roles():
    from .models import Role

    roles = {}
    for code, (name, description, _core) in SYSTEM_ROLES.items():
        patterns = role_patterns(code)
        role, _created = Role.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "is_system": True}
        )
        if not role.is_system:
            role.is_system = True
            role.save()
        wanted = set(_permissions(patterns).values_list("pk", flat=True))
        missing = wanted - set(role.permissions.values_list("pk", flat=True))
        if missing:
            role.permissions.add(*Permission.objects.filter(pk__in=missing))
        roles[code] = role
    return roles
