"""The kpi part's pages: lists that leave out other units' records and keep their number of
queries as rows grow, the forms that keep what was typed with a clear message on bad input (a
decimal comma in Vietnamese accepted, a numerator larger than its denominator, a period entered
twice), a department's period entered at once (all or nothing), the indicator's chart and table,
the offered nonconformity, the roll-up and the on-time pages."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nonconformities.models import Nonconformity
from objectives.models import Measurement, QualityObjective
from objectives.selectors.kpi_math import period_code, shift
from tests import factories
from tests.objectives.kpi_factories import indicator, objective, rate, value
from tests.viewtests import logged_in


def in_vi(text):
    """``text`` as a Vietnamese reader sees it (the pages answer in the person's language)."""
    from django.utils import translation

    with translation.override("vi"):
        return translation.gettext(text)

pytestmark = pytest.mark.django_db
D = Decimal
THIS_MONTH = timezone.localdate().replace(day=1)
LAST_MONTH = shift(THIS_MONTH, "monthly", -1)
LAST = period_code(LAST_MONTH, "monthly")


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.head = factories.make_user(f"{t.prefix}head", t.ward1, language="vi")
    factories.assign(t.head, "department_head", t.ward1)
    return t


def vi(user):
    client = logged_in(user)
    client.cookies["django_language"] = "vi"
    return client


def count_queries(client, url, params=None):
    cache.clear()  # the SQL is under test, not the cached content
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_objectives_list_leaves_out_other_units_and_keeps_its_queries(tree):
    mine = objective(tree.ward1, tree.superuser, title="Mục tiêu của phường")
    other = objective(tree.division, tree.superuser, title="Mục tiêu nơi khác")
    client = logged_in(tree.head)
    url = reverse("objectives:objective_list")
    page = client.get(url).content.decode()
    assert mine.get_absolute_url() in page and other.get_absolute_url() not in page
    few = count_queries(client, url)
    for n in range(15):
        objective(tree.ward1, tree.superuser, title=f"Mục tiêu {n}")
    assert count_queries(client, url) == few


def test_the_indicator_list_leaves_out_other_units_and_keeps_its_queries(tree):
    mine = rate(tree.ward1, tree.superuser)
    other = rate(tree.division, tree.superuser)
    value(mine, tree.superuser, LAST_MONTH, numerator=D(99), denominator=D(100))
    client = logged_in(tree.head)
    url = reverse("objectives:indicator_list")
    page = client.get(url).content.decode()
    assert mine.get_absolute_url() in page and other.get_absolute_url() not in page and in_vi("Achieved") in page
    few = count_queries(client, url)
    for n in range(15):
        ind = rate(tree.ward1, tree.superuser, code=f"k{n}")
        value(ind, tree.superuser, LAST_MONTH, numerator=D(90), denominator=D(100))
    assert count_queries(client, url) == few


def test_a_value_with_a_decimal_comma_is_accepted_in_vietnamese(tree):
    ind = indicator(tree.ward1, tree.superuser, code="sat", target="90")
    response = vi(tree.head).post(reverse("objectives:measurement_enter", args=[ind.pk]),
                                  {"period": LAST, "value": "98,5", "comment": "Theo sổ"})
    assert response.status_code == 302
    assert Measurement.objects.get(indicator=ind).value == D("98.5")


def test_bad_input_keeps_what_was_typed_with_a_clear_message(tree):
    ind = rate(tree.ward1, tree.superuser)
    url = reverse("objectives:measurement_enter", args=[ind.pk])
    page = logged_in(tree.head).post(url, {"period": LAST, "numerator": "51", "denominator": "50",
                                           "comment": "Ghi chú của tôi"}).content.decode()
    assert "không được lớn hơn mẫu số" in page and "Ghi chú của tôi" in page and 'value="51"' in page
    page = logged_in(tree.head).post(url, {"period": LAST, "numerator": "abc", "denominator": "50"}).content.decode()
    assert "Nhập một số, ví dụ" in page and 'value="abc"' in page
    assert not Measurement.objects.filter(indicator=ind).exists()


def test_a_period_entered_twice_is_refused_on_the_form(tree):
    ind = rate(tree.ward1, tree.superuser)
    value(ind, tree.head, LAST_MONTH, numerator=D(49), denominator=D(50))
    page = logged_in(tree.head).post(reverse("objectives:measurement_enter", args=[ind.pk]),
                                     {"period": LAST, "numerator": "50", "denominator": "50"}).content.decode()
    assert "đã được nhập" in page  # "… was already entered", in the head's language
    assert Measurement.objects.filter(indicator=ind).count() == 1


def test_a_department_enters_its_period_at_once_or_not_at_all(tree):
    a = rate(tree.ward1, tree.superuser, code="a", name="Tỷ lệ A")
    b = indicator(tree.ward1, tree.superuser, code="b", name="Chỉ số B", target="90")
    url = reverse("objectives:period_entry") + f"?period={LAST}"
    client = vi(tree.head)
    page = client.get(url).content.decode()
    assert "Tỷ lệ A" in page and "Chỉ số B" in page
    bad = client.post(url, {f"n{a.pk}": "60", f"d{a.pk}": "50", f"v{b.pk}": "97,5"}).content.decode()
    assert 'value="97,5"' in bad and not Measurement.objects.exists()
    assert client.post(url, {f"n{a.pk}": "49", f"d{a.pk}": "50", f"v{b.pk}": "97,5"}).status_code == 302
    assert Measurement.objects.get(indicator=b).value == D("97.5")
    assert Measurement.objects.get(indicator=a).value == D("98")
    again = client.get(url).content.decode()
    assert reverse("objectives:measurement_correct", args=[Measurement.objects.get(indicator=a).pk]) in again


def test_the_indicator_page_shows_the_chart_the_table_and_the_nonconformity_offer(tree):
    ind = rate(tree.ward1, tree.superuser)
    missed = value(ind, tree.superuser, LAST_MONTH, numerator=D(90), denominator=D(100))
    page = logged_in(tree.ward1_mr).get(ind.get_absolute_url()).content.decode()
    assert "<svg" in page and "qms-chart-target" in page and "Missed" in page
    offer = reverse("objectives:measurement_nonconformity", args=[missed.pk])
    assert offer in page
    assert not Nonconformity.objects.exists()
    form = logged_in(tree.ward1_mr).get(offer).content.decode()
    assert ind.name in form
    response = logged_in(tree.ward1_mr).post(offer, {"title": "Không đạt chỉ tiêu", "description": "90 %"})
    assert response.status_code == 302
    nc = Nonconformity.objects.get()
    assert nc.source == "kpi" and response.url == nc.get_absolute_url()
    assert offer not in logged_in(tree.ward1_mr).get(ind.get_absolute_url()).content.decode()


def test_the_correction_form_keeps_history_and_asks_for_a_reason(tree):
    ind = rate(tree.ward1, tree.superuser)
    m = value(ind, tree.head, LAST_MONTH, numerator=D(40), denominator=D(50))
    url = reverse("objectives:measurement_correct", args=[m.pk])
    page = logged_in(tree.head).post(url, {"numerator": "45", "denominator": "50", "reason": ""}).content.decode()
    assert 'value="45"' in page
    assert logged_in(tree.head).post(url, {"numerator": "45", "denominator": "50",
                                           "reason": "Nhầm số"}).status_code == 302
    history = logged_in(tree.head).get(reverse("objectives:measurement_history", args=[m.pk]))
    assert history.status_code == 200 and "Nhầm số" in history.content.decode()


def test_the_objective_form_keeps_input_and_the_tree_shows_the_cascade(tree):
    top = objective(tree.district, tree.superuser, title="Quận: 98 % đúng hạn")
    url = reverse("objectives:objective_create")
    mr = factories.make_user(f"{tree.prefix}dmr", tree.district)
    factories.assign(mr, "management_representative", tree.district)
    page = logged_in(mr).post(url, {"unit": tree.ward1.pk, "year": "2025", "parent": top.pk,
                                               "title": "Phường 1: đúng hạn", "status": "active"})
    assert page.status_code == 200 and "same year" in page.content.decode()
    assert "Phường 1: đúng hạn" in page.content.decode()
    assert logged_in(mr).post(url, {"unit": tree.ward1.pk, "year": str(top.year), "parent": top.pk,
                                               "title": "Phường 1: đúng hạn", "status": "active"}).status_code == 302
    child = QualityObjective.objects.get(title="Phường 1: đúng hạn")
    tree_page = logged_in(tree.district_steering).get(reverse("objectives:objective_tree"),
                                                      {"year": top.year}).content.decode()
    assert tree_page.index(top.get_absolute_url()) < tree_page.index(child.get_absolute_url())


def test_the_roll_up_page_sums_the_units_below(tree):
    su = tree.superuser
    district = rate(tree.district, su)
    value(rate(tree.ward1, su), su, LAST_MONTH, numerator=D(1), denominator=D(2))
    value(rate(tree.ward2, su), su, LAST_MONTH, numerator=D(99), denominator=D(100))
    page = logged_in(tree.district_steering).get(reverse("objectives:indicator_rollup", args=[district.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "98.04" in text and "74.5" not in text


def test_the_on_time_page_rolls_up_the_procedures_files(tree):
    from documents.models import Document
    from objectives.services.kpi_ontime import timeliness_enter
    from tests.documents.factories import doc_type

    procedure = Document.objects.create(unit=tree.district, code="QT-01", title="Cấp phép", doc_type=doc_type("QT"),
                                        category="operational", process_owner=tree.superuser)
    timeliness_enter(acting_user=tree.superuser, unit=tree.ward1, month=LAST_MONTH,
                     rows=[{"procedure": procedure, "received": 50, "on_time": 49, "late": 1}])
    timeliness_enter(acting_user=tree.superuser, unit=tree.ward2, month=LAST_MONTH,
                     rows=[{"procedure": procedure, "received": 50, "on_time": 48, "late": 2}])
    page = logged_in(tree.district_steering).get(reverse("objectives:on_time", args=[tree.district.pk]))
    assert page.status_code == 200 and "97" in page.content.decode()


def test_the_missed_indicators_figure_links_to_the_indicators_list_filtered_to_exactly_them(tree):
    from tests.objectives.figure_links import counted_and_listed

    missed = rate(tree.ward1, tree.superuser, code="miss")
    value(missed, tree.superuser, LAST_MONTH, numerator=D(90), denominator=D(100))
    at_risk = rate(tree.ward2, tree.superuser, code="risk")
    value(at_risk, tree.superuser, LAST_MONTH, numerator=D(97), denominator=D(100))
    earlier = rate(tree.ward2, tree.superuser, code="old")
    value(earlier, tree.superuser, shift(LAST_MONTH, "monthly", -1), numerator=D(50), denominator=D(100))
    outside = rate(tree.division, tree.superuser, code="miss")  # out of the district's subtree
    value(outside, tree.superuser, LAST_MONTH, numerator=D(10), denominator=D(100))
    for unit, expected in ((tree.district, 1), (tree.ward1, 1), (tree.ward2, 0)):
        assert counted_and_listed(tree.district_steering, "objectives.indicators_missed", unit) == (expected, expected)
    page = logged_in(tree.head).get(reverse("objectives:indicator_list"), {"missed": "on"}).content.decode()
    assert missed.get_absolute_url() in page and earlier.get_absolute_url() not in page
