"""A document controller asks for the master list on a phone: the register's button opens the
master list page, asking for the file queues a background job and opens its progress page, which
shows the file ready as soon as a worker has made it (polled with htmx); the file downloads, and
it is listed under "My exports"."""

import re
import threading

import pytest
from django.core.handlers.wsgi import WSGIHandler
from openpyxl import load_workbook
from playwright.sync_api import expect

from qms_portal.jobs import job_run
from qms_portal.models import Job
from tests.documents.factories import doc_setup, effective_document
from tests.e2e.conftest import assert_assets_loaded, assert_fits_the_screen, open_menu, screenshot, sign_in

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


def test_the_master_list_is_prepared_in_the_background_and_downloaded_on_a_phone(open_page, worker, tmp_path):
    s = doc_setup()
    manual = effective_document(s, type_code="STCL", title="Sổ tay chất lượng")
    procedure = effective_document(s, title="Quy trình cấp giấy phép thành lập hội", category="mandatory")

    phone = open_page("phone")
    sign_in(phone, s.author.username, s.password)
    phone.goto("/documents/?level=2")
    phone.get_by_role("link", name="Master list (XLSX)").tap()
    phone.wait_for_url(re.compile(r"/documents/master-list\.xlsx\?"))
    expect(phone.locator("main")).to_contain_text("prepared in the background")
    expect(phone.locator("main dl")).to_contain_text("Level 2 — procedures")
    assert_fits_the_screen(phone)
    phone.get_by_role("button", name="Prepare the XLSX file").tap()

    # The progress page: waiting for a worker, polling.
    phone.wait_for_url(re.compile(r"/jobs/\d+/$"))
    job = Job.objects.get()
    assert job.params == {"level": "2"} and job.state == "queued"
    expect(phone.locator("#job-status")).to_contain_text("Waiting for its turn")
    assert_assets_loaded(phone)
    assert_fits_the_screen(phone)
    screenshot(phone, "master-list-waiting-phone")

    worker(job)  # a worker makes the file; the page notices within a second
    download_link = phone.get_by_test_id("job-download")
    expect(download_link).to_be_visible()
    expect(phone.locator("#job-status")).to_contain_text("Your file is ready.")
    assert_fits_the_screen(phone)
    screenshot(phone, "master-list-ready-phone")
    with phone.expect_download() as download:
        download_link.tap()
    saved = tmp_path / "master-list.xlsx"
    download.value.save_as(saved)
    assert re.fullmatch(r"master-list-\d{4}-\d{2}-\d{2}\.xlsx", download.value.suggested_filename)
    rows = [[c.value for c in row] for row in load_workbook(saved).active.iter_rows()]
    codes = [row[0] for row in rows]
    assert procedure.code in codes and manual.code not in codes  # the register's filter (level 2) applied
    assert ["Mandatory procedures", 1] in [row[:2] for row in rows]

    # Later, from the menu: My exports lists it with its download.
    open_menu(phone)
    phone.locator("nav .navbar-nav:not(.me-auto) .dropdown-toggle").tap()
    phone.locator("nav").get_by_role("link", name="My exports").tap()
    expect(phone.locator("main")).to_contain_text("Master list (XLSX)")
    expect(phone.locator(f"main [data-job='{job.pk}']")).to_contain_text("Ready")
    assert_fits_the_screen(phone)
