"""Findings and the report, on a phone and a desktop: the lead auditor records a finding on site (a
nonconformity without its clause refused with what was typed kept, then saved with a photo), writes
the report, turns the nonconformity findings into nonconformity records, signs the report by closing
the audit (password asked again) and downloads the report PDF with the signature; the ISO officer
finds the nonconformity in the register, its page pointing back to the finding. Every page fits the
screen and passes axe."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from audits.models import Audit, Finding
from documents.models import Clause
from documents.services.register import ensure_clauses
from tests.audits.plan_factories import audit_in, plan_world
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, screenshot, sign_in

pytestmark = pytest.mark.e2e


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "evidence.jpg"
    Image.new("RGB", (32, 24), "teal").save(path, "JPEG")
    return path


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_the_lead_auditor_records_writes_and_signs_the_report(open_page, settings, tmp_path, kind):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = plan_world()
    audit = audit_in(w, Audit.Status.IN_PROGRESS)
    lead = w.auditor1
    ensure_clauses()  # a transactional test database empties the catalogue the migrations seeded
    clause = Clause.objects.get(number="7.5.3")

    page = open_page(kind)
    sign_in(page, lead.username, w.password)
    page.goto(audit.get_absolute_url())
    page.get_by_role("link", name="Record a finding").click()
    expect(page.locator("main h1")).to_contain_text("Record a finding")
    page.select_option("#id_grade", "minor")
    page.select_option("#id_unit", str(w.dept2.pk))
    page.fill("#id_evidence", "4/20 hồ sơ không có phiếu kiểm soát")
    page.fill("#id_description", "Hồ sơ lưu thiếu phiếu kiểm soát quá trình giải quyết")
    page.get_by_role("button", name="Save").click()
    # no clause: refused, nothing lost
    expect(page.locator("main")).to_contain_text("A nonconformity needs the ISO 9001 clause it does not meet.")
    expect(page.locator("#id_description")).to_have_value("Hồ sơ lưu thiếu phiếu kiểm soát quá trình giải quyết")
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.select_option("#id_clause", str(clause.pk))
    page.set_input_files("#id_photo", str(_photo(tmp_path)))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main h1")).to_contain_text(f"Finding {audit.number}/1")
    expect(page.locator("main")).to_contain_text("evidence.jpg")
    assert_fits_the_screen(page)
    assert_accessible(page)
    screenshot(page, f"audit-finding-{kind}")
    finding = Finding.objects.get(audit=audit)

    # on site done: the report
    page.goto(audit.get_absolute_url())
    page.get_by_role("link", name="Finish on site: write the report").click()
    page.locator("main form button[type=submit]").click()
    page.get_by_role("link", name="Audit report").click()
    expect(page.locator("main")).to_contain_text("not yet nonconformity records")
    page.fill("#id_summary", "Đoàn đánh giá đã xem xét 20 hồ sơ của Phòng Cải cách hành chính.")
    page.fill("#id_conclusion", "Hệ thống được duy trì phù hợp; 1 điểm không phù hợp loại 2.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("The report was saved.")
    assert_accessible(page)
    page.get_by_role("button", name="Raise them all").click()
    expect(page.locator("main")).to_contain_text("Nonconformities raised: 1.")
    finding.refresh_from_db()
    nc = finding.nonconformity
    assert nc is not None

    # sign the report: close the audit with the password
    page.goto(audit.get_absolute_url())
    page.get_by_role("link", name="Sign the report and close").click()
    page.fill("input[type=password]", w.password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Report signed")
    audit.refresh_from_db()
    assert audit.status == Audit.Status.CLOSED
    expect(page.locator("#findings")).to_contain_text(nc.number)
    assert_fits_the_screen(page)
    assert_accessible(page)
    screenshot(page, f"audit-closed-{kind}")
    with page.expect_download() as download:
        page.locator("#findings").get_by_role("link", name="Report (PDF)").click()
    saved = tmp_path / "report.pdf"
    download.value.save_as(saved)
    text = "".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages).split())
    for expected in (audit.number, "".join(lead.full_name.split()), "7.5.3", "Hệthốngđượcduytrìphùhợp"):
        assert expected in text

    # the ISO officer finds the nonconformity in the register; its page points back to the finding
    iso = open_page(kind)
    sign_in(iso, w.iso.username, w.password)
    iso.goto("/nonconformities/")
    expect(iso.locator("main")).to_contain_text(nc.number)
    iso.get_by_role("link", name=nc.number).first.click()
    expect(iso.locator("main")).to_contain_text("External (certification) audit" if audit.is_external
                                                else "Internal audit")
    iso.locator(f'main a[href="{finding.get_absolute_url()}"]').click()
    expect(iso.locator("main h1")).to_contain_text(f"Finding {audit.number}/1")
    assert_fits_the_screen(iso)
    assert_accessible(iso)
