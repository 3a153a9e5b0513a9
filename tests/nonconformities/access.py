"""The nonconformities area's rows of the access matrix (``tests/qms_portal/test_access_matrix.py``).

Objects, placed on the unit the matrix asks for: a nonconformity raised there and driven to its
actions in progress, one corrective action owned by a person of that unit, and that owner's
pending due-date extension. The matrix's ``grantee`` gets what an action's owner gets (single-object
grants: view the nonconformity; view the action and record its progress).

desk: on each unit of the matrix, a late file recorded with an apology letter (``output``), one
citizen's bad review received through the unit's desk QR code (``feedback``), and the desk's QR
link itself (its pages are about the matrix's own ``unit`` object).
"""

from datetime import date

from nonconformities import services
from nonconformities.models import Nonconformity
from qms_portal import permissions
from tests import factories
from tests.nonconformities.factories import in_future
from tests.viewtests import Listing, P

VIEW_NC = "nonconformities.view_nonconformity"
VIEW_CA = "nonconformities.view_correctiveaction"
CHANGE_NC = "nonconformities.change_nonconformity"
COMPLETE = "nonconformities.complete_correctiveaction"

# --- nc-core ---
ROWS = {
    "nonconformities:register": P(VIEW_NC),
    "nonconformities:nonconformity_detail": P(VIEW_NC, "nonconformity"),
    "nonconformities:nonconformity_history": P(VIEW_NC, "nonconformity"),
    # in progress: only "submit for verification" is offered (and guarded); the others are 403 where
    # their permission is not held on the record (the guard does not change the page's status)
    "nonconformities:nonconformity_transition": P(VIEW_NC, "nonconformity", variants={
        "accept": "nonconformities.accept_nonconformity",
        "submit_for_verification": "nonconformities.change_nonconformity",
        "close": "nonconformities.close_nonconformity",
    }),
    "nonconformities:nonconformity_create": P("nonconformities.add_nonconformity"),
    "nonconformities:nonconformity_edit": P(CHANGE_NC, "nonconformity"),
    "nonconformities:nonconformity_analysis": P(CHANGE_NC, "nonconformity"),
    "nonconformities:nonconformity_plan": P(CHANGE_NC, "nonconformity"),
    "nonconformities:action_list": P(VIEW_CA),
    "nonconformities:action_detail": P(VIEW_CA, "action"),
    "nonconformities:correctiveaction_history": P(VIEW_CA, "action"),
    "nonconformities:action_start": P(COMPLETE, "action", post_only=True),
    "nonconformities:action_complete": P(COMPLETE, "action"),
    "nonconformities:action_edit": P("nonconformities.change_correctiveaction", "action"),
    "nonconformities:action_cancel": P("nonconformities.change_correctiveaction", "action"),
    "nonconformities:extension_request": P(COMPLETE, "action"),
    "nonconformities:extension_decide": P("nonconformities.decide_extension", "extension"),
    "nonconformities:extension_history": P("nonconformities.view_duedateextension", "extension"),
}

LISTS = {
    "nonconformities:register": Listing("nonconformity", VIEW_NC, lambda nc: f'href="{nc.get_absolute_url()}"'),
    "nonconformities:action_list": Listing("action", VIEW_CA, lambda a: f'href="{a.get_absolute_url()}"'),
}


def _core_objects(tree, unit, grantee=None):
    su = tree.superuser
    nc = services.nonconformity_create(acting_user=su, unit=unit, source=Nonconformity.Source.STAFF_REPORT,
                                       title=f"Hồ sơ trả chậm {unit.code}", description="Trễ hạn 3 ngày")
    for name in ("accept", "start_analysis"):
        services.nonconformity_transition(acting_user=su, nonconformity=nc, name=name)
    services.nonconformity_update_analysis(acting_user=su, nonconformity=nc, root_cause="Thiếu bước kiểm tra")
    services.nonconformity_transition(acting_user=su, nonconformity=nc, name="plan")
    owner = factories.make_user(f"nc-owner-{unit.code}".lower(), unit)
    action = services.action_create(acting_user=su, nonconformity=nc, description="Bổ sung bước kiểm tra hạn",
                                    owner=owner, due=in_future())
    services.nonconformity_transition(acting_user=su, nonconformity=nc, name="start")
    extension = services.extension_request(acting_user=owner, action=action, requested_due=in_future(30),
                                           reason="Chờ ý kiến Sở Tư pháp")
    if grantee is not None:
        permissions.grant(grantee, "view", nc)
        permissions.grant(grantee, "view", action)
        permissions.grant(grantee, "nonconformities.complete_correctiveaction", action)
    nc.refresh_from_db()
    return {"nonconformity": nc, "action": action, "extension": extension}


SPOT_CHECKS = {}


# desk ---------------------------------------------------------------------------------------------
VIEW_OUTPUT = "nonconformities.view_nonconformingoutput"
VIEW_FEEDBACK = "nonconformities.view_citizenfeedback"
TRIAGE = "nonconformities.change_citizenfeedback"
DESK_QR = "nonconformities.print_desk_qr"

