"""An indicator's trend as a PDF (kpi part): its definition, the chart with the target line and the
table of values with their status, linked from the indicator's page, readable only in scope."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.selectors.kpi_math import shift
from qms_portal import pdf
from tests import factories
from tests.helpers import need
from tests.objectives.kpi_factories import rate, value
from tests.viewtests import logged_in

pytestmark = pytest.mark.django_db
D = Decimal
LAST_MONTH = shift(timezone.localdate().replace(day=1), "monthly", -1)


@pytest.fixture
def tree():
    return factories.small_tree()


def pdf_text(data):
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_the_trend_pdf_holds_the_definition_the_chart_and_the_values_with_their_status(tree):
    problem = pdf.weasyprint_problem()
    need(problem is None, problem or "", "QMS_REQUIRE_BROWSER")
    ind = rate(tree.ward1, tree.superuser, name="Ontime rate Wardone", description="Files on time over handled")
    value(ind, tree.superuser, shift(LAST_MONTH, "monthly", -1), numerator=D(97), denominator=D(100),
          comment="Goodmonth")
    value(ind, tree.superuser, LAST_MONTH, numerator=D(90), denominator=D(100))
    page = logged_in(tree.ward1_mr).get(ind.get_absolute_url()).content.decode()
    url = reverse("objectives:indicator_pdf", args=[ind.pk])
    assert url in page
    response = logged_in(tree.ward1_mr).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in ("Indicator trend", "Ontime rate Wardone", tree.ward1.name, "Files on time over handled",
                     "≥ 98 %", "Alert threshold", "96 %", "Values", "Numerator", "Goodmonth", "Missed", "At risk",
                     "No value", "Printed"):
        assert expected in text, expected
    # the chart: its target line's label and the month names of the table both appear
    assert text.count("Target") >= 2
    assert "90 %" in text and "97 %" in text


def test_the_trend_pdf_is_refused_out_of_scope(tree):
    ind = rate(tree.ward1, tree.superuser)
    url = reverse("objectives:indicator_pdf", args=[ind.pk])
    assert logged_in(tree.outsider).get(url).status_code in (403, 404)
    other = factories.make_user(f"{tree.prefix}w2mr", tree.ward2)
    factories.assign(other, "management_representative", tree.ward2)
    assert logged_in(other).get(url).status_code == 404
