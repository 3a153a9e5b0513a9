"""``{% load audit_checklist %}{% checklist_section audit %}``: the checklist's section on an audit's
page (how far it is answered, the link to the on-site page), for whoever may see the audit."""

from django import template

from audits.services import checklist as services
from qms_portal.permissions import can

register = template.Library()


@register.inclusion_tag("audits/checklist/section.html", takes_context=True)
def checklist_section(context, audit):
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    if user is None or not can(user, "view", audit):
        return {"visible": False}
    return {
        "visible": True, "audit": audit, "progress": services.progress(audit),
        "may_answer": services.answer_refusal(user, audit) is None,
        "may_edit": services.edit_refusal(user, audit) is None,
    }


@register.inclusion_tag("audits/checklist/item.html", takes_context=True)
def checklist_item(context, row):
    """One question of the on-site page, from the same context the view gives the item alone
    (``audits.views.checklist.item_context``), so the page and the item sent back after an answer
    cannot differ."""
    return {**row, "csrf_token": context.get("csrf_token")}
