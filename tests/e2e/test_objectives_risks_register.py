"""A department head keeps the unit's register of risks and opportunities, on a desktop and on a
phone: opens it from the menu, records a risk (a likelihood of 0 refused with its message beside
the field, what was typed kept), sees its place in the rating matrix, plans an action, and finds the
risk again through its cell of the register's heat map. Every page fits the screen and passes axe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from objectives.models import Risk, RiskAction
from tests import factories
from tests.e2e.conftest import assert_accessible, assert_assets_loaded, assert_fits_the_screen, sign_in

pytestmark = pytest.mark.e2e


def _press(page, locator):
    locator.tap() if getattr(page, "portal_kind", "") == "phone" else locator.click()


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_a_department_head_records_a_risk_plans_an_action_and_finds_it_in_the_heat_map(open_page, kind):
    t = factories.small_tree()
    head = factories.make_user(f"{t.prefix}head", t.ward1, full_name="Hoàng Văn Đức")
    factories.assign(head, "department_head", t.ward1)
    title = f"Hồ sơ trễ hạn {kind}"
    page = open_page(kind)
    sign_in(page, head.username, t.password)

    # (the objectives menu that links here is registered by the kpi part: tests/objectives/test_risks_views.py
    # checks the link this part adds to it)
    page.goto("/objectives/risks/")
    assert_assets_loaded(page)
    assert_accessible(page)

    _press(page, page.get_by_role("link", name="Record a risk or an opportunity"))
    page.wait_for_url(re.compile(r"/objectives/risks/new/$"))
    page.fill("#id_title", title)
    page.fill("#id_cause", "Thiếu công chức tại bộ phận một cửa")
    page.fill("#id_likelihood", "0")
    page.fill("#id_impact", "5")
    page.select_option("#id_owner", str(head.pk))
    page.fill("#id_review_on", (timezone.localdate() + timedelta(days=60)).isoformat())
    _press(page, page.get_by_role("button", name="Save"))
    expect(page.locator("main")).to_contain_text("Give a number from 1 to 5.")
    expect(page.locator("#id_title")).to_have_value(title)
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.fill("#id_likelihood", "4")
    _press(page, page.get_by_role("button", name="Save"))
    page.wait_for_url(re.compile(r"/objectives/risks/\d+/$"))
    risk = Risk.objects.get(title=title)
    expect(page.locator("[data-testid=risk-rating]")).to_contain_text("20")
    expect(page.locator("[data-testid=risk-position] svg")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    _press(page, page.get_by_role("link", name="Plan an action"))
    page.wait_for_url(re.compile(rf"/objectives/risks/{risk.pk}/actions/new/$"))
    page.fill("#id_description", "Bố trí thêm công chức vào tháng cao điểm")
    page.select_option("#id_owner", str(head.pk))
    page.fill("#id_due_on", (timezone.localdate() + timedelta(days=20)).isoformat())
    _press(page, page.get_by_role("button", name="Save"))
    page.wait_for_url(re.compile(rf"/objectives/risks/{risk.pk}/$"))
    expect(page.locator("[data-testid=risk-action]")).to_contain_text("Bố trí thêm công chức vào tháng cao điểm")
    assert RiskAction.objects.filter(risk=risk).count() == 1

    page.goto("/objectives/risks/")
    cell = page.locator("[data-testid=risk-matrix] a.qms-heat-link[href*='likelihood=4'][href*='impact=5']")
    expect(cell).to_have_count(1)
    assert_fits_the_screen(page)
    _press(page, cell)
    page.wait_for_url(re.compile(r"likelihood=4"))
    expect(page.locator("[data-testid=risk-cell]")).to_be_visible()
    expect(page.locator("main table.table-hover")).to_contain_text(risk.number)
    assert_fits_the_screen(page)
    assert_accessible(page)
