"""The surveys' pages: the list leaves out other units' surveys and reads in the same number of
queries at two sizes; the respondent's token page (no account, the survey's own questions, a used or
expired link refused with a clear message, nothing else of the portal reachable); anonymous
comments; the results as a page, an XLSX and a PDF; handing out links; bad input kept."""

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives.models import Survey, SurveyResponse
from objectives.services import surveys as services
from qms_portal.models import PublicLink
from qms_portal.public_links import public_link_resolve
from tests import factories
from tests.objectives.surveys_factories import answer, group, make_survey, ratings_data, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return factories.small_tree()


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def page_path(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


# ---- the list -----------------------------------------------------------------------------------------
def test_the_list_shows_the_readers_units_surveys_and_omits_the_others(tree):
    mine = make_survey(tree.superuser, tree.ward1, title="Khảo sát phường 1")
    other = make_survey(tree.superuser, tree.division, title="Khảo sát phòng khác")
    body = client_for(tree.district_steering).get(reverse("objectives:survey_list")).content.decode()
    assert mine.get_absolute_url() in body and other.get_absolute_url() not in body


def _list_queries(user):
    client = client_for(user)
    client.get(reverse("objectives:survey_list"))  # warm the per-process memos
    cache.clear()  # the SQL is under test, not the cached content
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("objectives:survey_list")).status_code == 200
    return len(queries)


def test_the_list_reads_in_the_same_number_of_queries_for_2_and_12_surveys(tree):
    for i in range(2):
        make_survey(tree.superuser, tree.ward1, title=f"S{i}")
    few = _list_queries(tree.district_steering)
    for i in range(10):
        s = make_survey(tree.superuser, tree.ward2, title=f"T{i}")
        for url in services.survey_links_create(acting_user=tree.superuser, survey=s, group=group(s), count=2):
            answer(url, s, 1)
    assert _list_queries(tree.district_steering) == few


def test_the_list_shows_each_survey_s_sheets_and_share_from_its_kept_counts_without_reading_answers(tree):
    survey = make_survey(tree.superuser, tree.ward1, title="Khảo sát phường 1")
    urls = services.survey_links_create(acting_user=tree.superuser, survey=survey, group=group(survey), count=4)
    for url, rating in zip(urls, (1, 2, 3, 3), strict=True):  # 2 of 4 sheets satisfied or basically
        answer(url, survey, rating)
    client = client_for(tree.district_steering)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("objectives:survey_list")).content.decode()
    row = body[body.index(survey.get_absolute_url()):].split("</tr>", 1)[0]
    cells = [cell.split("<", 1)[0].strip() for cell in row.split('<td class="text-end">')[1:]]
    assert cells == ["4", "50 %"]
    assert not [q["sql"] for q in queries if "objectives_surveyanswer" in q["sql"]
                or "objectives_surveyresponse" in q["sql"]]


# ---- the respondent's page ------------------------------------------------------------------------------
def test_a_respondent_answers_without_an_account_and_the_link_then_says_it_was_used(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    [url] = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=1,
                                         language="vi")
    visitor = Client()
    page = visitor.get(page_path(url))
    body = page.content.decode()
    assert page.status_code == 200 and survey.title in body
    for d in survey.dimensions.all():
        assert d.name in body
    assert "Hài lòng" in body or "hài lòng" in body  # the scale in the link's language
    sent = visitor.post(urlsplit(url).path, ratings_data(survey, 1, comment="Rất tốt"))
    assert sent.status_code == 200 and SurveyResponse.objects.filter(survey=survey).count() == 1
    again = visitor.get(urlsplit(url).path)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    resent = visitor.post(urlsplit(url).path, ratings_data(survey, 1))
    assert resent.status_code == 410 and SurveyResponse.objects.filter(survey=survey).count() == 1


def test_a_missing_rating_is_said_beside_its_line_and_the_comment_is_kept(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    [url] = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=1)
    data = ratings_data(survey, 1, comment="Giữ lại")
    first = survey.dimensions.order_by("position").first()
    del data[f"d{first.pk}"]
    page = Client().post(urlsplit(url).path, data)
    body = page.content.decode()
    assert page.status_code == 200 and f"id_d{first.pk}-err" in body and "Giữ lại" in body
    assert not SurveyResponse.objects.exists()
    assert public_link_resolve(token_of(url)).uses == 0


def test_an_expired_link_gets_a_clear_message(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    [url] = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=1)
    PublicLink.objects.filter(pk=public_link_resolve(token_of(url)).pk).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    page = Client().get(urlsplit(url).path)
    assert page.status_code == 410 and "expired" in page.content.decode()


def test_the_token_reaches_nothing_else(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    urls = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=2)
    visitor = Client()
    visitor.post(urlsplit(urls[0]).path, ratings_data(survey, 1))
    page = visitor.get(urlsplit(urls[1]).path)
    assert 'href="/' not in page.content.decode().replace('href="/static/', "")  # no link into the portal
    for name, args in (("objectives:survey_list", []), ("objectives:survey_detail", [survey.pk]),
                       ("objectives:survey_results", [survey.pk]), ("objectives:survey_results_xlsx", [survey.pk])):
        response = visitor.get(reverse(name, args=args))
        assert response.status_code == 302 and "/login" in response["Location"] or "/accounts/" in response["Location"]
    assert "_auth_user_id" not in visitor.session


