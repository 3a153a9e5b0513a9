"""The nonconformities area's rows of the access matrix (``tests/qms_portal/test_access_matrix.py``):
who may open each page, in and out of scope, for every identity of the matrix. Grouped by part.

desk: on each unit of the matrix, a late file recorded with an apology letter (``output``), one
citizen's bad review received through the unit's desk QR code (``feedback``), and the desk's QR
link itself (its pages are about the matrix's own ``unit`` object).
"""

from datetime import date

from tests.viewtests import Listing, P

ROWS = {}
LISTS = {}
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
    "nonconformities:feedback_transition": P(VIEW_FEEDBACK, "feedback", variants={"answer": TRIAGE,
                                                                                  "dismiss": TRIAGE}),
    # the desk's QR code, about a unit (the matrix's own: ward1 in scope, division out of scope)
    "nonconformities:desk_qr": P(DESK_QR, "unit"),
    "nonconformities:desk_qr_image": P(DESK_QR, "unit"),
    "nonconformities:desk_poster": P(DESK_QR, "unit"),
    "nonconformities:desk_link_create": P(DESK_QR, "unit", post_only=True),
    "nonconformities:desk_link_revoke": P(DESK_QR, "unit", post_only=True),
})

LISTS.update({
    "nonconformities:output_list": Listing("output", VIEW_OUTPUT, lambda o: f'href="{o.get_absolute_url()}"'),
    "nonconformities:feedback_list": Listing("feedback", VIEW_FEEDBACK, lambda f: f'href="{f.get_absolute_url()}"',
                                             query={"show": "all"}),
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
    return {"output": output, "feedback": feedback}


def make_objects(tree, unit, grantee=None):
    return {**_desk_objects(tree, unit)}


def url_kwargs(name, obj):
    if name == "nonconformities:desk_qr_image":
        return {"fmt": "svg"}
    return {}
