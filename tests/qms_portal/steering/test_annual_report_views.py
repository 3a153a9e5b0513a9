"""The annual ISO report's pages: who opens and who writes (403 / 200 / 404), drafting from the form,
the page with its rows, totals, sections and signatures, the History tab, the menu entry, the jobs
started by POST, and the list's constant number of queries at two data sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qms_portal.models import Job
from qms_portal.steering.report_models import AnnualReport
from qms_portal.steering.report_services import annual_report_create, annual_report_transition
from tests import factories
from tests.viewtests import PermissionCases, logged_in

LAST_YEAR = timezone.localdate().year - 1
SECTIONS = {"achievements": "Đạt", "difficulties": "Thiếu người", "proposals": "Đào tạo"}


def report_on(tree, unit, **fields):
    return annual_report_create(acting_user=tree.superuser, unit=unit, year=LAST_YEAR, **fields)


class ReportCases(PermissionCases):
    def make_object(self, tree, unit):
        return report_on(tree, unit)


class TestListAccess(PermissionCases):
    url_name = "annualreport_list"
    role = "steering_committee"
    lacking_role = "staff"
    scoped = False

    def make_object(self, tree, unit):
        return None


class TestCreateAccess(PermissionCases):
    url_name = "annualreport_create"
    role = "management_representative"
    lacking_role = "steering_committee"
    scoped = False

    def make_object(self, tree, unit):
        return None


class TestDetailAccess(ReportCases):
    url_name = "annualreport_detail"
    role = "steering_committee"
    lacking_role = "staff"


class TestHistoryAccess(ReportCases):
    url_name = "annualreport_history"
    role = "management_representative"
    lacking_role = "internal_auditor"


class TestEditAccess(ReportCases):
    url_name = "annualreport_edit"
    role = "management_representative"
    visible_only_role = "steering_committee"  # reads and signs, does not write


class TestSignAccess(ReportCases):
    url_name = "annualreport_transition"
    role = "steering_committee"
    visible_only_role = "management_representative"  # drafts and submits, does not sign

    def url_kwargs(self, obj):
        return {"pk": obj.pk, "transition": "sign"}


class TestXlsxAccess(ReportCases):
    url_name = "annualreport_xlsx"
    role = "management_representative"
    lacking_role = "staff"
    method = "post"
    ok_status = 302


def test_drafting_from_the_form_opens_the_reports_page(tree):
    client = logged_in(tree.ward1_mr)
    response = client.post(reverse("annualreport_create"), {"unit": tree.ward1.pk, "year": LAST_YEAR,
                                                             "number": "3/BC-UBND", "recipient": "UBND quận"})
    report = AnnualReport.objects.get(unit=tree.ward1, year=LAST_YEAR)
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert report.drafted_by == tree.ward1_mr
    again = client.post(reverse("annualreport_create"), {"unit": tree.ward1.pk, "year": LAST_YEAR})
    assert again.status_code == 200 and AnnualReport.objects.filter(unit=tree.ward1).count() == 1
    assert again.context["form"].non_field_errors() == [
        f"{tree.ward1.code} already has a report for {LAST_YEAR}."]  # the service's words, said once


def test_the_form_offers_only_the_units_where_the_person_may_draft(tree):
    response = logged_in(tree.ward1_mr).post(reverse("annualreport_create"), {"unit": tree.agency.pk,
                                                                              "year": LAST_YEAR})
    assert response.status_code == 200 and not AnnualReport.objects.exists()


def test_the_page_shows_a_row_per_unit_the_totals_and_the_sections_then_the_signature(tree):
    report = report_on(tree, tree.district, **SECTIONS)
    client = logged_in(tree.district_steering)
    page = client.get(report.get_absolute_url()).content.decode()
    for unit in (tree.district, tree.ward1, tree.ward2):
        assert f"{unit.code} · {unit.name}" in page
    assert tree.division.code not in page
    assert "data-total" in page and "Thiếu người" in page and "Draft: the figures are read live" in page
    mr = factories.make_user(f"{tree.prefix}dmr", tree.district)
    factories.assign(mr, "management_representative", tree.district)
    annual_report_transition(acting_user=mr, report=report, name="submit")
    response = client.post(reverse("annualreport_transition", args=[report.pk, "sign"]),
                           {"password": tree.password})
    assert response.status_code == 302
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Report signed" in page and tree.district_steering.full_name in page
    assert "Figures as they stood when the report was submitted" in page
    history = client.get(reverse("annualreport_history", args=[report.pk])).content.decode()
    assert "Signed" in history and "Submitted for review" in history


def test_returning_without_a_reason_keeps_the_form_with_a_message(tree):
    report = report_on(tree, tree.district, **SECTIONS)
    mr = factories.make_user(f"{tree.prefix}dmr", tree.district)
    factories.assign(mr, "management_representative", tree.district)
    annual_report_transition(acting_user=mr, report=report, name="submit")
    response = logged_in(tree.district_steering).post(
        reverse("annualreport_transition", args=[report.pk, "return"]), {"reason": ""})
    assert response.status_code == 200
    assert AnnualReport.objects.get(pk=report.pk).status == "submitted"


def test_the_files_are_background_jobs_of_the_reader(tree):
    report = report_on(tree, tree.district)
    client = logged_in(tree.district_steering)
    for name, kind in (("annualreport_xlsx", "qms_portal.annual_report_xlsx"),
                       ("annualreport_pdf", "qms_portal.annual_report_pdf")):
        response = client.post(reverse(name, args=[report.pk]))
        job = Job.objects.get(kind=kind)
        assert response.url == job.get_absolute_url()
        assert (job.requested_by, job.params) == (tree.district_steering, {"report": report.pk})


def test_the_menu_links_the_reports_after_the_rollout_board(tree):
    page = logged_in(tree.district_steering).get(reverse("steering_dashboard")).content.decode()
    assert page.index(reverse("rollout_board")) < page.index(reverse("annualreport_list"))
    page = logged_in(tree.ward1_staff).get(reverse("home")).content.decode()
    assert reverse("annualreport_list") not in page


# --- the list's queries ---------------------------------------------------------------------------------


def _queries(client):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("annualreport_list"))
    assert response.status_code == 200
    return len(captured), len(response.context["object_list"])


@pytest.mark.django_db
def test_the_list_makes_as_many_queries_with_many_reports_as_with_one(tree):
    report_on(tree, tree.ward1)
    client = logged_in(tree.district_steering)
    _queries(client)  # warm the process's caches (permission names, content types)
    few, shown = _queries(client)
    assert shown == 1
    for n in range(20):
        unit = factories.make_unit(tree.district, f"{tree.prefix}X{n}", kind="ward")
        report_on(tree, unit)
        annual_report_create(acting_user=tree.superuser, unit=unit, year=LAST_YEAR - 1)
    many, shown = _queries(client)
    assert shown == 25
    assert many == few
