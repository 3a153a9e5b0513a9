"""ncreports on a phone: the management representative reads a closed nonconformity with its
fishbone diagram and downloads its PDF report; the ISO officer exports the register as XLSX (a
background job); the figures page opens from the menu. Every page fits the screen and passes axe."""

import io
import re
import threading

import pytest
from django.core.handlers.wsgi import WSGIHandler
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from qms_portal.jobs import job_run
from qms_portal.models import Job
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu, screenshot, sign_in
from tests.nonconformities.factories import close, nc_setup, raise_nc, to_verification

pytestmark = pytest.mark.e2e


@pytest.fixture
def worker(monkeypatch, settings, tmp_path):
    """No broker: the job stays queued until the test runs it, as a Celery worker would, between two
    requests of the live server (which shares the test's database connection)."""
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


def test_reports_of_nonconformities_on_a_phone(open_page, worker, tmp_path):
    s = nc_setup()
    nc, _actions = to_verification(s)
    close(s, nc)
    raise_nc(s, title="Hồ sơ đất đai trả chậm")

    mr = open_page("phone")
    sign_in(mr, s.mr.username, s.password)
    mr.goto(nc.get_absolute_url())
    fishbone = mr.get_by_role("img", name=f"Fishbone (Ishikawa) diagram of {nc.number}")
    expect(fishbone).to_be_visible()
    box = fishbone.bounding_box()
    assert box["width"] <= mr.viewport_size["width"]
    assert_fits_the_screen(mr)
    assert_accessible(mr)
    screenshot(mr, "nonconformity-fishbone-phone")
    with mr.expect_download() as download:
        mr.get_by_role("link", name="Report (PDF)").tap()
    saved = tmp_path / "report.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"{nc.number}.pdf"
    text = "".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages).split())
    assert "".join(nc.number.split()) in text and "".join(s.mr.full_name.split()) in text

    open_menu(mr)
    mr.get_by_role("link", name="Nonconformities").or_(mr.get_by_role("button", name="Nonconformities")).first.tap()
    mr.get_by_role("link", name="Figures").tap()
    expect(mr.locator("main h1")).to_contain_text("figures")
    expect(mr.locator("main")).to_contain_text("Open nonconformities by unit and age")
    assert_fits_the_screen(mr)
    assert_accessible(mr)
    screenshot(mr, "nonconformity-figures-phone")

    iso = open_page("phone")
    sign_in(iso, s.iso.username, s.password)
    iso.goto("/nonconformities/?status=all")
    iso.get_by_role("link", name="Export (XLSX)").tap()
    iso.wait_for_url(re.compile(r"/nonconformities/export/\?"))
    assert_fits_the_screen(iso)
    assert_accessible(iso)
    iso.get_by_role("button", name="Prepare the XLSX file").tap()
    iso.wait_for_url(re.compile(r"/jobs/\d+/$"))
    job = Job.objects.get(requested_by=s.iso)
    assert job.params == {"status": "all"}
    worker(job)
    link = iso.get_by_test_id("job-download")
    expect(link).to_be_visible()
    with iso.expect_download() as download:
        link.tap()
    sheet = tmp_path / "register.xlsx"
    download.value.save_as(sheet)
    values = [c.value for row in load_workbook(sheet).active.iter_rows() for c in row]
    assert nc.number in values and "Hồ sơ đất đai trả chậm" in values
