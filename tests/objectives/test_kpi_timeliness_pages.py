"""A procedure's files of a month (``ProcedureTimeliness``) have a page of their own with a History
tab, listed per procedure on the unit's on-time page for a chosen month and linked from the month's
entry page; a correction shows on the History tab with the earlier figures."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives.models import ProcedureTimeliness
from objectives.selectors.kpi_math import period_code, shift
from objectives.services.kpi_ontime import timeliness_enter
from tests import factories
from tests.viewtests import logged_in

pytestmark = pytest.mark.django_db
LAST_MONTH = shift(timezone.localdate().replace(day=1), "monthly", -1)
EARLIER = shift(LAST_MONTH, "monthly", -2)


@pytest.fixture
def tree():
    return factories.small_tree()


def procedure(unit, su, code):
    from documents.models import Document
    from tests.documents.factories import doc_type

    return Document.objects.create(unit=unit, code=code, title=f"Thủ tục {code}", doc_type=doc_type("QT"),
                                   category="operational", process_owner=su)


def enter(tree, unit, month, *rows):
    return timeliness_enter(acting_user=tree.superuser, unit=unit, month=month,
                            rows=[{"procedure": p, "received": r, "on_time": o, "late": la} for p, r, o, la in rows])


def test_a_rows_page_shows_its_figures_and_its_history_keeps_the_correction(tree):
    p = procedure(tree.ward1, tree.superuser, "QT-01")
    [row] = enter(tree, tree.ward1, LAST_MONTH, (p, 50, 45, 5))
    enter(tree, tree.ward1, LAST_MONTH, (p, 50, 48, 2))
    client = logged_in(tree.ward1_mr)
    page = client.get(row.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200 and row.get_absolute_url() == reverse("objectives:timeliness_detail",
                                                                         args=[row.pk])
    assert "QT-01" in text and "96 %" in text and ">48<" in text
    assert reverse("objectives:timeliness_history", args=[row.pk]) in text
    month = period_code(LAST_MONTH, "monthly")
    correct = reverse("objectives:timeliness_enter", args=[tree.ward1.pk]) + f"?month={month}"
    assert correct in text.replace("&amp;", "&")
    history = client.get(reverse("objectives:timeliness_history", args=[row.pk])).content.decode()
    assert "Handled on time" in history and "45" in history and "48" in history
    assert ProcedureTimeliness.history.filter(id=row.pk).count() == 2


def test_the_on_time_page_lists_the_units_own_rows_of_the_chosen_month(tree):
    mine, theirs = procedure(tree.district, tree.superuser, "QT-01"), procedure(tree.district, tree.superuser, "QT-02")
    [last] = enter(tree, tree.district, LAST_MONTH, (mine, 20, 19, 1))
    [earlier] = enter(tree, tree.district, EARLIER, (mine, 30, 30, 0))
    [ward] = enter(tree, tree.ward1, LAST_MONTH, (theirs, 10, 9, 1))
    client = logged_in(tree.district_steering)
    url = reverse("objectives:on_time", args=[tree.district.pk])
    text = client.get(url).content.decode()
    assert last.get_absolute_url() in text  # the latest month it entered, by default
    assert earlier.get_absolute_url() not in text and ward.get_absolute_url() not in text  # a ward's row: its page
    assert f"?month={period_code(EARLIER, 'monthly')}#procedures" in text
    text = client.get(url, {"month": period_code(EARLIER, "monthly")}).content.decode()
    assert earlier.get_absolute_url() in text and last.get_absolute_url() not in text
    ward_page = client.get(reverse("objectives:on_time", args=[tree.ward1.pk])).content.decode()
    assert ward.get_absolute_url() in ward_page


def test_the_per_procedure_list_keeps_its_queries_as_rows_grow(tree):
    def count():
        client = logged_in(tree.district_steering)
        url = reverse("objectives:on_time", args=[tree.district.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    enter(tree, tree.district, LAST_MONTH, (procedure(tree.district, tree.superuser, "QT-01"), 5, 5, 0))
    few = count()
    enter(tree, tree.district, LAST_MONTH, *[(procedure(tree.district, tree.superuser, f"QT-1{i}"), 5, 4, 1)
                                             for i in range(6)])
    assert count() == few


def test_the_entry_page_links_each_procedure_already_entered_to_its_page(tree):
    p = procedure(tree.ward1, tree.superuser, "QT-01")  # no effective revision: listed as already reported
    [row] = enter(tree, tree.ward1, LAST_MONTH, (p, 5, 5, 0))
    url = reverse("objectives:timeliness_enter", args=[tree.ward1.pk])
    text = logged_in(tree.ward1_mr).get(url, {"month": period_code(LAST_MONTH, "monthly")}).content.decode()
    assert row.get_absolute_url() in text and len(re.findall(r"/objectives/on-time/files/\d+/", text)) == 1
    other = logged_in(tree.ward1_mr).get(url, {"month": period_code(EARLIER, "monthly")}).content.decode()
    assert row.get_absolute_url() not in other


def test_another_units_row_is_out_of_reach(tree):
    [row] = enter(tree, tree.ward2, LAST_MONTH, (procedure(tree.ward2, tree.superuser, "QT-09"), 5, 5, 0))
    assert logged_in(tree.ward1_mr).get(row.get_absolute_url()).status_code == 404
    assert logged_in(tree.ward1_mr).get(reverse("objectives:timeliness_history", args=[row.pk])).status_code == 404
    assert logged_in(tree.district_steering).get(row.get_absolute_url()).status_code == 200


def test_the_dashboards_on_time_rate_is_the_files_on_time_over_the_files_handled_in_the_period(tree):
    """The steering committee's figure: the files of the period's months, summed up the tree (the
    district's rate is its wards' files, not an average of their rates), with the files behind it."""
    from qms_portal.periods import Period
    from qms_portal.steering import selectors as steering

    su = tree.superuser
    p1, p2, p3 = (procedure(unit, su, code) for unit, code in
                  ((tree.ward1, "QT-01"), (tree.ward1, "QT-02"), (tree.ward2, "QT-03")))
    enter(tree, tree.ward1, LAST_MONTH, (p1, 50, 45, 5), (p2, 20, 20, 0))
    enter(tree, tree.ward2, LAST_MONTH, (p3, 30, 15, 15))
    enter(tree, tree.ward1, EARLIER, (p1, 10, 0, 10))  # another month: outside the period

    board = steering.dashboard(su, tree.district, Period.of("month", LAST_MONTH), with_trends=True)
    index = [figure.key for figure in board.figures].index("objectives.on_time_rate")
    cells = {row.unit.code: row.cells[index] for row in board.rows}
    assert cells[tree.ward1.code].value == pytest.approx(65 / 70) and cells[tree.ward1.code].detail == "65 / 70"
    assert cells[tree.ward2.code].value == 0.5 and cells[tree.ward2.code].light == "red"
    district = cells[tree.district.code]
    assert district.value == pytest.approx(80 / 100) and district.detail == "80 / 100"  # not (93 % + 50 %) / 2
    # the year holds both months; the trend has one point per month
    year = steering.dashboard(su, tree.district, Period.of("year", LAST_MONTH), with_trends=False)
    if EARLIER.year == LAST_MONTH.year:
        assert year.rows[0].cells[index].detail == "80 / 110"
    [trend] = [t for t in board.trends if t.figure.key == "objectives.on_time_rate"]
    by_month = dict(zip((m.start for m in trend.months), trend.values, strict=True))
    assert by_month[LAST_MONTH] == pytest.approx(0.8) and by_month[EARLIER] == 0.0
