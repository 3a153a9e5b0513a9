"""The register of plan items (``training:planitem_list``): the items of the plans in the reader's
scope (a department head's subtree only, other units' items left out), its filters (unit with its
sub-units, year, done or not, plan status, need, a search), a fixed number of queries at two sizes,
its place in the menu and on the plans list; and the steering committee's "training plan
completion", whose number links here: for every unit and period, the count the figure shows equals
the rows of the register it links to."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qms_portal import areas
from qms_portal.periods import Period
from qms_portal.services import save_tracked
from tests import factories
from tests.training import plan_factories as f
from tests.viewtests import logged_in
from training.models import PlanItem, Session
from training.services import plan as services

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
URL = "/training/plans/items/"


@pytest.fixture
def t():
    tree = factories.small_tree()
    tree.coord = f.coordinator(tree)
    tree.head = factories.make_user(f"{tree.prefix}head", tree.ward1, full_name="Trưởng phòng")
    factories.assign(tree.head, "department_head", tree.ward1)
    return tree


def listed(page):
    return {int(pk) for pk in re.findall(r'data-item="(\d+)"', page)}


def _item(plan, acting_user, *, status=None, title="Tập huấn ISO 9001", **kw):
    """An item of ``plan``, done when ``status`` is held or closed (a session of that status, in the
    plan's unit and year, linked to it); a planned or cancelled session leaves it not done."""
    item = f.item(plan, acting_user, title=title, **kw)
    if status is not None:
        session = f.session(plan.unit, when=date(plan.year, 3, 10))
        services.plan_item_link_sessions(acting_user=acting_user, item=item, sessions=[session])
        session.status = status  # (a session cancelled after it was linked stays linked)
        save_tracked(session, acting_user)
    return item


def _world(t):
    """Plans of this year and last on the district, its wards and (outside the district) the
    division, each with items done and not done."""
    su = t.superuser
    statuses = [Session.Status.CLOSED, Session.Status.HELD, Session.Status.PLANNED, Session.Status.CANCELLED, None]
    for n, unit in enumerate([t.district, t.ward1, t.ward2, t.division]):
        for year in (YEAR, YEAR - 1):
            plan = f.plan(unit, su, year=year)
            for i, status in enumerate(statuses[: 2 + (n + year) % 4]):
                _item(plan, su, status=status, title=f"Mục {unit.code} {year} {i}", month=i + 1)


def test_the_register_lists_the_items_in_scope_and_keeps_its_queries_at_two_sizes(t):
    client = logged_in(t.coord)
    outside = _item(f.plan(t.division, t.superuser), t.superuser, status=Session.Status.CLOSED)
    plan = f.plan(t.ward1, t.coord)
    counts = []
    for size in (3, 18):
        while plan.items.count() < size:
            n = plan.items.count()
            _item(plan, t.coord, status=Session.Status.CLOSED if n % 2 else None, title=f"Mục {n}", month=n % 12 + 1,
                  participants=n)
        client.get(URL)  # warm the per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        counts.append(len(queries))
        page = response.content.decode()
        assert response.status_code == 200
        assert listed(page) == set(plan.items.values_list("pk", flat=True))
        assert outside.pk not in listed(page)
    assert counts[0] == counts[1], counts
    assert "Not done" in page and "Done" in page and "Planned month" in page


def test_the_rows_say_what_unit_year_month_people_and_done(t):
    plan = f.plan(t.ward1, t.coord)
    item = _item(plan, t.coord, status=Session.Status.CLOSED, title="Tập huấn một cửa", month=5, participants=4)
    session = item.sessions.get()
    f.participant(session, t.ward1_staff, attendance="present")
    f.participant(session, t.ward1_mr, attendance="absent")
    page = logged_in(t.coord).get(URL).content.decode()
    row = re.search(rf'<tr data-item="{item.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "Tập huấn một cửa" in row and plan.get_absolute_url() in row and t.ward1.name in row
    assert str(YEAR) in row and "May" in row and "1 of 4" in row and "badge text-bg-success" in row


def test_the_filters_unit_year_done_status_need_and_search(t):
    _world(t)
    client = logged_in(t.coord)
    district = PlanItem.objects.filter(plan__unit__path__startswith=t.district.path)

    def rows(**params):
        response = client.get(URL, params)
        assert response.status_code == 200
        return set(response.context["filter"].qs.values_list("pk", flat=True))

    def ids(qs):
        return set(qs.values_list("pk", flat=True))

    assert rows() == ids(district)
    assert rows(unit=t.ward1.pk) == ids(district.filter(plan__unit=t.ward1))
    assert rows(year=YEAR - 1) == ids(district.filter(plan__year=YEAR - 1))
    done = district.filter(sessions__status__in=[Session.Status.HELD, Session.Status.CLOSED]).distinct()
    assert done.exists() and district.exclude(pk__in=done).exists()
    assert rows(done="true") == ids(done)
    assert rows(done="false") == ids(district.exclude(pk__in=done))
    assert rows(unit=t.district.pk, year=YEAR, done="true") == ids(done.filter(plan__year=YEAR))
    plan = district.first().plan
    services.plan_transition(acting_user=t.superuser, plan=plan, name="approve", password=factories.PASSWORD)
    assert rows(status="approved") == ids(plan.items.all())
    first = district.order_by("pk").first()
    services.plan_item_update(acting_user=t.coord, item=first, need="new_staff", course=None, title="Hội nhập",
                              month=None, participants=2, note="")
    assert rows(need="new_staff") == {first.pk}
    assert rows(q="hội nhập") == {first.pk}
    assert rows(q=f"Mục {t.ward2.code}") == ids(district.filter(plan__unit=t.ward2))


def test_the_pages_follow_one_another_by_cursor_newest_plan_first(t):
    older, newer = f.plan(t.ward1, t.coord, year=YEAR - 1), f.plan(t.ward2, t.coord)
    for i in range(14):
        f.item(older, t.coord, title=f"Cũ {i}")
        f.item(newer, t.coord, title=f"Mới {i}")
    client = logged_in(t.coord)
    response = client.get(URL)
    first = [row.pk for row in response.context["object_list"]]
    assert len(first) == 25 and response.context["page_obj"].has_next()
    assert first[:14] == sorted(newer.items.values_list("pk", flat=True))  # the newer plan, its items as added
    following = client.get(f"{URL}?{response.context['page_obj'].next_query}")
    rest = [row.pk for row in following.context["object_list"]]
    assert len(rest) == 3 and not set(first) & set(rest)
    assert set(first) | set(rest) == set(PlanItem.objects.filter(plan__in=[older, newer]).values_list("pk", flat=True))


def test_a_department_head_sees_only_their_subtree_and_staff_are_refused(t):
    _world(t)
    head = logged_in(t.head)
    response = head.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert listed(page) == set(PlanItem.objects.filter(plan__unit=t.ward1).values_list("pk", flat=True))
    # a unit outside their reach is not applied, and shows nothing of it
    response = head.get(URL, {"unit": t.district.pk})
    assert not (listed(response.content.decode()) - set(PlanItem.objects.filter(plan__unit=t.ward1)
                                                          .values_list("pk", flat=True)))
    assert logged_in(t.ward1_staff).get(URL).status_code == 403
    assert logged_in(t.outsider).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302  # to the login page


def test_the_menu_and_the_plans_list_lead_to_the_register(t):
    client = logged_in(t.coord)
    assert reverse("training:planitem_list") == URL
    assert f'href="{URL}"' in client.get("/").content.decode()
    assert f'href="{URL}"' in client.get(reverse("training:plan_list")).content.decode()
    assert f'href="{URL}"' not in logged_in(t.ward1_staff).get("/").content.decode()


# --- the steering committee's figure links here -------------------------------------------------------------


def _figure(key):
    return next(fig for area, fig in areas.dashboard_figures() if fig.key == key)


def test_the_plan_completion_figure_links_to_exactly_the_items_it_counts_for_every_unit(t):
    from qms_portal.steering import selectors as dashboard

    _world(t)
    completion = _figure("training.plan_completion")
    items_done = _figure("training.plan_items_done")
    assert completion.link is not None and items_done.link is not None
    checked = 0
    for reader, root in ((t.district_steering, t.district), (t.head, t.ward1), (t.superuser, t.city)):
        client = logged_in(reader)
        for period in (Period.of("year"), Period.of("month"), Period.of("year", date(YEAR - 1, 6, 1))):
            board = dashboard.dashboard(reader, root, period, with_trends=False)
            keys = [fig.key for fig in board.figures]
            index = keys.index("training.plan_completion")
            for row in board.rows:
                cell = row.cells[index]
                url = cell.url or completion.link(row.unit, period)
                assert f"year={period.end.year}" in url and "done=true" in url
                cache.clear()  # the rows are read from the filter (a cached list reads none)
                response = client.get(url)
                assert response.status_code == 200, url
                assert cell.rows == response.context["filter"].qs.count(), (reader, row.unit.code, period, url)
                # the count of the figure's own rows for the subtree (the column=False figure too)
                subtree = items_done.rows(reader, period).filter(plan__unit__path__startswith=row.unit.path)
                assert subtree.count() == cell.rows
                assert items_done.link(row.unit, period) == completion.link(row.unit, period)
                checked += cell.rows
    assert checked > 0


def test_the_link_without_a_period_is_this_years():
    from training.parts.plan import _done_items_link

    unit = factories.make_root("PLNK")
    assert _done_items_link(unit, None) == f"{URL}?year={YEAR}&done=true&unit={unit.pk}"
