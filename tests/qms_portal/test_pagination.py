"""Pages that count no further than they need (``CappedPaginator``)."""

import pytest
from django.core.paginator import EmptyPage
from django.urls import reverse

from qms_portal.models import Unit
from qms_portal.pagination import CappedPaginator


def test_below_the_cap_the_count_is_exact():
    pages = CappedPaginator(list(range(30)), 10, cap=50)
    page = pages.page(1)
    assert pages.exact and pages.count == 30 and pages.num_pages == 3 and page.has_next()


def test_above_the_cap_it_says_more_than_and_next_goes_on():
    rows = list(range(137))
    pages = CappedPaginator(rows, 10, cap=50)
    first = pages.page(1)
    assert not pages.exact and pages.pages_at_least == 5 and first.has_next()
    assert list(first.object_list) == rows[:10]
    # Beyond the cap: counted as far as the page asked for and one row more.
    pages = CappedPaginator(rows, 10, cap=50)
    seventh = pages.page(7)
    assert list(seventh.object_list) == rows[60:70] and seventh.has_next()
    last = CappedPaginator(rows, 10, cap=50).page(14)
    assert list(last.object_list) == rows[130:] and not last.has_next()
    with pytest.raises(EmptyPage):
        CappedPaginator(rows, 10, cap=50).page(15)


@pytest.mark.django_db
def test_a_queryset_is_counted_up_to_the_limit_only(django_assert_max_num_queries):
    from tests.factories import make_root, make_unit

    root = make_root("CAPROOT")
    for i in range(12):
        make_unit(root, f"CAP{i:02d}")
    pages = CappedPaginator(Unit.objects.filter(path__startswith=root.path).order_by("code"), 5, cap=5)
    pages.page(1)
    assert pages.count == 6 and not pages.exact  # 13 units, six counted
    pages = CappedPaginator(Unit.objects.filter(path__startswith=root.path).order_by("code"), 5, cap=5)
    third = pages.page(3)
    assert [u.code for u in third.object_list] == ["CAP10", "CAP11", "CAPROOT"] and not third.has_next()


@pytest.mark.django_db
def test_a_list_page_says_more_than_when_it_did_not_count_everything(client_for, monkeypatch):
    from tests.factories import make_root, make_superuser, make_unit

    root = make_root("MANY")
    for i in range(6):
        make_unit(root, f"MANY{i}")
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    client = client_for(make_superuser())
    url = reverse("unit_list")
    monkeypatch.setattr("qms_portal.views.units.UnitListView.paginate_by", 2)
    first = client.get(url, {"q": "MANY"}).content.decode()
    assert "Page 1 of more than 1" in first
    second = client.get(url, {"q": "MANY", "page": 4}).content.decode()
    assert "Page 4 of 4" in second
