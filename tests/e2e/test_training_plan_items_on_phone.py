"""A department head follows their units' training plan items, on a desktop and on a phone: opens
"Training plan items" from the Training menu, sees the items of their ward's plan (done and not
done, another unit's left out), keeps the done ones with the filter, opens an item's plan; then the
steering committee's dashboard links its "training plan completion" number to the same register,
filtered to the items it counts. Every page fits the screen and passes axe."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qms_portal.services import save_tracked
from tests import factories
from tests.e2e.conftest import assert_accessible, assert_assets_loaded, assert_fits_the_screen, open_menu, sign_in
from tests.training import plan_factories as f
from training.services import plan as services

pytestmark = pytest.mark.e2e


def _press(page, locator):
    locator.tap() if getattr(page, "portal_kind", "") == "phone" else locator.click()


def _done(plan, item, acting_user):
    session = f.session(plan.unit, when=date(plan.year, 2, 3))
    services.plan_item_link_sessions(acting_user=acting_user, item=item, sessions=[session])
    session.status = "closed"
    save_tracked(session, acting_user)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_a_department_head_follows_the_plan_items_done_and_not_done(open_page, kind):
    t = factories.small_tree()
    head = factories.make_user(f"{t.prefix}head", t.ward1, full_name="Trưởng phòng")
    factories.assign(head, "department_head", t.ward1)
    su, year = t.superuser, timezone.localdate().year
    plan = f.plan(t.ward1, su, year=year)
    done = f.item(plan, su, title="Tập huấn quy trình một cửa", month=2, participants=6)
    f.item(plan, su, title="Nhận thức TCVN ISO 9001:2015", month=11, participants=8)
    _done(plan, done, su)
    f.item(f.plan(t.division, su, year=year), su, title="Mục của đơn vị khác")

    page = open_page(kind)
    sign_in(page, head.username, t.password)
    open_menu(page)
    menu = page.locator("nav").get_by_role("button", name="Training").or_(
        page.locator("nav").get_by_role("link", name="Training", exact=True)).first
    expect(menu).to_be_visible()
    _press(page, menu)
    _press(page, page.get_by_role("link", name="Training plan items"))
    page.wait_for_url(re.compile(r"/training/plans/items/$"))
    assert_assets_loaded(page)
    table = page.locator("main table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("Tập huấn quy trình một cửa")
    expect(table).to_contain_text("Nhận thức TCVN ISO 9001:2015")
    expect(table).not_to_contain_text("Mục của đơn vị khác")
    expect(table.locator(".badge", has_text=re.compile(r"^Not done$"))).to_have_count(1)
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.select_option("#id_done", "true")
    _press(page, page.get_by_role("button", name="Filter"))
    page.wait_for_url(re.compile(r"done=true"))
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Tập huấn quy trình một cửa")
    assert_fits_the_screen(page)
    assert_accessible(page)
    _press(page, table.get_by_role("link", name=re.compile("Tập huấn quy trình một cửa")))
    page.wait_for_url(re.compile(rf"/training/plans/{plan.pk}/$"))
    expect(page.locator("#items-done")).to_contain_text("1 of 2")

    # The steering committee's dashboard: the plan completion's number opens the register, filtered.
    page.goto("/steering/?period=year")
    link = page.locator(f'a[href*="/training/plans/items/?year={year}&done=true&unit={t.ward1.pk}"]')
    expect(link).to_have_count(1)
    _press(page, link)
    page.wait_for_url(re.compile(r"/training/plans/items/\?"))
    expect(page.locator("main table tbody tr")).to_have_count(1)
    assert_fits_the_screen(page)
    assert_accessible(page)
