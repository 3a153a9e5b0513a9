"""The objectives area's lists keep their content in the cache (``objectives/cached.py``): every row
they show retires them when it changes (recorded by ``tests/fragment_check.py``), what a person does
— or a respondent, through a token page — shows at once, a cached visit reads no row of the list,
and readers with different rights each get their own version."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from objectives.models import Survey
from objectives.selectors.kpi_math import shift
from objectives.services import kpi as kpi_services
from objectives.services import review as review_services
from objectives.services import risks as risk_services
from objectives.services import surveys as survey_services
from objectives.services.kpi_ontime import timeliness_enter
from qms_portal import services as core
from qms_portal.models import Unit, User
from tests import factories
from tests.fragment_check import PieceRecorder, assert_cached_visit_reads_no_row
from tests.objectives.kpi_factories import objective, rate, value
from tests.objectives.review_factories import add_decision, hold, make_review, review_tree
from tests.objectives.surveys_factories import group, make_survey, ratings_data

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = timezone.localdate()
LAST_MONTH = shift(TODAY.replace(day=1), "monthly", -1)
LISTS = {  # list → its table
    "objectives:survey_list": "objectives_survey",
    "objectives:review_list": "objectives_managementreview",
    "objectives:decision_list": "objectives_reviewdecision",
    "objectives:risk_list": "objectives_risk",
    "objectives:objective_list": "objectives_qualityobjective",
    "objectives:indicator_list": "objectives_indicator",
    "objectives:timeliness_list": "objectives_proceduretimeliness",
}
FILTERED = {
    "objectives:survey_list": {"status": "open"},
    "objectives:review_list": {"status": "held"},
    "objectives:decision_list": {"overdue": "true"},
    "objectives:risk_list": {"status": "all"},
    "objectives:objective_list": {"year": str(TODAY.year)},
    "objectives:indicator_list": {"frequency": "monthly"},
    "objectives:timeliness_list": {"late": "on"},
}


def procedure(unit, owner, code, type_code="QT", **kw):
    from documents.models import Document
    from tests.documents.factories import doc_type

    return Document.objects.create(unit=unit, code=code, title=f"Thủ tục {code}", doc_type=doc_type(type_code),
                                   category="operational", process_owner=owner, **kw)


@pytest.fixture
def t():
    """A row of every list, on ward1: a survey answered twice, a review held long ago with an
    overdue decision (its owner: t.owner, no role) and a participant, a risk on a process, an
    objective, an indicator with a value, a month's files of a procedure."""
    t = review_tree()
    su = t.superuser
    t.survey = make_survey(su, t.ward1, title="Khảo sát phường 1")
    t.links = survey_services.survey_links_create(acting_user=su, survey=t.survey, group=group(t.survey), count=4)
    for url in t.links[:2]:
        answer_on_the_token_page(url, t.survey, 1)
    t.review = hold(t, make_review(t, meeting_on=TODAY - timedelta(days=60), participants=[t.participant]))
    t.decision = add_decision(t, t.review, description="Rút ngắn thời gian trả kết quả")
    t.process = procedure(t.ward1, su, "QT-07")
    t.risk = risk_services.risk_create(acting_user=su, unit=t.ward1, title="Hồ sơ trễ hạn", likelihood=3, impact=4,
                                       owner=t.ward1_mr, process=t.process)
    t.objective = objective(t.ward1, su, year=TODAY.year, title="Mục tiêu của phường", responsible=t.ward1_mr)
    t.indicator = rate(t.ward1, su)
    value(t.indicator, su, LAST_MONTH, numerator=D(99), denominator=D(100))
    t.files = timeliness_enter(acting_user=su, unit=t.ward1, month=LAST_MONTH,
                               rows=[{"procedure": t.process, "received": 50, "on_time": 45, "late": 5}])
    return t


def answer_on_the_token_page(url, survey, ratings):
    """A respondent (no account) answers through the survey's link."""
    sent = Client().post(urlsplit(url).path, ratings_data(survey, ratings))
    assert sent.status_code == 200


def visit(client, name, params=None):
    response = client.get(reverse(name), params or {})
    assert response.status_code == 200, name
    return response.content.decode()


def row_of(page, url):
    return page[page.index(url):].split("</tr>", 1)[0]


def test_every_row_the_cached_lists_show_retires_them_when_it_changes(t, client_for, monkeypatch):
    recorder = PieceRecorder(monkeypatch)
    for person in (t.ward1_mr, t.district_steering, t.admin):
        client = client_for(person)
        for name, params in FILTERED.items():
            visit(client, name)
            visit(client, name, params)
        visit(client, "objectives:risk_list", {"process": t.process.pk, "unit": t.ward1.pk})
    visit(client_for(t.owner), "objectives:decision_list")  # through their single-object grants only
    visit(client_for(t.participant), "objectives:review_list")
    assert recorder.problems() == []
    assert recorder.models_seen() >= {
        "objectives.Survey", "objectives.ManagementReview", "objectives.ReviewDecision", "objectives.Risk",
        "objectives.QualityObjective", "objectives.Indicator", "objectives.ProcedureTimeliness",
        "documents.Document", "qms_portal.Unit", "qms_portal.User"}


