"""The audits area's lists keep their content in the cache (``audits/cached.py``,
``audits/selectors/plan_cache.py``): every row they show retires them when it changes (recorded by
``tests/fragment_check.py``), a cached visit reads none of their rows, and what a person does
through the services shows at once."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, Certificate, ChecklistTemplate, ProgrammeEntry, SurveillanceVisit
from audits.services import certificates as certificate_services
from audits.services import checklist as checklist_services
from audits.services import checklist_templates as template_services
from audits.services import findings as finding_services
from audits.services import plan as plan_services
from audits.services import plan_programme
from documents import services as document_services
from documents.models import Clause
from nonconformities import services as nc_services
from qms_portal import services as core
from qms_portal.models import Role, Unit
from qms_portal.services import save_tracked
from tests import factories
from tests.audits.factories_certificates import make_certificate
from tests.audits.findings_factories import record
from tests.audits.plan_factories import audit_in, make_audit, make_programme, on_mid_july, plan_world
from tests.documents.factories import doc_type
from tests.fragment_check import PieceRecorder, assert_cached_visit_reads_no_row, visit
from tests.helpers import built_once, fresh_world

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

ENTRIES = reverse("audits:programme_entry_list")
FINDINGS = reverse("audits:finding_list")
CERTIFICATES = reverse("audits:certificate_list")
VISITS = reverse("audits:surveillance_due")
TEMPLATES = reverse("audits:template_list")
AUDITS = reverse("audits:audit_list")
PROGRAMMES = reverse("audits:programme_list")

BEHIND = '<span class="badge text-bg-danger">Behind its month</span>'
LATE = '<span class="badge text-bg-danger">Late</span>'
WITHDRAWN = '<span class="badge text-bg-secondary">Withdrawn</span>'

# (url, params, the table of its rows)
LISTS = [
    (ENTRIES, {}, "audits_programmeentry"),
    (ENTRIES, {"state": "behind"}, "audits_programmeentry"),
    (FINDINGS, {}, "audits_finding"),
    (FINDINGS, {"open": "true"}, "audits_finding"),
    (CERTIFICATES, {}, "audits_certificate"),
    (CERTIFICATES, {"state": "all"}, "audits_certificate"),
    (VISITS, {"when": "all"}, "audits_surveillancevisit"),
    (TEMPLATES, {"show": "all"}, "audits_checklisttemplate"),
]


def procedure(w, code=""):
    return document_services.document_create(acting_user=factories._acting(), unit=w.agency, doc_type=doc_type("QT"),
                                             title="Quy trình tiếp nhận hồ sơ", process_owner=w.iso,
                                             category="operational", code=code)


def build_world():
    """The plan world with a programme of this year (dept1 in January: behind, with a procedure;
    dept2 in December), an audit in progress that carries out the first line, with a checklist
    question, a minor finding raised as a nonconformity and an observation; the checklist kept as
    a template; a certificate of the agency with a late surveillance visit and a surveillance audit
    planned for the other one."""
    w = plan_world()
    w.procedure = procedure(w, code=f"{w.prefix}QT-01")
    w.programme = make_programme(w, entries=[(w.dept2, 12, [])])
    w.entry = plan_programme.programme_entry_add(acting_user=w.iso, programme=w.programme, unit=w.dept1,
                                                 planned_month=1, clauses=[Clause.objects.get(number="7.5")],
                                                 procedures=[w.procedure])
    w.audit = audit_in(w, "notified", start=-5, programme_entry=w.entry, scope=[w.dept1], lead="auditor3", team=())
    checklist_services.checklist_item_add(acting_user=w.auditor3, audit=w.audit,
                                          question="Hồ sơ có được lưu đúng thời hạn không?",
                                          clause=Clause.objects.get(number="7.5"))
    plan_services.audit_transition(acting_user=w.auditor3, audit=w.audit, name="start")
    w.finding = record(w.audit, w.auditor3, unit=w.dept1)
    w.observation = record(w.audit, w.auditor3, grade="observation", unit=w.dept1, number=None)
    w.nc = finding_services.finding_raise_nonconformity(acting_user=w.auditor3, finding=w.finding)
    w.template = template_services.checklist_save_as_template(acting_user=w.iso, audit=w.audit, unit=w.agency,
                                                              name="Đánh giá hồ sơ")
    today = timezone.localdate()
    w.certificate = make_certificate(w.agency, issued_on=today - timedelta(days=400),
                                     expires_on=today + timedelta(days=700),
                                     surveillance=[today - timedelta(days=20), today + timedelta(days=300)])
    w.late, w.next_visit = w.certificate.surveillance.order_by("due_on")
    w.surveillance_audit = make_audit(w, kind=Audit.Kind.SURVEILLANCE, certification_body="QUACERT", start=200,
                                      lead=None, team=(), auditees=(), scope=[w.agency])
    certificate_services.surveillance_update(acting_user=w.iso, visit=w.next_visit, due_on=w.next_visit.due_on,
                                             audit=w.surveillance_audit)
    return w


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """``build_world()`` once per module, on the day the tests run on (``today``: mid-July)."""
    with pytest.MonkeyPatch.context() as patch:
        on_mid_july(patch)
        with built_once(django_db_blocker, build_world) as world:
            yield world


@pytest.fixture
def w(_world, today, db):
    return fresh_world(_world)


# --- what each list shows retires it -------------------------------------------------------------------


def test_every_row_the_cached_lists_show_retires_them_when_it_changes(w, client_for, monkeypatch):
    recorder = PieceRecorder(monkeypatch)
    for person in (w.mr, w.iso, w.auditor3, w.head2):
        client = client_for(person)
        for url, params, _table in LISTS:
            if client.get(url, params).status_code == 200:  # (not every reader may open every list)
                visit(client, url, params)
        for url in (AUDITS, PROGRAMMES, VISITS):
            if client.get(url).status_code == 200:
                visit(client, url)
    assert recorder.problems() == []
    assert recorder.models_seen() >= {
        "audits.ProgrammeEntry", "audits.AuditProgramme", "audits.Audit", "audits.Finding", "audits.Certificate",
        "audits.SurveillanceVisit", "audits.ChecklistTemplate", "documents.Clause", "documents.Document",
        "nonconformities.Nonconformity", "qms_portal.Unit", "qms_portal.User"}


@pytest.mark.parametrize(("url", "params", "table"), LISTS)
def test_a_cached_visit_reads_no_row_of_the_list(url, params, table, w, client_for):
    assert_cached_visit_reads_no_row(client_for(w.mr), url, params, table)


# --- what people do shows at once ----------------------------------------------------------------------


def test_an_audits_progress_a_new_clause_and_a_renamed_procedure_show_at_once_in_the_entries(w, client_for):
    client = client_for(w.mr)
    page = visit(client, ENTRIES)
    assert w.audit.number in page and "(In progress)" in page and BEHIND in page
    assert 'd-lg-table-cell">9.2</td>' not in page and w.procedure.code in page
    plan_services.audit_transition(acting_user=w.auditor3, audit=Audit.objects.get(pk=w.audit.pk), name="report")
    dept2_line = ProgrammeEntry.objects.get(programme=w.programme, unit=w.dept2)
    plan_programme.programme_entry_update(acting_user=w.iso, entry=dept2_line, unit=w.dept2, planned_month=12,
                                          clauses=[Clause.objects.get(number="9.2")])
    document_services.document_update(acting_user=factories._acting(), document=w.procedure,
                                      code=f"{w.prefix}QT-99")
    page = visit(client, ENTRIES)
    assert "(Reporting)" in page and "(In progress)" not in page
    assert 'd-lg-table-cell">9.2</td>' in page and f"{w.prefix}QT-99" in page


def test_a_new_finding_and_its_nonconformitys_status_show_at_once(w, client_for):
    client = client_for(w.mr)
    page = visit(client, FINDINGS)
    assert f"{w.audit.number}/{w.finding.number}" in page and w.nc.number in page and "Reported" in page
    fresh = record(w.audit, w.auditor3, grade="major", unit=w.dept1, number="8.5",
                   description="Không có biên bản bàn giao hồ sơ.")
    nc_services.nonconformity_transition(acting_user=w.iso, nonconformity=w.nc, name="accept")
    page = visit(client, FINDINGS)
    assert f"{w.audit.number}/{fresh.number}" in page and "Not raised yet" in page
    assert "Accepted" in page
    # "still open": the new major finding is listed until its nonconformity is raised
    assert f"{w.audit.number}/{fresh.number}" in visit(client, FINDINGS, {"open": "true"})


def test_a_new_certificate_a_withdrawal_and_a_visits_audit_show_at_once(w, client_for):
    client = client_for(w.mr)
    assert w.certificate.number in visit(client, CERTIFICATES)
    visits = visit(client, VISITS, {"when": "all"})
    assert w.surveillance_audit.number in visits and LATE in visits
    today = timezone.localdate()
    other = make_certificate(w.dept2, number=f"HT {w.prefix}/02", issued_on=today - timedelta(days=10),
                             expires_on=today + timedelta(days=60))
    page = visit(client, CERTIFICATES)
    assert other.number in page and "Expires soon" in page
    certificate_services.certificate_withdraw(acting_user=w.iso, certificate=Certificate.objects.get(pk=other.pk),
                                              reason="Thay bằng chứng chỉ mới")
    assert other.number not in visit(client, CERTIFICATES)
    assert WITHDRAWN in visit(client, CERTIFICATES, {"state": "all"})
    # the visit's audit closed: the visit is done, and leaves the list
    audit = Audit.objects.get(pk=w.surveillance_audit.pk)
    audit.status = Audit.Status.CLOSED
    save_tracked(audit, factories._acting())
    assert w.surveillance_audit.number not in visit(client, VISITS, {"when": "all"})
    certificate_services.surveillance_update(acting_user=w.iso, visit=SurveillanceVisit.objects.get(pk=w.late.pk),
                                             due_on=today + timedelta(days=30))
    assert LATE not in visit(client, VISITS, {"when": "all"})


def test_a_templates_questions_and_its_use_show_at_once(w, client_for):
    client = client_for(w.iso)
    assert re.search(r'<td class="text-end">1</td>', visit(client, TEMPLATES))
    template = ChecklistTemplate.objects.get(pk=w.template.pk)
    item = template.items.get()
    template_services.checklist_template_update(
        acting_user=w.iso, template=template, name="Đánh giá hồ sơ", is_active=False,
        questions=[{"item": item, "clause": item.clause, "question": item.question},
                   {"item": None, "clause": None, "question": "Có sổ theo dõi không?"}])
    assert w.template.name not in visit(client, TEMPLATES)  # no longer in use
    page = visit(client, TEMPLATES, {"show": "all"})
    assert "No longer in use" in page and re.search(r'<td class="text-end">2</td>', page)


def test_a_renamed_unit_shows_at_once_on_every_list(w, client_for):
    client = client_for(w.mr)
    urls = [(ENTRIES, {}), (FINDINGS, {}), (CERTIFICATES, {}), (VISITS, {"when": "all"}),
            (TEMPLATES, {"show": "all"})]
    for url, params in urls:
        visit(client, url, params)
    core.unit_update(acting_user=factories._acting(), unit=Unit.objects.get(pk=w.dept1.pk), name="Phòng Mới")
    core.unit_update(acting_user=factories._acting(), unit=Unit.objects.get(pk=w.agency.pk), name="Sở Mới")
    for url, params in urls:
        page = visit(client, url, params)
        assert "Phòng Mới" in page or "Sở Mới" in page, url


def test_a_member_added_to_an_audit_sees_its_findings_at_once(w, client_for):
    """The grant on the audit (``AuditUserObjectPermission``) opens its findings: it retires the list."""
    audit_in(w, "planned", start=30, lead="auditor2", team=(), scope=[w.dept2])  # the list opens for them
    client = client_for(w.auditor2)
    assert f"{w.audit.number}/{w.finding.number}" not in visit(client, FINDINGS)
    audit = Audit.objects.get(pk=w.audit.pk)
    audit.team.add(w.auditor2)
    plan_services.sync_grants(audit)
    assert f"{w.audit.number}/{w.finding.number}" in visit(client, FINDINGS)


# --- a right beyond the list's own permission is in the key --------------------------------------------


def test_a_role_to_conduct_audits_opens_their_findings_at_once(w, client_for):
    """A role holding "conduct" on a unit opens the findings of its audits (``Finding.scope_extra``)
    without changing the reader's scope for reading findings: the content is keyed by both."""
    client = client_for(w.head2)  # department head of dept2: the findings about dept2
    assert f"{w.audit.number}/{w.finding.number}" not in visit(client, FINDINGS)
    conduct = Role.objects.create(code=f"{w.prefix}conduct".lower(), name="Conduct audits")
    conduct.permissions.add(Permission.objects.get(codename="conduct_audit", content_type__app_label="audits"))
    factories.assign(w.head2, conduct, w.agency, include_subunits=False)
    assert f"{w.audit.number}/{w.finding.number}" in visit(client, FINDINGS)


def test_the_create_button_follows_the_permission_not_the_cache(w, client_for):
    create = reverse("audits:certificate_create")
    assert create in visit(client_for(w.iso), CERTIFICATES)
    assert create not in visit(client_for(w.steering), CERTIFICATES)


def test_the_entries_state_follows_the_day(w, client_for, monkeypatch, today):
    """"Behind its month" turns on today's month: the day is in the key, a new day builds anew."""
    client = client_for(w.mr)
    assert BEHIND in visit(client, ENTRIES)
    january = today.replace(month=1, day=15)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: january)
    assert BEHIND not in visit(client, ENTRIES)
