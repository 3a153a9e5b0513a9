"""The documents flow as people do it: an author drafts a procedure with steps and a DOCX and
submits it; a reviewer accepts; the approver approves with their password; on its effective date
(today) the scheduled publication makes it effective; a staff member reads it on a phone and
acknowledges; the compare page shows what changed in the next revision; the controlled-copy PDF
downloads and its text holds the Vietnamese title."""

import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from documents import services
from documents.models import Acknowledgement, Document, Revision
from qms_portal import services as core_services
from tests import factories
from tests.documents.factories import doc_setup, docx_bytes, step
from tests.e2e.conftest import assert_fits_the_screen, pick_unit, screenshot, sign_in, sign_out
from tests.helpers import need

pytestmark = pytest.mark.e2e
TITLE = "Quy trình cấp phép thành lập hội"


def test_a_procedure_is_drafted_reviewed_approved_published_and_acknowledged(open_page, tmp_path):
    s = doc_setup()
    # The reader's office has a long English name, as in the demo: the table of who has read the
    # procedure must still fit a phone.
    core_services.unit_update(acting_user=factories._acting(), unit=s.office, name="Administrative Reform Division")
    page = open_page("desktop")

    # The author creates the procedure: its code comes from the unit's numbering.
    sign_in(page, s.author.username, s.password)
    page.goto("/documents/new/")
    pick_unit(page, "id_unit", s.dept.code, s.dept)
    page.select_option("#id_doc_type", label="Procedure")
    page.select_option("#id_category", value="operational")
    page.fill("#id_title", TITLE)
    page.fill("#id_legal_time_limit_days", "10")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    document = Document.objects.get(title=TITLE)
    assert re.fullmatch(rf"{re.escape(s.dept.code)}-QT-\d\d", document.code)

    # ... writes the draft: rich text, a DOCX, the effective date and two steps.
    page.locator("main >> text=Rev. 01").first.click()
    page.locator("main >> text=Edit the draft").click()
    page.locator("trix-editor").click()
    page.keyboard.type("Mục đích: quy định trình tự cấp phép thành lập hội.")
    docx = tmp_path / "quy-trinh.docx"
    docx.write_bytes(docx_bytes(("Phạm vi áp dụng: các hội trên địa bàn tỉnh", "适用范围")))
    page.set_input_files("#id_source", str(docx))
    page.fill("#id_effective_date", timezone.localdate().isoformat())
    page.fill("#id_steps-0-title", "Tiếp nhận hồ sơ")
    page.fill("#id_steps-0-time_limit", "1")
    page.fill("#id_steps-1-title", "Thẩm định hồ sơ")
    page.fill("#id_steps-1-time_limit", "-2")  # a mistake: refused, nothing saved, the rest kept
    # While the steps are typed, their total and the legal time limit show below them (not yet saved).
    expect(page.locator("#steps-total")).to_contain_text("Total of the steps: 1 working day · Legal time limit: 10")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("cannot be negative")
    expect(page.locator("#id_steps-0-title")).to_have_value("Tiếp nhận hồ sơ")
    page.fill("#id_steps-1-time_limit", "12")
    expect(page.locator("#steps-total .alert-warning")).to_have_text(
        "The steps take 13 working days, longer than the legal time limit of 10 working days.")
    page.set_input_files("#id_source", str(docx))  # a browser never re-sends a file: choose it again
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".alert-success")).to_contain_text("The draft was saved.")
    expect(page.locator("main")).to_contain_text("Phạm vi áp dụng: các hội trên địa bàn tỉnh")  # the DOCX, as HTML
    expect(page.locator(".alert-warning")).to_contain_text("legal time limit of 10")  # 13 days > 10
    expect(page.locator("svg.procedure-flow")).to_be_visible()

    # ... names the reviewer and submits.
    page.locator("main >> text=Reviewers").first.click()
    # The first box of the reviewers' picker, whose list suggests the people who may review.
    assert page.locator(f'#id_reviewers-people option[value="{s.reviewer1.username}"]').count() == 1
    page.fill("#id_reviewers", s.reviewer1.username)
    page.locator("main form button[type=submit]").click()
    page.locator("main >> text=Submit for review").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main h1 .badge")).to_have_text("In review")
    sign_out(page)

    # The reviewer finds it in My work and accepts it, signing with their password.
    sign_in(page, s.reviewer1.username, s.password)
    page.get_by_role("heading", name="Waiting for my review").wait_for()
    page.locator(f"main .card >> text={document.code} rev. 01").first.click()
    page.locator("main >> text=Accept (reviewed)").click()
    page.fill("#id_password", s.password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".signature", has_text="Reviewed")).to_contain_text(s.reviewer1.full_name)
    sign_out(page)

    # The author cannot approve; the approver can, with the password asked again.
    sign_in(page, s.approver.username, s.password)
    page.get_by_role("heading", name="Waiting for my approval").wait_for()
    page.locator(f"main .card >> text={document.code} rev. 01").first.click()
    page.get_by_role("link", name="Approve").click()
    page.fill("#id_password", "not-my-password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_contain_text("password is not correct")
    page.fill("#id_password", s.password)
    page.locator("main form button[type=submit]").click()
    # The effective date is today: the publication task has run; the revision is effective.
    expect(page.locator("main h1 .badge")).to_have_text("Effective")
    expect(page.locator(".signature", has_text="Approved")).to_contain_text(s.approver.full_name)
    revision = Revision.objects.get(document=document, number=1)
    assert revision.status == Revision.Status.EFFECTIVE
    sign_out(page)

    # A staff member of a sub-unit reads it on a phone and acknowledges it.
    assert Acknowledgement.objects.filter(revision=revision, user=s.staff).exists()
    phone = open_page("phone")
    sign_in(phone, s.staff.username, s.password)
    phone.get_by_role("heading", name="To read and acknowledge").wait_for()
    phone.locator(f"main .card >> text={document.code}").first.tap()
    expect(phone.locator("main")).to_contain_text("Mục đích: quy định trình tự cấp phép thành lập hội.")
    assert_fits_the_screen(phone)
    # The form is above the text and again at its end, where the reader arrives: they tap that one.
    acknowledge = phone.get_by_role("button", name="I have read and understood it")
    expect(acknowledge).to_have_count(2)
    acknowledge.last.scroll_into_view_if_needed()
    acknowledge.last.tap()
    expect(phone.locator(".alert-success")).to_contain_text("acknowledgement was recorded")
    assert Acknowledgement.objects.get(revision=revision, user=s.staff).acknowledged_at is not None
    screenshot(phone, "documents-acknowledged-phone")

    # The document controller sees on a phone who has read it: the table of units fits the screen,
    # its bars included (no sideways scrolling inside the table's box either).
    controller = open_page("phone")
    sign_in(controller, s.author.username, s.password)
    controller.goto(f"/documents/{document.pk}/")
    coverage = controller.locator(".coverage-table")
    expect(coverage).to_contain_text(s.office.code)
    box = coverage.evaluate("table => [table.parentElement.scrollWidth, table.parentElement.clientWidth]")
    assert box[0] <= box[1], f"the table of units is {box[0] - box[1]}px wider than the screen"
    assert_fits_the_screen(controller)

    # The next revision changes a step; the compare page shows it side by side.
    second = services.revision_create_draft(acting_user=s.author, document=document, reason="Luật mới")
    second = services.revision_save_draft(
        acting_user=s.author, revision=second, lock_version=second.lock_version, reason="Luật mới",
        content="<p>Mục đích: quy định trình tự cấp phép thành lập hội.</p>", effective_date=timezone.localdate(),
        steps=[step("Tiếp nhận hồ sơ", 1), step("Thẩm định và lấy ý kiến", 15)])
    sign_in(page, s.author.username, s.password)
    page.goto(f"/documents/revisions/{second.pk}/compare/")
    expect(page.locator("tr.diff-changed")).to_contain_text("Thẩm định và lấy ý kiến")

    # The controlled copy of the effective revision downloads, with the Vietnamese title in its text.
    current = Document.objects.get(pk=document.pk).current_revision
    page.goto(f"/documents/{document.pk}/")
    with page.expect_download() as download:
        page.locator("main >> a:text-is('PDF')").click()
    pdf = tmp_path / "copy.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    need(shutil.which("pdftotext"), "pdftotext (poppler-utils) is not installed", "QMS_REQUIRE_BROWSER")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert TITLE in text
    assert current.label in text
