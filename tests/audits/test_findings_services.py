"""The findings services: recording (grade, clause required for nonconformities, unit in scope,
numbering, who may), correcting, raising the nonconformity (linked both ways), linking one raised
earlier, an observation's improvement action, the report and the response's due date."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits.models import Audit, Finding
from audits.services import findings as services
from nonconformities.models import CorrectiveAction, Nonconformity
from nonconformities.selectors import nonconformities_of
from qms_portal.models import Notification
from qms_portal.permissions import can
from tests.audits import findings_factories
from tests.audits.findings_factories import clause, fresh, make_audit, record
from tests.nonconformities.factories import in_future

_fs_world, fs = findings_factories._fs_world, findings_factories.fs  # the test world's fixtures
pytestmark = pytest.mark.django_db
S = Audit.Status


def _audit(fs, **kw):
    return make_audit(fs.office, lead=fs.lead, team=[fs.member], auditees=[fs.head], **kw)


def test_a_finding_is_numbered_within_its_audit(fs):
    audit = _audit(fs)
    first = record(audit, fs.lead)
    second = record(audit, fs.member, grade="observation", number=None, description="Có thể cải tiến")
    other = record(_audit(fs), fs.lead)
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.recorded_by == fs.lead


def test_it_refuses_a_nonconformity_without_its_clause(fs):
    audit = _audit(fs)
    with pytest.raises(ValidationError) as error:
        record(audit, fs.lead, grade="major", number=None)
    assert "clause" in error.value.message_dict
    assert not audit.findings.exists()


def test_an_observation_needs_no_clause(fs):
    finding = record(_audit(fs), fs.lead, grade="observation", number=None)
    assert finding.clause is None


def test_it_refuses_a_unit_the_audit_does_not_cover(fs):
    with pytest.raises(ValidationError) as error:
        record(_audit(fs), fs.lead, unit=fs.other_office)
    assert "unit" in error.value.message_dict


def test_a_unit_in_the_audits_scope_is_accepted(fs):
    audit = make_audit(fs.dept, lead=fs.lead, scope_units=[fs.other_office])
    assert record(audit, fs.lead, unit=fs.other_office).unit == fs.other_office


def test_it_refuses_an_empty_description(fs):
    with pytest.raises(ValidationError) as error:
        record(_audit(fs), fs.lead, description="   ")
    assert "description" in error.value.message_dict


@pytest.mark.parametrize("status", [S.PLANNED, S.NOTIFIED, S.CLOSED])
def test_findings_are_recorded_only_on_site_or_while_reporting(fs, status):
    with pytest.raises(ValidationError):
        record(_audit(fs, status=status), fs.lead)


def test_only_the_auditors_of_the_audit_record_findings(fs):
    audit = _audit(fs)
    for person in (fs.auditor_only, fs.head, fs.mr, fs.nobody):
        with pytest.raises(PermissionDenied):
            record(audit, fresh(person))


def test_the_auditors_see_and_change_the_findings_the_auditees_only_see_theirs(fs):
    audit = _audit(fs)
    finding = record(audit, fs.lead)
    for person in (fs.lead, fs.member):
        assert can(fresh(person), "view", finding) and can(person, "change", finding)
    for person in (fs.head, fs.staff, fs.iso, fs.mr):
        assert can(fresh(person), "view", finding) and not can(person, "change", finding)
    for person in (fs.outsider, fs.nobody, fs.auditor_only):
        assert not can(fresh(person), "view", finding)


def test_an_auditee_does_not_see_the_findings_about_another_unit(fs):
    audit = make_audit(fs.dept, lead=fs.lead, auditees=[fs.head], scope_units=[fs.other_office])
    about_other = record(audit, fs.lead, unit=fs.other_office)
    about_office = record(audit, fs.lead, unit=fs.office)
    visible = set(Finding.objects.restrict(fresh(fs.head), "view"))
    assert about_office in visible and about_other not in visible


def test_a_finding_from_a_checklist_item_keeps_the_link(fs):
    from audits.models import ChecklistItem
    from qms_portal.services import save_tracked

    audit = _audit(fs)
    item = save_tracked(ChecklistItem(audit=audit, question="Có phiếu kiểm soát không?", clause=clause("7.5.3")),
                        fs.lead)
    finding = record(audit, fs.lead, checklist_item=item)
    assert finding.checklist_item == item
    other_item = save_tracked(ChecklistItem(audit=_audit(fs), question="?"), fs.lead)
    with pytest.raises(ValidationError):
        record(audit, fs.lead, checklist_item=other_item)


def test_a_photo_that_is_not_an_image_leaves_nothing_saved(fs):
    audit = _audit(fs)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        record(audit, fs.lead, photos=[fake])
    assert not audit.findings.exists()


def test_a_photo_is_attached_to_the_finding(fs):
    from io import BytesIO

    from PIL import Image

    from qms_portal.attachments import attachments_for

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    photo = SimpleUploadedFile("evidence.jpg", buffer.getvalue(), content_type="image/jpeg")
    finding = record(_audit(fs), fs.member, photos=[photo])
    assert [a.original_name for a in attachments_for(finding)] == ["evidence.jpg"]


def test_correcting_a_finding_keeps_the_rules(fs):
    finding = record(_audit(fs), fs.lead, grade="observation", number=None)
    services.finding_update(acting_user=fs.member, finding=finding, evidence="Sổ theo dõi tháng 3")
    finding.refresh_from_db()
    assert finding.evidence == "Sổ theo dõi tháng 3"
    with pytest.raises(ValidationError):
        services.finding_update(acting_user=fs.member, finding=finding, grade="minor")
    with pytest.raises(PermissionDenied):
        services.finding_update(acting_user=fresh(fs.head), finding=finding, evidence="x")


def test_a_closed_audits_findings_are_not_changed(fs):
    audit = _audit(fs)
    finding = record(audit, fs.lead, grade="observation", number=None)
    audit.status = S.CLOSED
    audit.save()
    with pytest.raises(ValidationError):
        services.finding_update(acting_user=fs.lead, finding=finding, evidence="x")


# --- into nonconformities -----------------------------------------------------------------------


def test_a_nonconformity_finding_becomes_a_nonconformity_linked_both_ways(fs):
    audit = _audit(fs)
    finding = record(audit, fs.lead, requirement="Quy trình kiểm soát hồ sơ, bước 4", evidence="4/20 hồ sơ")
    nc = services.finding_raise_nonconformity(acting_user=fs.lead, finding=finding)
    finding.refresh_from_db()
    assert finding.nonconformity == nc
    assert list(nonconformities_of(finding)) == [nc]
    assert nc.source == Nonconformity.Source.INTERNAL_AUDIT and nc.source_object == finding
    assert (nc.unit, nc.grade, nc.clause.number) == (fs.office, "minor", "7.5.3")
    assert nc.title.startswith(f"{audit.number}/1: ")
    assert "4/20 hồ sơ" in nc.description
    # the auditor audits another unit than their own: raised on the audit's behalf, and they follow it
    assert can(fresh(fs.lead), "view", nc)
    # the unit's department head is told (by the nonconformities area)
    assert Notification.objects.filter(recipient=fs.head, kind="nonconformity_reported").exists()


def test_an_external_audits_finding_becomes_an_external_audit_nonconformity(fs):
    audit = _audit(fs, kind=Audit.Kind.CERTIFICATION)
    nc = services.finding_raise_nonconformity(acting_user=fs.lead, finding=record(audit, fs.lead))
    assert nc.source == Nonconformity.Source.EXTERNAL_AUDIT


def test_an_auditor_who_may_raise_nonconformities_there_is_the_reporter(fs):
    audit = make_audit(fs.office, lead=fs.auditor_only)  # an internal auditor of dept (holds add_nonconformity)
    nc = services.finding_raise_nonconformity(acting_user=fs.auditor_only, finding=record(audit, fs.auditor_only))
    assert nc.reported_by == fs.auditor_only


def test_it_raises_a_nonconformity_only_once_and_only_for_nonconformity_grades(fs):
    audit = _audit(fs)
    finding = record(audit, fs.lead)
    services.finding_raise_nonconformity(acting_user=fs.lead, finding=finding)
    with pytest.raises(ValidationError):
        services.finding_raise_nonconformity(acting_user=fs.lead, finding=finding)
    observation = record(audit, fs.lead, grade="observation", number=None)
    with pytest.raises(ValidationError):
        services.finding_raise_nonconformity(acting_user=fs.lead, finding=observation)
    with pytest.raises(PermissionDenied):
        services.finding_raise_nonconformity(acting_user=fresh(fs.head), finding=record(audit, fs.lead))


def test_once_raised_the_grade_unit_and_clause_stay(fs):
    finding = record(_audit(fs), fs.lead)
    services.finding_raise_nonconformity(acting_user=fs.lead, finding=finding)
    with pytest.raises(ValidationError):
        services.finding_update(acting_user=fs.lead, finding=finding, grade="major")
    with pytest.raises(ValidationError):
        services.finding_update(acting_user=fs.lead, finding=finding, clause=clause("8.7"))
    services.finding_update(acting_user=fs.lead, finding=finding, evidence="Thêm bằng chứng", grade="minor")


def test_raising_them_all_leaves_none_missing(fs):
    from audits.selectors.findings import missing_nonconformities

    audit = _audit(fs, status=S.REPORTING)
    record(audit, fs.lead)
    record(audit, fs.member, grade="major", number="8.5")
    record(audit, fs.member, grade="observation", number=None)
    assert missing_nonconformities(audit).count() == 2
    raised = services.findings_raise_nonconformities(acting_user=fs.member, audit=audit)
    assert len(raised) == 2 and not missing_nonconformities(audit).exists()
    assert {nc.grade for nc in raised} == {"minor", "major"}


def test_a_finding_links_to_a_nonconformity_raised_before_it(fs):
    from nonconformities import services as nc_services

    audit = _audit(fs, kind=Audit.Kind.CERTIFICATION)
    nc = nc_services.nonconformity_create(acting_user=fs.iso, unit=fs.office,
                                          source=Nonconformity.Source.EXTERNAL_AUDIT, title="QUACERT 1",
                                          description="Thiếu phiếu", clause=clause("7.5.3"))
    staff_nc = nc_services.nonconformity_create(acting_user=fs.iso, unit=fs.office,
                                                source=Nonconformity.Source.STAFF_REPORT, title="Báo cáo",
                                                description="x")
    finding = record(audit, fs.lead)
    with pytest.raises(ValidationError):  # the lead cannot see it
        services.finding_link_nonconformity(acting_user=fresh(fs.lead), finding=finding, nonconformity=nc)
    from qms_portal import permissions

    permissions.grant(fs.lead, "view", nc)
    permissions.grant(fs.lead, "view", staff_nc)
    with pytest.raises(ValidationError):  # not from an audit
        services.finding_link_nonconformity(acting_user=fs.lead, finding=finding, nonconformity=staff_nc)
    services.finding_link_nonconformity(acting_user=fs.lead, finding=finding, nonconformity=nc)
    nc.refresh_from_db()
    finding.refresh_from_db()
    assert finding.nonconformity == nc and nc.source_object == finding
    second = record(audit, fs.lead)
    with pytest.raises(ValidationError):  # already the source of another finding
        services.finding_link_nonconformity(acting_user=fs.lead, finding=second, nonconformity=nc)


# --- observations --------------------------------------------------------------------------------


def test_an_observation_tells_the_units_head_and_leads_to_an_improvement_action(fs):
    finding = record(_audit(fs), fs.lead, grade="observation", number=None, description="Nên số hoá sổ theo dõi")
    assert Notification.objects.filter(recipient=fs.head, kind="finding_observation").count() == 1
    with pytest.raises(PermissionDenied):  # the auditor does not plan the unit's actions
        services.finding_improvement_create(acting_user=fs.lead, finding=finding, description="x", owner=fs.staff,
                                            due=in_future())
    action = services.finding_improvement_create(acting_user=fresh(fs.head), finding=finding,
                                                 description="Số hoá sổ theo dõi hồ sơ", owner=fs.staff,
                                                 due=in_future())
    finding.refresh_from_db()
    assert finding.improvement_action == action
    assert (action.kind, action.unit, action.owner) == (CorrectiveAction.Kind.IMPROVEMENT, fs.office, fs.staff)
    assert can(fresh(fs.staff), "nonconformities.complete_correctiveaction", action)
    with pytest.raises(ValidationError):
        services.finding_improvement_create(acting_user=fs.head, finding=finding, description="again",
                                            owner=fs.staff, due=in_future())


def test_an_improvement_action_needs_a_future_date_and_an_owner_of_the_unit(fs):
    finding = record(_audit(fs), fs.lead, grade="opportunity", number=None)
    with pytest.raises(ValidationError):
        services.finding_improvement_create(acting_user=fs.head, finding=finding, description="x", owner=fs.staff,
                                            due=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError):
        services.finding_improvement_create(acting_user=fs.head, finding=finding, description="x",
                                            owner=fs.outsider, due=in_future())
    with pytest.raises(ValidationError):
        services.finding_improvement_create(acting_user=fs.head, finding=record(_audit(fs), fs.lead),
                                            description="x", owner=fs.staff, due=in_future())


# --- report and response -------------------------------------------------------------------------


def test_the_lead_auditor_writes_the_report(fs):
    audit = _audit(fs, status=S.REPORTING)
    services.audit_report_update(acting_user=fs.lead, audit=audit, summary=" Đánh giá 3 phòng ",
                                 conclusion="Hệ thống phù hợp")
    audit.refresh_from_db()
    assert (audit.summary, audit.conclusion) == ("Đánh giá 3 phòng", "Hệ thống phù hợp")
    with pytest.raises(PermissionDenied):
        services.audit_report_update(acting_user=fs.member, audit=audit, summary="x", conclusion="y")
    closed = _audit(fs, status=S.CLOSED)
    with pytest.raises(ValidationError):
        services.audit_report_update(acting_user=fs.lead, audit=closed, summary="x", conclusion="y")


def test_the_findings_follow_the_audits_grants_a_member_added_sees_them_a_member_removed_does_not(fs):
    from qms_portal import permissions

    audit = _audit(fs, status=S.REPORTING)
    finding = record(audit, fs.lead)
    assert not can(fresh(fs.auditor_only), "view", finding)
    for perm in ("view", "audits.conduct_audit"):
        permissions.grant(fs.auditor_only, perm, audit)
    assert can(fresh(fs.auditor_only), "view", finding) and can(fresh(fs.auditor_only), "change", finding)
    assert finding in Finding.objects.restrict(fresh(fs.auditor_only), "view")
    for perm in ("view", "audits.conduct_audit"):
        permissions.revoke(fs.auditor_only, perm, audit)
    assert not can(fresh(fs.auditor_only), "view", finding)
    assert finding not in Finding.objects.restrict(fresh(fs.auditor_only), "view")


def test_an_auditee_grant_on_the_audit_opens_none_of_its_findings(fs):
    """Seeing the audit (an auditee's grant) is not conducting it: the findings about other units
    stay closed to them."""
    from qms_portal import permissions

    audit = _audit(fs, status=S.REPORTING)
    finding = record(audit, fs.lead)
    permissions.grant(fs.outsider, "view", audit)
    assert can(fresh(fs.outsider), "view", audit)
    assert not can(fresh(fs.outsider), "view", finding)


def test_the_response_due_date_is_for_external_audits_and_their_managers(fs):
    from qms_portal import permissions

    external = _audit(fs, kind=Audit.Kind.CERTIFICATION, status=S.REPORTING)
    permissions.grant(fs.iso, "change", external)  # who manages the audit plan (plan's roles give it)
    due = timezone.localdate() + timedelta(days=60)
    services.audit_response_update(acting_user=fs.iso, audit=external, response_due=due)
    external.refresh_from_db()
    assert external.response_due == due
    with pytest.raises(ValidationError):
        services.audit_response_update(acting_user=fs.iso, audit=external, response_due=external.starts_on)
    with pytest.raises(PermissionDenied):
        services.audit_response_update(acting_user=fs.head, audit=external, response_due=due)
    with pytest.raises(ValidationError):
        services.audit_response_update(acting_user=fs.iso, audit=_audit(fs), response_due=due)
