"""The master list of documents, prepared in the background (documents/exports.py): asking for it
queues a job; the file lists what the register's filters select, within the requester's scope,
sorted by level then code, with the counts by level and category and the total; the spreadsheets
neutralise formulas; the documents are read in batches without the revisions' texts."""

import csv
import io
import math
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from documents import exports, services
from documents.models import Clause
from qms_portal.jobs import job_run, job_start
from qms_portal.models import Job, OutboxMessage
from tests import factories
from tests.documents.factories import effective_document, new_document
from tests.helpers import need

EVIL = '=HYPERLINK("http://evil.example","bấm")'
HEADERS = ["Code", "Title", "Level", "Category", "Type", "ISO 9001 clauses", "Unit", "Revision", "Process owner",
           "Effective since", "Next review", "Status"]


@pytest.fixture
def doc_set(ds):
    """A department's set: the manual, policy and objectives (level 1), four procedures (two
    mandatory, one operational, one support), a work instruction, and a procedure not yet effective."""
    services.ensure_clauses()
    clause = Clause.objects.get(number="7.5.3")
    s = {
        "policy": effective_document(ds, type_code="CS", title="Chính sách chất lượng"),
        "manual": effective_document(ds, type_code="STCL", title="Sổ tay chất lượng"),
        "objectives": effective_document(ds, type_code="MT", title="Mục tiêu chất lượng"),
        "mandatory": effective_document(ds, title=EVIL, category="mandatory", clauses=[clause]),
        "mandatory2": effective_document(ds, title="Kiểm soát hồ sơ", category="mandatory"),
        "operational": effective_document(ds, title="Cấp giấy phép xây dựng", category="operational"),
        "support": effective_document(ds, title="Quản lý thiết bị", category="support"),
        "instruction": effective_document(ds, type_code="HD", title="Hướng dẫn tiếp nhận hồ sơ"),
        "pending": new_document(ds, title="Quy trình mới", category="operational"),
    }
    return s


def export(user, fmt, **params):
    job = job_start(acting_user=user, kind=f"documents.master_list_{fmt}", params=params, queue=False)
    assert job_run(job_id=job.pk, attempt=1), Job.objects.get(pk=job.pk).error
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        return job, handle.read()


def sheet_rows(data):
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows()]


def table(rows):
    """The rows after the header row (the preamble comes first)."""
    start = next(i for i, row in enumerate(rows) if row[:2] == ["Code", "Title"])
    return rows[start], rows[start + 1:]


# --- Asking for it ------------------------------------------------------------------------------------


def test_asking_for_the_master_list_queues_a_job_and_opens_its_progress_page(ds, client_for, doc_set):
    client = client_for(ds.author)
    url = reverse("documents:master_list", args=["xlsx"]) + "?level=2&status=effective&page=3"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "prepared in the background" in body and "Level 2 — procedures" in body
    assert 'action="?level=2&amp;status=effective"' in body  # the filters go with the request, nothing else
    assert not Job.objects.exists()  # looking at the page asks for nothing

    response = client.post(url)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    assert (job.kind, job.params, job.state, job.requested_by) == (
        "documents.master_list_xlsx", {"level": "2", "status": "effective"}, "queued", ds.author)
    assert OutboxMessage.objects.filter(task="qms_portal.tasks.run_job", kwargs__job_id=job.pk).exists()
    progress = client.get(response["Location"])
    assert progress.status_code == 200
    assert "Master list (XLSX)" in progress.content.decode() and "Level 2 — procedures" in progress.content.decode()


def test_the_master_list_needs_the_export_permission_and_a_known_format(ds, client_for):
    url = reverse("documents:master_list", args=["xlsx"])
    assert client_for(ds.reviewer1).get(url).status_code == 403
    assert client_for(ds.reviewer1).post(url).status_code == 403
    assert client_for(ds.author).post(reverse("documents:master_list", args=["docx"])).status_code == 404
    assert not Job.objects.exists()


def test_filters_outside_the_requesters_scope_are_refused(ds, client_for):
    url = reverse("documents:master_list", args=["pdf"]) + f"?unit={ds.other.pk}"
    response = client_for(ds.author).post(url)
    assert response.status_code == 400 and "cannot be used" in response.content.decode()
    assert not Job.objects.exists()


# --- What it lists -----------------------------------------------------------------------------------


