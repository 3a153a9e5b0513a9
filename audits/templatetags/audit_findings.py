"""The findings part's section on an audit's page (``{% audit_findings_section audit %}``): the
findings the reader may see, by grade, with what they may do (record one, raise the nonconformities
the close needs, write the report, the PDFs, the certification body's response)."""

from django import template

from qms_portal.permissions import can

from ..selectors import findings as selectors
from ..services import findings as services

register = template.Library()


@register.inclusion_tag("audits/findings/section.html", takes_context=True)
def audit_findings_section(context, audit):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not can(user, "view", audit):
        return {"visible": False}
    findings = list(selectors.visible_findings(user, audit).order_by("number", "pk"))
    may_record = services.may_record(user, audit)
    missing = selectors.missing_nonconformities(audit).count() if audit.status != audit.Status.CLOSED else 0
    waiting = list(selectors.answers_without_finding(audit)[:20]) if may_record else []
    return {
        "visible": True, "audit": audit, "findings": findings, "counts": selectors.grade_counts(findings),
        "may_record": may_record, "missing": missing, "waiting": waiting,
        "may_raise_all": missing and can(user, "audits.conduct_audit", audit),
        "may_report": can(user, "audits.sign_audit_report", audit),
        "request": request,
    }
