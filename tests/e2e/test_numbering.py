"""The document controller sets a unit's numbering in the browser: Documents → Numbering, the unit,
a pattern with a mistake (refused with a message, what was typed kept), the corrected pattern saved,
the next codes shown, the History tab; and the same page on a phone."""

import pytest
from playwright.sync_api import expect

from documents.models import RegisterSettings
from tests.documents.factories import doc_setup, new_document
from tests.e2e.conftest import assert_assets_loaded, assert_fits_the_screen, open_menu, sign_in

pytestmark = pytest.mark.e2e


def test_a_document_controller_sets_the_numbering_of_a_unit(open_page):
    s = doc_setup()
    new_document(s)  # the department's first procedure: {code}-QT-01

    page = open_page("desktop")
    sign_in(page, s.author.username, s.password)
    open_menu(page)
    page.locator("nav .dropdown-toggle", has_text="Documents").click()
    page.get_by_role("link", name="Numbering").click()
    expect(page.locator("h1")).to_have_text("Numbering of documents")
    page.get_by_role("link", name=s.dept.code, exact=True).click()
    expect(page.locator("main")).to_contain_text(f"{s.dept.code}-QT-02")  # the next procedure's code
    assert_assets_loaded(page)

    page.fill("#id_prefix", "SNV")
    page.fill("#id_pattern", "{prefix}-{loai}-{number:03d}")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_pattern_error")).to_contain_text("unknown field {loai}")
    expect(page.locator("#id_pattern")).to_have_value("{prefix}-{loai}-{number:03d}")
    expect(page.locator("#id_prefix")).to_have_value("SNV")
    assert not RegisterSettings.objects.filter(unit=s.dept).exists()

    page.fill("#id_pattern", "{prefix}-{type}-{number:03d}")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("The numbering was saved.")
    expect(page.locator("main")).to_contain_text("SNV-QT-002")  # the sequence goes on, in the new pattern
    expect(page.locator("main")).to_contain_text("SNV-HD-001")

    page.get_by_role("link", name="History").click()
    expect(page.locator("main")).to_contain_text("{prefix}-{type}-{number:03d}")
    expect(page.locator("main")).to_contain_text(s.author.full_name)

    phone = open_page("phone")
    sign_in(phone, s.author.username, s.password)
    phone.goto(f"/documents/numbering/{s.dept.pk}/")
    expect(phone.locator("main")).to_contain_text("SNV-QT-002")
    assert_fits_the_screen(phone)
    phone.goto("/documents/numbering/")
    assert_fits_the_screen(phone)
