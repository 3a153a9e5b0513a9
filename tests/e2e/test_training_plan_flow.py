"""The training coordinator drafts the district's training plan from the needs the data shows and the
management representative approves it, on a desktop and on a phone: the plans list from the menu, a
new plan (a year refused with its message, what was typed kept), the needs found in the data (a
competence gap) added with one click, the plan's page with its item, then the approval signed with
the password. Every page fits the screen and passes axe."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import (
    assert_accessible,
    assert_assets_loaded,
    assert_fits_the_screen,
    open_menu,
    pick_unit,
    sign_in,
    sign_out,
)
from tests.training import plan_factories as f
from training.models import TrainingPlan

pytestmark = pytest.mark.e2e


def _press(page, locator):
    locator.tap() if getattr(page, "portal_kind", "") == "phone" else locator.click()


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_a_plan_drafted_from_the_needs_found_and_approved(open_page, kind):
    t = factories.small_tree()
    coord = f.coordinator(t)
    mr = factories.make_user(f"{t.prefix}mr", t.district, full_name="Đại diện lãnh đạo")
    factories.assign(mr, "management_representative", t.district)
    awareness = f.competence(name_en="ISO 9001 awareness")
    f.course("Nhận thức TCVN ISO 9001:2015", competences=[awareness], topic="awareness")
    f.requirement("staff", awareness, t.city)  # the ward1 staff member lacks it
    year = timezone.localdate().year

    page = open_page(kind)
    sign_in(page, coord.username, t.password)
    page.goto("/")
    open_menu(page)
    _press(page, page.get_by_role("button", name="Training").or_(page.get_by_role("link", name="Training")).first)
    _press(page, page.get_by_role("link", name="Training plans"))
    page.wait_for_url(re.compile(r"/training/plans/$"))
    assert_assets_loaded(page)
    assert_fits_the_screen(page)
    assert_accessible(page)

    _press(page, page.get_by_role("link", name="New"))
    page.wait_for_url(re.compile(r"/training/plans/new/$"))
    pick_unit(page, "id_unit", t.district.code, t.district)
    page.fill("#id_year", "1999")
    page.fill("#id_budget", "Kinh phí 20 triệu đồng")
    expect(page.locator("#id_year")).to_have_value("1999")  # what is sent is what was typed
    _press(page, page.get_by_role("button", name="Save"))
    expect(page.locator("main")).to_contain_text("Give a year between 2000 and 2100.")
    expect(page.locator("#id_budget")).to_have_value("Kinh phí 20 triệu đồng")
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.fill("#id_year", str(year))
    _press(page, page.get_by_role("button", name="Save"))
    page.wait_for_url(re.compile(r"/training/plans/\d+/$"))
    plan = TrainingPlan.objects.get(unit=t.district, year=year)

    _press(page, page.get_by_role("link", name="Needs found in the data"))
    page.wait_for_url(re.compile(rf"/training/plans/{plan.pk}/needs/$"))
    assert_fits_the_screen(page)
    assert_accessible(page)
    _press(page, page.get_by_role("button", name=re.compile("Add to the plan.*Competence gap")))
    expect(page.locator(".alert-success")).to_contain_text("was added to the plan")
    expect(page.locator("main")).to_contain_text("Already in the plan")
    _press(page, page.get_by_role("link", name="Back to the plan"))
    page.wait_for_url(re.compile(rf"/training/plans/{plan.pk}/$"))
    expect(page.locator("main table")).to_contain_text("Nhận thức TCVN ISO 9001:2015")
    expect(page.locator("#items-done")).to_contain_text("0 of 1")
    assert_fits_the_screen(page)
    assert_accessible(page)
    sign_out(page)

    sign_in(page, mr.username, t.password)
    page.goto(plan.get_absolute_url())
    _press(page, page.get_by_role("link", name="Approve the training plan"))
    page.wait_for_url(re.compile(rf"/training/plans/{plan.pk}/do/approve/$"))
    assert_accessible(page)
    page.fill("#id_password", t.password)
    _press(page, page.get_by_role("button", name="Approve the training plan"))
    page.wait_for_url(re.compile(rf"/training/plans/{plan.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("Recorded")
    expect(page.locator("main")).to_contain_text("Đại diện lãnh đạo")
    assert_fits_the_screen(page)
    assert_accessible(page)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.APPROVED
