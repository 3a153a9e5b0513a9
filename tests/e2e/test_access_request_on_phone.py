"""Flow c, on a phone: a staff member asks for a role; the management representative finds it in the
inbox behind the collapsed navigation, marks the inbox read and approves with their password; the
signature (name, meaning, time) is shown on the request."""

import re

import pytest
from playwright.sync_api import expect

from qms_portal.models import AccessRequest, RoleAssignment
from tests import factories
from tests.e2e.conftest import (
    assert_assets_loaded,
    assert_fits_the_screen,
    open_menu,
    pick_unit,
    screenshot,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.e2e


def assert_tappable(locator, minimum=30):
    box = locator.bounding_box()
    assert box and box["height"] >= minimum and box["width"] >= minimum, f"too small to tap: {box}"


def test_a_role_is_requested_and_approved_with_a_signature_on_a_phone(open_page):
    tree = factories.small_tree()
    page = open_page("phone")

    # The staff member asks for a role, from "My work"
    sign_in(page, tree.ward1_staff.username, tree.password)
    expect(page.locator("#nav")).to_be_hidden()
    assert_assets_loaded(page)
    page.locator("main >> text=Request a role").tap()
    page.select_option("#id_role", label="Internal auditor")
    pick_unit(page, "id_unit", tree.ward1.code.lower(), tree.ward1)
    page.fill("#id_justification", "Tôi sẽ tham gia đánh giá nội bộ quý 3.")
    page.locator("main form button[type=submit]").tap()
    expect(page.locator(".alert-success")).to_contain_text("Your request was sent.")
    assert_fits_the_screen(page)
    sign_out(page)

    # The management representative: the badge, the inbox, "mark all as read"
    sign_in(page, tree.ward1_mr.username, tree.password)
    toggler = page.locator("button.navbar-toggler")
    assert_tappable(toggler)
    expect(page.locator("#nav")).to_be_hidden()
    open_menu(page)
    badge = page.locator("#inbox-link [data-testid=unread-count]")
    expect(badge).to_have_text("1")
    page.locator("#inbox-link").tap()
    expect(page.locator("main h1")).to_have_text("Inbox")
    expect(page.locator("main .list-group")).to_contain_text("New access request to decide")
    mark_all = page.locator("main >> text=Mark all as read")
    assert_tappable(mark_all)
    with page.expect_navigation():  # the menu must be opened on the page the form answers with
        mark_all.tap()
    expect(page.locator("main .badge")).to_have_count(0)
    open_menu(page)
    expect(badge).to_have_count(0)
    screenshot(page, "c-inbox-phone")

    # ... and decides: the request is in "Access requests" (a table that scrolls inside its box)
    page.locator("#nav >> text=Access requests").tap()
    expect(page.locator("main .table-responsive table")).to_contain_text(tree.ward1_staff.full_name)
    assert_fits_the_screen(page)
    screenshot(page, "c-access-requests-phone")
    page.locator("main table a").first.tap()
    approve = page.locator("main a.btn >> text=Approve")
    assert_tappable(approve)
    approve.tap()
    expect(page.locator("main .alert-info")).to_contain_text(f"You are signing as {tree.ward1_mr.full_name}")
    page.fill("#id_reason", "Đồng ý.")
    page.fill("#id_password", "wrong password")
    page.locator("main form button[type=submit]").tap()
    expect(page.locator("main .alert-danger")).to_contain_text("The password is not correct.")
    expect(page.locator("#id_reason")).to_have_value("Đồng ý.")
    page.fill("#id_password", tree.password)
    page.locator("main form button[type=submit]").tap()

    expect(page.locator(".alert-success")).to_contain_text("Recorded: “Approve”.")
    signature = page.locator("main .signature")
    expect(signature).to_contain_text("Approved")
    expect(signature).to_contain_text(tree.ward1_mr.full_name)
    expect(signature.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(page.locator("main dl")).to_contain_text("Approved")
    assert_fits_the_screen(page)
    screenshot(page, "c-signed-phone")

    request = AccessRequest.objects.get(requester=tree.ward1_staff)
    assert request.status == AccessRequest.Status.APPROVED
    assert RoleAssignment.objects.filter(user=tree.ward1_staff, unit=tree.ward1, role__code="internal_auditor").exists()
