"""The certificates part's rows of the access matrix (composed by ``tests/audits/access.py``).

Objects, on each unit of the matrix: a current certificate (``certificate``), issued 200 days ago
for three years, and its surveillance audit due in 30 days (``visit``). Certificates carry no
single-object grants: the matrix's grantee sees none."""

from datetime import timedelta

from django.utils import timezone

from tests.audits.factories_certificates import make_certificate
from tests.viewtests import Listing, P

VIEW = "audits.view_certificate"
VIEW_VISIT = "audits.view_surveillancevisit"
CHANGE = "audits.change_certificate"

ROWS = {
    "audits:certificate_list": P(VIEW),
    "audits:certificate_create": P("audits.add_certificate"),
    "audits:certificate_detail": P(VIEW, "certificate"),
    "audits:certificate_history": P(VIEW, "certificate"),
    "audits:certificate_edit": P(CHANGE, "certificate"),
    "audits:certificate_withdraw": P(CHANGE, "certificate"),
    "audits:surveillance_due": P(VIEW_VISIT),
    "audits:surveillance_edit": P("audits.change_surveillancevisit", "visit"),
    "audits:figures": P("audits.view_audit"),
}

LISTS = {
    "audits:certificate_list": Listing("certificate", VIEW, lambda c: f'href="{c.get_absolute_url()}"'),
    "audits:surveillance_due": Listing("visit", VIEW_VISIT, lambda v: f'href="{v.certificate.get_absolute_url()}"'),
}

SPOT_CHECKS = {
    ("audits:certificate_list", "staff", "-", "GET", None): 403,
    ("audits:certificate_detail", "document_controller", "in", "GET", None): 200,
    ("audits:certificate_detail", "document_controller", "out", "GET", None): 404,
    ("audits:certificate_edit", "department_head", "in", "GET", None): 403,
    ("audits:certificate_withdraw", "management_representative", "in", "GET", None): 200,
    ("audits:certificate_detail", "grantee", "in", "GET", None): 403,
    ("audits:surveillance_edit", "internal_auditor", "in", "GET", None): 403,
}


def make_objects(tree, unit, grantee=None, objects=None):
    today = timezone.localdate()
    certificate = make_certificate(unit, acting_user=tree.superuser, issued_on=today - timedelta(days=200),
                                   expires_on=today + timedelta(days=900), surveillance=[today + timedelta(days=30)])
    return {"certificate": certificate, "visit": certificate.surveillance.get()}
