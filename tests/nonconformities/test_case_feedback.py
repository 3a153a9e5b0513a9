"""One file, one rating (一事一评): an official hands the citizen a single-use feedback link for
their file; the rating arrives with the file's number; the link works once, then says so; the
unit sees which files were rated."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from nonconformities.models import CaseFeedbackRequest, CitizenFeedback
from nonconformities.services import desk_feedback
from qms_portal.models import PublicLink
from tests.factories import assign, make_user
from tests.nonconformities.desk_factories import iso_officer, procedure

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

ANSWER = {"rating": "5", "comment": "Nhanh, chu đáo.", "citizen_name": "", "contact": "", "website": ""}


def text(response):
    return unescape(response.content.decode())


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@pytest.fixture
def clerk(tree):
    person = make_user(f"{tree.prefix}clerk", tree.ward1, full_name="Trần Thị Bình")
    assign(person, "staff", tree.ward1)
    return person


def test_a_clerk_hands_out_a_link_and_the_rating_arrives_with_the_file(tree, clerk):
    case, url = desk_feedback.case_link_create(acting_user=clerk, unit=tree.ward1, case_reference=" HS-2026-0815 ",
                                               language="vi")
    assert case.case_reference == "HS-2026-0815" and case.link.max_uses == 1
    assert case.link.target == case and case.link.purpose == desk_feedback.CASE_PURPOSE
    assert case.link.expires_at - timezone.now() > timedelta(days=13)
    citizen = Client()
    page = citizen.get(path_of(url))
    assert page.status_code == 200
    html = text(page)
    assert "HS-2026-0815" in html and 'name="case_reference"' not in html  # shown, not asked
    assert citizen.post(path_of(url), ANSWER).status_code == 200
    feedback = CitizenFeedback.objects.get()
    assert feedback.unit == tree.ward1 and feedback.case_reference == "HS-2026-0815" and feedback.rating == 5
    assert feedback.case_request == case
    # once only: a second answer is refused and stores nothing
    again = citizen.post(path_of(url), {**ANSWER, "rating": "1"})
    assert again.status_code == 410
    with translation.override("vi"):
        assert gettext("This link is no longer valid: it has already been used.") in text(again)
    assert CitizenFeedback.objects.count() == 1


def test_a_link_is_handed_out_only_where_the_person_may(tree, clerk):
    with pytest.raises(PermissionDenied):
        desk_feedback.case_link_create(acting_user=clerk, unit=tree.ward2, case_reference="HS-1")
    with pytest.raises(PermissionDenied):
        desk_feedback.case_link_create(acting_user=tree.outsider, unit=tree.ward1, case_reference="HS-1")
    assert not CaseFeedbackRequest.objects.exists() and not PublicLink.objects.exists()


def test_an_expired_link_takes_no_rating(tree, clerk):
    case, url = desk_feedback.case_link_create(acting_user=clerk, unit=tree.ward1, case_reference="HS-9")
    PublicLink.objects.filter(pk=case.link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    answer = Client().post(path_of(url), ANSWER)
    assert answer.status_code == 410 and not CitizenFeedback.objects.exists()


def test_the_page_makes_the_slip_once_and_the_list_tells_what_was_rated(tree, clerk):
    officer = iso_officer(tree)
    late_procedure = procedure(tree.ward1, title="Đăng ký khai sinh")
    client = Client()
    client.force_login(clerk)
    form = client.get(reverse("nonconformities:case_link_create"))
    assert form.status_code == 200 and 'name="case_reference"' in text(form)
    # a file number left out: the form again, with what was typed
    refused = client.post(reverse("nonconformities:case_link_create"),
                          {"unit": tree.ward1.pk, "case_reference": "", "language": "zh-hans"})
    assert refused.status_code == 200 and 'value="zh-hans" selected' in text(refused)
    assert not CaseFeedbackRequest.objects.exists()
    slip = client.post(reverse("nonconformities:case_link_create"),
                       {"unit": tree.ward1.pk, "case_reference": "HS-77", "procedure": late_procedure.pk,
                        "language": "vi"})
    assert slip.status_code == 200
    html = text(slip)
    assert "<svg" in html and "HS-77" in html
    url = re.search(r'id="case-link-url" type="text" readonly value="([^"]+)"', html).group(1)
    assert "?lang=vi" in url
    case = CaseFeedbackRequest.objects.get()
    assert case.procedure == late_procedure and case.issued_by == clerk
    reader = Client()
    reader.force_login(officer)
    listed = text(reader.get(reverse("nonconformities:case_request_list") + "?answered=no"))
    assert "<td>HS-77</td>" in listed
    Client().post(path_of(url), ANSWER)
    assert "<td>HS-77</td>" not in text(reader.get(reverse("nonconformities:case_request_list") + "?answered=no"))
    assert "<td>HS-77</td>" in text(reader.get(reverse("nonconformities:case_request_list") + "?answered=yes"))


def test_a_unit_outside_the_scope_is_refused_on_the_form(tree, clerk):
    client = Client()
    client.force_login(clerk)
    response = client.post(reverse("nonconformities:case_link_create"),
                           {"unit": tree.ward2.pk, "case_reference": "HS-5", "language": "vi"})
    assert response.status_code == 200 and not CaseFeedbackRequest.objects.exists()
    assert 'value="HS-5"' in text(response)


def test_the_list_keeps_its_queries_as_links_grow(tree, clerk):
    officer = iso_officer(tree)
    client = Client()
    client.force_login(officer)
    url = reverse("nonconformities:case_request_list")
    client.get(url)
    counts = []
    for batch in (2, 12):
        for n in range(batch):
            desk_feedback.case_link_create(acting_user=clerk, unit=tree.ward1, case_reference=f"HS-{batch}-{n}")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()  # the SQL is under test, not the cached content
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
