"""The training matrix in a browser: the management representative opens it from the menu on a
desktop (a table: valid, expiring, missing; gaps per sub-unit; a drill-down) and on a phone (one
card per person), and reads the training coverage of a revision that needs training on its
document's page, beside the acknowledgements. Every page fits the screen and passes axe."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.documents.factories import doc_setup
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu, screenshot, sign_in
from tests.training import matrix_factories as mf

pytestmark = pytest.mark.e2e


def setup():
    s = doc_setup()
    s.aw = mf.competence("aw-e2e", name="ISO 9001 awareness")
    s.ia = mf.competence("ia-e2e", name="Internal auditor course")
    mf.requirement("staff", s.aw, s.root)
    mf.requirement("internal_auditor", s.ia, s.dept)
    factories.assign(s.reviewer1, "internal_auditor", s.dept)
    mf.qualify(s.reviewer1, s.aw, valid_for_days=500)
    mf.qualify(s.reviewer2, s.aw, valid_for_days=30)
    mf.qualify(s.staff, s.aw, valid_for_days=-10)
    s.revision = mf.revision_needing_training(s, title="Quy trình tiếp nhận và trả kết quả hồ sơ")
    s.course = mf.course(s.revision, code="TH-QT-01")
    held = mf.session(s.course, s.dept)
    mf.attend(held, s.reviewer1)
    mf.attend(held, s.staff)
    mf.attend(held, s.reviewer2, "absent")
    return s


def open_matrix_from_the_menu(page):
    open_menu(page)
    tap = page.portal_kind == "phone"
    training = page.locator("nav").get_by_role("button", name="Training").or_(
        page.locator("nav").get_by_role("link", name="Training", exact=True)).first
    training.tap() if tap else training.click()
    link = page.get_by_role("link", name="Training matrix")
    link.tap() if tap else link.click()
    expect(page.locator("main h1")).to_contain_text("Training matrix")


def test_the_training_matrix_on_a_desktop_and_a_phone(open_page):
    s = setup()
    desk = open_page("desktop")
    sign_in(desk, s.mr.username, s.password)
    open_matrix_from_the_menu(desk)
    table = desk.locator(".matrix-table table")
    expect(table).to_be_visible()
    expect(table).to_contain_text("ISO 9001 awareness")
    expect(table).to_contain_text("Internal auditor course")
    row = table.locator("tr", has_text=s.reviewer1.full_name)
    expect(row).to_contain_text("Valid")
    expect(row).to_contain_text("Missing")  # the internal auditor course
    expect(table.locator("tr", has_text=s.reviewer2.full_name)).to_contain_text("Expires soon")
    expect(table.locator("tr", has_text=s.staff.full_name)).to_contain_text("Expired")
    expect(desk.locator("#summary-h")).to_be_visible()
    assert_fits_the_screen(desk)
    assert_accessible(desk)
    screenshot(desk, "training-matrix-desktop")
    desk.locator("table").first.get_by_role("link", name=f"{s.office.code} · {s.office.name}").click()
    expect(desk.locator("main h1")).to_contain_text(s.office.name)
    expect(desk.locator(".matrix-table")).to_contain_text(s.staff.full_name)
    expect(desk.locator(".matrix-table")).not_to_contain_text(s.reviewer1.full_name)

    phone = open_page("phone")
    sign_in(phone, s.mr.username, s.password)
    open_matrix_from_the_menu(phone)
    expect(phone.locator(".matrix-table")).to_be_hidden()
    card = phone.locator(".matrix-cards li", has_text=s.reviewer1.full_name)
    expect(card).to_be_visible()
    expect(card).to_contain_text("Internal auditor course")
    expect(card).to_contain_text("Missing")
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "training-matrix-phone")


def test_the_training_coverage_on_a_document_page(open_page):
    s = setup()
    for kind in ("desktop", "phone"):
        page = open_page(kind)
        sign_in(page, s.staff.username, s.password)
        page.goto(s.revision.document.get_absolute_url())
        panel = page.get_by_test_id("training-coverage")
        expect(panel).to_be_visible()
        expect(panel).to_contain_text("2 of 7 people have been trained.")
        expect(panel).to_contain_text("TH-QT-01")
        expect(page.get_by_role("heading", name="Read and acknowledged")).to_be_visible()
        assert_fits_the_screen(page)
        assert_accessible(page)
        screenshot(page, f"training-coverage-{kind}")
