"""The review part's rows of the access matrix (``tests/qms_portal/test_access_matrix.py``, through
``tests/objectives/access.py``).

Objects on the unit the matrix asks for: a management review of that unit (``review``), held (its
inputs frozen) and chaired by a management representative of the city who is no identity of the
matrix, with one decision (``decision``) owned by someone who is no identity either. The matrix's
``grantee`` is a participant of the in-scope review: a single-object grant to read it, nothing
else (not its decisions)."""

from datetime import timedelta

from django.utils import timezone

from objectives.services import review as services
from tests import factories
from tests.viewtests import Listing, P

VIEW_REVIEW = "objectives.view_managementreview"
CHANGE_REVIEW = "objectives.change_managementreview"
VIEW_DECISION = "objectives.view_reviewdecision"
CHANGE_DECISION = "objectives.change_reviewdecision"
SIGN = "objectives.sign_review_minutes"

ROWS = {
    "objectives:review_list": P(VIEW_REVIEW),
    "objectives:review_create": P("objectives.add_managementreview"),
    "objectives:review_detail": P(VIEW_REVIEW, "review"),
    "objectives:review_edit": P(CHANGE_REVIEW, "review"),
    "objectives:review_history": P(VIEW_REVIEW, "review"),
    "objectives:review_transition": P(VIEW_REVIEW, "review", variants={"hold": CHANGE_REVIEW, "sign": SIGN}),
    "objectives:review_minutes_pdf": P(VIEW_REVIEW, "review"),
    "objectives:decision_add": P(CHANGE_REVIEW, "review"),
    "objectives:decision_list": P(VIEW_DECISION),
    "objectives:decision_detail": P(VIEW_DECISION, "decision"),
    "objectives:decision_history": P(VIEW_DECISION, "decision"),
    "objectives:decision_done": P(CHANGE_DECISION, "decision"),
    "objectives:decision_cancel": P(CHANGE_DECISION, "decision"),
}

LISTS = {
    "objectives:review_list": Listing("review", VIEW_REVIEW, lambda r: f'href="{r.get_absolute_url()}"'),
    "objectives:decision_list": Listing("decision", VIEW_DECISION, lambda d: f'href="{d.get_absolute_url()}"'),
}

SPOT_CHECKS = {
    # a participant (the grantee) reads the review they sit in, not its decisions, and changes nothing
    ("objectives:review_detail", "grantee", "in", "GET", None): 200,
    ("objectives:review_detail", "grantee", "out", "GET", None): 404,
    ("objectives:review_minutes_pdf", "grantee", "in", "GET", None): 200,
    ("objectives:review_edit", "grantee", "in", "GET", None): 403,
    ("objectives:decision_list", "grantee", "-", "GET", None): 403,
    # the management representative keeps and signs; the ISO officer keeps, does not sign
    ("objectives:review_transition", "management_representative", "in", "GET", "sign"): 200,
    ("objectives:review_transition", "document_controller", "in", "GET", "sign"): 403,
    ("objectives:review_transition", "document_controller", "in", "GET", "hold"): 200,
    ("objectives:decision_cancel", "management_representative", "out", "GET", None): 404,
    # department heads and the steering committee read; staff see nothing of it
    ("objectives:review_detail", "department_head", "in", "GET", None): 200,
    ("objectives:decision_done", "department_head", "in", "GET", None): 403,
    ("objectives:review_detail", "steering_committee", "in", "GET", None): 200,
    ("objectives:review_list", "staff", "-", "GET", None): 403,
}


def _person(tree, name, role=None):
    from qms_portal.models import User

    username = f"{tree.prefix}{name}".lower()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = factories.make_user(username, tree.city, full_name=name.title())
        if role:
            factories.assign(user, role, tree.city, include_subunits=True)
    return user


def make_objects(tree, unit, grantee=None, objects=None):
    su = tree.superuser
    today = timezone.localdate()
    chair = _person(tree, "review-chair", "management_representative")
    review = services.review_create(
        acting_user=su, unit=unit, title=f"Xem xét của lãnh đạo {unit.code}", meeting_on=today,
        period_start=today - timedelta(days=365), period_end=today, chair=chair,
        participants=[grantee] if grantee is not None else [])
    services.review_transition(acting_user=su, review=review, name="hold")
    decision = services.decision_add(acting_user=su, review=review, kind="improvement",
                                     description=f"Cải tiến quy trình {unit.code}", owner=_person(tree, "review-owner"),
                                     due_on=today + timedelta(days=30))
    review.refresh_from_db()
    return {"review": review, "decision": decision}
