"""The evaluation of units' pages: who opens and who writes (403 / 200 / 404), drafting from the form
(only on the units where the person may), the criteria and the scores kept as typed on an error,
the ranking in rank order, each unit seeing only its own sheet, signing with the password, the
History tab, the menu, the jobs started by POST, and the lists' constant number of queries at two
data sizes."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qms_portal.models import Job, Notification
from qms_portal.steering.evaluation_models import Evaluation, UnitEvaluation
from qms_portal.steering.evaluation_services import (
    evaluation_create,
    evaluation_transition,
    evaluation_update,
    unit_evaluation_appraise,
    unit_evaluation_score,
    unit_evaluation_transition,
)
from tests import factories
from tests.qms_portal.test_form_descriptions import missing_references
from tests.viewtests import PermissionCases, holder, logged_in

YEAR = timezone.localdate().year
CRITERIA = [("A", "Chính sách chất lượng", 10), ("B", "Giải quyết hồ sơ đúng hạn", 20)]


def evaluation_on(tree, unit, year=YEAR, criteria=CRITERIA, **fields):
    evaluation = evaluation_create(acting_user=tree.superuser, unit=unit, year=year, title="Đánh giá HTQLCL",
                                   **fields)
    rows = [{"id": c.pk, "delete": True} for c in evaluation.criteria.all()]
    rows += [{"code": code, "title": title, "points": Decimal(pts)} for code, title, pts in criteria]
    return evaluation_update(acting_user=tree.superuser, evaluation=evaluation, criteria=rows)


def opened_on(tree, unit, **kw):
    evaluation = evaluation_on(tree, unit, **kw)
    evaluation_transition(acting_user=tree.superuser, evaluation=evaluation, name="open")
    return evaluation


def sheet_on(tree, unit):
    """``unit``'s sheet in an open evaluation of the units below its parent."""
    evaluation = opened_on(tree, unit.parent)
    return UnitEvaluation.objects.get(evaluation=evaluation, unit=unit)


def submitted(sheet, by, **points):
    unit_evaluation_score(acting_user=by, sheet=sheet, scores={code: (v, "") for code, v in points.items()})
    unit_evaluation_transition(acting_user=by, sheet=sheet, name="submit")
    return UnitEvaluation.objects.get(pk=sheet.pk)


def signed(sheet, by, signer, **points):
    submitted(sheet, by, **points)
    unit_evaluation_appraise(acting_user=signer, sheet=sheet, scores={code: (v, "") for code, v in points.items()})
    unit_evaluation_transition(acting_user=signer, sheet=sheet, name="sign", password=factories.PASSWORD)
    return UnitEvaluation.objects.get(pk=sheet.pk)


# --- who opens what ------------------------------------------------------------------------------------


class EvaluationCases(PermissionCases):
    def make_object(self, tree, unit):
        return evaluation_on(tree, unit)


class SheetCases(PermissionCases):
    def make_object(self, tree, unit):
        return sheet_on(tree, unit)


class TestListAccess(PermissionCases):
    url_name = "evaluation_list"
    role = "management_representative"
    lacking_role = "department_head"  # scores its sheets; does not see the evaluations
    scoped = False

    def make_object(self, tree, unit):
        return None


class TestCreateAccess(PermissionCases):
    url_name = "evaluation_create"
    role = "steering_committee"
    lacking_role = "management_representative"
    scoped = False

    def make_object(self, tree, unit):
        return None


class TestDetailAccess(EvaluationCases):
    url_name = "evaluation_detail"
    role = "management_representative"
    lacking_role = "department_head"


class TestRankingAccess(EvaluationCases):
    url_name = "evaluation_ranking"
    role = "steering_committee"
    lacking_role = "staff"


class TestHistoryAccess(EvaluationCases):
    url_name = "evaluation_history"
    role = "steering_committee"
    lacking_role = "internal_auditor"


class TestEditAccess(EvaluationCases):
    url_name = "evaluation_edit"
    role = "steering_committee"
    visible_only_role = "management_representative"


class TestOpenAccess(EvaluationCases):
    url_name = "evaluation_transition"
    role = "steering_committee"
    visible_only_role = "management_representative"

    def url_kwargs(self, obj):
        return {"pk": obj.pk, "transition": "open"}


