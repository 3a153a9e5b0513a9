"""Keyset (seek) pages (``qms_portal.pagination.keyset_page``): the people list, the role
assignments and the inbox are read a page at a time after the last row shown, through a signed
cursor in the links."""

import html
import re

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from qms_portal.models import Notification, RoleAssignment, Unit, User
from qms_portal.notifications import notify
from qms_portal.pagination import keyset_page
from tests import factories

pytestmark = pytest.mark.django_db


def _link(content, rel):
    found = re.search(rf'rel="{rel}" href="\?([^"]*)"', content)
    return html.unescape(found.group(1)) if found else None


def _rows(response):
    if "items" in response.context:  # the inbox
        return [m.notification.pk for m in response.context["items"]]
    return [row.pk for row in response.context["object_list"]]


def _walk(client, url, params=None):
    """Every page from the first, following *Next*: [(row ids, content, query of the page)]."""
    pages, query = [], QueryDict(mutable=True)
    query.update(params or {})
    query = query.urlencode()
    while True:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        content = response.content.decode()
        pages.append((_rows(response), content, query))
        query = _link(content, "next")
        if query is None:
            return pages
        assert len(pages) < 50, "Next never ends"


def _back(client, url, content):
    """From a page, following *Previous* to the first: the row ids of each page, last first."""
    pages = []
    while (query := _link(content, "prev")) is not None:
        response = client.get(f"{url}?{query}")
        content = response.content.decode()
        pages.append(_rows(response))
    return pages


def _people(tree, n, full_name):
    return [factories.make_user(f"{tree.prefix}same{i}", tree.ward2, full_name=full_name) for i in range(n)]


def test_next_and_previous_go_through_the_people_list_and_back(tree, client_for, monkeypatch):
    monkeypatch.setattr("qms_portal.views.people.UserListView.paginate_by", 3)
    _people(tree, 7, "Trần Thị Bình")  # equal names: their order is username, then id
    client = client_for(tree.admin)
    url = reverse("user_list")
    pages = _walk(client, url)

    expected = list(User.objects.restrict(tree.admin, "view").order_by("full_name", "username", "pk")
                    .values_list("pk", flat=True))
    walked = [pk for rows, _c, _q in pages for pk in rows]
    assert walked == expected and len(pages) == -(-len(expected) // 3)
    assert "Page 1" in pages[0][1] and f"Page {len(pages)}" in pages[-1][1]
    assert _link(pages[0][1], "prev") is None and _link(pages[-1][1], "next") is None

    back = _back(client, url, pages[-1][1])
    assert back == [rows for rows, _c, _q in reversed(pages[:-1])]
    assert "cursor" not in pages[0][2]  # the first page has no cursor


def test_rows_with_equal_keys_keep_one_order_broken_by_the_primary_key(tree, client_for, monkeypatch):
    """Role assignments ordered by unit and role only: many people with the same role on the same
    unit are ordered by id, and each appears exactly once across the pages."""
    monkeypatch.setattr("qms_portal.views.roles.RoleAssignmentListView.paginate_by", 2)
    for person in _people(tree, 6, "Lê Văn Cường"):
        factories.assign(person, "staff", tree.ward2, include_subunits=False)
    client = client_for(tree.admin)
    url = reverse("assignment_list")
    walked = [pk for rows, _c, _q in _walk(client, url) for pk in rows]
    expected = list(RoleAssignment.objects.restrict(tree.admin, "view").current()
                    .order_by("unit__path", "role__name", "pk").values_list("pk", flat=True))
    assert walked == expected and len(set(walked)) == len(walked)
    # The same, straight from the core piece, on a column with nothing but ties (the id is added).
    units = Unit.objects.filter(path__startswith=tree.city.path)
    seen, params = [], QueryDict()
    for _n in range(10):
        page = keyset_page(units, ("is_active",), 2, params, salt="test")
        seen += [u.pk for u in page.object_list]
        if not page.has_next():
            break
        params = QueryDict(page.next_query)
    assert seen == list(units.order_by("pk").values_list("pk", flat=True)) and len(seen) == 6


def test_an_altered_cursor_or_one_from_another_list_shows_the_first_page(tree, client_for, monkeypatch):
    monkeypatch.setattr("qms_portal.views.people.UserListView.paginate_by", 2)
    client = client_for(tree.admin)
    url = reverse("user_list")
    first = client.get(url)
    second_query = _link(first.content.decode(), "next")
    cursor = QueryDict(second_query)["cursor"]
    assert _rows(client.get(f"{url}?{second_query}")) != _rows(first)

    for bad in [cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1], "garbage", cursor + "x", ""]:
        response = client.get(url, {"cursor": bad})
        assert response.status_code == 200 and _rows(response) == _rows(first)
    # A well-signed cursor of the inbox means nothing to the people list.
    for n in range(30):
        notify([tree.admin], "role_assigned", params={"role": tree.roles["staff"], "unit": tree.ward1}, key=f"k{n}")
    inbox_next = _link(client.get(reverse("inbox")).content.decode(), "next")
    response = client.get(url, {"cursor": QueryDict(inbox_next)["cursor"]})
    assert response.status_code == 200 and _rows(response) == _rows(first)


