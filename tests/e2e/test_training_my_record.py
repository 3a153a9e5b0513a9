"""A person sees their own training record, on a desktop and on a phone: opens "My training" from
the Training menu, finds their qualifications (one valid, one expired), the requirement of their
role they lack, and opens a qualification's page with its History tab. Another person's
qualification is not on it. Every page fits the screen and passes axe."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import assert_accessible, assert_assets_loaded, assert_fits_the_screen, open_menu, sign_in
from tests.training.competence_factories import competence, qualification, requirement

pytestmark = pytest.mark.e2e


def _press(page, locator):
    locator.tap() if getattr(page, "portal_kind", "") == "phone" else locator.click()


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_a_person_sees_their_own_training_record(open_page, kind):
    t = factories.small_tree()
    aware = competence(f"{t.prefix}aw".lower(), months=None, name="ISO 9001 awareness")
    ia = competence(f"{t.prefix}ia".lower(), months=36, name="Internal auditor course")
    docs = competence(f"{t.prefix}dc".lower(), months=36, name="Document control")
    requirement("staff", aware, t.city)
    requirement("staff", docs, t.ward1)
    qualification(t.ward1_staff, aware, obtained=-200, outside_body="Trường Chính trị tỉnh")
    qualification(t.ward1_staff, ia, obtained=-1300, until=-20, outside_body="QUACERT")
    qualification(t.ward1_mr, docs, obtained=-10, outside_body="Sở Nội vụ")  # a colleague's
    page = open_page(kind)
    sign_in(page, t.ward1_staff.username, t.password)

    open_menu(page)
    menu = page.locator("nav").get_by_role("button", name="Training").or_(
        page.locator("nav").get_by_role("link", name="Training", exact=True)).first
    expect(menu).to_be_visible()  # the phone's menu has finished opening
    _press(page, menu)
    _press(page, page.get_by_role("link", name="My training"))
    page.wait_for_url(re.compile(r"/training/my-training/$"))
    assert_assets_loaded(page)
    record = page.locator("[data-testid=my-qualifications]")
    expect(record).to_contain_text("ISO 9001 awareness")
    expect(record).to_contain_text("Internal auditor course")
    expect(record).to_contain_text("Expired")
    expect(record).not_to_contain_text("Document control")
    expect(page.locator("[data-testid=gap]")).to_have_count(1)
    expect(page.locator("[data-testid=gap-summary]")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    _press(page, record.get_by_role("link", name="Internal auditor course"))
    page.wait_for_url(re.compile(r"/training/qualifications/\d+/$"))
    expect(page.locator("[data-testid=qualification-state]")).to_contain_text("Expired")
    expect(page.locator("main")).to_contain_text("QUACERT")
    assert_fits_the_screen(page)
    assert_accessible(page)
    _press(page, page.get_by_role("link", name="History"))
    page.wait_for_url(re.compile(r"/training/qualifications/\d+/history/$"))
    assert_fits_the_screen(page)
    assert_accessible(page)
