"""The register of risks' rows, written in Python (``objectives.views.risks.risk_rows``): every value
escaped, the labels and badges in the reader's language, and the conditional pieces (the
"Opportunity" badge, the "Late" badge, "—" for no owner, rating or review date) both ways."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from objectives.models import Risk
from objectives.selectors import risks as selectors
from objectives.services import risks as services
from objectives.views.risks import risk_rows
from qms_portal.models import User
from tests import factories
from tests.viewtests import logged_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def t():
    return factories.small_tree()


def make(t, title="Hồ sơ trễ hạn", owner=None, kind=Risk.Kind.RISK, **fields):
    """A risk of ward1, then ``fields`` set as they stand (a review date in the past, a status)."""
    found = services.risk_create(acting_user=t.superuser, unit=t.ward1, title=title, likelihood=3, impact=5,
                                 kind=kind, owner=owner)
    if fields:
        Risk.objects.filter(pk=found.pk).update(**fields)
    return found


def rows_of(t, *risks):
    """{risk: its ``<tr>``} as the register writes them."""
    listed = list(selectors.register_queryset(t.superuser).filter(pk__in=[r.pk for r in risks]).order_by("-pk"))
    html = str(risk_rows(listed, TODAY))
    found = dict(zip([r.pk for r in listed], html.split("\n"), strict=True))
    return [found[r.pk] for r in risks]


def cells(row):
    return [cell.split("</td>", 1)[0] for cell in row.split("<td")[1:]]


def test_a_row_shows_its_values_escaped_on_the_register_page(t):
    t.ward1.name = 'Phường <i>1</i> & "Đông"'
    t.ward1.save(update_fields=["name"])
    owner = factories.make_user(f"{t.prefix}own", t.ward1, full_name="Lê <b>Văn</b> & Co")
    found = make(t, title="Hỏa hoạn <b>& kho", owner=owner)
    page = logged_in(t.ward1_mr).get(reverse("objectives:risk_list")).content.decode()
    row = page[page.index(f'<a href="{found.get_absolute_url()}">'):].split("</tr>", 1)[0]
    assert f">{found.number}</a>" in row
    assert "Hỏa hoạn &lt;b&gt;&amp; kho" in row and "<b>&" not in row
    assert row.count("Phường &lt;i&gt;1&lt;/i&gt; &amp; &quot;Đông&quot;") == 2  # its cell, and under the title
    assert "Lê &lt;b&gt;Văn&lt;/b&gt; &amp; Co" in row
    assert ('<td><span class="badge text-bg-danger">15<span class="visually-hidden"> · Very high (15–25)</span>'
            "</span></td>") in row
    assert ">Open</td>" in row


def test_the_badges_and_labels_are_in_the_reader_s_language(t):
    User.objects.filter(pk=t.ward1_mr.pk).update(language="vi")
    found = make(t, title="Cơ hội số hóa", kind=Risk.Kind.OPPORTUNITY, review_on=TODAY - timedelta(days=2))
    page = logged_in(t.ward1_mr).get(reverse("objectives:risk_list")).content.decode()
    row = page[page.index(f'<a href="{found.get_absolute_url()}">'):].split("</tr>", 1)[0]
    assert '<span class="badge text-bg-success">Cơ hội</span> Cơ hội số hóa' in row
    assert " · Lần rà soát tiếp theo " in row
    assert '<span class="badge text-bg-danger">Trễ hạn</span>' in row
    assert "Rất cao (15–25)" in row
    assert ">Đang mở</td>" in row
    with translation.override("vi"):
        assert date_format(TODAY - timedelta(days=2), "SHORT_DATE_FORMAT") in row


def test_the_late_badge_only_for_a_review_date_passed_on_a_risk_not_closed(t):
    late = make(t, review_on=TODAY - timedelta(days=1))
    treated_late = make(t, review_on=TODAY - timedelta(days=1), status=Risk.Status.TREATED)
    closed = make(t, review_on=TODAY - timedelta(days=1), status=Risk.Status.CLOSED)
    today = make(t, review_on=TODAY)
    coming = make(t, review_on=TODAY + timedelta(days=30))
    rows = rows_of(t, late, treated_late, closed, today, coming)
    badge = '<span class="badge text-bg-danger">Late</span>'
    assert [badge in row for row in rows] == [True, True, False, False, False]
    shown = date_format(TODAY - timedelta(days=1), "SHORT_DATE_FORMAT")
    assert cells(rows[0])[6] == f' class="d-none d-md-table-cell text-nowrap">{shown} {badge}'
    assert f" · Next review {shown}</div>" in rows[0]


def test_no_owner_no_residual_rating_no_review_date_show_a_dash(t):
    bare = make(t)
    nameless = factories.make_user(f"{t.prefix}nameless", t.ward1)
    User.objects.filter(pk=nameless.pk).update(full_name="")
    rated = make(t, owner=nameless, review_on=TODAY + timedelta(days=3), residual_likelihood=1, residual_impact=2)
    bare_row, rated_row = rows_of(t, bare, rated)
    bare_cells, rated_cells = cells(bare_row), cells(rated_row)
    assert bare_cells[4] == ' class="d-none d-md-table-cell">—'  # residual rating
    assert bare_cells[5] == ' class="d-none d-lg-table-cell">—'  # owner
    assert bare_cells[6] == ' class="d-none d-md-table-cell text-nowrap">—'  # next review
    assert f'<div class="d-md-none small text-body-secondary">{t.ward1.name}</div>' in bare_row  # no review date
    assert "Next review" not in bare_row and "Opportunity" not in bare_row
    assert rated_cells[4] == (' class="d-none d-md-table-cell"><span class="badge text-bg-light border">2'
                              '<span class="visually-hidden"> · Low (1–4)</span></span>')
    assert rated_cells[5] == f' class="d-none d-lg-table-cell">{nameless.username}'  # no full name: the username
    assert rated_cells[6] == (' class="d-none d-md-table-cell text-nowrap">'
                              f'{date_format(TODAY + timedelta(days=3), "SHORT_DATE_FORMAT")}')