def test_the_filters_and_search_are_kept_on_every_page(tree, client_for, monkeypatch):
    monkeypatch.setattr("qms_portal.views.people.UserListView.paginate_by", 2)
    _people(tree, 5, "Phạm Minh Đức")
    client = client_for(tree.admin)
    pages = _walk(client, reverse("user_list"), {"q": "pham minh", "is_active": "true"})
    assert len(pages) == 3
    for _ids, _content, query in pages[1:]:
        assert QueryDict(query)["q"] == "pham minh" and QueryDict(query)["is_active"] == "true"
    people = User.objects.in_bulk([pk for rows, _c, _q in pages for pk in rows])
    assert len(people) == 5 and {p.full_name for p in people.values()} == {"Phạm Minh Đức"}


def test_rows_outside_the_readers_scope_appear_on_no_page(client_for, monkeypatch):
    """A steering committee on a district walks every page of the people and the assignments: only
    what ``restrict`` lets them see, all of it, even with a cursor made on someone else's list."""
    monkeypatch.setattr("qms_portal.views.people.UserListView.paginate_by", 2)
    monkeypatch.setattr("qms_portal.views.roles.RoleAssignmentListView.paginate_by", 2)
    tree, elsewhere = factories.small_tree(), factories.small_tree()
    _people(tree, 3, "Trần Thị Bình")
    _people(elsewhere, 3, "Trần Thị Bình")
    reader = tree.district_steering
    client = client_for(reader)
    for name, rows in [("user_list", User.objects), ("assignment_list", RoleAssignment.objects.current())]:
        url = reverse(name)
        walked = [pk for ids, _c, _q in _walk(client, url) for pk in ids]
        in_scope = set(rows.restrict(reader, "view").values_list("pk", flat=True))
        assert set(walked) == in_scope and len(walked) == len(in_scope)
        # A cursor made on the administrator's list (who sees more) still shows this reader's rows only.
        admin_pages = _walk(client_for(tree.admin), url)
        for _ids, _content, query in admin_pages[1:]:
            response = client.get(f"{url}?{query}")
            assert set(_rows(response)) <= in_scope
    assert not User.objects.filter(pk__in=walked, primary_unit__path__startswith=elsewhere.city.path).exists()


def test_the_inbox_pages_by_cursor_with_messages_of_the_same_instant(tree, client_for):
    for n in range(30):
        notify([tree.admin], "role_assigned", params={"role": tree.roles["staff"], "unit": tree.ward1}, key=f"i{n}")
    mine = Notification.objects.filter(recipient=tree.admin)
    mine.filter(pk__in=list(mine.values_list("pk", flat=True)[:20])).update(created_at=timezone.now())
    client = client_for(tree.admin)
    url = reverse("inbox")
    pages = _walk(client, url)
    walked = [pk for rows, _c, _q in pages for pk in rows]
    assert walked == list(mine.order_by("-created_at", "-pk").values_list("pk", flat=True))
    assert [len(rows) for rows, _c, _q in pages] == [25, len(walked) - 25]
    assert _back(client, url, pages[-1][1]) == [pages[0][0]]
    # "Unread only" is kept on the next page.
    unread = _walk(client, url, {"unread": "1"})
    assert QueryDict(unread[1][2])["unread"] == "1"
