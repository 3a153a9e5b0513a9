"""The training matrix's pages (``training/views/matrix.py``): the matrix of a unit with its people a
page at a time, its summaries, a fixed number of queries at two sizes, what a reader without a
unit's matrix sees, a unit out of reach refused, the menu link, and the XLSX export job."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qms_portal.jobs import job_run, job_start
from qms_portal.models import Job
from tests import factories
from tests.training import matrix_factories as mf
from tests.viewtests import logged_in
from training import exports_matrix
from training.selectors import matrix as selectors

pytestmark = pytest.mark.django_db
URL = "/training/matrix/"


@pytest.fixture
def m(tree):
    t = tree
    t.aw, t.ia = mf.competence("aw", name="ISO awareness"), mf.competence("ia", name="Internal auditor course")
    mf.requirement("staff", t.aw, t.city)
    mf.requirement("internal_auditor", t.ia, t.district)
    t.head = factories.make_user(f"{t.prefix}head", t.ward1, full_name="Head of Ward One")
    factories.assign(t.head, "department_head", t.ward1)
    t.w2 = factories.make_user(f"{t.prefix}w2", t.ward2, full_name="Person of Ward Two")
    factories.assign(t.w2, "staff", t.ward2, include_subunits=False)
    factories.assign(t.w2, "internal_auditor", t.district)
    mf.qualify(t.ward1_staff, t.aw, valid_for_days=30)
    return t


def test_the_matrix_of_a_district_lists_its_people_cells_and_summaries(m):
    client = logged_in(m.district_steering)
    page = client.get(URL, {"unit": m.district.pk}).content.decode()
    assert "ISO awareness" in page and "Internal auditor course" in page
    assert m.ward1_staff.full_name in page and m.w2.full_name in page
    assert m.outsider.full_name not in page
    assert "Expires soon" in page and "Missing" in page
    assert f"?unit={m.ward1.pk}&amp;subunits=1" in page  # drill down to a sub-unit
    own = client.get(URL, {"unit": m.district.pk, "subunits": "0"}).content.decode()
    assert m.w2.full_name not in own and m.district_steering.full_name in own


def test_a_reader_opens_on_their_own_unit_and_cannot_pick_one_out_of_reach(m):
    client = logged_in(m.head)
    page = client.get(URL).content.decode()
    assert m.ward1_staff.full_name in page and m.w2.full_name not in page
    refused = client.get(URL, {"unit": m.district.pk}).content.decode()
    assert "invalid-feedback" in refused
    assert m.w2.full_name not in refused and m.ward1_staff.full_name not in refused


def test_someone_without_a_role_reading_qualifications_sees_their_own_row(m):
    client = logged_in(m.ward1_staff)  # staff: reads their own qualifications only
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Here is your own row" in page and m.ward1_staff.full_name in page and m.w2.full_name not in page
    assert "Expires soon" in page
    assert 'href="/training/matrix/"' not in client.get("/").content.decode()  # no menu link for them
    assert 'href="/training/matrix/"' in logged_in(m.head).get("/").content.decode()


def test_people_are_paged_never_one_long_table(m, monkeypatch):
    monkeypatch.setattr(selectors, "PER_PAGE", 2)
    client = logged_in(m.district_steering)
    first = client.get(URL, {"unit": m.district.pk})
    assert first.context["page_obj"].has_next() and len(first.context["rows"]) == 2
    second = client.get(URL + "?" + first.context["page_obj"].next_query)
    assert {r.user.pk for r in second.context["rows"]}.isdisjoint({r.user.pk for r in first.context["rows"]})


MATRIX_QUERY_BUDGET = 15  # the platform's budget for a list page (issue 15)


def test_the_matrix_reads_a_fixed_number_of_queries_within_the_budget_at_two_sizes(m):
    client = logged_in(m.district_steering)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"unit": m.district.pk})
            assert response.status_code == 200
        return len(queries), response

    client.get(URL, {"unit": m.district.pk})
    few, small = count()
    assert few <= MATRIX_QUERY_BUDGET
    dc = mf.competence("dc")
    mf.requirement("staff", dc, m.ward2)
    # More people than the list of what expires soon shows (its total then comes from the same query).
    for n in range(24):
        person = factories.make_user(f"{m.prefix}p{n}", m.ward1 if n % 2 else m.ward2, full_name=f"Person {n:02d}")
        factories.assign(person, "staff", person.primary_unit, include_subunits=False)
        if n % 3 == 0:
            factories.assign(person, "internal_auditor", m.district)
        mf.qualify(person, m.aw, valid_for_days=(n % 4) * 20 + 5 if n % 6 else -10)
    many, large = count()
    assert many == few
    assert large.context["expiring_total"] > len(large.context["expiring"]) > len(small.context["expiring"])
    assert large.context["totals"].people > small.context["totals"].people


def test_the_export_page_and_its_job_make_the_matrix_as_xlsx(m, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = logged_in(m.district_steering)
    url = reverse("training:matrix_export")
    page = client.get(url, {"unit": m.district.pk}).content.decode()
    assert "Prepare the XLSX file" in page
    response = client.post(f"{url}?unit={m.district.pk}&subunits=1")
    job = Job.objects.get(requested_by=m.district_steering, kind=exports_matrix.JOB_KIND)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job_run(job_id=job.pk, attempt=job.attempts)
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    sheet = load_workbook(io.BytesIO(job.file.read())).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(r for r in values if r and r[0] == "Unit")
    assert "ISO awareness" in header and "Internal auditor course" in header
    names = [r[1] for r in values[values.index(header) + 1:]]
    assert m.ward1_staff.full_name in names and m.w2.full_name in names and m.outsider.full_name not in names
    staff_row = next(r for r in values if r and r[1] == m.ward1_staff.full_name)
    assert staff_row[header.index("ISO awareness")].startswith("Expires soon")


def test_the_export_refuses_a_unit_out_of_reach(m):
    client = logged_in(m.head)
    url = reverse("training:matrix_export")
    assert "not one whose training matrix you may read" in client.get(url, {"unit": m.district.pk}).content.decode()
    assert client.post(f"{url}?unit={m.district.pk}").status_code == 400
    assert not Job.objects.filter(requested_by=m.head).exists()


def test_the_export_job_reads_people_in_batches(m, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = job_start(acting_user=m.district_steering, kind=exports_matrix.JOB_KIND,
                    params={"unit": str(m.city.pk), "subunits": "1"}, queue=False)
    original = exports_matrix.BATCH
    try:
        exports_matrix.BATCH = 2
        job_run(job_id=job.pk, attempt=1)
    finally:
        exports_matrix.BATCH = original
    job.refresh_from_db()
    # the steering committee reads the district only, though the city was asked: refused
    assert job.state == Job.State.FAILED
    scope = selectors.people(m.district_steering, m.district)
    batches = list(exports_matrix.people_batches(scope, batch=2))
    assert sum(len(b) for b in batches) == scope.count() and all(len(b) <= 2 for b in batches)
    assert len({p.pk for b in batches for p in b}) == scope.count()
