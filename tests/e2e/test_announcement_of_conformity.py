"""The management representative announces that the agency's QMS conforms to TCVN ISO 9001, on a
desktop and on a phone: My work names the agency; from the documents menu to the register (the
agency never announced), the "Announce" button of its row opens the form for that unit; the draft
lists the effective procedures it will cover; signing asks for the password again and records what
the signature means; the register then says "Announced and current", and the announcement's
document downloads as a PDF."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from documents.models import Announcement
from qms_portal.pdf import weasyprint_problem
from tests.documents.factories import doc_setup, effective_document
from tests.e2e.conftest import assert_fits_the_screen, open_menu, screenshot, sign_in

pytestmark = pytest.mark.e2e


def press(page, target):
    target.tap() if page.portal_kind == "phone" else target.click()


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_the_management_representative_announces_signs_and_downloads_the_pdf(open_page, kind):
    s = doc_setup()
    procedure = effective_document(s, title="Quy trình tiếp nhận hồ sơ một cửa")
    page = open_page(kind)
    sign_in(page, s.mr.username, s.password)
    # My work names the unit to announce
    expect(page.locator("main")).to_contain_text("Announcements of conformity to make")
    expect(page.locator(f"main a[href$='?unit={s.dept.pk}']")).to_contain_text(s.dept.code)

    open_menu(page)
    press(page, page.locator("nav .dropdown-toggle", has_text="Documents"))
    press(page, page.get_by_role("link", name="Announcements of conformity"))
    row = page.locator(f"#announcement-register tr[data-unit='{s.dept.code}']")
    expect(row).to_contain_text("Never announced")
    assert_fits_the_screen(page)
    press(page, row.get_by_role("link", name="Announce"))

    expect(page.locator("main h1")).to_have_text("New announcement of conformity")
    page.fill("#id_decision_number", "125/QĐ-SNV")
    page.fill("#id_decision_date", timezone.localdate().isoformat())
    page.fill("#id_scope", "Tiếp nhận và giải quyết thủ tục hành chính tại Bộ phận Một cửa.")
    assert_fits_the_screen(page)
    press(page, page.locator("main form button[type=submit]"))
    expect(page.locator(".alert-success")).to_contain_text("saved as a draft")
    expect(page.locator("main")).to_contain_text(procedure.code)  # what it will cover
    assert_fits_the_screen(page)

    press(page, page.get_by_role("link", name="Sign and announce"))
    expect(page.locator("main")).to_contain_text("Your signature means “Announced”")
    page.fill("#id_password", s.password)
    press(page, page.locator("main form button[type=submit]"))
    expect(page.locator(".alert-success")).to_contain_text("Sign and announce")
    expect(page.locator("main .signature")).to_contain_text(s.mr.full_name)
    announcement = Announcement.objects.get(unit=s.dept)
    assert announcement.status == Announcement.Status.ANNOUNCED
    assert list(announcement.items.values_list("document_id", flat=True)) == [procedure.pk]
    assert_fits_the_screen(page)
    screenshot(page, f"announcement-signed-{kind}")

    if weasyprint_problem() is None:
        with page.expect_download() as download:
            press(page, page.get_by_role("link", name="Download PDF"))
        path = download.value.path()
        with open(path, "rb") as handle:
            assert handle.read(5) == b"%PDF-"
        assert download.value.suggested_filename.endswith(".pdf")

    page.goto("/documents/announcements/")
    expect(page.locator(f"#announcement-register tr[data-unit='{s.dept.code}']")).to_contain_text(
        "Announced and current")
