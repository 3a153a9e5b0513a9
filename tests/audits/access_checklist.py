"""The checklist part's rows of the access matrix (composed by ``tests/audits/access.py``).

Objects, on the unit the matrix asks for: an audit in progress (``checklist_audit``) with two
questions, the first answered, and a checklist template (``checklisttemplate``). The matrix's grantee
gets what the plan gives the lead auditor and the team: view the audit and conduct it (single-object
grants on the audit). Every checklist URL is the audit's: its rights are the audit's, so the item of
the URL (the audit's first question) needs no grant of its own."""

import uuid

from audits.models import Audit, ChecklistItem
from audits.services import checklist as services
from audits.services import checklist_templates as template_services
from qms_portal import permissions
from tests.audits.factories_checklist import clauses, make_audit
from tests.viewtests import LOGIN, Listing, P

VIEW = "audits.view_audit"
CONDUCT = "audits.conduct_audit"
VIEW_TEMPLATE = "audits.view_checklisttemplate"

ROWS = {
    "audits:checklist": P(VIEW, "checklist_audit"),
    "audits:checklist_service_worker": LOGIN,  # the offline worker's script: no data, any signed-in person
    # htmx gets the item; a plain visit is sent to the page at the item
    "audits:checklist_item": P(VIEW, "checklist_audit", ok={"GET": 302, "POST": 302}),
    "audits:checklist_item_history": P(VIEW, "checklist_audit"),
    "audits:checklist_answer": P(CONDUCT, "checklist_audit", post_only=True),
    "audits:checklist_photo": P(CONDUCT, "checklist_audit", post_only=True),
    "audits:checklist_build": P(CONDUCT, "checklist_audit"),
    "audits:checklist_item_add": P(CONDUCT, "checklist_audit"),
    "audits:checklist_item_edit": P(CONDUCT, "checklist_audit"),
    "audits:checklist_item_move": P(CONDUCT, "checklist_audit", post_only=True),
    "audits:checklist_item_remove": P(CONDUCT, "checklist_audit", post_only=True),
    "audits:checklist_from_template": P(CONDUCT, "checklist_audit"),
    # anyone who sees the audit may keep its questions, in a unit where they keep templates (the form
    # offers those units only; someone who keeps templates nowhere is told so)
    "audits:checklist_save_template": P(VIEW, "checklist_audit"),
    "audits:template_list": P(VIEW_TEMPLATE),
    "audits:template_detail": P(VIEW_TEMPLATE, "checklisttemplate"),
    "audits:checklisttemplate_history": P(VIEW_TEMPLATE, "checklisttemplate"),
    "audits:template_edit": P("audits.change_checklisttemplate", "checklisttemplate"),
}

POST_DATA = {
    "audits:checklist_answer": {"answer": "observation", "notes": "Sổ theo dõi chưa ký", "key": str(uuid.uuid4()),
                                "base_version": "1"},
    "audits:checklist_photo": {"key": str(uuid.uuid4())},  # no photo: sent back with a message
    "audits:checklist_item_move": {"direction": "down"},
}

LISTS = {
    "audits:template_list": Listing("checklisttemplate", VIEW_TEMPLATE, lambda t: f'href="{t.get_absolute_url()}"'),
}

SPOT_CHECKS = {
    ("audits:checklist", "grantee", "in", "GET", None): 200,
    ("audits:checklist", "grantee", "out", "GET", None): 404,
    ("audits:checklist_answer", "grantee", "in", "POST", None): 302,
    ("audits:checklist_answer", "grantee", "out", "POST", None): 404,
    ("audits:checklist_answer", "internal_auditor", "in", "POST", None): 403,  # the role is not the grant
    ("audits:checklist_answer", "steering_committee", "in", "POST", None): 403,
    ("audits:checklist", "internal_auditor", "in", "GET", None): 403,
    ("audits:checklist", "steering_committee", "in", "GET", None): 200,
    ("audits:checklist", "steering_committee", "out", "GET", None): 404,
    ("audits:checklist_build", "grantee", "in", "GET", None): 200,
    ("audits:checklist_build", "management_representative", "in", "GET", None): 403,
    ("audits:template_list", "internal_auditor", "-", "GET", None): 200,
    ("audits:template_list", "staff", "-", "GET", None): 403,
    ("audits:template_edit", "internal_auditor", "in", "GET", None): 200,
    ("audits:template_edit", "internal_auditor", "out", "GET", None): 404,
    ("audits:template_edit", "steering_committee", "in", "GET", None): 403,
}


def make_objects(tree, unit, grantee=None, objects=None):
    su = tree.superuser
    audit = make_audit(unit, status=Audit.Status.IN_PROGRESS, lead=su, clauses=clauses("7.5", "9.2"),
                       title=f"Đánh giá nội bộ {unit.code}")
    services.checklist_build(acting_user=su, audit=audit, clauses=list(audit.clauses.all()))
    first = audit.items.order_by("position").first()
    services.checklist_item_answer(acting_user=su, item=first, answer=ChecklistItem.Answer.CONFORMS,
                                   notes="Có hồ sơ", key=uuid.uuid4(), base_version=0)
    template = template_services.checklist_save_as_template(acting_user=su, audit=audit, unit=unit,
                                                            name=f"Mẫu {unit.code}")
    if grantee is not None:
        permissions.grant(grantee, "view", audit)
        permissions.grant(grantee, CONDUCT, audit)
    return {"checklist_audit": audit, "checklisttemplate": template}


def url_kwargs(name, obj):
    if obj is None:  # the offline worker's script
        return None
    if name.startswith("audits:checklist_") and name not in ("audits:checklist_build", "audits:checklist_item_add",
                                                             "audits:checklist_from_template",
                                                             "audits:checklist_save_template"):
        return {"item": obj.items.order_by("position").values_list("pk", flat=True).first()}
    return None
