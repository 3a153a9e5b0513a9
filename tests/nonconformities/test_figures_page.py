"""ncreports: the figures page — open nonconformities by unit and age (a chart with its data) and
the closure figures per unit, within the reader's scope, for a chosen unit; from the menu; the same
number of queries at two sizes."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.nonconformities.figure_factories import closed, opened

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
URL = reverse("nonconformities:figures")


def cells(body, label):
    """The cells of the closure table's row headed ``label``."""
    table = body[body.index('id="closure-h"'):]
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', table, re.S).group(1)
    return re.findall(r'<td class="text-end">([^<]*)</td>', row)


@pytest.fixture
def data(ns):
    opened(ns, ns.dept, 10)
    opened(ns, ns.office, 100)
    opened(ns, ns.office, 200)
    opened(ns, ns.other, 5)  # another agency
    closed(ns, ns.dept, 40, 10)  # 30 days, on time
    closed(ns, ns.office, 100, 20, late=True)  # 80 days, late


def test_the_page_compares_the_units_in_scope_with_their_figures(ns, client_for, data):
    body = client_for(ns.mr).get(URL).content.decode()
    assert "Open nonconformities by unit and age" in body and 'class="qms-chart-svg"' in body
    assert "3 open nonconformities in all" in body  # the department with its office; not the other agency
    assert ns.other.name not in body
    dept, office = ns.dept.name, ns.office.name
    assert cells(body, f"{dept} itself") == ["1", "100 %", "30.0", "0 %"]
    assert cells(body, office) == ["1", "0 %", "80.0", "0 %"]
    assert cells(body, f"{dept} with its sub-units") == ["2", "50 %", "55.0", "0 %"]


def test_a_unit_can_be_chosen_and_one_out_of_scope_is_refused(ns, client_for, data):
    client = client_for(ns.mr)
    body = client.get(URL, {"unit": ns.office.pk}).content.decode()
    assert "2 open nonconformities in all" in body
    assert cells(body, f"{ns.office.name} with its sub-units") == ["1", "0 %", "80.0", "0 %"]
    refused = client.get(URL, {"unit": ns.other.pk})
    assert refused.status_code == 200 and "invalid-feedback" in refused.content.decode()


def test_the_page_is_in_the_menu_for_readers_of_nonconformities(ns, client_for):
    assert f'href="{URL}"' in client_for(ns.staff).get("/").content.decode()
    assert client_for(ns.nobody).get(URL).status_code == 403


def test_the_page_makes_the_same_number_of_queries_at_two_sizes(ns, client_for):
    client = client_for(ns.mr)

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured), [q["sql"] for q in captured.captured_queries]

    opened(ns, ns.office, 3)
    closed(ns, ns.dept, 50, 4)
    small, _sql = count()
    for i in range(6):
        opened(ns, ns.dept if i % 2 else ns.office, 20 * i)
        closed(ns, ns.office if i % 2 else ns.dept, 90 + i, 3 + i, late=bool(i % 3))
    large, sql = count()
    assert small == large, "\n".join(sql)
