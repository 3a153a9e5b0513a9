"""The findings part of ``seed_demo``: the certification audit's 6 minor nonconformities are the
nonconformities the nonconformities demo raised (matched, linked both ways, never raised twice) and
its 7 observations, two with improvement actions; the report written and signed; the response to
QUACERT shows every finding answered. Idempotent.

Built once for the module: the core's demo, then the audits area's (plan → checklist → findings),
then the nonconformities area's, in the order ``seed_demo`` runs them."""

import pytest
from django.test import Client
from django.urls import reverse

from audits import demo as audits_demo
from audits.models import Audit, Finding
from nonconformities import demo as nc_demo
from nonconformities.demo_data import QUACERT_FINDINGS
from nonconformities.models import Nonconformity
from qms_portal.demo import seed_demo
from qms_portal.models import User
from tests.helpers import built_once

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    def build():
        seed_demo()
        made = audits_demo.seed()
        nc_demo.seed()
        return made

    with built_once(django_db_blocker, build) as made:
        yield made


@pytest.fixture
def made(_demo, db):
    return _demo


def _certification():
    return Audit.objects.get(kind=Audit.Kind.CERTIFICATION, unit__code="DOHA")


def test_the_certification_audit_has_6_minor_nonconformities_and_7_observations(made):
    audit = _certification()
    grades = list(audit.findings.values_list("grade", flat=True))
    assert grades.count("minor") == 6 and grades.count("observation") == 7 and len(grades) == 13


def test_the_six_are_the_nonconformities_demos_linked_both_ways_never_raised_twice(made):
    audit = _certification()
    for unit, _clause, title, *_rest in QUACERT_FINDINGS:
        [nc] = Nonconformity.objects.filter(unit__code=unit, title=title)
        finding = Finding.objects.get(nonconformity=nc)
        assert finding.audit == audit and nc.source_object == finding
        assert nc.status == Nonconformity.Status.CLOSED
    assert Nonconformity.objects.filter(source=Nonconformity.Source.EXTERNAL_AUDIT, unit__code__startswith="DOHA"
                                        ).count() == 6


def test_the_report_is_signed_and_the_audit_closed(made):
    audit = _certification()
    assert audit.status == Audit.Status.CLOSED and audit.conclusion and audit.report_signed_at


def test_two_observations_led_to_improvement_actions(made):
    audit = _certification()
    actions = [f.improvement_action for f in audit.findings.filter(improvement_action__isnull=False)]
    assert len(actions) == 2 and {a.kind for a in actions} == {"improvement"}
    assert sorted(a.status for a in actions) == ["done", "open"]


def test_a_second_run_makes_nothing(made):
    assert audits_demo.seed() == 0
    assert _certification().findings.count() == 13


def test_the_response_page_shows_every_nonconformity_answered(made):
    client = Client()
    client.force_login(User.objects.get(username="doccontrol"))
    audit = _certification()
    body = client.get(reverse("audits:audit_response", args=[audit.pk])).content.decode()
    assert "7 of 13 findings answered" in body  # 6 closed nonconformities, 1 improvement done
    findings_page = client.get(reverse("audits:finding_list")).content.decode()
    assert audit.findings.first().get_absolute_url() in findings_page


def test_the_department_head_sees_the_findings_about_their_unit_only(made):
    client = Client()
    client.force_login(User.objects.get(username="depthead"))
    body = client.get(reverse("audits:finding_list")).content.decode()
    audit = _certification()
    for finding in audit.findings.select_related("unit"):
        shown = finding.get_absolute_url() in body
        assert shown == finding.unit.path.startswith(
            User.objects.get(username="depthead").primary_unit.path), finding.unit.code
