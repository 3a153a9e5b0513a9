"""ncreports: a nonconformity's PDF report tells the whole story in order (finding, containment,
cause with the fishbone and five whys, actions with original and current due dates, verification,
signatures with the signer's name, time and meaning); downloaded from the page by whoever may see
the nonconformity."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from nonconformities import services
from nonconformities.report import report_context
from qms_portal.pdf import weasyprint_problem
from tests.helpers import need
from tests.nonconformities.factories import close, in_future, planned, to_verification

ROOT = "Không có bước kiểm tra thời hạn trong quy trình."


def needs_pdf():
    need(weasyprint_problem() is None, "WeasyPrint cannot render here", "QMS_REQUIRE_BROWSER")


def pdf_text(data):
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def compact(text):
    return re.sub(r"\s+", "", text)


@pytest.fixture
def closed_nc(ns):
    nc, actions = to_verification(ns)
    close(ns, nc)
    nc.refresh_from_db()
    return nc, actions


def test_the_report_downloads_from_the_page_and_holds_the_number_the_root_cause_and_the_signer(
        ns, client_for, closed_nc):
    needs_pdf()
    nc, _actions = closed_nc
    client = client_for(ns.auditor)
    page = client.get(nc.get_absolute_url()).content.decode()
    url = reverse("nonconformities:nonconformity_report", args=[nc.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="{nc.number}.pdf"' in response["Content-Disposition"]
    text = compact(pdf_text(response.content))
    assert compact(nc.number) in text
    assert compact(ROOT) in text
    assert compact(ns.mr.full_name) in text  # who signed the closing
    assert "Closed" in text and "Signatures" in text


def test_the_report_tells_the_story_in_order_with_both_due_dates(ns, client_for):
    needs_pdf()
    nc, actions = planned(ns)
    extension = services.extension_request(acting_user=ns.owner1, action=actions[0], requested_due=in_future(40),
                                           reason="Chờ phần mềm")
    services.extension_decide(acting_user=ns.mr, extension=extension, approve=True)
    with translation.override("en"):
        text = compact(pdf_text(client_for(ns.head).get(
            reverse("nonconformities:nonconformity_report", args=[nc.pk])).content))
    order = ["1.Finding", "2.Immediatecorrection/containment", "3.Causeanalysis", "Fivewhys", "Fishbone",
             "Rootcause", "4.Actions", "5.Verificationofeffectiveness", "6.Signatures", "Courseofevents"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "Originalduedate" in text and "Currentduedate" in text
    action = actions[0]
    action.refresh_from_db()
    assert action.original_due != action.due
    assert "Chờphầnmềm" in text  # why the due date moved


def test_the_report_is_refused_outside_the_readers_scope_and_without_the_permission(ns, client_for, closed_nc):
    nc, _actions = closed_nc
    url = reverse("nonconformities:nonconformity_report", args=[nc.pk])
    assert client_for(ns.outsider).get(url).status_code == 404
    assert client_for(ns.nobody).get(url).status_code == 403


def test_the_reports_data_is_read_in_the_same_number_of_queries_with_more_actions(ns):
    nc, _actions = planned(ns)

    def queries():
        fresh = type(nc).objects.select_related("unit", "clause", "procedure", "reported_by",
                                                "verified_by").get(pk=nc.pk)
        with CaptureQueriesContext(connection) as captured:
            ctx = report_context(fresh, ns.head)
            [a.owner.full_name for a in ctx["actions"]]
        return len(captured)

    small = queries()
    for i in range(5):
        services.action_create(acting_user=ns.head, nonconformity=nc, description=f"Thêm {i}", owner=ns.owner2,
                               due=in_future())
    assert queries() == small
