"""The ISO officer keeps the certificate register on a phone: records QUACERT's TCVN ISO 9001:2015
certificate (the surveillance audits planned a year and two years on), is refused a number the body
already used (the message beside the field, what was typed kept), moves a surveillance audit, sees
the certificate among those expiring soon, and withdraws the old cycle's certificate with a reason
(kept on its page and History tab). Every page fits the screen, and the register has no
accessibility violation."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import Certificate
from audits.services.certificates import add_years
from tests import factories
from tests.audits.factories_certificates import make_certificate
from tests.e2e.conftest import assert_accessible, assert_assets_loaded, assert_fits_the_screen, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_the_iso_officer_keeps_the_certificate_register_on_a_phone(open_page):
    t = factories.small_tree()
    officer = factories.make_user(f"{t.prefix}iso", t.ward1, full_name="Lê Thị Thu")
    factories.assign(officer, "document_controller", t.ward1)
    today = timezone.localdate()
    old = make_certificate(t.ward1, acting_user=officer, number="HT 1102/QC",
                           issued_on=today - timedelta(days=1040), expires_on=today + timedelta(days=60),
                           surveillance=[])

    phone = open_page("phone")
    sign_in(phone, officer.username, t.password)
    phone.goto("/audits/certificates/")
    expect(phone.locator("main")).to_contain_text("HT 1102/QC")
    expect(phone.locator("main")).to_contain_text("Expires soon")
    assert_assets_loaded(phone)
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "certificate-register-phone")

    # The new cycle's certificate: the unit is the officer's own (prefilled).
    phone.get_by_role("link", name="New").tap()
    phone.wait_for_url(re.compile(r"/audits/certificates/new/$"))
    issued = today - timedelta(days=20)
    phone.fill("#id_body", "QUACERT")
    phone.fill("#id_number", "HT 1102/QC")  # the old number: refused
    phone.select_option("#id_standard", "tcvn_iso_9001_2015")
    phone.fill("#id_scope", "Cung cấp dịch vụ hành chính công theo cơ chế một cửa")
    phone.fill("#id_issued_on", issued.isoformat())
    phone.fill("#id_expires_on", (issued.replace(year=issued.year + 3) - timedelta(days=1)).isoformat())
    assert_fits_the_screen(phone)
    phone.get_by_role("button", name="Save").tap()
    expect(phone.locator("main")).to_contain_text("already has a certificate with this number")
    expect(phone.locator("#id_scope")).to_have_value("Cung cấp dịch vụ hành chính công theo cơ chế một cửa")
    phone.fill("#id_number", "HT 2290/QC")
    phone.get_by_role("button", name="Save").tap()
    phone.wait_for_url(re.compile(r"/audits/certificates/\d+/$"))
    new = Certificate.objects.get(number="HT 2290/QC")
    expect(phone.locator("main")).to_contain_text("Surveillance audits")
    assert [v.due_on for v in new.surveillance.all()] == [add_years(issued, 1), add_years(issued, 2)]
    assert_fits_the_screen(phone)
    screenshot(phone, "certificate-detail-phone")

    # Move the first surveillance audit a month later.
    first = new.surveillance.order_by("due_on").first()
    phone.locator(f"a[href='/audits/surveillance/{first.pk}/edit/']").tap()
    phone.wait_for_url(re.compile(rf"/audits/surveillance/{first.pk}/edit/$"))
    moved = first.due_on + timedelta(days=30)
    phone.fill("#id_due_on", moved.isoformat())
    phone.get_by_role("button", name="Save").tap()
    phone.wait_for_url(re.compile(rf"/audits/certificates/{new.pk}/$"))
    first.refresh_from_db()
    assert first.due_on == moved

    # The old cycle's certificate is withdrawn with a reason; the register leaves it out.
    phone.goto(f"/audits/certificates/{old.pk}/")
    phone.get_by_role("link", name="Withdraw").tap()
    phone.wait_for_url(re.compile(rf"/audits/certificates/{old.pk}/withdraw/$"))
    phone.fill("#id_reason", "Thay bằng giấy chứng nhận HT 2290/QC của chu kỳ mới")
    phone.get_by_role("button", name="Save").tap()
    phone.wait_for_url(re.compile(rf"/audits/certificates/{old.pk}/$"))
    expect(phone.locator("main")).to_contain_text("Thay bằng giấy chứng nhận HT 2290/QC của chu kỳ mới")
    phone.get_by_role("link", name="History").tap()
    phone.wait_for_url(re.compile(rf"/audits/certificates/{old.pk}/history/$"))
    expect(phone.locator("main")).to_contain_text("Thay bằng giấy chứng nhận HT 2290/QC của chu kỳ mới")
    assert_fits_the_screen(phone)
    phone.goto("/audits/certificates/")
    expect(phone.locator("main")).to_contain_text("HT 2290/QC")
    expect(phone.locator("main")).not_to_contain_text("HT 1102/QC")
    phone.goto("/audits/surveillance/?when=all")
    expect(phone.locator("main")).to_contain_text("HT 2290/QC")
    assert_fits_the_screen(phone)
    screenshot(phone, "surveillance-due-phone")
