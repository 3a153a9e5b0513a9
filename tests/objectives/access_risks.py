"""The risks part's rows of the access matrix (composed by ``tests/objectives/access.py``).

Objects, on each unit of the matrix: a risk (``risk``) owned by nobody of the matrix, and an own
open action on it (``risk_action``) due in ten days, owned by nobody of the matrix either. Risks
carry no single-object grants: the matrix's grantee sees none. Recording an action done is for
its owner or for whoever keeps the unit's risks (``change_riskaction``)."""

from datetime import timedelta

from django.utils import timezone

from objectives.services import risks as services
from tests import factories
from tests.viewtests import Listing, P

VIEW = "objectives.view_risk"
CHANGE = "objectives.change_risk"

ROWS = {
    "objectives:risk_list": P(VIEW),
    "objectives:risk_create": P("objectives.add_risk"),
    "objectives:risk_export": P(VIEW),
    "objectives:risk_detail": P(VIEW, "risk"),
    "objectives:risk_history": P(VIEW, "risk"),
    "objectives:risk_edit": P(CHANGE, "risk"),
    "objectives:risk_review": P(CHANGE, "risk"),
    "objectives:risk_action_create": P(CHANGE, "risk"),
    "objectives:risk_action_done": P("objectives.change_riskaction", "risk_action"),
    "objectives:risk_action_cancel": P("objectives.change_riskaction", "risk_action"),
}

LISTS = {
    "objectives:risk_list": Listing("risk", VIEW, lambda r: f'href="{r.get_absolute_url()}"'),
}

SPOT_CHECKS = {
    ("objectives:risk_list", "staff", "-", "GET", None): 200,
    ("objectives:risk_detail", "staff", "in", "GET", None): 200,
    ("objectives:risk_detail", "staff", "out", "GET", None): 404,
    ("objectives:risk_edit", "staff", "in", "GET", None): 403,
    ("objectives:risk_edit", "department_head", "in", "GET", None): 200,
    ("objectives:risk_edit", "department_head", "out", "GET", None): 404,
    ("objectives:risk_review", "management_representative", "in", "GET", None): 200,
    ("objectives:risk_action_done", "staff", "in", "GET", None): 403,
    ("objectives:risk_action_done", "department_head", "in", "GET", None): 200,
    ("objectives:risk_detail", "steering_committee", "in", "GET", None): 200,
    ("objectives:risk_edit", "steering_committee", "in", "GET", None): 403,
    ("objectives:risk_detail", "grantee", "in", "GET", None): 403,
}


def make_objects(tree, unit, grantee=None, objects=None):
    su = tree.superuser
    today = timezone.localdate()
    risk = services.risk_create(acting_user=su, unit=unit, title=f"Rủi ro trễ hạn hồ sơ {unit.code}", likelihood=4,
                                impact=4, cause="Thiếu nhân lực", review_on=today + timedelta(days=60))
    owner = factories.make_user(f"{unit.code}-risk-owner".lower(), unit, full_name="Risk Owner")
    action = services.risk_action_create(acting_user=su, risk=risk, description="Bố trí thêm cán bộ một cửa",
                                         owner=owner, due_on=today + timedelta(days=10))
    return {"risk": risk, "risk_action": action}