def test_the_check_fails_for_a_list_that_misses_a_generation(t, client_for, monkeypatch):
    from objectives.views.kpi_ontime import TimelinessListView

    monkeypatch.setattr(TimelinessListView, "cache_generations", ("objectives-timeliness",))
    recorder = PieceRecorder(monkeypatch)
    visit(client_for(t.ward1_mr), "objectives:timeliness_list")
    assert any("documents.Document" in p for p in recorder.problems()), recorder.problems()


@pytest.mark.parametrize("name", list(LISTS))
def test_a_cached_visit_reads_no_row_of_the_list(name, t, client_for):
    client = client_for(t.owner if name == "objectives:decision_list" else t.ward1_mr)
    assert_cached_visit_reads_no_row(client, reverse(name), {}, LISTS[name])


# --- what a person does shows at once ----------------------------------------------------------------
def test_an_answer_through_the_token_page_and_a_closed_survey_show_at_once(t, client_for):
    client = client_for(t.ward1_mr)
    url = t.survey.get_absolute_url()
    cells = row_of(visit(client, "objectives:survey_list"), url).split('<td class="text-end">')[1:]
    assert [c.split("<", 1)[0].strip() for c in cells] == ["2", "100 %"]
    answer_on_the_token_page(t.links[2], t.survey, 3)  # kept counts: an update(), no signal
    cells = row_of(visit(client, "objectives:survey_list"), url).split('<td class="text-end">')[1:]
    assert [c.split("<", 1)[0].strip() for c in cells] == ["3", "67 %"]
    survey_services.survey_transition(acting_user=t.superuser, survey=t.survey, name="close")
    assert str(Survey.Status.CLOSED.label) in row_of(visit(client, "objectives:survey_list"), url)


def test_a_held_review_a_new_decision_and_a_decision_done_show_at_once(t, client_for):
    client = client_for(t.ward1_mr)
    review_url = t.review.get_absolute_url()
    assert '<td class="text-end">1</td>' in row_of(visit(client, "objectives:review_list"), review_url)
    fresh = make_review(t, title="Xem xét giữa năm")
    assert fresh.get_absolute_url() in visit(client, "objectives:review_list")
    add_decision(t, t.review, description="Bổ sung nhân lực bộ phận một cửa", due_in=90)
    assert "Bổ sung nhân lực" in visit(client, "objectives:decision_list")
    assert '<td class="text-end">2</td>' in row_of(visit(client, "objectives:review_list"), review_url)
    assert t.decision.get_absolute_url() in visit(client, "objectives:decision_list", {"overdue": "true"})
    review_services.decision_complete(acting_user=t.owner, decision=t.decision, note="Đã làm")
    assert t.decision.get_absolute_url() not in visit(client, "objectives:decision_list", {"overdue": "true"})
    assert '<td class="text-end">1</td>' in row_of(visit(client, "objectives:review_list"), review_url)


def test_a_new_participant_and_a_new_owner_see_at_once_what_they_were_given(t, client_for):
    """Single-object grants widen a reader's list: their first list was kept without the row."""
    newcomer = factories.make_user(f"{t.prefix}newcomer", t.ward2, full_name="Người mới")
    factories.assign(newcomer, "staff", t.ward2)
    other = factories.make_user(f"{t.prefix}other-owner", t.ward2, full_name="Chủ khác")
    other_review = hold(t, make_review(t, title="Xem xét khác"))
    add_decision(t, other_review, owner=other, description="Một quyết định khác")
    client, owner = client_for(t.participant), client_for(other)
    assert other_review.get_absolute_url() not in visit(client, "objectives:review_list")
    assert t.decision.get_absolute_url() not in visit(owner, "objectives:decision_list")
    planned = make_review(t, title="Xem xét sắp tới")
    review_services.review_update(acting_user=t.ward1_mr, review=planned, participants=[t.participant])
    assert planned.get_absolute_url() in visit(client, "objectives:review_list")
    add_decision(t, t.review, owner=other, description="Giao thêm cho chủ khác")
    assert "Giao thêm cho chủ khác" in visit(owner, "objectives:decision_list")


