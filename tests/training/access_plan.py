"""The plan part's rows of the access matrix (composed by ``tests/training/access.py``).

Objects, on each unit of the matrix: the unit's training plan for this year (``training_plan``, a
draft with one item, so that its approval is not refused by its guard) and that item
(``training_plan_item``). Plans carry no single-object grants: the matrix's grantee sees none.
The training coordinator keeps the plans of their units; the management representative reads and
approves them; department heads read them."""

from django.utils import timezone

from tests.viewtests import Listing, P
from training.services import plan as services

VIEW = "training.view_trainingplan"
CHANGE = "training.change_trainingplan"
CHANGE_ITEM = "training.change_planitem"
APPROVE = "training.approve_trainingplan"
VIEW_ITEM = "training.view_planitem"

ROWS = {
    "training:plan_list": P(VIEW),
    "training:planitem_list": P(VIEW_ITEM),
    "training:plan_create": P("training.add_trainingplan"),
    "training:plan_detail": P(VIEW, "training_plan"),
    "training:plan_history": P(VIEW, "training_plan"),
    "training:plan_pdf": P(VIEW, "training_plan"),
    "training:plan_xlsx": P(VIEW, "training_plan"),
    "training:plan_edit": P(CHANGE, "training_plan"),
    "training:plan_suggestions": P(CHANGE, "training_plan"),
    "training:plan_item_create": P(CHANGE, "training_plan"),
    "training:plan_transition": P(VIEW, "training_plan", variants={"approve": APPROVE, "submit": CHANGE}),
    "training:plan_item_edit": P(CHANGE_ITEM, "training_plan_item"),
    "training:plan_item_sessions": P(CHANGE_ITEM, "training_plan_item"),
    "training:plan_item_remove": P(CHANGE_ITEM, "training_plan_item", post_only=True),
}

LISTS = {
    "training:plan_list": Listing("training_plan", VIEW, lambda p: f'href="{p.get_absolute_url()}"'),
    "training:planitem_list": Listing("training_plan_item", VIEW_ITEM, lambda i: f'data-item="{i.pk}"'),
}

SPOT_CHECKS = {
    ("training:plan_list", "department_head", "-", "GET", None): 200,
    ("training:planitem_list", "department_head", "-", "GET", None): 200,
    ("training:planitem_list", "steering_committee", "-", "GET", None): 200,
    ("training:planitem_list", "staff", "-", "GET", None): 403,
    ("training:plan_detail", "department_head", "in", "GET", None): 200,
    ("training:plan_detail", "department_head", "out", "GET", None): 404,
    ("training:plan_xlsx", "department_head", "in", "GET", None): 200,
    ("training:plan_xlsx", "department_head", "out", "GET", None): 404,
    ("training:plan_xlsx", "staff", "in", "GET", None): 403,
    ("training:plan_edit", "department_head", "in", "GET", None): 403,
    ("training:plan_detail", "staff", "in", "GET", None): 403,
    ("training:plan_edit", "training_coordinator", "in", "GET", None): 200,
    ("training:plan_edit", "training_coordinator", "out", "GET", None): 404,
    ("training:plan_suggestions", "training_coordinator", "in", "GET", None): 200,
    ("training:plan_item_edit", "training_coordinator", "in", "GET", None): 200,
    # the coordinator drafts, the management representative approves
    ("training:plan_transition", "training_coordinator", "in", "GET", "approve"): 403,
    ("training:plan_transition", "management_representative", "in", "GET", "approve"): 200,
    ("training:plan_transition", "management_representative", "out", "GET", "approve"): 404,
    # ... and the coordinator submits it for approval (the management representative does not)
    ("training:plan_transition", "training_coordinator", "in", "GET", "submit"): 200,
    ("training:plan_transition", "training_coordinator", "out", "GET", "submit"): 404,
    ("training:plan_transition", "management_representative", "in", "GET", "submit"): 403,
    ("training:plan_edit", "management_representative", "in", "GET", None): 403,
    ("training:plan_detail", "steering_committee", "in", "GET", None): 200,
    ("training:plan_detail", "grantee", "in", "GET", None): 403,
}


def make_objects(tree, unit, grantee=None, objects=None):
    su = tree.superuser
    plan = services.plan_create(acting_user=su, unit=unit, year=timezone.localdate().year,
                                budget="Kinh phí cải cách hành chính")
    item = services.plan_item_add(acting_user=su, plan=plan, need="gap", title=f"Tập huấn ISO 9001 {unit.code}",
                                  month=min(timezone.localdate().month + 1, 12), participants=12)
    return {"training_plan": plan, "training_plan_item": item}
