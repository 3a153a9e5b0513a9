"""The register, a nonconformity's page and the actions list make the same number of SQL queries
whatever the amount of data (no N+1): each is requested at a small and a large size and compared."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nonconformities import services
from tests.nonconformities.factories import in_future, planned, raise_nc

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def count(client, url, params=None):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


def assert_same(small, large, what):
    (n_small, sql_small), (n_large, sql_large) = small, large
    assert n_small == n_large, (
        f"{what}: {n_small} queries with little data, {n_large} with more — a query per row?\n"
        + "\n".join(sql for sql in sql_large if sql not in sql_small))


def more_data(ns, n):
    """``n`` nonconformities in the department and its office, some with actions (one overdue-able)."""
    for i in range(n):
        unit = ns.dept if i % 2 else ns.office
        by = ns.reporter if unit == ns.dept else ns.staff
        nc = raise_nc(ns, unit=unit, by=by, title=f"Sự việc {i}")
        if i % 4 == 0 and unit == ns.dept:
            planned(ns, nc)


PAGES = [
    ("register", {}),
    ("register", {"status": "all", "overdue": "false"}),
    ("register", {"q": "su viec"}),
    ("action_list", {}),
]


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_list_pages_make_the_same_number_of_queries_at_two_sizes(ns, client_for, name, params):
    client = client_for(ns.head)
    more_data(ns, 3)
    small = count(client, reverse(f"nonconformities:{name}"), params)
    more_data(ns, 12)
    large = count(client, reverse(f"nonconformities:{name}"), params)
    assert_same(small, large, name)


def test_a_nonconformitys_page_makes_the_same_number_of_queries_with_more_actions(ns, client_for):
    client = client_for(ns.head)
    nc, _actions = planned(ns)
    small = count(client, nc.get_absolute_url())
    for i in range(6):
        services.action_create(acting_user=ns.head, nonconformity=nc, description=f"Thêm {i}", owner=ns.owner1,
                               due=in_future())
        raise_nc(ns, title=f"Tương tự {i}")
    large = count(client, nc.get_absolute_url())
    assert_same(small, large, "nonconformity page")
