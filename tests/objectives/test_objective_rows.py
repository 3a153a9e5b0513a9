"""The rows of the quality objectives list and of the indicator list, written in Python
(``objectives.views.kpi.objective_rows`` and ``indicator_rows``): every value escaped, the labels and
badges in the reader's language, and the conditional pieces (the code, "Breaks down an objective
above", "—" for no one responsible or no value yet, ≤ or ≥ by direction) both ways."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.models import Indicator, Measurement, QualityObjective
from objectives.selectors import kpi as selectors
from objectives.selectors.kpi_math import shift
from objectives.views.kpi import indicator_rows, objective_rows
from qms_portal.models import User
from tests import factories
from tests.objectives.kpi_factories import indicator, objective, rate
from tests.viewtests import logged_in

pytestmark = pytest.mark.django_db
LAST_MONTH = shift(timezone.localdate().replace(day=1), "monthly", -1)


@pytest.fixture
def t():
    return factories.small_tree()


def row_on(page, url):
    return page[page.index(f'<a href="{url}">'):].split("</tr>", 1)[0]


def cells(row):
    return [cell.split("</td>", 1)[0] for cell in row.split("<td")[1:]]


def objective_rows_of(t, *objectives):
    """{objective: its ``<tr>``} as the list writes them."""
    listed = list(selectors.objectives_of(t.superuser).filter(pk__in=[o.pk for o in objectives]))
    found = dict(zip([o.pk for o in listed], str(objective_rows(listed)).split("\n"), strict=True))
    return [found[o.pk] for o in objectives]


def indicator_rows_of(t, *indicators):
    listed = selectors.with_status(list(selectors.indicators_of(t.superuser).filter(pk__in=[i.pk for i in indicators])))
    found = dict(zip([i.pk for i in listed], str(indicator_rows(listed)).split("\n"), strict=True))
    return [found[i.pk] for i in indicators]


def measured(ind, value):
    Measurement.objects.create(indicator=ind, period=LAST_MONTH, value=Decimal(value), entered_by=None)


# --- quality objectives ----------------------------------------------------------------------------
def test_an_objective_row_shows_its_values_escaped_on_the_list_page(t):
    t.ward1.name = 'Phường <i>1</i> & "Đông"'
    t.ward1.save(update_fields=["name"])
    responsible = factories.make_user(f"{t.prefix}resp", t.ward1, full_name="Lê <b>Văn</b> & Co")
    found = objective(t.ward1, t.superuser, title="Giảm hồ sơ <b>& trễ", code="MT<1>", year=2026,
                      responsible=responsible)
    QualityObjective.objects.filter(pk=found.pk).update(status=QualityObjective.Status.ACHIEVED)
    page = logged_in(t.ward1_mr).get(reverse("objectives:objective_list")).content.decode()
    row = row_on(page, found.get_absolute_url())
    assert ">MT&lt;1&gt; · Giảm hồ sơ &lt;b&gt;&amp; trễ</a>" in row and "<b>&" not in row
    assert "<td>Phường &lt;i&gt;1&lt;/i&gt; &amp; &quot;Đông&quot;" in row
    assert '<div class="d-md-none small text-body-secondary">2026</div>' in row
    assert '<td class="d-none d-md-table-cell">2026</td>' in row
    assert '<td class="d-none d-md-table-cell">Lê &lt;b&gt;Văn&lt;/b&gt; &amp; Co</td>' in row
    assert '<td><span class="badge text-bg-success">Achieved</span></td>' in row


def test_the_objective_labels_and_badges_are_in_the_reader_s_language(t):
    User.objects.filter(pk=t.ward1_mr.pk).update(language="vi")
    parent = objective(t.ward1, t.superuser, title="Mục tiêu cấp trên")
    child = objective(t.ward1, t.superuser, title="Mục tiêu cụ thể", parent=parent)
    QualityObjective.objects.filter(pk=child.pk).update(status=QualityObjective.Status.NOT_ACHIEVED)
    page = logged_in(t.ward1_mr).get(reverse("objectives:objective_list")).content.decode()
    row = row_on(page, child.get_absolute_url())
    assert '<div class="small text-body-secondary">Cụ thể hóa mục tiêu của cấp trên</div>' in row
    assert '<span class="badge text-bg-danger">Không đạt</span>' in row


def test_the_code_the_parent_and_who_is_responsible_show_only_when_there_is_one(t):
    named = factories.make_user(f"{t.prefix}named", t.ward1, full_name="Trần Thị Bình")
    nameless = factories.make_user(f"{t.prefix}nameless", t.ward1)
    User.objects.filter(pk=nameless.pk).update(full_name="")
    parent = objective(t.ward1, t.superuser, title="Cấp trên", code="A1", responsible=named)
    child = objective(t.ward1, t.superuser, title="Cấp dưới", parent=parent, responsible=nameless)
    bare = objective(t.ward1, t.superuser, title="Không ai")
    QualityObjective.objects.filter(pk=bare.pk).update(status=QualityObjective.Status.ACTIVE)
    parent_row, child_row, bare_row = objective_rows_of(t, parent, child, bare)
    assert f'<a href="{parent.get_absolute_url()}">A1 · Cấp trên</a></td>' in parent_row
    assert f'<a href="{child.get_absolute_url()}">Cấp dưới</a><div class="small text-body-secondary">' in child_row
    assert "Breaks down an objective above" in child_row and "Breaks down" not in parent_row + bare_row
    assert cells(parent_row)[3] == ' class="d-none d-md-table-cell">Trần Thị Bình'
    assert cells(child_row)[3] == ' class="d-none d-md-table-cell">—'  # no full name
    assert cells(bare_row)[3] == ' class="d-none d-md-table-cell">—'  # no one
    assert cells(parent_row)[4] == '><span class="badge text-bg-secondary">Draft</span>'
    assert cells(bare_row)[4] == '><span class="badge text-bg-primary">In progress</span>'


# --- indicators ------------------------------------------------------------------------------------
def test_an_indicator_row_shows_its_values_escaped_on_the_list_page(t):
    t.ward1.name = 'Phường <i>1</i> & "Đông"'
    t.ward1.save(update_fields=["name"])
    found = indicator(t.ward1, t.superuser, code="hs-tre", name="Hồ sơ <b>& trễ", target="98.5",
                      unit_of_measure="<hồ sơ>")
    measured(found, "99.25")
    page = logged_in(t.ward1_mr).get(reverse("objectives:indicator_list")).content.decode()
    row = row_on(page, found.get_absolute_url())
    assert ">Hồ sơ &lt;b&gt;&amp; trễ</a>" in row and "<b>&" not in row
    assert '<div class="small text-body-secondary">hs-tre · Monthly</div>' in row
    assert "<td>Phường &lt;i&gt;1&lt;/i&gt; &amp; &quot;Đông&quot;</td>" in row
    assert '<td class="d-none d-md-table-cell text-nowrap">≥ 98.50 &lt;hồ sơ&gt;</td>' in row
    assert '<td class="d-none d-md-table-cell text-nowrap">99.25 &lt;hồ sơ&gt;</td>' in row
    assert '<td><span class="badge text-bg-success">Achieved</span></td>' in row


def test_the_indicator_labels_and_badges_are_in_the_reader_s_language(t):
    User.objects.filter(pk=t.ward1_mr.pk).update(language="vi")
    missed = rate(t.ward1, t.superuser, code="missed", frequency=Indicator.Frequency.QUARTERLY)
    measured(missed, "90")
    empty = rate(t.ward1, t.superuser, code="empty")
    page = logged_in(t.ward1_mr).get(reverse("objectives:indicator_list")).content.decode()
    missed_row, empty_row = row_on(page, missed.get_absolute_url()), row_on(page, empty.get_absolute_url())
    assert "missed · Hằng quý</div>" in missed_row and "empty · Hằng tháng</div>" in empty_row
    assert '<span class="badge text-bg-danger">Không đạt</span>' in missed_row
    assert '<span class="badge text-bg-light border text-body-secondary">Chưa có giá trị</span>' in empty_row
    assert "98 %" in missed_row  # the target, its number in the reader's format


def test_no_value_shows_a_dash_and_the_direction_its_sign(t):
    higher = rate(t.ward1, t.superuser, code="higher", target="98", threshold="96")
    measured(higher, "97")
    lower = indicator(t.ward1, t.superuser, code="lower", target="5", direction=Indicator.Direction.LOWER,
                      alert_threshold=Decimal("8"), unit_of_measure="")
    measured(lower, "3.333")
    empty = rate(t.ward1, t.superuser, code="empty")
    higher_row, lower_row, empty_row = indicator_rows_of(t, higher, lower, empty)
    assert cells(higher_row)[2:] == [' class="d-none d-md-table-cell text-nowrap">≥ 98 %',
                                     ' class="d-none d-md-table-cell text-nowrap">97 %',
                                     '><span class="badge text-bg-warning">At risk</span>']
    assert cells(lower_row)[2:] == [' class="d-none d-md-table-cell text-nowrap">≤ 5 ',
                                    ' class="d-none d-md-table-cell text-nowrap">3.33 ',
                                    '><span class="badge text-bg-success">Achieved</span>']
    assert cells(empty_row)[2:] == [' class="d-none d-md-table-cell text-nowrap">≥ 98 %',
                                    ' class="d-none d-md-table-cell text-nowrap">—',
                                    '><span class="badge text-bg-light border text-body-secondary">No value</span>']
