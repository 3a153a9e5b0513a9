"""The findings pages: recording a finding on a phone (from a checklist item or directly; a missing
clause refused with the input kept), its page with the nonconformity raised from it (and the
nonconformity's page pointing back), an observation's improvement action, the findings list of an
auditee (their unit's only, the same queries whatever the rows), the report and its PDF, the
certification body's response with its countdown and its dossier PDF."""

import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, ChecklistItem, Finding
from audits.services import findings as services
from nonconformities.models import Nonconformity
from qms_portal.pdf import weasyprint_problem
from qms_portal.services import save_tracked
from tests.audits import findings_factories
from tests.audits.findings_factories import clause, make_audit, record
from tests.helpers import need
from tests.nonconformities.factories import close, in_future, to_verification

_fs_world, fs = findings_factories._fs_world, findings_factories.fs  # the test world's fixtures
pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]
S = Audit.Status


def _audit(fs, **kw):
    return make_audit(fs.office, lead=fs.lead, team=[fs.member], auditees=[fs.head], **kw)


def needs_pdf():
    need(weasyprint_problem() is None, "WeasyPrint cannot render here", "QMS_REQUIRE_BROWSER")


def pdf_text(data):
    from pypdf import PdfReader

    return re.sub(r"\s+", "", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_an_auditor_records_a_finding_from_a_checklist_item(fs, client_for):
    audit = _audit(fs)
    item = save_tracked(ChecklistItem(audit=audit, question="Hồ sơ có phiếu kiểm soát không?",
                                      clause=clause("7.5.3"), answer="nonconformity", notes="4/20 hồ sơ thiếu"),
                        fs.member)
    client = client_for(fs.member)
    url = reverse("audits:finding_create", args=[audit.pk]) + f"?item={item.pk}"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["grade"] == "minor" and form.initial["clause"] == item.clause_id
    assert form.initial["evidence"] == "4/20 hồ sơ thiếu"
    assert 'capture="environment"' in page.content.decode()
    response = client.post(reverse("audits:finding_create", args=[audit.pk]), {
        "item": item.pk, "grade": "minor", "unit": fs.office.pk, "clause": item.clause_id,
        "requirement": item.question, "evidence": "4/20 hồ sơ thiếu", "description": "Thiếu phiếu kiểm soát"})
    finding = Finding.objects.get(audit=audit)
    assert response.status_code == 302 and response["Location"] == finding.get_absolute_url()
    assert finding.checklist_item == item and finding.recorded_by == fs.member


def test_a_nonconformity_without_a_clause_is_refused_and_the_input_kept(fs, client_for):
    audit = _audit(fs)
    response = client_for(fs.lead).post(reverse("audits:finding_create", args=[audit.pk]), {
        "grade": "major", "unit": fs.office.pk, "description": "Không có kế hoạch đánh giá nội bộ",
        "evidence": "Sổ họp tháng 3"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "A nonconformity needs the ISO 9001 clause it does not meet." in body
    assert "Không có kế hoạch đánh giá nội bộ" in body and "Sổ họp tháng 3" in body
    assert not audit.findings.exists()


def test_only_the_audits_auditors_open_the_recording_form(fs, client_for):
    audit = _audit(fs)
    url = reverse("audits:finding_create", args=[audit.pk])
    assert client_for(fs.auditor_only).get(url).status_code == 403  # the role alone gives no audit
    assert client_for(fs.head).get(url).status_code == 403  # an auditee
    assert client_for(fs.member).get(url).status_code == 200


def test_the_finding_becomes_a_nonconformity_from_its_page_and_it_points_back(fs, client_for):
    audit = _audit(fs, status=S.REPORTING)
    finding = record(audit, fs.lead)
    client = client_for(fs.lead)
    page = client.get(finding.get_absolute_url()).content.decode()
    assert reverse("audits:finding_raise", args=[finding.pk]) in page
    response = client.post(reverse("audits:finding_raise", args=[finding.pk]))
    assert response.status_code == 302
    finding.refresh_from_db()
    nc = finding.nonconformity
    assert nc is not None
    assert nc.number in client.get(finding.get_absolute_url()).content.decode()
    # the nonconformity's page names its source, linked for who may see the finding
    nc_page = client_for(fs.head).get(nc.get_absolute_url()).content.decode()
    assert f'href="{finding.get_absolute_url()}"' in nc_page
    # and it is in the nonconformity register of the unit
    register = client_for(fs.iso).get(reverse("nonconformities:register")).content.decode()
    assert nc.get_absolute_url() in register


def test_an_auditee_sees_the_finding_but_cannot_change_or_raise_it(fs, client_for):
    finding = record(_audit(fs), fs.lead)
    client = client_for(fs.staff)
    page = client.get(finding.get_absolute_url())
    assert page.status_code == 200
    assert reverse("audits:finding_raise", args=[finding.pk]) not in page.content.decode()
    assert client.get(reverse("audits:finding_edit", args=[finding.pk])).status_code == 403
    assert client.post(reverse("audits:finding_raise", args=[finding.pk])).status_code == 403
    assert client_for(fs.outsider).get(finding.get_absolute_url()).status_code == 404


def test_the_department_head_plans_an_improvement_action_for_an_observation(fs, client_for):
    finding = record(_audit(fs), fs.lead, grade="observation", number=None)
    client = client_for(fs.head)
    url = reverse("audits:finding_improvement", args=[finding.pk])
    assert url in client.get(finding.get_absolute_url()).content.decode()
    bad = client.post(url, {"description": "Số hoá sổ", "owner": fs.owner1.pk,
                            "due": (timezone.localdate() - timedelta(days=2)).isoformat()})
    assert bad.status_code == 200 and "Số hoá sổ" in bad.content.decode()
    response = client.post(url, {"description": "Số hoá sổ", "owner": fs.owner1.pk, "due": in_future().isoformat()})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.improvement_action.owner == fs.owner1


def test_the_auditee_lists_only_the_findings_about_their_unit(fs, client_for):
    audit = make_audit(fs.root, lead=fs.lead, scope_units=[fs.office, fs.other_office])
    mine = record(audit, fs.lead, unit=fs.office)
    other = record(audit, fs.lead, unit=fs.other_office)
    body = client_for(fs.staff).get(reverse("audits:finding_list")).content.decode()
    assert mine.get_absolute_url() in body and other.get_absolute_url() not in body
    lead_body = client_for(fs.lead).get(reverse("audits:finding_list")).content.decode()
    assert mine.get_absolute_url() in lead_body and other.get_absolute_url() in lead_body
    assert client_for(fs.nobody).get(reverse("audits:finding_list")).status_code == 403


def _count(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_findings_list_makes_the_same_queries_whatever_the_rows(fs, client_for):
    audit = _audit(fs, status=S.REPORTING)
    record(audit, fs.lead)
    client = client_for(fs.head)
    url = reverse("audits:finding_list")
    small = _count(client, url)
    for i in range(12):
        finding = record(audit, fs.lead, grade="major" if i % 2 else "observation",
                         number="8.5" if i % 2 else None, description=f"Phát hiện {i}")
        if i % 3 == 0 and finding.is_nonconformity:
            services.finding_raise_nonconformity(acting_user=fs.lead, finding=finding)
    assert _count(client, url) == small


def test_the_lead_writes_the_report_others_cannot(fs, client_for):
    audit = _audit(fs, status=S.REPORTING)
    record(audit, fs.lead)
    url = reverse("audits:audit_report", args=[audit.pk])
    client = client_for(fs.lead)
    page = client.get(url).content.decode()
    assert reverse("audits:audit_findings_raise", args=[audit.pk]) in page  # the close needs them raised
    response = client.post(url, {"summary": "Đánh giá Văn phòng", "conclusion": "Phù hợp, có 1 điểm loại 2"})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.conclusion == "Phù hợp, có 1 điểm loại 2"
    assert client_for(fs.member).get(url).status_code == 403
    assert client_for(fs.head).get(url).status_code == 403


def test_raise_all_from_the_report_page(fs, client_for):
    audit = _audit(fs, status=S.REPORTING)
    record(audit, fs.lead)
    record(audit, fs.lead, grade="major", number="8.5")
    response = client_for(fs.member).post(reverse("audits:audit_findings_raise", args=[audit.pk]))
    assert response.status_code == 302
    assert not audit.findings.filter(grade__in=["major", "minor"], nonconformity__isnull=True).exists()


def test_the_report_pdf_holds_the_findings_by_clause_and_the_conclusion(fs, client_for):
    needs_pdf()
    audit = _audit(fs, status=S.REPORTING)
    services.audit_report_update(acting_user=fs.lead, audit=audit, summary="Tóm tắt đánh giá",
                                 conclusion="Hệ thống phù hợp")
    record(audit, fs.lead, description="Thiếu phiếu kiểm soát hồ sơ")
    response = client_for(fs.head).get(reverse("audits:audit_report_pdf", args=[audit.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (audit.number, "7.5.3", "Thiếuphiếukiểmsoáthồsơ", "Hệthốngphùhợp", "Tómtắtđánhgiá"):
        assert expected in text


def test_the_response_page_counts_down_and_shows_each_findings_answer(fs, client_for):
    audit = _audit(fs, kind=Audit.Kind.CERTIFICATION, status=S.REPORTING)
    audit.response_due = timezone.localdate() + timedelta(days=12)
    audit.save()
    answered = record(audit, fs.lead, description="Văn bản hết hiệu lực")
    open_one = record(audit, fs.lead, description="Thiếu kế hoạch mục tiêu", number="6.2")
    record(audit, fs.lead, grade="observation", number=None, description="Nên số hoá")
    for finding in (answered, open_one):
        services.finding_raise_nonconformity(acting_user=fs.lead, finding=finding)
        finding.refresh_from_db()
    nc, _actions = to_verification(fs, finding_nc := answered.nonconformity)
    close(fs, nc)
    page = client_for(fs.mr).get(reverse("audits:audit_response", args=[audit.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "12 days left" in body
    assert "1 of 3 findings answered" in body
    assert "Không có bước kiểm tra thời hạn trong quy trình." in body  # the cause, from the nonconformity
    assert finding_nc.number in body
    internal = _audit(fs)
    assert client_for(fs.mr).get(reverse("audits:audit_response", args=[internal.pk])).status_code == 404


def test_an_overdue_response_says_so(fs, client_for):
    audit = _audit(fs, kind=Audit.Kind.CERTIFICATION, status=S.REPORTING, days_ago=40)
    audit.response_due = timezone.localdate() - timedelta(days=3)
    audit.save()
    assert "3 days overdue" in client_for(fs.lead).get(reverse("audits:audit_response", args=[audit.pk])
                                                       ).content.decode()


def test_the_response_due_date_is_set_by_who_manages_the_audit(fs, client_for):
    audit = _audit(fs, kind=Audit.Kind.CERTIFICATION, status=S.REPORTING)
    url = reverse("audits:audit_response_due", args=[audit.pk])
    assert client_for(fs.head).get(url).status_code == 403
    client = client_for(fs.lead)  # the lead holds change on the audit (plan's grants)
    bad = client.post(url, {"response_due": (audit.starts_on - timedelta(days=1)).isoformat()})
    assert bad.status_code == 200 and "The response is due after the audit ends." in bad.content.decode()
    due = timezone.localdate() + timedelta(days=30)
    assert client.post(url, {"response_due": due.isoformat()}).status_code == 302
    audit.refresh_from_db()
    assert audit.response_due == due


def test_the_response_dossier_pdf_lists_findings_actions_and_signatures(fs, client_for):
    needs_pdf()
    audit = _audit(fs, kind=Audit.Kind.CERTIFICATION, status=S.REPORTING)
    finding = record(audit, fs.lead, description="Văn bản hết hiệu lực")
    services.finding_raise_nonconformity(acting_user=fs.lead, finding=finding)
    finding.refresh_from_db()
    nc, _actions = to_verification(fs, finding.nonconformity)
    close(fs, nc)
    response = client_for(fs.lead).get(reverse("audits:audit_response_pdf", args=[audit.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (nc.number, "Vănbảnhếthiệulực", "Đãbổsungbướckiểmtra",
                     fs.mr.full_name.replace(" ", "")):
        assert expected in text
    assert client_for(fs.lead).get(reverse("audits:audit_response_pdf", args=[_audit(fs).pk])).status_code == 404


def test_nonconformity_kinds_are_the_nonconformity_areas(fs):
    assert set(Finding.NONCONFORMITY_GRADES) == {"major", "minor"}
    assert {c for c, _ in Nonconformity.Grade.choices} == {"major", "minor"}


def test_the_audit_page_shows_the_findings_section_to_each_by_their_rights(fs, client_for):
    audit = _audit(fs, status=S.REPORTING)
    record(audit, fs.lead, description="Thiếu phiếu kiểm soát")
    record(audit, fs.lead, grade="observation", number=None, description="Nên số hoá sổ theo dõi")
    lead_page = client_for(fs.lead).get(audit.get_absolute_url()).content.decode()
    for expected in (reverse("audits:finding_create", args=[audit.pk]), reverse("audits:audit_report", args=[audit.pk]),
                     reverse("audits:audit_findings_raise", args=[audit.pk]), "Thiếu phiếu kiểm soát"):
        assert expected in lead_page
    auditee_page = client_for(fs.head).get(audit.get_absolute_url()).content.decode()
    assert "Thiếu phiếu kiểm soát" in auditee_page and "Nên số hoá sổ theo dõi" in auditee_page
    for hidden in (reverse("audits:finding_create", args=[audit.pk]), reverse("audits:audit_report", args=[audit.pk]),
                   reverse("audits:audit_findings_raise", args=[audit.pk])):
        assert hidden not in auditee_page
    external = _audit(fs, kind=Audit.Kind.CERTIFICATION)
    assert reverse("audits:audit_response", args=[external.pk]) in client_for(fs.head).get(
        external.get_absolute_url()).content.decode()


def test_the_audit_page_makes_the_same_queries_whatever_the_findings(fs, client_for):
    audit = _audit(fs, status=S.REPORTING)
    record(audit, fs.lead)
    client = client_for(fs.lead)
    small = _count(client, audit.get_absolute_url())
    for i in range(8):
        record(audit, fs.member, grade="observation" if i % 2 else "minor", number=None if i % 2 else "8.7",
               description=f"Phát hiện {i}")
    assert _count(client, audit.get_absolute_url()) == small


def test_checklist_answers_waiting_for_a_finding_are_offered_to_the_auditors(fs, client_for):
    audit = _audit(fs)
    waiting = save_tracked(ChecklistItem(audit=audit, question="Có sổ theo dõi hồ sơ trễ hạn không?",
                                         answer="nonconformity", clause=clause("8.7")), fs.member)
    done = save_tracked(ChecklistItem(audit=audit, question="Có niêm yết thủ tục không?", answer="observation"),
                        fs.member)
    save_tracked(ChecklistItem(audit=audit, question="Có phiếu hẹn không?", answer="conforms"), fs.member)
    record(audit, fs.member, grade="observation", number=None, checklist_item=done)
    page = client_for(fs.member).get(audit.get_absolute_url()).content.decode()
    create = reverse("audits:finding_create", args=[audit.pk])
    assert f"{create}?item={waiting.pk}" in page
    assert f"{create}?item={done.pk}" not in page
    assert "?item=" not in client_for(fs.head).get(audit.get_absolute_url()).content.decode()


def test_my_work_lists_the_findings_to_raise_and_the_observations_about_my_unit(fs, client_for):
    audit = _audit(fs, status=S.REPORTING)
    to_raise = record(audit, fs.lead)
    observation = record(audit, fs.lead, grade="observation", number=None, description="Nên số hoá sổ")
    lead_home = client_for(fs.lead).get(reverse("home")).content.decode()
    assert "Findings to raise as nonconformities" in lead_home and to_raise.get_absolute_url() in lead_home
    head_home = client_for(fs.head).get(reverse("home")).content.decode()
    assert "Audit observations about my units" in head_home and observation.get_absolute_url() in head_home
    assert to_raise.get_absolute_url() not in head_home
    services.finding_raise_nonconformity(acting_user=fs.lead, finding=to_raise)
    services.finding_improvement_create(acting_user=fs.head, finding=observation, description="Số hoá",
                                        owner=fs.owner1, due=in_future())
    assert to_raise.get_absolute_url() not in client_for(fs.lead).get(reverse("home")).content.decode()
    assert observation.get_absolute_url() not in client_for(fs.head).get(reverse("home")).content.decode()


def test_the_history_tab_shows_a_correction_of_the_finding(fs, client_for):
    finding = record(_audit(fs), fs.lead, grade="observation", number=None)
    client = client_for(fs.member)
    response = client.post(reverse("audits:finding_edit", args=[finding.pk]), {
        "grade": "observation", "unit": fs.office.pk, "clause": "", "procedure": "", "requirement": "",
        "evidence": "Sổ theo dõi tháng 3", "description": finding.description})
    assert response.status_code == 302
    history = client_for(fs.head).get(reverse("audits:finding_history", args=[finding.pk])).content.decode()
    assert "Evidence" in history  # the field's label
    assert fs.member.full_name in history


def test_the_findings_list_filters_by_grade_and_still_open(fs, client_for):
    audit = _audit(fs, status=S.REPORTING)
    raised = record(audit, fs.lead, description="Đã lập")
    services.finding_raise_nonconformity(acting_user=fs.lead, finding=raised)
    waiting = record(audit, fs.lead, grade="major", number="8.5", description="Chưa lập")
    observation = record(audit, fs.lead, grade="observation", number=None, description="Lưu ý")
    client = client_for(fs.lead)
    url = reverse("audits:finding_list")
    by_grade = client.get(url, {"grade": "observation"}).content.decode()
    assert observation.get_absolute_url() in by_grade and waiting.get_absolute_url() not in by_grade
    still_open = client.get(url, {"open": "true"}).content.decode()
    assert raised.get_absolute_url() in still_open and waiting.get_absolute_url() in still_open
    assert observation.get_absolute_url() not in still_open
    searched = client.get(url, {"q": "Chưa lập"}).content.decode()
    assert waiting.get_absolute_url() in searched and raised.get_absolute_url() not in searched


def test_a_finding_is_linked_from_its_page_to_a_nonconformity_raised_earlier(fs, client_for):
    from nonconformities import services as nc_services
    from qms_portal import permissions

    audit = _audit(fs, kind=Audit.Kind.CERTIFICATION)
    nc = nc_services.nonconformity_create(acting_user=fs.iso, unit=fs.office,
                                          source=Nonconformity.Source.EXTERNAL_AUDIT, title="QUACERT 2",
                                          description="Thiếu phiếu", clause=clause("7.5.3"))
    permissions.grant(fs.lead, "view", nc)
    finding = record(audit, fs.lead)
    client = client_for(fs.lead)
    url = reverse("audits:finding_link", args=[finding.pk])
    assert url in client.get(finding.get_absolute_url()).content.decode()
    assert nc.number in client.get(url).content.decode()
    assert client.post(url, {"nonconformity": nc.pk}).status_code == 302
    finding.refresh_from_db()
    assert finding.nonconformity == nc


def test_the_response_page_makes_the_same_queries_whatever_the_findings(fs, client_for):
    from nonconformities import services as nc_services
    from tests.nonconformities.factories import analysed

    audit = _audit(fs, kind=Audit.Kind.CERTIFICATION, status=S.REPORTING)

    def answered(i, kind):
        if kind == "nc":
            finding = record(audit, fs.lead, description=f"Điểm {i}")
            nc = analysed(fs, services.finding_raise_nonconformity(acting_user=fs.lead, finding=finding))
            for what in ("correction", "corrective"):
                nc_services.action_create(acting_user=fs.head, nonconformity=nc, description=f"{what} {i}",
                                          owner=fs.owner1, due=in_future(), kind=what)
        else:
            finding = record(audit, fs.lead, grade="observation", number=None, description=f"Lưu ý {i}")
            services.finding_improvement_create(acting_user=fs.head, finding=finding, description=f"Cải tiến {i}",
                                                owner=fs.owner2, due=in_future())

    answered(0, "nc")
    answered(0, "obs")
    client = client_for(fs.mr)
    url = reverse("audits:audit_response", args=[audit.pk])
    small = _count(client, url)
    for i in range(1, 5):
        answered(i, "nc")
        answered(i, "obs")
    assert _count(client, url) == small


def test_the_report_pdf_prints_chinese_findings_for_a_chinese_reader(fs, client_for):
    needs_pdf()
    from qms_portal.services import user_update

    audit = _audit(fs, status=S.REPORTING)
    record(audit, fs.lead, description="审批大厅二维码评价未按时回访")
    from tests.factories import _acting

    user_update(acting_user=_acting(), user=fs.head, language="zh-hans")
    response = client_for(fs.head).get(reverse("audits:audit_report_pdf", args=[audit.pk]))
    assert response.status_code == 200
    assert "审批大厅二维码评价未按时回访" in pdf_text(response.content)
