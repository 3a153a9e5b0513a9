"""The steering committee's lists (evaluations of units, evaluation sheets, annual ISO reports) keep
their content in the cache (``qms_portal/steering/cached.py``): every row they show retires them
when it changes (recorded by ``tests/fragment_check.py``), what a person does shows at once, and a
cached visit reads none of their rows."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms_portal import services as core
from qms_portal.models import Unit, User
from qms_portal.steering.evaluation_models import UnitEvaluation
from qms_portal.steering.evaluation_services import evaluation_transition, unit_evaluation_score
from qms_portal.steering.report_services import (
    annual_report_create,
    annual_report_transition,
    annual_report_update,
)
from tests.fragment_check import PieceRecorder, assert_cached_visit_reads_no_row
from tests.qms_portal.steering.test_annual_report_views import LAST_YEAR, SECTIONS, report_on
from tests.qms_portal.steering.test_evaluation_views import YEAR, evaluation_on, opened_on, submitted
from tests.viewtests import logged_in

pytestmark = pytest.mark.django_db

LISTS = [("evaluation_list", {}), ("evaluation_list", {"status": "open"}), ("unitevaluation_list", {}),
         ("unitevaluation_list", {"status": "self", "evaluation__year": YEAR}), ("annualreport_list", {}),
         ("annualreport_list", {"status": "draft"})]
TABLES = {"evaluation_list": "qms_portal_evaluation", "unitevaluation_list": "qms_portal_unitevaluation",
          "annualreport_list": "qms_portal_annualreport"}


@pytest.fixture
def listed(tree):
    """An open evaluation of the district's wards (two sheets), a draft one of the agency's units and
    a draft annual report of ward 1 drafted by its management representative."""
    opened_on(tree, tree.district)
    evaluation_on(tree, tree.agency)
    tree.report = annual_report_create(acting_user=tree.ward1_mr, unit=tree.ward1, year=LAST_YEAR)
    return tree


def visit(client, name, params=None):
    response = client.get(reverse(name), params or {})
    assert response.status_code == 200, name
    return response.content.decode()


def test_every_row_the_cached_lists_show_retires_them_when_it_changes(listed, monkeypatch):
    recorder = PieceRecorder(monkeypatch)
    for person in (listed.admin, listed.district_steering, listed.ward1_mr):
        client = logged_in(person)
        for name, params in LISTS:
            visit(client, name, params)
    assert recorder.problems() == []
    assert recorder.models_seen() >= {"qms_portal.Evaluation", "qms_portal.UnitEvaluation",
                                      "qms_portal.AnnualReport", "qms_portal.Unit", "qms_portal.User"}


def test_the_check_fails_for_a_list_that_misses_a_generation(listed, monkeypatch):
    from qms_portal import fragments
    from qms_portal.steering.evaluation_views import SheetListView

    monkeypatch.setattr(SheetListView, "cache_generations", (fragments.UNITS,))
    recorder = PieceRecorder(monkeypatch)
    visit(logged_in(listed.district_steering), "unitevaluation_list")
    assert any("qms_portal.UnitEvaluation" in p for p in recorder.problems()), recorder.problems()
    assert any("qms_portal.Evaluation" in p for p in recorder.problems()), recorder.problems()


@pytest.mark.parametrize(("name", "params"), LISTS)
def test_a_cached_visit_reads_no_row_of_the_list(name, params, listed):
    client = logged_in(listed.district_steering)
    assert_cached_visit_reads_no_row(client, reverse(name), params, TABLES[name])


def test_an_evaluation_opened_and_its_sheets_submitted_show_at_once(tree):
    evaluation = evaluation_on(tree, tree.district)
    steering, mr = logged_in(tree.district_steering), logged_in(tree.ward1_mr)
    assert "<td>Draft</td>" in visit(steering, "evaluation_list")
    assert tree.ward1.name not in visit(mr, "unitevaluation_list")
    evaluation_transition(acting_user=tree.superuser, evaluation=evaluation, name="open")
    assert "<td>Open</td>" in visit(steering, "evaluation_list")
    sheets = visit(mr, "unitevaluation_list")
    assert tree.ward1.name in sheets and "<td>Self-assessment</td>" in sheets
    sheet = UnitEvaluation.objects.get(evaluation=evaluation, unit=tree.ward1)
    submitted(sheet, tree.ward1_mr, A=8, B=16)
    assert "<td>Waiting for appraisal</td>" in visit(mr, "unitevaluation_list")


def test_scores_leave_the_sheets_list_cached_and_a_renamed_unit_shows_at_once(listed):
    """A sheet's scores are not in the list (``cached.SHEET_FIELDS``): scoring retires nothing."""
    client = logged_in(listed.ward1_mr)
    visit(client, "unitevaluation_list")
    sheet = UnitEvaluation.objects.get(evaluation__unit=listed.district, unit=listed.ward1)
    unit_evaluation_score(acting_user=listed.ward1_mr, sheet=sheet, scores={"A": (5, "QĐ 12")})
    with CaptureQueriesContext(connection) as cached:
        visit(client, "unitevaluation_list")
    assert not [q for q in cached.captured_queries if 'FROM "qms_portal_unitevaluation"' in q["sql"]]
    core.unit_update(acting_user=listed.admin, unit=Unit.objects.get(pk=listed.ward1.pk), name="Phường Mới")
    assert "Phường Mới" in visit(client, "unitevaluation_list")


def test_a_report_drafted_submitted_and_its_renamed_drafter_show_at_once(listed):
    client = logged_in(listed.district_steering)
    page = visit(client, "annualreport_list")
    assert listed.ward1.name in page and "<td>Draft</td>" in page and listed.ward2.name not in page
    report_on(listed, listed.ward2)
    assert listed.ward2.name in visit(client, "annualreport_list")
    annual_report_update(acting_user=listed.ward1_mr, report=listed.report, **SECTIONS)
    annual_report_transition(acting_user=listed.ward1_mr, report=listed.report, name="submit")
    assert "<td>Submitted for review</td>" in visit(client, "annualreport_list")
    core.user_update(acting_user=listed.admin, user=User.objects.get(pk=listed.ward1_mr.pk), full_name="Trần Văn Mới")
    assert "Trần Văn Mới" in visit(client, "annualreport_list")


def test_the_new_button_follows_the_permission_not_the_cache(listed):
    """The steering committee drafts evaluations, not reports; the management representative the
    other way round: each is served their own list."""
    steering, mr = logged_in(listed.district_steering), logged_in(listed.ward1_mr)
    evaluations_new, reports_new = reverse("evaluation_create"), reverse("annualreport_create")
    assert evaluations_new in visit(steering, "evaluation_list")
    assert evaluations_new not in visit(mr, "evaluation_list")
    assert reports_new in visit(mr, "annualreport_list")
    assert reports_new not in visit(steering, "annualreport_list")