class TestXlsxAccess(EvaluationCases):
    url_name = "evaluation_xlsx"
    role = "management_representative"
    lacking_role = "department_head"
    method = "post"
    ok_status = 302


class TestSheetListAccess(PermissionCases):
    url_name = "unitevaluation_list"
    role = "department_head"
    lacking_role = "internal_auditor"
    scoped = False

    def make_object(self, tree, unit):
        return None


class TestSheetDetailAccess(SheetCases):
    url_name = "unitevaluation_detail"
    role = "department_head"
    lacking_role = "internal_auditor"


class TestSheetHistoryAccess(SheetCases):
    url_name = "unitevaluation_history"
    role = "steering_committee"
    lacking_role = "staff"


class TestSheetScoreAccess(SheetCases):
    url_name = "unitevaluation_score"
    role = "management_representative"
    visible_only_role = "steering_committee"  # appraises; does not score the unit's own sheet


class TestSheetAppraiseAccess(SheetCases):
    url_name = "unitevaluation_appraise"
    role = "steering_committee"
    visible_only_role = "department_head"


class TestSheetSubmitAccess(SheetCases):
    url_name = "unitevaluation_transition"
    role = "department_head"
    visible_only_role = "steering_committee"

    def url_kwargs(self, obj):
        return {"pk": obj.pk, "transition": "submit"}


class TestSheetSignAccess(SheetCases):
    url_name = "unitevaluation_transition"
    role = "steering_committee"
    visible_only_role = "management_representative"

    def url_kwargs(self, obj):
        return {"pk": obj.pk, "transition": "sign"}


# --- drafting and the criteria -------------------------------------------------------------------------


def test_drafting_from_the_form_opens_the_evaluations_page_with_its_criteria(tree):
    client = logged_in(tree.district_steering)
    data = {"unit": tree.district.pk, "year": YEAR, "title": "Đánh giá HTQLCL năm nay", "scope": "children"}
    response = client.post(reverse("evaluation_create"), data)
    evaluation = Evaluation.objects.get(unit=tree.district, year=YEAR)
    assert response.status_code == 302 and response.url == evaluation.get_absolute_url()
    assert evaluation.created_by == tree.district_steering
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert "Đánh giá HTQLCL năm nay" in page and "Criteria (100.0 points)" in page
    assert "Administrative procedures handled on time" in page
    again = client.post(reverse("evaluation_create"), data)
    assert again.status_code == 200 and again.context["form"].errors  # one per unit and year
    assert again.context["form"].non_field_errors() == [
        f"{tree.district.code} already has an evaluation for {YEAR}."]  # the service's words, said once
    assert Evaluation.objects.filter(unit=tree.district).count() == 1


def test_the_form_offers_only_the_units_where_the_person_may_organise_one(tree):
    client = logged_in(tree.district_steering)
    offered = set(client.get(reverse("evaluation_create")).context["form"].fields["unit"].queryset)
    assert offered == {tree.district, tree.ward1, tree.ward2}
    response = client.post(reverse("evaluation_create"), {"unit": tree.agency.pk, "year": YEAR, "title": "x",
                                                          "scope": "children"})
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert not Evaluation.objects.exists()


def _criteria_post(evaluation, title, rows):
    data = {"title": title, "scope": evaluation.scope, "self_due": "", "instructions": "",
            "criteria-TOTAL_FORMS": len(rows), "criteria-INITIAL_FORMS": evaluation.criteria.count(),
            "criteria-MIN_NUM_FORMS": 0, "criteria-MAX_NUM_FORMS": 1000}
    for i, row in enumerate(rows):
        data.update({f"criteria-{i}-{name}": value for name, value in row.items()})
    return data


def test_the_criteria_form_saves_them_in_the_order_given(tree):
    evaluation = evaluation_on(tree, tree.district)
    a, b = evaluation.criteria.all()
    response = logged_in(tree.district_steering).post(reverse("evaluation_edit", args=[evaluation.pk]), _criteria_post(
        evaluation, "Đánh giá mới", [
            {"criterion": a.pk, "code": "A", "title": a.title, "points": "10", "ORDER": "2"},
            {"criterion": b.pk, "code": "B", "title": b.title, "points": "20", "ORDER": "3", "DELETE": "on"},
            {"criterion": "", "code": "C", "title": "Cải tiến, đổi mới", "points": "7.5", "ORDER": "1",
             "figure": "objectives.on_time_rate"}]))
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.title == "Đánh giá mới"
    assert [(c.code, c.points, c.figure) for c in evaluation.criteria.all()] == [
        ("C", Decimal("7.5"), "objectives.on_time_rate"), ("A", Decimal(10), "")]