ROWS.update({
    "nonconformities:output_list": P(VIEW_OUTPUT),
    "nonconformities:output_create": P("nonconformities.add_nonconformingoutput"),
    "nonconformities:output_detail": P(VIEW_OUTPUT, "output"),
    "nonconformities:output_edit": P("nonconformities.change_nonconformingoutput", "output"),
    "nonconformities:nonconformingoutput_history": P(VIEW_OUTPUT, "output"),
    "nonconformities:output_letter": P("nonconformities.print_apology_letter", "output"),
    "nonconformities:feedback_list": P(VIEW_FEEDBACK),
    "nonconformities:feedback_detail": P(VIEW_FEEDBACK, "feedback"),
    "nonconformities:citizenfeedback_history": P(VIEW_FEEDBACK, "feedback"),
    "nonconformities:feedback_transition": P(VIEW_FEEDBACK, "feedback", variants={
        "answer": TRIAGE, "dismiss": TRIAGE, "raise_nonconformity": TRIAGE}),
    "nonconformities:output_raise": P("nonconformities.add_nonconformity", "output", post_only=True),
    # the desk's QR code, about a unit (the matrix's own: ward1 in scope, division out of scope)
    "nonconformities:desk_qr": P(DESK_QR, "unit"),
    "nonconformities:desk_qr_image": P(DESK_QR, "unit"),
    "nonconformities:desk_poster": P(DESK_QR, "unit"),
    "nonconformities:desk_link_create": P(DESK_QR, "unit", post_only=True),
    "nonconformities:desk_link_revoke": P(DESK_QR, "unit", post_only=True),
    # one file, one rating: the links handed out, and handing one out
    "nonconformities:case_request_list": P("nonconformities.view_casefeedbackrequest"),
    "nonconformities:case_link_create": P("nonconformities.issue_case_feedback_link"),
})

LISTS.update({
    "nonconformities:output_list": Listing("output", VIEW_OUTPUT, lambda o: f'href="{o.get_absolute_url()}"'),
    "nonconformities:feedback_list": Listing("feedback", VIEW_FEEDBACK, lambda f: f'href="{f.get_absolute_url()}"',
                                             query={"show": "all"}),
    "nonconformities:case_request_list": Listing("case_request", "nonconformities.view_casefeedbackrequest",
                                                 lambda c: f"<td>{c.case_reference}</td>"),
})

SPOT_CHECKS.update({
    ("nonconformities:output_detail", "staff", "in", "GET", None): 200,
    ("nonconformities:output_letter", "staff", "in", "GET", None): 403,
    ("nonconformities:output_edit", "staff", "in", "GET", None): 403,
    ("nonconformities:output_letter", "document_controller", "in", "GET", None): 200,
    ("nonconformities:output_letter", "document_controller", "out", "GET", None): 404,
    ("nonconformities:feedback_list", "staff", "-", "GET", None): 403,
    ("nonconformities:feedback_transition", "steering_committee", "in", "GET", "answer"): 403,
    ("nonconformities:feedback_transition", "department_head", "in", "GET", "dismiss"): 200,
    ("nonconformities:desk_qr", "document_controller", "out", "GET", None): 404,
    ("nonconformities:desk_qr", "administrator", "in", "GET", None): 403,
    ("nonconformities:desk_poster", "district_only", "district", "GET", None): 200,
    ("nonconformities:case_link_create", "staff", "-", "GET", None): 200,
    ("nonconformities:case_request_list", "internal_auditor", "-", "GET", None): 403,
})


# ncreports: a nonconformity's PDF report; the register as XLSX (asking for it queues a job)
ROWS.update({
    "nonconformities:nonconformity_report": P(VIEW_NC, "nonconformity"),
    "nonconformities:register_export": P("nonconformities.export_nonconformity"),
    "nonconformities:figures": P(VIEW_NC),
})
SPOT_CHECKS.update({
    ("nonconformities:register_export", "staff", "-", "GET", None): 403,
    ("nonconformities:register_export", "department_head", "-", "GET", None): 403,
    ("nonconformities:register_export", "internal_auditor", "-", "GET", None): 200,
    ("nonconformities:nonconformity_report", "staff", "out", "GET", None): 404,
})


def _desk_objects(tree, unit):
    from nonconformities.services import desk, desk_feedback

    acting = tree.superuser
    output = desk.output_record(
        acting_user=acting, unit=unit, case_reference=f"HS-{unit.code}", delivered="Giấy phép",
        requirement="Thời hạn 15 ngày làm việc", received_on=date(2026, 3, 2), due_on=date(2026, 3, 20),
        delivered_on=date(2026, 3, 25), citizen_name="Nguyễn Văn An", citizen_language="vi", disposition="apology")
    link, _url = desk_feedback.desk_link_create(acting_user=acting, unit=unit)
    feedback = desk_feedback.feedback_received(link, {"rating": 1, "comment": f"Chậm ở {unit.code}", "contact": "",
                                                      "citizen_name": "", "case_reference": "", "website": ""})
    case_request, _url = desk_feedback.case_link_create(acting_user=acting, unit=unit,
                                                       case_reference=f"HS-{unit.code}-7", language="vi")
    return {"output": output, "feedback": feedback, "case_request": case_request}


def make_objects(tree, unit, grantee=None):
    return {**_core_objects(tree, unit, grantee), **_desk_objects(tree, unit)}


def url_kwargs(name, obj):
    if name == "nonconformities:desk_qr_image":
        return {"fmt": "svg"}
    return {}
