"""ncreports: the register as XLSX, a background job: the register's filters within the
requester's scope (other units' nonconformities absent), one row per nonconformity with its action
figures, formulas neutralised, read in batches; asked for from the register by who holds the export
permission."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from nonconformities import exports
from qms_portal.jobs import job_run, job_start
from qms_portal.models import Job, OutboxMessage
from tests.nonconformities.factories import close, in_future, planned, raise_nc, to_verification

EVIL = '=HYPERLINK("http://evil.example","bấm")'


def export(user, **params):
    job = job_start(acting_user=user, kind=exports.JOB_KIND, params=params, queue=False)
    assert job_run(job_id=job.pk, attempt=1), Job.objects.get(pk=job.pk).error
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        return job, [[c.value for c in row] for row in load_workbook(io.BytesIO(handle.read())).active.iter_rows()]


def table(rows):
    start = next(i for i, row in enumerate(rows) if row[:2] == ["Number", "Title"])
    return rows[start], [dict(zip(rows[start], row, strict=False)) for row in rows[start + 1:]]


@pytest.fixture
def register(ns):
    """In the department: one reported, one in progress with two actions (one overdue), one closed;
    in the office below: one reported; in another agency: one reported (out of the ISO officer's scope)."""
    reported = raise_nc(ns, title=EVIL)
    in_progress, actions = planned(ns)
    late = actions[0]
    late.due = timezone.localdate() - timedelta(days=3)  # time passed: the action is now overdue
    late.save()
    done, _done_actions = to_verification(ns)
    close(ns, done)
    office = raise_nc(ns, unit=ns.office, by=ns.staff, title="Văn phòng trả chậm")
    other = raise_nc(ns, unit=ns.other, by=ns.outsider, title="Sở khác trả chậm")
    return {"reported": reported, "in_progress": in_progress, "closed": done, "office": office, "other": other,
            "actions": actions}


def test_the_export_lists_the_open_nonconformities_in_scope_by_default(ns, register):
    job, rows = export(ns.iso)
    header, lines = table(rows)
    numbers = {line["Number"] for line in lines}
    assert numbers == {register[k].number for k in ("reported", "in_progress", "office")}
    assert register["other"].number not in numbers  # another agency: out of the ISO officer's scope
    assert register["closed"].number not in numbers  # the register's default: open ones
    assert ["Total", 3] in [row[:2] for row in rows]
    assert job.state == "done" and job.filename.endswith(".xlsx")


def test_the_export_applies_the_registers_filters(ns, register):
    _job, rows = export(ns.iso, status="all", unit=str(ns.office.pk))
    _header, lines = table(rows)
    assert [line["Number"] for line in lines] == [register["office"].number]
    _job, rows = export(ns.iso, status="closed")
    _header, lines = table(rows)
    assert [line["Number"] for line in lines] == [register["closed"].number]
    assert lines[0]["Closed on"] is not None and lines[0]["Actions done"] == 2 and lines[0]["Actions"] == 2


def test_a_row_gives_the_actions_and_the_next_due_dates(ns, register):
    _job, rows = export(ns.iso)
    _header, lines = table(rows)
    row = next(line for line in lines if line["Number"] == register["in_progress"].number)
    late = register["actions"][0]
    assert (row["Actions"], row["Actions done"]) == (2, 0)
    assert row["Next due date (current)"].date() == late.due == timezone.localdate() - timedelta(days=3)
    assert row["Next due date (original)"].date() == late.original_due == in_future()
    assert row["Root cause"] == "Không có bước kiểm tra thời hạn trong quy trình."
    assert row["Age (days)"] == 0 and row["Overdue actions"] == "Yes"
    reported = next(line for line in lines if line["Number"] == register["reported"].number)
    assert (reported["Actions"], reported["Next due date (current)"], reported["Overdue actions"]) == (0, None, "No")


def test_formulas_in_the_records_text_are_neutralised(ns, register):
    _job, rows = export(ns.iso)
    _header, lines = table(rows)
    row = next(line for line in lines if line["Number"] == register["reported"].number)
    assert row["Title"] == "'" + EVIL


def test_rows_are_read_in_batches_and_keep_the_registers_order(ns, register):
    ids = list(exports.register_filter(ns.iso, {"status": "all"}).qs.order_by(*exports.ORDER)
               .values_list("pk", flat=True))
    seen = []
    rows = list(exports.rows(ids, progress=lambda done, total: seen.append((done, total)), batch=2))
    assert len(rows) == len(ids) == 4
    assert seen == [(2, 4), (4, 4)]


def test_asking_for_the_export_queues_a_job_with_the_filters_and_needs_the_permission(ns, client_for, register):
    url = reverse("nonconformities:register_export") + "?status=all&grade=minor&page=2"
    client = client_for(ns.auditor)
    page = client.get(url)
    assert page.status_code == 200 and 'action="?grade=minor&amp;status=all"' in page.content.decode()
    response = client.post(url)
    job = Job.objects.get(requested_by=ns.auditor)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.params) == (exports.JOB_KIND, {"status": "all", "grade": "minor"})
    assert OutboxMessage.objects.filter(task="qms_portal.tasks.run_job", kwargs__job_id=job.pk).exists()
    for who in (ns.staff, ns.head):  # no export permission
        assert client_for(who).get(url).status_code == 403
        assert client_for(who).post(url).status_code == 403


def test_the_register_shows_the_export_button_only_to_who_may_export(ns, client_for, register):
    register_url = reverse("nonconformities:register") + "?grade=minor"
    button = 'data-testid="nc-register-export"'
    assert button in client_for(ns.iso).get(register_url).content.decode()
    assert f'{reverse("nonconformities:register_export")}?grade=minor' in client_for(ns.iso).get(
        register_url).content.decode()
    assert button not in client_for(ns.head).get(register_url).content.decode()


def test_bad_filters_are_refused_with_a_message_and_no_job(ns, client_for):
    url = reverse("nonconformities:register_export") + "?status=nonsense"
    response = client_for(ns.iso).post(url)
    assert response.status_code == 400 and "cannot be used for the export" in response.content.decode()
    assert not Job.objects.filter(requested_by=ns.iso).exists()
