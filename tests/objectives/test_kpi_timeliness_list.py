"""The register of monthly files per procedure: every row the reader may see, newest month first,
filtered by unit (with its sub-units), months, procedure and "late"; a fixed number of queries; and
the dashboard's two on-time figures link to it, filtered to exactly the rows they count."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.selectors.kpi_math import period_code
from qms_portal.periods import Period
from tests.objectives.figure_links import counted_and_listed
from tests.objectives.test_kpi_timeliness_pages import EARLIER, LAST_MONTH, enter, procedure
from tests.viewtests import logged_in

pytestmark = pytest.mark.django_db
URL = reverse("objectives:timeliness_list")


@pytest.fixture
def rows(tree):
    su = tree.superuser
    p1, p2, p3 = (procedure(unit, su, code) for unit, code in
                  ((tree.ward1, "QT-01"), (tree.ward1, "QT-02"), (tree.ward2, "QT-03")))
    late, on_time = enter(tree, tree.ward1, LAST_MONTH, (p1, 50, 45, 5), (p2, 20, 20, 0))
    [other] = enter(tree, tree.ward2, LAST_MONTH, (p3, 30, 15, 15))
    [earlier] = enter(tree, tree.ward1, EARLIER, (p1, 10, 0, 10))
    [outside] = enter(tree, tree.division, LAST_MONTH, (procedure(tree.division, su, "QT-09"), 5, 4, 1))
    return {"late": late, "on_time": on_time, "other": other, "earlier": earlier, "outside": outside}


@pytest.fixture
def tree():
    from tests import factories

    return factories.small_tree()


def listed(user, **params):
    response = logged_in(user).get(URL, params)
    assert response.status_code == 200
    return set(response.context["filter"].qs.values_list("pk", flat=True)), response.content.decode()


def test_the_register_lists_the_readers_rows_newest_month_first_with_their_rates(tree, rows):
    found, text = listed(tree.district_steering)
    assert found == {rows[k].pk for k in ("late", "on_time", "other", "earlier")}  # not the division's
    assert text.index(rows["late"].get_absolute_url()) < text.index(rows["earlier"].get_absolute_url())
    assert "90 %" in text and "QT-03" in text and "50 %" in text
    mine, _text = listed(tree.ward1_mr)
    assert mine == {rows[k].pk for k in ("late", "on_time", "earlier")}


def test_the_filters_select_the_unit_with_its_sub_units_the_months_the_procedure_and_late(tree, rows):
    user, month = tree.district_steering, period_code(LAST_MONTH, "monthly")
    assert listed(user, unit=tree.ward2.pk)[0] == {rows["other"].pk}
    assert listed(user, unit=tree.district.pk, month_from=month, month_to=month)[0] == {
        rows[k].pk for k in ("late", "on_time", "other")}
    assert listed(user, month_to=period_code(EARLIER, "monthly"))[0] == {rows["earlier"].pk}
    assert listed(user, late="on", month_from=month)[0] == {rows["late"].pk, rows["other"].pk}
    assert listed(user, q="qt-02")[0] == {rows["on_time"].pk}


def test_a_month_typed_wrong_is_refused_with_a_message_and_kept(tree, rows):
    _found, text = listed(tree.district_steering, month_from="2026-13")  # the page lists nothing
    assert "Enter a month, for example 2026-11." in text and 'value="2026-13"' in text
    assert not any(row.get_absolute_url() in text for row in rows.values())
    found, text = listed(tree.district_steering, month_from=f"{LAST_MONTH.month}/{LAST_MONTH.year}")
    assert rows["late"].pk in found and rows["earlier"].pk not in found


def test_the_register_keeps_its_queries_as_rows_grow(tree):
    def count():
        client = logged_in(tree.district_steering)
        client.get(URL)
        cache.clear()  # the SQL is under test, not the cached content
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx)

    enter(tree, tree.ward1, LAST_MONTH, (procedure(tree.ward1, tree.superuser, "QT-01"), 5, 5, 0))
    few = count()
    enter(tree, tree.ward2, LAST_MONTH, *[(procedure(tree.ward2, tree.superuser, f"QT-1{i}"), 5, 4, 1)
                                          for i in range(8)])
    enter(tree, tree.ward1, EARLIER, *[(procedure(tree.district, tree.superuser, f"QT-2{i}"), 9, 9, 0)
                                       for i in range(8)])
    assert count() == few


def test_the_menu_and_the_on_time_page_lead_to_the_register(tree, rows):
    client = logged_in(tree.district_steering)
    assert f'href="{URL}"' in client.get("/").content.decode()
    page = client.get(reverse("objectives:on_time", args=[tree.district.pk])).content.decode()
    assert f'href="{URL}?unit={tree.district.pk}"' in page


def test_the_dashboards_on_time_figures_link_to_exactly_their_rows(tree, rows):
    user = tree.district_steering
    for period in (Period.of("month", LAST_MONTH), Period.of("year", LAST_MONTH)):
        for unit in (tree.district, tree.ward1, tree.ward2):
            counted, shown = counted_and_listed(user, "objectives.on_time_rate", unit, period)
            assert counted == shown and counted > 0
    month = counted_and_listed(user, "objectives.on_time_rate", tree.district, Period.of("month", LAST_MONTH))
    assert month == (3, 3)
    for unit, expected in ((tree.district, 2), (tree.ward1, 1), (tree.ward2, 1)):  # last month's late rows
        assert counted_and_listed(user, "objectives.procedures_late", unit) == (expected, expected)
