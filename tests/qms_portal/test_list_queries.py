"""List pages make the same number of SQL queries whatever the number of rows (no N+1).

Each page is requested by the same administrator at two data sizes: a small tree with a row or
two on every page, then the same tree grown by 40 units, 40 people (with their roles), 30 pending
access requests and 40 messages — enough to fill the first page of every list with rows that each
point to a different unit, person, role and granter.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms_portal import fragments, services
from qms_portal.bench.scale import build_scale
from qms_portal.notifications import notify
from tests import factories

pytestmark = pytest.mark.django_db

LIST_PAGES = {
    "my work": ("home", {}),
    "unit list": ("unit_list", {}),
    "unit list, searched": ("unit_list", {"q": "a"}),
    "user list": ("user_list", {}),
    "user list, searched": ("user_list", {"q": "u"}),
    # typed without marks, folded by the database (qms_portal.search): still one query for the rows
    "user list, searched without marks": ("user_list", {"q": "nguyen"}),
    "role assignments": ("assignment_list", {}),
    "access requests": ("accessrequest_list", {}),
    "inbox": ("inbox", {}),
}

# The rows each page shows, to check that the grown data really shows more of them.
ROWS = {
    "my work": lambda ctx: len(ctx["waiting"]) + len(ctx["reminders"]),
    "inbox": lambda ctx: len(ctx["items"]),
}


def _small(prefix):
    """A small tree, with one pending request so that "My work", the inbox and the request list
    are not empty (an empty list renders another branch of the template)."""
    tree = factories.small_tree(prefix)
    factories.make_user(f"{prefix}nguyen", tree.ward1, full_name="Nguyễn Văn An")
    services.access_request_create(
        acting_user=tree.ward1_staff, role=tree.roles["document_controller"], unit=tree.ward1,
        include_subunits=False, justification="ISO secretary of the ward",
    )
    # A message of each kind the grown inbox holds: a page of messages loads the rows they refer to
    # with one query per model, so the same models must be on the page at both sizes.
    notify([tree.admin], "role_assigned", params={"role": tree.roles["staff"], "unit": tree.ward1})
    return tree


def _grow(tree):
    build_scale(units=40, users=40, prefix=f"{tree.prefix}G", parent=tree.city, admin_username=None,
                ward_username=None, notifications=40, access_requests=30, inbox_user=tree.admin)


def _get(client, name, params):
    """A first visit: every cached piece retired (the lists keep their content in the cache)."""
    fragments.forget_all()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response, len(queries), [q["sql"] for q in queries.captured_queries]


def _rows(page, response):
    counter = ROWS.get(page)
    return counter(response.context) if counter else len(response.context["object_list"])


@pytest.mark.parametrize("page", list(LIST_PAGES))
def test_the_list_page_makes_as_many_queries_with_40_rows_as_with_a_few(page, client_for):
    tree = _small("LQ-")
    name, params = LIST_PAGES[page]
    client = client_for(tree.admin)
    client.get(reverse(name), params)  # first request: the session and per-process caches settle

    small_response, small, small_sql = _get(client, name, params)
    small_rows = _rows(page, small_response)
    _grow(tree)
    big_response, big, big_sql = _get(client, name, params)

    assert small_rows >= 1
    assert _rows(page, big_response) > small_rows
    assert big == small, "\n".join(["queries at the larger size:", *big_sql])


def test_the_unit_page_makes_as_many_queries_with_many_role_holders_as_with_one(client_for):
    """The roles table of a unit page: one permission check for the "End" buttons, not one per row."""
    tree = _small("UD-")
    client = client_for(tree.admin)
    url = reverse("unit_detail", args=[tree.city.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(10):
        person = factories.make_user(f"ud-extra-{n}", tree.city)
        factories.assign(person, "staff", tree.city, include_subunits=False)
    with CaptureQueriesContext(connection) as big:
        client.get(url)
    assert len(big) == len(small)


def test_my_exports_makes_as_many_queries_with_30_jobs_as_with_one(client_for):
    """The list of a person's background jobs: titles come from the registry, not from a query."""
    from tests.qms_portal.jobkinds import done_job, registered

    tree = _small("JL-")
    client = client_for(tree.admin)
    with registered():
        done_job(tree.admin)
        client.get(reverse("job_list"))
        small_response, small, _sql = _get(client, "job_list", {})
        for _n in range(30):
            done_job(tree.admin)
        big_response, big, big_sql = _get(client, "job_list", {})
    assert len(small_response.context["jobs"]) == 1 and len(big_response.context["jobs"]) == 25
    assert big == small, "\n".join(["queries at the larger size:", *big_sql])
