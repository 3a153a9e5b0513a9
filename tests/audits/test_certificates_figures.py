"""The audits area's dashboard figures (``areas.Figure``, registered by the certificates part):
programme coverage (entries planned, audited, behind their month), audits planned and done this
year, findings of the past 12 months by grade, open nonconformity findings — each counting only
rows the reader may see."""

from datetime import date, timedelta

import pytest

from audits.models import Audit, AuditProgramme, Finding, ProgrammeEntry
from audits.selectors import certificates as s
from qms_portal import areas
from tests import factories
from tests.audits.factories_certificates import make_audit

pytestmark = pytest.mark.django_db
TODAY = date(2026, 7, 15)


@pytest.fixture
def world():
    t = factories.small_tree()
    su = t.superuser
    programme = AuditProgramme.objects.create(unit=t.district, year=2026, status=AuditProgramme.Status.APPROVED)
    t.entries = [ProgrammeEntry.objects.create(programme=programme, unit=u, planned_month=m)
                 for u, m in ((t.ward1, 3), (t.ward2, 5), (t.district, 11))]
    done = make_audit(t.ward1, starts_on=date(2026, 3, 10), status=Audit.Status.CLOSED,
                      programme_entry=t.entries[0])
    make_audit(t.ward2, starts_on=date(2026, 5, 12), status=Audit.Status.REPORTING, programme_entry=t.entries[1])
    make_audit(t.division, starts_on=date(2026, 4, 2), status=Audit.Status.CLOSED)
    make_audit(t.ward1, starts_on=date(2025, 4, 2), status=Audit.Status.CLOSED)  # last year
    for n, grade in enumerate([Finding.Grade.MINOR, Finding.Grade.MAJOR, Finding.Grade.OBSERVATION], start=1):
        Finding.objects.create(audit=done, number=n, grade=grade, unit=t.ward1, description="x", recorded_by=su)
    t.done = done
    return t


def test_the_figures_are_registered_with_the_area():
    keys = {figure.key for area, figure in areas.dashboard_figures() if area.label == "audits"}
    assert {"audits.programme_entries", "audits.programme_entries_done", "audits.programme_entries_behind",
            "audits.planned", "audits.done", "audits.findings_major", "audits.findings_minor",
            "audits.findings_observation", "audits.findings_open"} <= keys


def test_coverage_and_audits_count_what_the_steering_committee_of_the_district_sees(world):
    steering = world.district_steering
    assert s.programme_entries(steering, TODAY).count() == 3
    assert list(s.programme_entries_done(steering, TODAY)) == [world.entries[0]]
    assert list(s.programme_entries_behind(steering, TODAY)) == [world.entries[1]]  # May passed, not closed
    assert s.audits_planned(steering, TODAY).count() == 2  # the division's is out of scope
    assert s.audits_done(steering, TODAY).count() == 1
    assert s.audits_done(world.superuser, TODAY).count() == 2
    [(code, _name, planned, done, behind)] = s.coverage_by_unit(steering, TODAY)
    assert (code, planned, done, behind) == (world.district.code, 3, 1, 1)


def test_findings_by_grade_clause_and_the_open_ones(world):
    steering = world.district_steering
    assert s.findings_of_grade(steering, Finding.Grade.MINOR, TODAY).count() == 1
    assert s.findings_of_grade(steering, Finding.Grade.MINOR, TODAY + timedelta(days=400)).count() == 0
    assert s.open_findings(steering).count() == 2  # major and minor, no nonconformity recorded yet
    assert s.open_findings(world.outsider).count() == 0
    grades, rows = s.findings_by_clause(steering, TODAY)
    assert [r["clause"] for r in rows] == [None] and rows[0]["total"] == 3
    assert len(rows[0]["cells"]) == len(grades)


def test_the_figures_page_draws_the_coverage_chart(world):
    from django.urls import reverse
    from django.utils import timezone

    from tests.viewtests import logged_in

    year = timezone.localdate().year
    if year != 2026:  # the fixture's programme is 2026's: one for the year the page shows
        programme = AuditProgramme.objects.create(unit=world.district, year=year)
        ProgrammeEntry.objects.create(programme=programme, unit=world.ward1, planned_month=1)
    page = logged_in(world.district_steering).get(reverse("audits:figures")).content.decode()
    assert "<svg" in page and world.district.name in page


def test_programme_coverage_reads_the_programme_of_the_periods_year_not_this_years(world):
    from qms_portal.periods import Period

    coverage = next(figure for _area, figure in areas.dashboard_figures() if figure.key == "audits.programme_coverage")
    steering = world.district_steering
    in_2026 = Period.of("month", date(2026, 7, 1))
    in_2025 = Period.of("year", date(2025, 1, 1))
    assert (coverage.rows(steering, in_2026).count(), coverage.denominator_rows(steering, in_2026).count()) == (1, 3)
    assert (coverage.rows(steering, in_2025).count(), coverage.denominator_rows(steering, in_2025).count()) == (0, 0)
    assert coverage.denominator_rows(steering).count() == s.programme_entries(steering).count()  # no period: now
