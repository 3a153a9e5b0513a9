"""The plan part of the audits area: programmes, audit plans and their workflow, the audit list and
page, My work, the area's menu and the first demo records (``audits/demo_plan.py``)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import MenuLink
from qms_portal.notifications import Kind

AUDIT_READ = ["audits.view_audit", "audits.view_auditprogramme", "audits.view_programmeentry"]
AUDIT_PLAN = ["audits.add_audit", "audits.change_audit"]
PROGRAMME_WRITE = ["audits.add_auditprogramme", "audits.change_auditprogramme", "audits.add_programmeentry",
                   "audits.change_programmeentry", "audits.delete_programmeentry"]

# Auditors see the audits they are on through single-object grants (the services give them), never
# through their role: ``internal_auditor`` reads the programme only. The management representative,
# the ISO officer and the steering committee see their scope's audits.
ROLES = {
    "management_representative": [*AUDIT_READ, *AUDIT_PLAN, *PROGRAMME_WRITE, "audits.approve_auditprogramme"],
    "document_controller": [*AUDIT_READ, *AUDIT_PLAN, *PROGRAMME_WRITE],
    "steering_committee": [*AUDIT_READ],
    "department_head": ["audits.view_auditprogramme", "audits.view_programmeentry"],
    "internal_auditor": ["audits.view_auditprogramme", "audits.view_programmeentry"],
}

KINDS = {
    "audit_team": Kind(
        title=_("You are on the audit %(object)s, %(starts)s – %(ends)s"),
        text=_("Lead auditor: %(lead)s. Units audited: %(units)s. ISO 9001 clauses: %(clauses)s."),
    ),
    "audit_plan": Kind(
        title=_("Audit plan: %(object)s, %(starts)s – %(ends)s"),
        text=_("%(kind)s. Lead auditor: %(lead)s. Units audited: %(units)s. ISO 9001 clauses: %(clauses)s. "
               "Please be available on those days with the records of your work."),
    ),
    "audit_closed": _("Audit closed, its report signed: %(object)s"),
    "programme_to_approve": _("Audit programme to approve: %(object)s"),
    "programme_approved": _("Audit programme approved: %(object)s"),
}


def _my_work(user):
    from audits.selectors.plan_mywork import plan_work

    return plan_work(user)


PART = {
    "roles": ROLES,
    "notification_kinds": KINDS,
    "my_work": [_my_work],
    "menu": _("Audits"),
    "menu_links": [
        MenuLink(_("Audits"), "audits:audit_list", "audits.view_audit"),
        MenuLink(_("Audits I am on"), "audits:audit_list", "audits.view_audit", query="?mine=true&status=open"),
        MenuLink(_("Plan an audit"), "audits:audit_create", "audits.add_audit"),
        MenuLink(_("Audit programmes"), "audits:programme_list", "audits.view_auditprogramme"),
        MenuLink(_("Audit programme entries"), "audits:programme_entry_list", "audits.view_programmeentry"),
    ],
    "demo": "audits.demo.seed",
    "signature_meanings": {"report_signed": _("Report signed")},
}


def ready():
    from audits.selectors.plan_cache import track_changes
    from audits.services import plan, plan_programme

    plan.register_workflow()
    plan_programme.register_workflow()
    track_changes()
    PART["rollout"] = _rollout()


def _rollout():
    """The rollout checklist's "an internal audit is closed": a closed internal audit of the unit
    (its own, or one whose units audited include it); and "certified or announced": a certificate
    of the unit neither withdrawn nor expired."""
    from audits.models import Audit, Certificate
    from qms_portal.areas import RolloutCheck
    from qms_portal.steering.rollout import dates_of, units_with

    closed = Audit.objects.filter(kind=Audit.Kind.INTERNAL, status=Audit.Status.CLOSED)
    def valid():  # today's, at each reading
        return Certificate.objects.filter(is_withdrawn=False, expires_on__gte=timezone.localdate())

    return [RolloutCheck("internal_audit", units_with(closed, "unit", "scope_units"), _("an internal audit closed")),
            RolloutCheck("certified_or_announced", units_with(valid), _("a valid ISO 9001 certificate"),
                         dates=dates_of(valid, "issued_on"))]
