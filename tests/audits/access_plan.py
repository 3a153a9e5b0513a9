"""The plan part's rows of the access matrix (``tests/qms_portal/test_access_matrix.py``, through
``tests/audits/access.py``).

Objects on the unit the matrix asks for: an internal audit of that unit (``audit``, planned, led by
an internal auditor of the city who is no identity of the matrix), the unit's audit programme for
the year (``programme``, a draft) and one of its entries (``entry``). The matrix's ``grantee`` is an
auditee of the in-scope audit: a single-object grant to view it, nothing else. The internal
auditor role alone opens no audit (its identity holds no ``view_audit``): auditors see the audits
they are on."""

from datetime import timedelta

from django.utils import timezone

from audits.models import AuditProgramme
from audits.services import plan as services
from audits.services import plan_programme
from qms_portal.services import save_tracked
from tests import factories
from tests.viewtests import Listing, P

VIEW_AUDIT = "audits.view_audit"
CHANGE_AUDIT = "audits.change_audit"
VIEW_PROGRAMME = "audits.view_auditprogramme"
CHANGE_PROGRAMME = "audits.change_auditprogramme"
APPROVE = "audits.approve_auditprogramme"
CHANGE_ENTRY = "audits.change_programmeentry"
VIEW_ENTRY = "audits.view_programmeentry"

ROWS = {
    "audits:audit_list": P(VIEW_AUDIT),
    "audits:audit_create": P("audits.add_audit"),
    "audits:audit_detail": P(VIEW_AUDIT, "audit"),
    "audits:audit_edit": P(CHANGE_AUDIT, "audit"),
    "audits:audit_history": P(VIEW_AUDIT, "audit"),
    "audits:audit_plan_pdf": P(VIEW_AUDIT, "audit"),
    "audits:audit_transition": P(VIEW_AUDIT, "audit", variants={
        "notify": CHANGE_AUDIT, "start": "audits.conduct_audit", "close": "audits.sign_audit_report"}),
    "audits:programme_list": P(VIEW_PROGRAMME),
    "audits:programme_create": P("audits.add_auditprogramme"),
    "audits:programme_detail": P(VIEW_PROGRAMME, "programme"),
    "audits:programme_edit": P(CHANGE_PROGRAMME, "programme"),
    "audits:programme_history": P(VIEW_PROGRAMME, "programme"),
    "audits:programme_transition": P(VIEW_PROGRAMME, "programme", variants={"approve": APPROVE, "revise": APPROVE}),
    "audits:programme_submit": P(CHANGE_PROGRAMME, "programme", post_only=True),
    "audits:programme_entry_create": P(CHANGE_PROGRAMME, "programme"),
    "audits:programme_entry_edit": P(CHANGE_ENTRY, "entry"),
    "audits:programme_entry_remove": P(CHANGE_ENTRY, "entry", post_only=True),
    "audits:programme_entry_list": P(VIEW_ENTRY),
}

LISTS = {
    "audits:audit_list": Listing("audit", VIEW_AUDIT, lambda a: f'href="{a.get_absolute_url()}"'),
    "audits:programme_list": Listing("programme", VIEW_PROGRAMME, lambda p: f'href="{p.get_absolute_url()}"'),
    # an entry's row links to its programme (one programme a unit and year in the matrix)
    "audits:programme_entry_list": Listing("entry", VIEW_ENTRY, lambda e: f'href="{e.programme.get_absolute_url()}"'),
}

SPOT_CHECKS = {
    # auditors see the audits they are on, not their unit's: the role alone opens nothing
    ("audits:audit_list", "internal_auditor", "-", "GET", None): 403,
    ("audits:audit_detail", "internal_auditor", "in", "GET", None): 403,
    ("audits:programme_detail", "internal_auditor", "in", "GET", None): 200,
    # an auditee (the grantee) reads the plan, and may neither change nor send it
    ("audits:audit_detail", "grantee", "in", "GET", None): 200,
    ("audits:audit_detail", "grantee", "out", "GET", None): 404,
    ("audits:audit_plan_pdf", "grantee", "in", "GET", None): 200,  # the auditee prints the plan they received
    ("audits:audit_plan_pdf", "grantee", "out", "GET", None): 404,
    ("audits:audit_plan_pdf", "internal_auditor", "in", "GET", None): 403,
    ("audits:audit_edit", "grantee", "in", "GET", None): 403,
    ("audits:audit_transition", "grantee", "in", "GET", "notify"): 403,
    # the ISO officer plans, the management representative approves the programme
    ("audits:audit_edit", "document_controller", "in", "GET", None): 200,
    ("audits:audit_edit", "document_controller", "out", "GET", None): 404,
    ("audits:programme_transition", "document_controller", "in", "GET", "approve"): 403,
    ("audits:programme_transition", "management_representative", "in", "GET", "approve"): 200,
    ("audits:audit_detail", "steering_committee", "in", "GET", None): 200,
    ("audits:audit_detail", "staff", "in", "GET", None): 403,
    ("audits:audit_transition", "management_representative", "in", "GET", "close"): 403,
}


def _lead(tree):
    """An internal auditor of the city (not an identity of the matrix), one per tree."""
    from qms_portal.models import User

    name = f"{tree.prefix}plan-lead".lower()
    user = User.objects.filter(username=name).first()
    if user is None:
        user = factories.make_user(name, tree.city, full_name="Lead Auditor")
        factories.assign(user, "internal_auditor", tree.city, include_subunits=True)
    return user


def make_objects(tree, unit, grantee=None, objects=None):
    su = tree.superuser
    today = timezone.localdate()
    offset = {tree.ward1.pk: 20, tree.district.pk: 30}.get(unit.pk, 40)
    start = today + timedelta(days=offset)
    audit = services.audit_create(acting_user=su, unit=unit, title=f"Đánh giá nội bộ {unit.code}", starts_on=start,
                                  ends_on=start + timedelta(days=1), lead_auditor=_lead(tree),
                                  auditees=[grantee] if grantee is not None else [])
    programme = save_tracked(AuditProgramme(unit=unit, year=today.year, title=f"Chương trình {unit.code}"), su)
    entry = plan_programme.programme_entry_add(acting_user=su, programme=programme, unit=unit,
                                               planned_month=min(today.month + 1, 12))
    return {"audit": audit, "programme": programme, "entry": entry}
