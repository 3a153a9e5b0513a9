"""Audit plans: the guards on who audits, the grants, the workflow and its messages (plan part)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audits.models import Audit
from audits.services import plan as services
from qms_portal.models import Notification
from qms_portal.permissions import can
from qms_portal.workflow import TransitionError
from tests.audits.plan_factories import audit_in, close_audit, days, make_audit, plan_world, write_conclusion

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return plan_world()


def test_an_audit_is_numbered_and_its_people_get_their_grants(w):
    audit = make_audit(w)
    assert audit.number.startswith(f"{w.agency.code}-AUD-{days(10).year}-")
    assert audit.report_due == days(10 + services.REPORT_DAYS)
    assert can(w.auditor1, "view", audit) and can(w.auditor1, "audits.sign_audit_report", audit)
    assert can(w.auditor1, "change", audit)
    assert can(w.auditor2, "audits.conduct_audit", audit) and not can(w.auditor2, "audits.sign_audit_report", audit)
    assert can(w.auditee1, "view", audit) and not can(w.auditee1, "audits.conduct_audit", audit)
    assert not can(w.auditor3, "view", audit), "the internal auditor role alone gives no audit"
    assert can(w.mr, "view", audit) and can(w.steering, "view", audit)
    assert not can(w.outsider, "view", audit)


def test_the_lead_and_team_are_told_but_not_the_auditees_before_the_plan_is_sent(w):
    audit = make_audit(w)
    told = set(Notification.objects.filter(kind="audit_team").values_list("recipient_id", flat=True))
    assert told == {w.auditor1.pk, w.auditor2.pk}
    assert not Notification.objects.filter(kind="audit_plan").exists()
    assert audit.status == Audit.Status.PLANNED


def test_it_refuses_an_auditor_auditing_their_own_unit(w):
    with pytest.raises(ValidationError) as error:
        make_audit(w, lead="auditor3")  # works in dept2, which the audit covers
    assert "lead_auditor" in error.value.error_dict
    assert "own unit" in " ".join(error.value.messages)


def test_it_refuses_an_auditor_of_a_unit_below_the_one_audited(w):
    with pytest.raises(ValidationError) as error:
        make_audit(w, scope=[w.dept1], lead="auditor3", team=("auditor2",))  # auditor2 works in office1 < dept1
    assert "team" in error.value.error_dict


def test_team_members_must_hold_the_internal_auditor_role(w):
    with pytest.raises(ValidationError) as error:
        make_audit(w, team=("head2",))
    assert "does not hold the internal auditor role" in " ".join(error.value.error_dict["team"][0].messages)


def test_an_auditor_cannot_be_in_two_audits_at_overlapping_dates(w):
    first = make_audit(w, start=10, length=3)
    with pytest.raises(ValidationError) as error:
        make_audit(w, start=12, length=2, lead="auditor2", team=("auditor1",))
    assert first.number in " ".join(error.value.messages)
    make_audit(w, start=13, length=2, lead="auditor2", team=("auditor1",))  # the day after: fine


def test_other_areas_can_add_a_rule_on_who_audits(w, monkeypatch):
    monkeypatch.setattr(services, "AUDITOR_CHECKS", [])
    services.register_auditor_check(
        lambda user, audit, units: "No valid qualification." if user.pk == w.auditor2.pk else None)
    with pytest.raises(ValidationError, match="No valid qualification"):
        make_audit(w)


def test_an_external_audit_needs_its_certification_body_and_no_internal_auditor(w):
    with pytest.raises(ValidationError) as error:
        make_audit(w, kind=Audit.Kind.CERTIFICATION, lead="iso", team=())
    assert "certification_body" in error.value.error_dict
    audit = make_audit(w, kind=Audit.Kind.CERTIFICATION, lead="iso", team=(), certification_body="QUACERT",
                       external_auditors="Nguyễn Văn A\nTrần Thị B")
    assert audit.is_external


def test_a_planned_internal_audit_becomes_a_certification_audit_once_its_body_is_named(w):
    audit = make_audit(w)
    with pytest.raises(ValidationError) as error:
        services.audit_update(acting_user=w.iso, audit=audit, kind=Audit.Kind.SURVEILLANCE)
    assert "certification_body" in error.value.error_dict
    audit.refresh_from_db()
    assert audit.kind == Audit.Kind.INTERNAL  # nothing half-saved
    services.audit_update(acting_user=w.iso, audit=audit, kind=Audit.Kind.SURVEILLANCE, certification_body="QUACERT",
                          external_auditors="Nguyễn Văn A", response_due=days(60))
    audit.refresh_from_db()
    assert audit.kind == Audit.Kind.SURVEILLANCE and audit.is_external
    kinds = [h.kind for h in audit.history.order_by("history_date", "history_id")]
    assert kinds[0] == Audit.Kind.INTERNAL and kinds[-1] == Audit.Kind.SURVEILLANCE  # the History tab has it


def test_a_certification_audit_becomes_internal_only_under_the_internal_rules(w):
    """Back to internal: the body and the response go, and the lead must be an internal auditor who
    does not audit their own unit — the guards are checked again for the new kind."""
    audit = make_audit(w, kind=Audit.Kind.CERTIFICATION, lead="iso", team=(), certification_body="QUACERT",
                       response_due=days(60))
    with pytest.raises(ValidationError) as error:
        services.audit_update(acting_user=w.iso, audit=audit, kind=Audit.Kind.INTERNAL)
    assert {"certification_body", "response_due", "lead_auditor"} <= set(error.value.error_dict)
    with pytest.raises(ValidationError) as error:  # auditor3 works in dept2, which the audit covers
        services.audit_update(acting_user=w.iso, audit=audit, kind=Audit.Kind.INTERNAL, certification_body="",
                              response_due=None, lead_auditor=w.auditor3)
    assert "own unit" in " ".join(error.value.error_dict["lead_auditor"][0].messages)
    services.audit_update(acting_user=w.iso, audit=audit, kind=Audit.Kind.INTERNAL, certification_body="",
                          response_due=None, lead_auditor=w.auditor1)
    audit.refresh_from_db()
    assert audit.kind == Audit.Kind.INTERNAL and can(w.auditor1, "audits.sign_audit_report", audit)


def test_the_kind_stays_once_the_auditees_have_the_plan(w):
    audit = audit_in(w, Audit.Status.NOTIFIED)
    with pytest.raises(ValidationError) as error:
        services.audit_update(acting_user=w.iso, audit=audit, kind=Audit.Kind.CERTIFICATION,
                              certification_body="QUACERT")
    assert "kind" in error.value.error_dict
    services.audit_update(acting_user=w.iso, audit=audit, kind=Audit.Kind.INTERNAL, title="Đổi tên")  # unchanged


def test_auditors_cannot_be_auditees(w):
    with pytest.raises(ValidationError) as error:
        make_audit(w, auditees=("auditor2",))
    assert "auditees" in error.value.error_dict


def test_only_planners_create_audits(w):
    with pytest.raises(PermissionDenied):
        make_audit(w, by=w.auditor1)
    with pytest.raises(PermissionDenied):
        make_audit(w, by=w.outsider)


def test_sending_the_plan_tells_each_auditee_once_in_their_language(w):
    audit = make_audit(w)
    services.audit_transition(acting_user=w.iso, audit=audit, name="notify")
    rows = Notification.objects.filter(kind="audit_plan")
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted([w.auditee1.pk, w.auditee2.pk])
    from django.utils import translation

    from qms_portal.notifications import render

    with translation.override("vi"):
        text = render(rows.get(recipient=w.auditee2))
    assert audit.number in str(text.title)
    assert str(text.text).startswith("Đánh giá nội bộ."), "the audit's kind in the reader's language"
    # changing something else than the dates does not send it again
    services.audit_update(acting_user=w.iso, audit=audit, title="Đánh giá lại")
    assert Notification.objects.filter(kind="audit_plan").count() == 2


def test_new_auditees_and_changed_dates_get_the_plan_again(w):
    audit = audit_in(w, Audit.Status.NOTIFIED)
    services.audit_update(acting_user=w.iso, audit=audit, auditees=[w.auditee1, w.auditee2, w.head2])
    assert Notification.objects.filter(kind="audit_plan", recipient=w.head2).count() == 1
    assert Notification.objects.filter(kind="audit_plan", recipient=w.auditee1).count() == 1
    services.audit_update(acting_user=w.iso, audit=audit, starts_on=days(20), ends_on=days(20))
    assert Notification.objects.filter(kind="audit_plan", recipient=w.auditee1).count() == 2


def test_the_plan_cannot_be_sent_without_auditees(w):
    audit = make_audit(w, auditees=())
    with pytest.raises(TransitionError):
        services.audit_transition(acting_user=w.iso, audit=audit, name="notify")


def test_removing_a_team_member_takes_their_grant_away(w):
    audit = make_audit(w)
    services.audit_update(acting_user=w.iso, audit=audit, team=[])
    from qms_portal.models import User

    auditor2 = User.objects.get(pk=w.auditor2.pk)
    assert not can(auditor2, "view", audit)


def test_the_lead_auditor_may_change_the_plan_but_not_once_it_started(w):
    audit = make_audit(w)
    services.audit_update(acting_user=w.auditor1, audit=audit, criteria_note="Quy trình QT-01")
    services.audit_transition(acting_user=w.iso, audit=audit, name="notify")
    services.audit_transition(acting_user=w.auditor2, audit=audit, name="start")
    with pytest.raises(ValidationError):
        services.audit_update(acting_user=w.auditor1, audit=audit, criteria_note="x")


def test_auditees_may_not_start_the_audit(w):
    audit = audit_in(w, Audit.Status.NOTIFIED)
    with pytest.raises(PermissionDenied):
        services.audit_transition(acting_user=w.auditee1, audit=audit, name="start")


def test_closing_needs_the_lead_auditors_signature_and_a_conclusion(w):
    audit = audit_in(w, Audit.Status.REPORTING)
    with pytest.raises(TransitionError, match="conclusion"):
        services.audit_transition(acting_user=w.auditor1, audit=audit, name="close", password=w.password)
    write_conclusion(audit, w.auditor1)
    with pytest.raises(PermissionDenied):
        services.audit_transition(acting_user=w.auditor2, audit=audit, name="close", password=w.password)
    with pytest.raises(ValidationError):
        services.audit_transition(acting_user=w.auditor1, audit=audit, name="close", password="wrong")
    audit = close_audit(w, audit)
    assert audit.status == Audit.Status.CLOSED and audit.report_signed_at and audit.closed_at
    from qms_portal.workflow import transitions_of

    assert transitions_of(audit).get(transition="close").signature_meaning == "report_signed"
    assert Notification.objects.filter(kind="audit_closed", recipient=w.auditee1).exists()


def test_closing_is_refused_while_a_nonconformity_finding_has_no_nonconformity(w):
    from audits.models import Finding

    audit = audit_in(w, Audit.Status.REPORTING)
    write_conclusion(audit, w.auditor1)
    Finding.objects.create(audit=audit, number=1, grade=Finding.Grade.MINOR, unit=w.dept2, description="Thiếu hồ sơ",
                           recorded_by=w.auditor1)
    with pytest.raises(TransitionError, match="recorded as a nonconformity"):
        services.audit_transition(acting_user=w.auditor1, audit=audit, name="close", password=w.password)
    Finding.objects.create(audit=audit, number=2, grade=Finding.Grade.OBSERVATION, unit=w.dept2,
                           description="Cần lưu ý", recorded_by=w.auditor1)
    Finding.objects.filter(audit=audit, number=1).delete()
    close_audit(w, audit)


def test_back_on_site_needs_a_reason(w):
    audit = audit_in(w, Audit.Status.REPORTING)
    with pytest.raises(TransitionError):
        services.audit_transition(acting_user=w.auditor1, audit=audit, name="reopen")
    services.audit_transition(acting_user=w.auditor1, audit=audit, name="reopen", reason="Cần thêm bằng chứng")
    audit.refresh_from_db()
    assert audit.status == Audit.Status.IN_PROGRESS


def test_an_external_audit_without_a_lead_auditor_is_planned_but_not_sent(w):
    audit = make_audit(w, kind=Audit.Kind.SURVEILLANCE, lead=None, team=(), certification_body="QUACERT")
    with pytest.raises(TransitionError, match="lead auditor"):
        services.audit_transition(acting_user=w.iso, audit=audit, name="notify")
    services.audit_update(acting_user=w.iso, audit=audit, lead_auditor=w.iso)
    services.audit_transition(acting_user=w.iso, audit=audit, name="notify")