def test_a_new_risk_a_review_and_a_renamed_process_show_at_once(t, client_for):
    client = client_for(t.ward1_mr)
    assert "Hồ sơ trễ hạn" in visit(client, "objectives:risk_list")
    risk_services.risk_create(acting_user=t.superuser, unit=t.ward1, title="Mất dữ liệu", likelihood=5, impact=5)
    assert "Mất dữ liệu" in visit(client, "objectives:risk_list")
    risk_services.risk_review(acting_user=t.ward1_mr, risk=t.risk, residual_likelihood=None, residual_impact=None,
                              review_on=None, status="closed")
    assert t.risk.get_absolute_url() not in visit(client, "objectives:risk_list")
    t.process.title = "Quy trình đổi tên"
    t.process.save()
    assert "Quy trình đổi tên" in visit(client, "objectives:risk_list", {"status": "all"})


def test_an_objective_achieved_a_value_entered_and_files_corrected_show_at_once(t, client_for):
    client = client_for(t.ward1_mr)
    assert t.objective.get_absolute_url() not in visit(client, "objectives:objective_list", {"status": "achieved"})
    kpi_services.objective_update(acting_user=t.superuser, objective=t.objective, status="achieved")
    assert t.objective.get_absolute_url() in visit(client, "objectives:objective_list", {"status": "achieved"})
    assert "99 %" in row_of(visit(client, "objectives:indicator_list"), t.indicator.get_absolute_url())
    value(t.indicator, t.superuser, shift(LAST_MONTH, "monthly", 1), numerator=D(80), denominator=D(100))
    assert "80 %" in row_of(visit(client, "objectives:indicator_list"), t.indicator.get_absolute_url())
    [row] = t.files
    assert '<span class="badge text-bg-danger">5</span>' in row_of(visit(client, "objectives:timeliness_list"),
                                                                   row.get_absolute_url())
    timeliness_enter(acting_user=t.superuser, unit=t.ward1, month=LAST_MONTH,
                     rows=[{"procedure": t.process, "received": 50, "on_time": 48, "late": 2}])
    assert '<span class="badge text-bg-danger">2</span>' in row_of(visit(client, "objectives:timeliness_list"),
                                                                   row.get_absolute_url())


def test_a_renamed_unit_and_a_renamed_person_show_at_once(t, client_for):
    client = client_for(t.district_steering)  # (the navigation names the reader and their own unit)
    for name in LISTS:
        visit(client, name)
    core.unit_update(acting_user=t.admin, unit=Unit.objects.get(pk=t.ward1.pk), name="Phường Mới")
    for name in LISTS:  # (the decisions name their review, not its unit)
        assert name == "objectives:decision_list" or "Phường Mới" in visit(client, name), name
    assert "Chủ Quyết Định" not in visit(client, "objectives:decision_list")
    core.user_update(acting_user=t.admin, user=User.objects.get(pk=t.ward1_mr.pk), full_name="Lê Thị Mới")
    core.user_update(acting_user=t.admin, user=User.objects.get(pk=t.owner.pk), full_name="Chủ Quyết Định")
    for name in ("objectives:review_list", "objectives:risk_list", "objectives:objective_list"):
        assert "Lê Thị Mới" in visit(client, name), name
    assert "Chủ Quyết Định" in visit(client, "objectives:decision_list")


# --- readers with different rights each get their own version -----------------------------------------
def test_the_enter_and_import_buttons_follow_the_permission_not_the_cache(t, client_for):
    entry, steering = reverse("objectives:measurement_import"), client_for(t.district_steering)  # (not in the menu)
    assert entry in visit(client_for(t.ward1_mr), "objectives:indicator_list")
    assert entry not in visit(steering, "objectives:indicator_list")
    # A role that lets them be named to enter an indicator's values (so enter values): the same
    # scope to read, nothing more to create.
    factories.assign(t.district_steering, "staff", t.district, include_subunits=True)
    assert entry in visit(steering, "objectives:indicator_list")


def test_the_quality_policy_shows_at_once_and_follows_the_readers_unit(client_for, monkeypatch):
    from tests.documents.factories import doc_setup, effective_document

    s = doc_setup()
    root = factories.make_superuser()
    policy = effective_document(s, type_code="CS", title="Chính sách chất lượng", category="")
    client = client_for(s.mr)
    recorder = PieceRecorder(monkeypatch)
    assert policy.get_absolute_url() in visit(client, "objectives:objective_list")
    assert recorder.problems() == [] and "documents.Document" in recorder.models_seen()
    policy.title = "Chính sách chất lượng năm 2026"
    policy.save()
    assert "Chính sách chất lượng năm 2026" in visit(client, "objectives:objective_list")
    # The reader moves to a unit without a policy: their list links none.
    core.user_update(acting_user=root, user=User.objects.get(pk=s.mr.pk), primary_unit=s.other)
    assert policy.get_absolute_url() not in visit(client, "objectives:objective_list")
