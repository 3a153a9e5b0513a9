"""The kpi part's rows of the access matrix (composed by ``tests/objectives/access.py``).

Objects on each unit of the matrix: the unit's quality objective for the year (``objective``), a
monthly rate indicator (``indicator``) whose reporter is a staff member who is no identity of the
matrix (the staff identity may be named a reporter — it holds the entry pages — but reaches none),
and its value of last month (``measurement``), missed (90 % against 98 %, threshold 96 %). The on-time pages take the
unit itself (``unit``)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from tests import factories
from tests.objectives.kpi_factories import objective, rate, value
from tests.viewtests import Listing, P

VIEW_O, VIEW_I, VIEW_M = "objectives.view_qualityobjective", "objectives.view_indicator", "objectives.view_measurement"
ENTER = "objectives.enter_measurement"
VIEW_T, ADD_T = "objectives.view_proceduretimeliness", "objectives.add_proceduretimeliness"

ROWS = {
    "objectives:objective_list": P(VIEW_O),
    "objectives:objective_tree": P(VIEW_O),
    "objectives:objective_create": P("objectives.add_qualityobjective"),
    "objectives:objective_detail": P(VIEW_O, "objective"),
    "objectives:objective_edit": P("objectives.change_qualityobjective", "objective"),
    "objectives:objective_history": P(VIEW_O, "objective"),
    "objectives:indicator_list": P(VIEW_I),
    "objectives:indicator_create": P("objectives.add_indicator"),
    "objectives:indicator_detail": P(VIEW_I, "indicator"),
    "objectives:indicator_edit": P("objectives.change_indicator", "indicator"),
    "objectives:indicator_history": P(VIEW_I, "indicator"),
    "objectives:indicator_rollup": P(VIEW_I, "indicator"),
    "objectives:indicator_pdf": P(VIEW_I, "indicator"),
    "objectives:measurement_enter": P(ENTER, "indicator"),
    "objectives:period_entry": P(ENTER),
    "objectives:measurement_import": P(ENTER),
    "objectives:measurement_detail": P(VIEW_M, "measurement"),
    "objectives:measurement_correct": P(ENTER, "measurement"),
    "objectives:measurement_history": P(VIEW_M, "measurement"),
    # whoever may raise a nonconformity in the indicator's unit (the value is missed)
    "objectives:measurement_nonconformity": P("nonconformities.add_nonconformity", "measurement"),
    "objectives:on_time_home": P(VIEW_T, ok={"GET": 302}),  # to the reader's unit
    "objectives:on_time": P(VIEW_T, "unit"),
    "objectives:timeliness_enter": P(ADD_T, "unit"),
    "objectives:timeliness_list": P(VIEW_T),
    "objectives:timeliness_detail": P(VIEW_T, "timeliness"),
    "objectives:timeliness_history": P(VIEW_T, "timeliness"),
}

LISTS = {
    "objectives:objective_list": Listing("objective", VIEW_O, lambda o: f'href="{o.get_absolute_url()}"'),
    "objectives:indicator_list": Listing("indicator", VIEW_I, lambda i: f'href="{i.get_absolute_url()}"'),
    "objectives:timeliness_list": Listing("timeliness", VIEW_T, lambda t: f'href="{t.get_absolute_url()}"'),
}

SPOT_CHECKS = {
    ("objectives:objective_list", "staff", "-", "GET", None): 403,
    ("objectives:objective_detail", "management_representative", "in", "GET", None): 200,
    ("objectives:objective_detail", "management_representative", "out", "GET", None): 404,
    ("objectives:objective_edit", "steering_committee", "in", "GET", None): 403,
    ("objectives:indicator_detail", "steering_committee", "in", "GET", None): 200,
    ("objectives:measurement_correct", "department_head", "in", "GET", None): 200,
    ("objectives:measurement_correct", "internal_auditor", "in", "GET", None): 403,
    ("objectives:measurement_enter", "document_controller", "in", "GET", None): 403,
    ("objectives:timeliness_enter", "document_controller", "in", "GET", None): 200,
    ("objectives:timeliness_enter", "department_head", "out", "GET", None): 404,
    ("objectives:timeliness_detail", "steering_committee", "in", "GET", None): 200,
    ("objectives:timeliness_history", "department_head", "out", "GET", None): 404,
    ("objectives:timeliness_detail", "no_role", "in", "GET", None): 403,
    # staff may be named reporters: the entry page opens (empty), another's indicator does not
    ("objectives:period_entry", "staff", "-", "GET", None): 200,
    ("objectives:measurement_enter", "staff", "in", "GET", None): 404,
    ("objectives:indicator_list", "no_role", "-", "GET", None): 403,
}


def _reporter(tree):
    from qms_portal.models import User

    name = f"{tree.prefix}kpi-reporter".lower()
    user = User.objects.filter(username=name).first()
    if user is None:
        user = factories.make_user(name, tree.ward1, full_name="KPI Reporter")
        factories.assign(user, "staff", tree.ward1, include_subunits=False)
    return user


def make_objects(tree, unit, grantee=None, objects=None):
    su = tree.superuser
    today = timezone.localdate()
    goal = objective(unit, su, year=today.year, title=f"Mục tiêu chất lượng {unit.code}")
    ind = rate(unit, su, code="ontime", objective=goal, reporter=_reporter(tree))
    last = date(today.year, today.month, 1)
    last = date(last.year - 1, 12, 1) if last.month == 1 else date(last.year, last.month - 1, 1)
    m = value(ind, su, last, numerator=Decimal(90), denominator=Decimal(100))
    return {"objective": goal, "indicator": ind, "measurement": m, "timeliness": _timeliness(unit, su, last)}


def _timeliness(unit, su, month):
    """Last month's files of one procedure of the unit (a document of its own, through the service)."""
    from documents.models import Document
    from objectives.services.kpi_ontime import timeliness_enter
    from tests.documents.factories import doc_type

    procedure = Document.objects.create(unit=unit, code=f"QT-{unit.code}", title=f"Thủ tục {unit.code}",
                                        doc_type=doc_type("QT"), category="operational", process_owner=su)
    [row] = timeliness_enter(acting_user=su, unit=unit, month=month,
                             rows=[{"procedure": procedure, "received": 10, "on_time": 9, "late": 1}])
    return row
