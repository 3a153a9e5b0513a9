"""The certification body's response on a phone: the management representative opens the
certification audit's response page from the audit, sets the date the response is due (a date
before the audit ends refused), sees the countdown and each finding's nonconformity, and downloads
the response dossier PDF; the department head of an audited division lists the findings about it.
Every page fits the screen and passes axe."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from audits.models import Audit
from audits.services import findings as services
from documents.models import Clause
from documents.services.register import ensure_clauses
from tests.audits.plan_factories import audit_in, plan_world
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_the_response_to_the_certification_body_on_a_phone(open_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_clauses()
    w = plan_world()
    audit = audit_in(w, Audit.Status.IN_PROGRESS, kind=Audit.Kind.CERTIFICATION, certification_body="QUACERT")
    lead = audit.lead_auditor
    first = services.finding_create(acting_user=lead, audit=audit, grade="minor", unit=w.dept2,
                                    clause=Clause.objects.get(number="7.5.3"),
                                    description="QUACERT: văn bản hết hiệu lực vẫn lưu hành")
    services.finding_create(acting_user=lead, audit=audit, grade="observation", unit=w.dept2, clause=None,
                            description="QUACERT: nên số hoá sổ theo dõi hồ sơ")
    nc = services.finding_raise_nonconformity(acting_user=lead, finding=first)

    page = open_page("phone")
    sign_in(page, w.mr.username, w.password)
    page.goto(audit.get_absolute_url())
    page.get_by_role("link", name="Response to the certification body").click()
    expect(page.locator("main h1")).to_contain_text("Response to the certification body")
    expect(page.locator("main")).to_contain_text("No due date recorded yet.")
    expect(page.locator("main")).to_contain_text(nc.number)
    expect(page.locator("main")).to_contain_text("0 of 2 findings answered")
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("link", name="Set the due date").click()
    page.fill("#id_response_due", (audit.starts_on - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("The response is due after the audit ends.")
    assert_accessible(page)
    due = timezone.localdate() + timedelta(days=45)
    page.fill("#id_response_due", due.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("45 days left")
    assert_fits_the_screen(page)
    assert_accessible(page)
    screenshot(page, "audit-response-phone")

    with page.expect_download() as download:
        page.get_by_role("link", name="Response dossier (PDF)").click()
    saved = tmp_path / "response.pdf"
    download.value.save_as(saved)
    text = "".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages).split())
    assert "".join(nc.number.split()) in text and "QUACERT" in text

    head = open_page("phone")
    sign_in(head, w.head2.username, w.password)
    head.goto("/audits/findings/")
    expect(head.locator("main")).to_contain_text("văn bản hết hiệu lực")
    expect(head.locator("main")).to_contain_text("nên số hoá sổ theo dõi")
    assert_fits_the_screen(head)
    assert_accessible(head)
