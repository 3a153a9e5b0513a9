"""The plan part of the audits demo: this year's programmes (two approved with the management
representative's signature, the bureau's waiting for approval), the district's closed internal
audit (report signed) and Ward 1's in progress today, and the certification audit's shell —
built through the services, in the agencies' languages, idempotent; and the README's logins see them."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits import demo_plan
from audits.models import Audit, AuditProgramme
from qms_portal.demo import seed_demo
from qms_portal.models import User
from qms_portal.workflow import transitions_of
from tests.helpers import built_once

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    def build():
        seed_demo()
        shared = {"language": "en"}
        assert demo_plan.seed(shared) > 0
        again = demo_plan.seed(shared)
        return shared, again

    with built_once(django_db_blocker, build) as made:
        yield made


@pytest.fixture
def made(_demo, db):
    return _demo


def login(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_second_run_makes_nothing_and_still_hands_the_audits_on(made):
    shared, again = made
    assert again == 0
    assert {"closed", "in_progress", "certification", "programmes"} <= set(shared["audits"])


def test_the_programmes_of_the_year(made):
    year = timezone.localdate().year
    programmes = {p.unit.code: p for p in AuditProgramme.objects.filter(year=year).select_related("unit")}
    assert programmes["DIST"].status == AuditProgramme.Status.APPROVED
    assert programmes["DOHA"].status == AuditProgramme.Status.APPROVED
    assert programmes["CB"].status == AuditProgramme.Status.DRAFT and "年度内部审核方案" in programmes["CB"].title
    signed = transitions_of(programmes["DIST"]).get(transition="approve")
    assert signed.signature_meaning == "approved" and signed.actor.username == "dist-mr"
    assert programmes["DIST"].entries.count() == len(demo_plan.DIST_ENTRIES)


def test_the_district_audits_closed_and_in_progress(made):
    shared, _again = made
    closed, in_progress = shared["audits"]["closed"], shared["audits"]["in_progress"]
    closed.refresh_from_db()
    assert closed.status == Audit.Status.CLOSED and closed.report_signed_at
    assert transitions_of(closed).get(transition="close").actor.username == "auditor"
    assert in_progress.status == Audit.Status.IN_PROGRESS and in_progress.starts_on == timezone.localdate()
    assert {u.username for u in in_progress.team.all()} == {"dist-auditor"}
    assert in_progress.programme_entry.programme.unit.code == "DIST"


def test_the_certification_audit_shell(made):
    shared, _again = made
    audit = shared["audits"]["certification"]
    assert audit.kind == Audit.Kind.CERTIFICATION and audit.certification_body == "QUACERT"
    assert audit.unit.code == "DOHA" and audit.lead_auditor.username == "doccontrol"
    assert audit.response_due and audit.status in (Audit.Status.IN_PROGRESS, Audit.Status.REPORTING,
                                                   Audit.Status.CLOSED)


def test_the_logins_see_what_the_readme_says(made):
    shared, _again = made
    in_progress = shared["audits"]["in_progress"]
    auditor = login("auditor")
    assert in_progress.number in auditor.get(reverse("home")).content.decode()
    assert auditor.get(in_progress.get_absolute_url()).status_code == 200
    assert login("staff").get(in_progress.get_absolute_url()).status_code == 200
    assert login("depthead").get(in_progress.get_absolute_url()).status_code == 404
    assert "Audit programmes to approve" in login("cb-mr").get(reverse("home")).content.decode()
    dist = AuditProgramme.objects.get(unit__code="DIST", year=timezone.localdate().year)
    page = login("dist-mr").get(dist.get_absolute_url()).content.decode()
    assert "<svg" in page
    assert User.objects.get(username="dist-auditor").language == "vi"
