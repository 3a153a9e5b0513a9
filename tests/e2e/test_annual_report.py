"""The annual ISO report in a browser, on a desktop and on a phone: the district's management
representative opens "Annual ISO reports" from the menu, drafts last year's report (unit picked,
heading typed), writes its three sections and submits it for review; a steering committee member
signs it with their password, then downloads it as XLSX (a background job, run here as a worker
would) and asks for the PDF. Every page passes axe; the phone's fit the screen."""

import re
import threading

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from qms_portal.jobs import job_run
from qms_portal.models import Job
from qms_portal.steering.report_models import AnnualReport
from tests import factories
from tests.e2e.conftest import (
    assert_accessible,
    assert_fits_the_screen,
    open_menu_entry,
    pick_unit,
    screenshot,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.e2e
YEAR = timezone.localdate().year - 1


@pytest.fixture
def worker(monkeypatch, settings, tmp_path):
    """No broker: a job stays queued until the test runs it, between two requests of the live server."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("qms_portal.outbox.dispatch", lambda message_id: False)
    monkeypatch.setattr("qms_portal.notifications.dispatch", lambda message_id: False)
    lock = threading.Lock()
    serve = WSGIHandler.__call__

    def one_at_a_time(self, environ, start_response):
        with lock:
            return serve(self, environ, start_response)

    monkeypatch.setattr(WSGIHandler, "__call__", one_at_a_time)

    def run(job):
        with lock:
            assert job_run(job_id=job.pk, attempt=job.attempts)

    return run


def _checked(page, kind):
    assert_accessible(page)
    if kind == "phone":
        assert_fits_the_screen(page)


def _press(page, kind, locator):
    with page.expect_navigation():
        locator.tap() if kind == "phone" else locator.click()


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_a_report_is_drafted_submitted_signed_and_downloaded(open_page, worker, tmp_path, kind):
    tree = factories.small_tree()
    mr = factories.make_user(f"{tree.prefix}dist-mr", tree.district, full_name="Nguyễn Thị Thanh")
    factories.assign(mr, "management_representative", tree.district)
    page = open_page(kind)

    # The management representative drafts and submits.
    sign_in(page, mr.username, factories.PASSWORD)
    open_menu_entry(page, "Dashboard", "Annual ISO reports")
    expect(page.locator("main h1")).to_have_text("Annual ISO reports")
    _checked(page, kind)
    _press(page, kind, page.locator("main").get_by_role("link", name="New"))
    pick_unit(page, "id_unit", tree.district.code, tree.district)
    page.get_by_label("Year").fill(str(YEAR))
    page.get_by_label("Report number").fill("15/BC-UBND")
    page.get_by_label("Sent to").fill("Ban chỉ đạo ISO tỉnh")
    _checked(page, kind)
    _press(page, kind, page.get_by_role("button", name="Save"))
    expect(page.locator("main h1")).to_contain_text(tree.district.code)
    expect(page.locator("main table")).to_contain_text(tree.ward1.code)
    expect(page.locator("main")).not_to_contain_text(tree.division.code)
    _checked(page, kind)
    _press(page, kind, page.locator("main").get_by_role("link", name="Edit"))
    page.get_by_label("Achievements").fill("12 phòng và 18 phường áp dụng HTQLCL.")
    page.get_by_label("Difficulties").fill("Thiếu chuyên gia đánh giá nội bộ.")
    page.get_by_label("Proposals").fill("Đào tạo hai chuyên gia mỗi phường.")
    _press(page, kind, page.get_by_role("button", name="Save"))
    _press(page, kind, page.locator("main").get_by_role("link", name="Submit for review"))
    _checked(page, kind)
    _press(page, kind, page.locator("main form").get_by_role("button", name="Submit for review"))
    expect(page.locator("main [data-status]")).to_have_text("Submitted for review")
    report = AnnualReport.objects.get(unit=tree.district, year=YEAR)
    assert report.snapshot is not None
    sign_out(page)

    # A member of the steering committee signs it with their password.
    sign_in(page, tree.district_steering.username, factories.PASSWORD)
    page.goto(report.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Figures as they stood when the report was submitted")
    _press(page, kind, page.locator("main").get_by_role("link", name="Sign the report"))
    page.get_by_label("Your password (to sign)").fill(factories.PASSWORD)
    _checked(page, kind)
    _press(page, kind, page.locator("main form").get_by_role("button", name="Sign the report"))
    expect(page.locator("main [data-status]")).to_have_text("Signed")
    expect(page.locator("main .signature")).to_contain_text(tree.district_steering.full_name)
    _checked(page, kind)
    screenshot(page, f"annual-report-{kind}")

    # …and downloads it: the XLSX is made in the background.
    _press(page, kind, page.get_by_role("button", name="Download XLSX"))
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    job = Job.objects.get(kind="qms_portal.annual_report_xlsx")
    worker(job)
    link = page.get_by_test_id("job-download")
    expect(link).to_be_visible()
    _checked(page, kind)
    with page.expect_download() as download:
        link.tap() if kind == "phone" else link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"annual-report-{tree.district.code}-{YEAR}.xlsx"
    cells = [str(c) for row in load_workbook(saved).active.iter_rows(values_only=True) for c in row if c is not None]
    assert tree.ward2.code in cells and "Đào tạo hai chuyên gia mỗi phường." in cells

    # The PDF is asked for the same way.
    page.goto(report.get_absolute_url())
    _press(page, kind, page.get_by_role("button", name="Download PDF"))
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    assert Job.objects.filter(kind="qms_portal.annual_report_pdf", requested_by=tree.district_steering).exists()
