"""The certificates part's section on an audit's page: the certificates the audit led to and the
surveillance visits it carries out, each shown only to a reader who may see it."""

from django import template

from ..models import Certificate, SurveillanceVisit

register = template.Library()


@register.inclusion_tag("audits/certificates/audit_section.html", takes_context=True)
def audit_certificates(context, audit):
    user = context["request"].user
    certificates = list(Certificate.objects.restrict(user, "view").filter(audit=audit).select_related("unit")
                        .defer("scope", "withdrawal_reason"))
    visits = list(SurveillanceVisit.objects.restrict(user, "view").filter(audit=audit)
                  .select_related("certificate").defer("certificate__scope", "certificate__withdrawal_reason"))
    return {"audit": audit, "certificates": certificates, "visits": visits}