def test_a_closed_survey_says_so_on_its_page(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    _link, url = services.survey_general_link_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey),
                                                     cap=10)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    page = Client().get(urlsplit(url).path)
    assert "This survey is closed" in page.content.decode()


# ---- results ---------------------------------------------------------------------------------------------
def _answered(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    urls = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=3)
    answer(urls[0], survey, 1, comment="Ẩn danh thôi")
    answer(urls[1], survey, 2, comment="Có ký tên", sign=True, signed_name="Trần Thị B")
    answer(urls[2], survey, 1)
    return survey


def test_results_show_shares_and_comments_anonymous_unless_signed(tree):
    survey = _answered(tree)
    body = client_for(tree.district_steering).get(reverse("objectives:survey_results", args=[survey.pk])).content
    body = body.decode()
    assert "Ẩn danh thôi" in body and "Có ký tên" in body and "Trần Thị B" in body
    assert "<svg" in body and "66.7" in body  # 2 of 3 sheets satisfied


def test_the_results_xlsx_holds_each_group_and_dimension(tree):
    from openpyxl import load_workbook

    survey = _answered(tree)
    response = client_for(tree.district_steering).get(reverse("objectives:survey_results_xlsx", args=[survey.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == [survey.number, survey.title]
    assert any(r[:2] == ["City leaders", "All"] and r[2:6] == [10, 5, 0, 15] for r in rows)
    assert any(r[1] == "Comment" and r[2] == "Có ký tên" and r[3] == "Trần Thị B" for r in rows)


def test_the_results_pdf_is_a_pdf(tree):
    survey = _answered(tree)
    response = client_for(tree.district_steering).get(reverse("objectives:survey_results_pdf", args=[survey.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# ---- handing out links and writing surveys -------------------------------------------------------------------
def test_printed_links_come_with_a_qr_code_each_and_count_as_asked(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    page = client_for(tree.ward1_mr).post(reverse("objectives:survey_links", args=[survey.pk]),
                                          {"group": group(survey).pk, "count": 3, "language": "vi"})
    body = page.content.decode()
    assert page.status_code == 200 and body.count("<svg") >= 3 and body.count("?lang=vi") == 3


def test_the_general_link_page_shows_its_address_once(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1, groups=[("Citizens", 0)])
    page = client_for(tree.ward1_mr).post(reverse("objectives:survey_general_link", args=[survey.pk]),
                                          {"group": group(survey).pk, "cap": 200, "language": ""})
    assert page.status_code == 200 and "/p/" in page.content.decode()
    assert PublicLink.objects.get(purpose=services.PURPOSE).max_uses == 200


def test_links_of_a_draft_are_refused_with_a_message(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1, open_it=False)
    page = client_for(tree.ward1_mr).post(reverse("objectives:survey_links", args=[survey.pk]),
                                          {"group": group(survey).pk, "count": 3})
    assert page.status_code == 200 and "while the survey is open" in page.content.decode()
    assert not PublicLink.objects.exists()


def test_a_bad_group_line_is_named_and_what_was_typed_is_kept(tree):
    page = client_for(tree.ward1_mr).post(reverse("objectives:survey_create"), {
        "unit": tree.ward1.pk, "title": "Khảo sát", "period_start": "2026-01-01", "period_end": "2026-06-30",
        "scale": "three", "groups": "Lãnh đạo; bảy", "dimensions": ""})
    body = page.content.decode()
    assert page.status_code == 200 and "Line 1" in body and "Lãnh đạo; bảy" in body
    assert not Survey.objects.exists()


def test_a_survey_is_written_opened_and_closed_through_its_pages(tree):
    client = client_for(tree.ward1_mr)
    response = client.post(reverse("objectives:survey_create"), {
        "unit": tree.ward1.pk, "title": "Khảo sát", "period_start": "2026-01-01", "period_end": "2026-06-30",
        "scale": "five", "groups": "Người dân; 50", "dimensions": ""})
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.dimensions.count() == 5 and survey.scale == "five"
    client.post(reverse("objectives:survey_transition", args=[survey.pk, "open"]), {})
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN and survey.opened_at
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert reverse("objectives:survey_invite", args=[survey.pk]) in detail
    history = client.get(reverse("objectives:survey_history", args=[survey.pk]))
    assert history.status_code == 200


def test_the_menu_offers_the_surveys_to_those_who_read_them(tree):
    from qms_portal.areas import main_menu

    def offered(user):
        return [address for menu in main_menu(user, "/") for _label, address in menu.links]

    url = reverse("objectives:survey_list")
    assert url in offered(tree.district_steering)
    assert url not in offered(tree.ward1_staff)
