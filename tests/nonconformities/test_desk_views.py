"""The desk's pages: recording and editing a late file through its form (bad input keeps what
was typed and saves nothing), the register's filters, the pages' History tabs, and the list pages'
query counts at two data sizes."""

from datetime import date
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nonconformities.models import NonconformingOutput
from tests.nonconformities.desk_factories import feedback, iso_officer, output, procedure

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

FORM = {"case_reference": "HS-2026-0101", "citizen_name": "Phạm Thị Dung", "citizen_language": "vi",
        "citizen_address": "12 Lê Lợi, Huế", "received_on": "2026-03-02", "due_on": "2026-03-20",
        "delivered_on": "2026-03-25", "delivered": "Giấy chứng nhận", "requirement": "", "disposition": "apology",
        "notes": ""}


def text(response):
    return unescape(response.content.decode())


def test_a_late_file_is_recorded_through_the_form(tree, client):
    officer = iso_officer(tree)
    qt = procedure(tree.ward1, days=15)
    client.force_login(officer)
    page = text(client.get("/nonconformities/outputs/new/"))
    assert f"{qt.code} {qt.title} (15 working days)" in page
    response = client.post("/nonconformities/outputs/new/", {**FORM, "unit": tree.ward1.pk, "procedure": qt.pk})
    assert response.status_code == 302
    recorded = NonconformingOutput.objects.get(case_reference="HS-2026-0101")
    assert recorded.requirement == "The legal time limit of 15 working days"
    detail = text(client.get(recorded.get_absolute_url()))
    assert "Apology letter (PDF)" in detail and ">3</span>" in detail
    history = client.get(f"/nonconformities/outputs/{recorded.pk}/history/")
    assert history.status_code == 200


def test_a_concession_without_who_authorised_it_keeps_what_was_typed(tree, client):
    officer = iso_officer(tree)
    client.force_login(officer)
    response = client.post("/nonconformities/outputs/new/", {**FORM, "unit": tree.ward1.pk,
                                                             "disposition": "concession",
                                                             "requirement": "Thời hạn 10 ngày"})
    html = text(response)
    assert response.status_code == 200
    assert "A concession needs the person who authorised it." in html
    assert 'value="Phạm Thị Dung"' in html
    assert not NonconformingOutput.objects.exists()
    # the people offered are those who may authorise a concession here
    assert tree.ward1_mr.full_name in html and tree.ward1_staff.full_name not in html


def test_an_output_is_edited_through_its_form(tree, client):
    officer = iso_officer(tree)
    recorded = output(tree.ward1, acting_user=officer)
    client.force_login(officer)
    url = f"/nonconformities/outputs/{recorded.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, {**FORM, "unit": tree.ward1.pk, "case_reference": recorded.case_reference,
                                 "requirement": "Thời hạn", "disposition": "redone"})
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.disposition == "redone"


def test_the_register_filters_by_procedure_disposition_and_month(tree, client):
    officer = iso_officer(tree)
    qt = procedure(tree.ward1)
    march = output(tree.ward1, acting_user=officer, procedure=qt, case_reference="HS-MARCH")
    april = output(tree.ward1, acting_user=officer, case_reference="HS-APRIL", due=date(2026, 4, 10),
                   delivered=date(2026, 4, 13), disposition="correction")
    client.force_login(officer)
    assert march.case_reference in text(client.get(f"/nonconformities/outputs/?procedure={qt.pk}"))
    assert april.case_reference not in text(client.get(f"/nonconformities/outputs/?procedure={qt.pk}"))
    by_month = text(client.get("/nonconformities/outputs/?month=4&year=2026"))
    assert "HS-APRIL" in by_month and "HS-MARCH" not in by_month
    by_disposition = text(client.get("/nonconformities/outputs/?disposition=apology"))
    assert "HS-MARCH" in by_disposition and "HS-APRIL" not in by_disposition
    by_unit = text(client.get(f"/nonconformities/outputs/?unit={tree.ward2.pk}"))
    assert "HS-MARCH" not in by_unit


# ---- query counts -----------------------------------------------------------------------------------
def count(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_register_makes_the_same_queries_at_two_sizes(tree, client):
    officer = iso_officer(tree)
    client.force_login(officer)
    qt = procedure(tree.ward1)
    for _ in range(2):
        output(tree.ward1, acting_user=officer, procedure=qt)
    small = count(client, "/nonconformities/outputs/")
    for i in range(30):
        output(tree.ward1 if i % 2 else tree.ward2, acting_user=tree.superuser,
               procedure=qt if i % 3 else procedure(tree.ward1), disposition="redone")
    assert count(client, "/nonconformities/outputs/") == small
    assert count(client, "/nonconformities/outputs/?disposition=redone") <= small + 1


def test_the_triage_list_makes_the_same_queries_at_two_sizes(tree, client):
    officer = iso_officer(tree)
    client.force_login(officer)
    for rating in (1, 5):
        feedback(tree.ward1, officer, rating=rating)
    small = count(client, "/nonconformities/feedback/?show=all")
    for i in range(30):
        feedback(tree.ward1, officer, rating=1 + i % 5, comment=f"Ý kiến {i}")
    assert count(client, "/nonconformities/feedback/?show=all") == small
