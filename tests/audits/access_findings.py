"""The findings part's rows of the access matrix (``tests/audits/access.py`` composes them).

Objects, placed on the unit the matrix asks for: an internal audit being reported (``audit_reporting``)
and a certification audit (``external_audit``), both led by an auditor of their own (plan's grants:
lead — view, conduct, sign); on the internal one a minor nonconformity finding not yet raised
(``finding``) and an observation (``observation``). The matrix's ``grantee`` is an auditor of the
internal audit, as the plan makes a team member (single-object grants on the audit: view, conduct),
and reaches its findings through that grant (``Finding.scope_extra``: view and change; ``THROUGH``
tells the matrix), holding nothing on the findings themselves."""

from audits.models import Audit
from qms_portal import permissions
from tests import factories
from tests.audits.findings_factories import make_audit, record
from tests.viewtests import Listing, P

VIEW_F = "audits.view_finding"
CHANGE_F = "audits.change_finding"

ROWS = {
    "audits:finding_list": P(VIEW_F),
    "audits:finding_detail": P(VIEW_F, "finding", also=("observation",)),
    "audits:finding_history": P(VIEW_F, "finding"),
    "audits:finding_edit": P(CHANGE_F, "finding"),
    "audits:finding_raise": P(CHANGE_F, "finding", post_only=True),
    "audits:finding_link": P(CHANGE_F, "finding"),
    "audits:finding_improvement": P("nonconformities.add_correctiveaction", "observation"),
    "audits:finding_create": P("audits.conduct_audit", "audit_reporting"),
    "audits:audit_findings_raise": P("audits.conduct_audit", "audit_reporting", post_only=True),
    "audits:audit_report": P("audits.sign_audit_report", "audit_reporting"),
    "audits:audit_report_pdf": P("audits.view_audit", "audit_reporting"),
    "audits:audit_response": P("audits.view_audit", "external_audit"),
    "audits:audit_response_due": P("audits.change_audit", "external_audit"),
    "audits:audit_response_pdf": P("audits.view_audit", "external_audit"),
}

# A finding is reached through its audit: whoever conducts the audit views and changes its findings.
THROUGH = {kind: ("audit_reporting", {"audits.conduct_audit": (VIEW_F, CHANGE_F)})
           for kind in ("finding", "observation")}

LISTS = {
    "audits:finding_list": Listing("finding", VIEW_F, lambda f: f'href="{f.get_absolute_url()}"'),
}

SPOT_CHECKS = {
    # auditees (department head, staff) see the findings about their unit, nobody else's
    ("audits:finding_detail", "staff", "in", "GET", None): 200,
    ("audits:finding_detail", "staff", "out", "GET", None): 404,
    ("audits:finding_detail", "department_head", "in", "GET", None): 200,
    # the internal auditor role gives no finding: the audits' grants do
    ("audits:finding_detail", "internal_auditor", "in", "GET", None): 403,
    ("audits:finding_edit", "department_head", "in", "GET", None): 403,
    ("audits:finding_detail", "grantee", "in", "GET", None): 200,
    ("audits:finding_detail", "grantee", "out", "GET", None): 404,
    ("audits:finding_edit", "grantee", "in", "GET", None): 200,
    ("audits:finding_improvement", "department_head", "in", "GET", None): 200,
    ("audits:finding_improvement", "staff", "in", "GET", None): 403,
}


def make_objects(tree, unit, grantee=None, objects=None):
    lead = factories.make_user(f"{tree.prefix}fa-lead-{unit.code}".lower()[:150], unit, full_name="Lead auditor")
    audit = make_audit(unit, lead=lead, status=Audit.Status.REPORTING, title=f"Đánh giá nội bộ {unit.code}")
    external = make_audit(unit, lead=lead, status=Audit.Status.REPORTING, kind=Audit.Kind.CERTIFICATION,
                          title=f"Đánh giá chứng nhận {unit.code}")
    finding = record(audit, lead, description=f"Hồ sơ lưu thiếu phiếu kiểm soát {unit.code}")
    observation = record(audit, lead, grade="observation", number=None, description=f"Nên số hoá sổ {unit.code}")
    record(external, lead, description=f"QUACERT: văn bản hết hiệu lực {unit.code}")
    if grantee is not None:  # on the team of the internal audit: the plan's grants to a team member
        for perm in ("view", "audits.conduct_audit"):
            permissions.grant(grantee, perm, audit)
    return {"audit_reporting": audit, "external_audit": external, "finding": finding, "observation": observation}