def test_the_criteria_form_keeps_what_was_typed_when_a_code_is_used_twice(tree):
    evaluation = evaluation_on(tree, tree.district)
    a, b = evaluation.criteria.all()
    response = logged_in(tree.district_steering).post(reverse("evaluation_edit", args=[evaluation.pk]), _criteria_post(
        evaluation, "Tên đã sửa", [
            {"criterion": a.pk, "code": "A", "title": "Tiêu chí đã sửa", "points": "12", "ORDER": "1"},
            {"criterion": b.pk, "code": "A", "title": b.title, "points": "20", "ORDER": "2"}]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "used twice" in page
    assert 'value="Tên đã sửa"' in page and 'value="Tiêu chí đã sửa"' in page and 'value="12"' in page
    assert missing_references(response) == []
    evaluation.refresh_from_db()
    assert evaluation.title == "Đánh giá HTQLCL"
    assert [(c.code, c.title, c.points) for c in evaluation.criteria.all()] == [
        ("A", "Chính sách chất lượng", 10), ("B", "Giải quyết hồ sơ đúng hạn", 20)]


def test_a_criterion_without_its_points_is_sent_back_with_the_error_beside_it(tree):
    evaluation = evaluation_on(tree, tree.district)
    a, b = evaluation.criteria.all()
    response = logged_in(tree.district_steering).post(reverse("evaluation_edit", args=[evaluation.pk]), _criteria_post(
        evaluation, evaluation.title, [
            {"criterion": a.pk, "code": "A", "title": a.title, "points": "0.2", "ORDER": "1"},
            {"criterion": b.pk, "code": "B", "title": "Tiêu chí B mới", "points": "", "ORDER": "2"}]))
    assert response.status_code == 200
    assert 'value="0.2"' in response.content.decode() and 'value="Tiêu chí B mới"' in response.content.decode()
    assert missing_references(response) == []
    assert [(c.title, c.points) for c in evaluation.criteria.all()] == [(a.title, 10), (b.title, 20)]


def test_an_open_evaluation_offers_no_change_of_criteria(tree):
    evaluation = opened_on(tree, tree.district)
    client = logged_in(tree.district_steering)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert reverse("evaluation_edit", args=[evaluation.pk]) not in page
    assert reverse("evaluation_transition", args=[evaluation.pk, "close"]) not in page  # not every sheet signed
    assert "2 in self-assessment, 0 waiting for appraisal, 0 signed." in page


# --- a unit's sheet ------------------------------------------------------------------------------------


def test_a_score_above_the_maximum_keeps_what_was_typed_and_saves_nothing(tree):
    sheet = sheet_on(tree, tree.ward1)
    client = logged_in(tree.ward1_mr)
    url = reverse("unitevaluation_score", args=[sheet.pk])
    response = client.post(url, {"score_0": "12", "text_0": "Quyết định 12/QĐ-UBND", "score_1": "15",
                                 "text_1": "Sổ theo dõi hồ sơ", "summary": "Điểm mạnh: lãnh đạo quan tâm"})
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["form"].errors["score_0"]
    assert 'value="12"' in page and "Quyết định 12/QĐ-UBND" in page and 'value="15"' in page
    assert "Điểm mạnh: lãnh đạo quan tâm" in page
    assert missing_references(response) == []  # the error is read with its field
    assert UnitEvaluation.objects.get(pk=sheet.pk).scores == {}
    response = client.post(url, {"score_0": "7.5", "text_0": "Quyết định 12/QĐ-UBND", "score_1": "15",
                                 "text_1": "", "summary": ""})
    assert response.status_code == 302 and response.url == sheet.get_absolute_url()
    sheet.refresh_from_db()
    assert sheet.self_total == Decimal("22.5") and sheet.scores["A"]["note"] == "Quyết định 12/QĐ-UBND"
    page = client.get(sheet.get_absolute_url()).content.decode()
    assert "22.5 / 30.0" in page and "index 75.0" in page


def test_a_score_in_other_than_half_points_is_sent_back_with_the_services_message(tree):
    sheet = sheet_on(tree, tree.ward1)
    response = logged_in(tree.ward1_mr).post(reverse("unitevaluation_score", args=[sheet.pk]), {
        "score_0": "7.3", "text_0": "", "score_1": "", "text_1": "", "summary": ""})
    assert response.status_code == 200
    assert "half points" in response.content.decode() and 'value="7.3"' in response.content.decode()
    assert UnitEvaluation.objects.get(pk=sheet.pk).scores == {}


def test_a_department_head_sees_only_their_own_units_sheet(tree):
    evaluation = opened_on(tree, tree.district)
    mine = UnitEvaluation.objects.get(evaluation=evaluation, unit=tree.ward2)
    other = UnitEvaluation.objects.get(evaluation=evaluation, unit=tree.ward1)
    head = holder(tree, "department_head", unit=tree.ward2)
    client = logged_in(head)
    page = client.get(reverse("unitevaluation_list")).content.decode()
    assert f'href="{mine.get_absolute_url()}"' in page and f'href="{other.get_absolute_url()}"' not in page
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("unitevaluation_score", args=[other.pk])).status_code == 404
    assert client.get(evaluation.get_absolute_url()).status_code == 403  # the evaluation is the organisers'
    assert reverse("unitevaluation_list") in client.get(reverse("home")).content.decode()  # the menu


def test_the_message_of_the_opening_leads_each_person_to_a_page_they_may_open(tree):
    """The people told to score sheets need not see the evaluation itself (a department head):
    the message leads to their sheet, or to the list of their sheets."""
    head = holder(tree, "department_head")  # on the district with its wards: both wards' sheets
    evaluation = opened_on(tree, tree.district)
    messages = Notification.objects.filter(kind="evaluation_opened").select_related("recipient")
    assert {n.recipient for n in messages} == {tree.ward1_mr, head, tree.admin}
    for message in messages:
        response = logged_in(message.recipient).get(message.url)
        assert response.status_code == 200, (message.recipient, message.url)
        if message.params["count"] > 1:  # the list holds the sheets the message names
            page = response.content.decode()
            assert all(f'href="{s.get_absolute_url()}"' in page for s in evaluation.sheets.all())
    mine = UnitEvaluation.objects.get(evaluation=evaluation, unit=tree.ward1)
    assert messages.get(recipient=tree.ward1_mr).url == mine.get_absolute_url()  # one sheet: its page


def test_signing_from_the_page_asks_for_the_password_and_shows_the_signature(tree):
    sheet = submitted(sheet_on(tree, tree.ward1), tree.ward1_mr, A=8, B=16)
    client = logged_in(tree.district_steering)
    response = client.post(reverse("unitevaluation_appraise", args=[sheet.pk]), {
        "score_0": "7", "text_0": "Thiếu biên bản họp", "score_1": "16", "text_1": "", "conclusion": "Đạt"})
    assert response.status_code == 302
    url = reverse("unitevaluation_transition", args=[sheet.pk, "sign"])
    response = client.post(url, {"password": "wrong"})
    assert response.status_code == 200 and UnitEvaluation.objects.get(pk=sheet.pk).status == "submitted"
    assert client.post(url, {"password": factories.PASSWORD}).status_code == 302
    page = client.get(sheet.get_absolute_url()).content.decode()
    assert "Appraisal signed" in page and tree.district_steering.full_name in page
    assert "23.0 / 30.0" in page and "Thiếu biên bản họp" in page and "differs" in page


def test_returning_without_a_reason_keeps_the_form_with_a_message(tree):
    sheet = submitted(sheet_on(tree, tree.ward1), tree.ward1_mr, A=8, B=16)
    response = logged_in(tree.district_steering).post(
        reverse("unitevaluation_transition", args=[sheet.pk, "return"]), {"reason": ""})
    assert response.status_code == 200
    assert UnitEvaluation.objects.get(pk=sheet.pk).status == "submitted"


def test_the_history_tab_of_a_sheet_names_the_criterion_that_changed(tree):
    sheet = sheet_on(tree, tree.ward1)
    unit_evaluation_score(acting_user=tree.ward1_mr, sheet=sheet, scores={"A": (5, "QĐ 12"), "B": (10, "")})
    unit_evaluation_score(acting_user=tree.ward1_mr, sheet=sheet, scores={"B": (12, "Sổ theo dõi")})
    page = logged_in(tree.district_steering).get(reverse("unitevaluation_history", args=[sheet.pk])).content.decode()
    assert "B: self-assessment 12.0, evidence: Sổ theo dõi" in page
    assert "A: self-assessment 5.0, evidence: QĐ 12; B: self-assessment 10.0" in page  # the first scores
    assert page.count("QĐ 12") == 1  # not repeated in the later change


# --- the ranking ---------------------------------------------------------------------------------------


def test_the_ranking_page_lists_the_units_in_rank_order_with_the_unsigned_last(tree):
    for n in (3, 4):
        factories.make_unit(tree.district, f"{tree.prefix}W{n}", kind="ward", name=f"Ward {n}")
    evaluation = opened_on(tree, tree.district)
    sheets = {s.unit.code: s for s in UnitEvaluation.objects.filter(evaluation=evaluation).select_related("unit")}
    scorer = holder(tree, "department_head")
    p, steering = tree.prefix, tree.district_steering
    signed(sheets[f"{p}W3"], scorer, steering, A=6, B=12)  # 60.0
    signed(sheets[f"{p}W1"], scorer, steering, A=9, B=18)  # 90.0
    signed(sheets[f"{p}W2"], scorer, steering, A=3, B=6)  # 30.0
    submitted(sheets[f"{p}W4"], scorer, A=10, B=20)
    page = logged_in(steering).get(reverse("evaluation_ranking", args=[evaluation.pk])).content.decode()
    order = [f"{p}W1", f"{p}W3", f"{p}W2", f"{p}W4"]
    positions = [page.index(f'data-unit="{code}"') for code in order]
    assert positions == sorted(positions)
    assert "3 of 4 units ranked." in page
    for rank, index in (("1", "90.0"), ("2", "60.0"), ("3", "30.0")):
        assert f'<td data-rank>{rank}</td>' in page and f"data-index>{index}</td>" in page
    assert "Waiting for appraisal" in page
    # the averages of the ranked units: A (9+6+3)/3 = 6.0, B (18+12+6)/3 = 12.0
    footer = page[page.index("<tfoot>"):page.index("</tfoot>")]
    assert ">6.0</td>" in footer and ">12.0</td>" in footer


def test_the_files_are_background_jobs_of_the_reader(tree):
    evaluation = evaluation_on(tree, tree.district)
    client = logged_in(tree.district_steering)
    for name, kind in (("evaluation_xlsx", "qms_portal.evaluation_xlsx"),
                       ("evaluation_pdf", "qms_portal.evaluation_pdf")):
        response = client.post(reverse(name, args=[evaluation.pk]))
        job = Job.objects.get(kind=kind)
        assert response.url == job.get_absolute_url()
        assert (job.requested_by, job.params) == (tree.district_steering, {"evaluation": evaluation.pk})


def test_the_menu_links_the_evaluations_to_the_committee_and_not_to_the_staff(tree):
    page = logged_in(tree.district_steering).get(reverse("home")).content.decode()
    assert reverse("evaluation_list") in page and reverse("unitevaluation_list") in page
    page = logged_in(tree.ward1_staff).get(reverse("home")).content.decode()
    assert reverse("evaluation_list") not in page and reverse("unitevaluation_list") not in page


# --- the lists' queries --------------------------------------------------------------------------------


def _queries(client, name):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name))
    assert response.status_code == 200
    return len(captured), len(response.context["object_list"])


@pytest.mark.django_db
def test_the_lists_make_as_many_queries_with_many_rows_as_with_one(tree):
    opened_on(tree, tree.district)  # two sheets
    client = logged_in(tree.district_steering)
    few = {}
    for name in ("evaluation_list", "unitevaluation_list"):
        _queries(client, name)  # warm the process's caches (permission names, content types)
        few[name] = _queries(client, name)
    assert few["evaluation_list"][1] == 1 and few["unitevaluation_list"][1] == 2
    for n in range(8):
        ward = factories.make_unit(tree.district, f"{tree.prefix}X{n}", kind="ward")
        factories.make_unit(ward, f"{tree.prefix}X{n}-1", kind="office")
        opened_on(tree, ward)
    opened_on(tree, tree.district, year=YEAR - 1)
    for name, shown in (("evaluation_list", 10), ("unitevaluation_list", 2 + 8 + 10)):
        many, listed = _queries(client, name)
        assert listed == shown
        assert many == few[name][0], name
