"""Two flows of the nonconformities area on a phone: the ISO officer finds a late citizen's file
from the menu and downloads its apology letter, written in the citizen's language; an action's
owner asks for a later due date (a date in the past is refused, with what was typed kept) and the
management representative approves it, after which the action shows both due dates. Every page
fits the screen and passes axe."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests import factories
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu, sign_in
from tests.nonconformities.desk_factories import iso_officer, output
from tests.nonconformities.factories import nc_setup, planned

pytestmark = pytest.mark.e2e


def test_the_iso_officer_downloads_an_apology_letter_on_a_phone(open_page, tmp_path):
    tree = factories.small_tree()
    officer = iso_officer(tree)
    late = output(tree.ward1, acting_user=officer, citizen_name="Trần Thị Bình")

    phone = open_page("phone")
    sign_in(phone, officer.username, tree.password)
    open_menu(phone)
    phone.locator("nav .dropdown-toggle", has_text="Nonconformities").tap()
    phone.locator("nav .dropdown-item", has_text="Nonconforming outputs").tap()
    expect(phone.locator("main table")).to_contain_text(late.case_reference)
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    phone.locator("main table a", has_text=late.case_reference).tap()
    expect(phone.locator("main")).to_contain_text("Trần Thị Bình")
    assert_accessible(phone)
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Apology letter (PDF)").tap()
    saved = tmp_path / "letter.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"apology-{late.pk}-vi.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(saved.read_bytes())).pages)
    assert "Trần Thị Bình" in " ".join(text.split()) and late.case_reference in text


def test_an_owner_asks_for_a_later_due_date_and_the_representative_approves_it(open_page):
    s = nc_setup()
    _nc, (action, _other) = planned(s)
    today = timezone.localdate()

    owner = open_page("phone")
    sign_in(owner, s.owner1.username, s.password)
    owner.goto(action.get_absolute_url())
    with owner.expect_navigation():
        owner.locator("main a", has_text="Ask for a later due date").tap()
    owner.fill("#id_requested_due", (today - timedelta(days=1)).isoformat())
    owner.fill("#id_reason", "Chờ nhà cung cấp cập nhật phần mềm một cửa.")
    with owner.expect_navigation():
        owner.locator("main form button[type=submit]").tap()
    expect(owner.locator("main .alert-danger, main .invalid-feedback").first).to_be_visible()
    expect(owner.locator("#id_reason")).to_have_value("Chờ nhà cung cấp cập nhật phần mềm một cửa.")
    assert_accessible(owner)
    later = action.due + timedelta(days=30)
    owner.fill("#id_requested_due", later.isoformat())
    with owner.expect_navigation():
        owner.locator("main form button[type=submit]").tap()
    expect(owner.locator(".alert-success")).to_be_visible()
    assert_fits_the_screen(owner)

    mr = open_page("phone")
    sign_in(mr, s.mr.username, s.password)
    mr.goto(action.get_absolute_url())
    with mr.expect_navigation():
        mr.locator("main a", has_text="Decide").tap()
    mr.get_by_label("Approve the new due date").check()
    assert_accessible(mr)
    with mr.expect_navigation():
        mr.locator("main form button[type=submit]").tap()
    expect(mr.locator(".alert-success")).to_be_visible()
    mr.goto(action.get_absolute_url())
    expect(mr.locator("main")).to_contain_text("originally")
    assert_fits_the_screen(mr)
    assert_accessible(mr)
    action.refresh_from_db()
    assert action.due == later and action.original_due != later