def test_the_xlsx_lists_the_effective_documents_sorted_by_level_then_code_with_the_counts(ds, doc_set):
    job, data = export(ds.author, "xlsx")
    assert job.filename == f"master-list-{timezone.localdate().isoformat()}.xlsx"
    rows = sheet_rows(data)
    assert rows[0][0] == "Master list of documents"
    assert rows[1][0].startswith("Printed ") and ds.author.full_name in rows[1][0]
    preamble = {row[0]: row[1] for row in rows[:12] if row[0]}
    assert preamble["Level 1 — manual, policy, objectives"] == 3
    assert preamble["Mandatory procedures"] == 2
    assert preamble["Operational procedures"] == 1 and preamble["Support procedures"] == 1
    assert preamble["Level 3 — work instructions"] == 1
    assert preamble["Total"] == 8
    assert "3 + 2 + 1 + 1 + 1 = 8" in preamble

    header, body = table(rows)
    assert header == HEADERS
    d = doc_set
    order = [d[k].code for k in ("manual", "policy", "objectives", "mandatory", "mandatory2", "operational",
                                 "support", "instruction")]
    assert [row[0] for row in body] == order  # the quality manual first; the pending one left out
    by_code = {row[0]: row for row in body}
    evil = by_code[d["mandatory"].code]
    assert evil[1] == "'" + EVIL  # text, not a formula
    assert evil[2:6] == [2, "Mandatory procedure", "Procedure", "7.5.3"]
    assert evil[6] == ds.dept.name and evil[7] == "01" and evil[8] == ds.approver.full_name
    assert evil[9].date() == timezone.localdate() and evil[10].date() > timezone.localdate()
    assert evil[11] == "Effective"
    assert by_code[d["manual"].code][2:5] == [1, None, "Quality manual"]


def test_the_csv_follows_the_registers_filters(ds, doc_set):
    _job, data = export(ds.author, "csv", status="all", level="2")
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert ["2 + 2 + 1 = 5"] in rows and ["Total", "5"] in rows
    assert any(row[0] == "Level: Level 2 — procedures; Status: All, including obsolete" for row in rows[:4])
    header, body = table(rows)
    assert header == HEADERS
    statuses = {row[0]: row[11] for row in body}
    assert statuses[doc_set["pending"].code] == "Not yet effective"
    assert len(body) == 5 and {row[2] for row in body} == {"2"}
    assert next(row for row in body if row[0] == doc_set["mandatory"].code)[1] == "'" + EVIL


def test_the_list_holds_only_what_the_requester_may_see(ds, doc_set):
    other_auditor = factories.make_user(f"{ds.prefix}oth-auditor", ds.other)
    factories.assign(other_auditor, ds.roles["internal_auditor"], ds.other)
    _job, data = export(other_auditor, "xlsx")
    rows = sheet_rows(data)
    _header, body = table(rows)
    assert body == []
    assert ["Total", 0] in [row[:2] for row in rows]


def test_the_list_is_made_in_the_requesters_language(ds, doc_set):
    from django.utils import translation

    with translation.override("vi"):
        _job, data = export(ds.author, "xlsx")
    rows = sheet_rows(data)
    assert rows[0][0] != "Master list of documents"
    assert any(row[0] == "Mã" and row[1] and row[1] != "Title" for row in rows)  # the header row, in Vietnamese


def test_the_documents_are_read_in_batches_without_the_texts_of_their_revisions(ds, doc_set):
    documents = exports.master_list_documents(ds.author, {"status": "all"})
    ids = list(documents.order_by(*exports.ORDER).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        rows = list(exports.rows(ids, batch=3))
    assert len(rows) == len(ids) == 9
    assert len(queries) == 2 * math.ceil(len(ids) / 3)  # per batch: the documents, their clauses
    for query in queries.captured_queries:
        sql = query["sql"]
        assert '"content"' not in sql and '"source_html"' not in sql and '"search_text"' not in sql, sql


# --- The PDF ------------------------------------------------------------------------------------------


def pdf_text(data):
    need(shutil.which("pdftotext"), "pdftotext is not installed", "QMS_REQUIRE_BROWSER")
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True).stdout  # noqa: S603,S607
    return [" ".join(unicodedata.normalize("NFC", page).split()) for page in out.decode().split("\f")[:-1]]


def test_the_pdf_has_the_counts_the_list_in_order_the_process_owner_and_page_numbers(ds, doc_set):
    job, data = export(ds.author, "pdf")
    assert job.content_type == "application/pdf" and data.startswith(b"%PDF-")
    pages = pdf_text(data)
    assert len(pages) == len(PdfReader(io.BytesIO(data)).pages)
    first = pages[0]
    assert "Master list of documents" in first and "3 + 2 + 1 + 1 + 1 = 8" in first and "Total 8" in first
    assert "Mandatory procedures 2" in first and "Process owner" in first
    text = " ".join(pages)
    # A long code wraps inside its narrow column, wherever the width runs out: compare without spaces.
    squeezed = "".join(text.split())
    codes = [doc_set[k].code for k in ("manual", "policy", "objectives", "mandatory", "support", "instruction")]
    positions = [squeezed.index(code) for code in codes]
    assert positions == sorted(positions)
    assert ds.approver.full_name in text and formats.date_format(date.today(), "SHORT_DATE_FORMAT") in text
    assert doc_set["pending"].code not in squeezed
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
