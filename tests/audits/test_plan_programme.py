"""The annual programme's rules (plan part): who keeps and approves it, its lines, its revision, and
the audits that carry its lines out."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audits.models import AuditProgramme
from audits.services import plan as services
from audits.services import plan_programme
from qms_portal.models import User
from qms_portal.permissions import can
from qms_portal.workflow import TransitionError, transitions_of
from tests.audits.plan_factories import days, make_audit, make_programme, plan_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return plan_world()


def test_only_a_unit_running_its_own_qms_has_a_programme_and_one_a_year(w):
    with pytest.raises(ValidationError) as error:
        plan_programme.programme_create(acting_user=w.iso, unit=w.dept1, year=2027)
    assert "unit" in error.value.error_dict
    make_programme(w, year=2027)
    with pytest.raises(ValidationError) as error:
        make_programme(w, year=2027)
    assert "year" in error.value.error_dict


def test_people_outside_the_unit_or_without_the_role_keep_no_programme(w):
    with pytest.raises(PermissionDenied):
        make_programme(w, by=w.auditor1)
    with pytest.raises(PermissionDenied):
        plan_programme.programme_create(acting_user=w.outsider, unit=w.agency, year=2027)


def test_a_line_stays_inside_the_programmes_unit(w):
    programme = make_programme(w)
    with pytest.raises(ValidationError) as error:
        plan_programme.programme_entry_add(acting_user=w.iso, programme=programme, unit=w.other, planned_month=3)
    assert "unit" in error.value.error_dict


def test_the_management_representative_approves_with_a_signature_never_an_empty_programme(w):
    programme = make_programme(w)
    with pytest.raises(TransitionError, match="at least one audit"):
        plan_programme.programme_transition(acting_user=w.mr, programme=programme, name="approve",
                                            password=w.password)
    plan_programme.programme_entry_add(acting_user=w.iso, programme=programme, unit=w.dept1, planned_month=4)
    with pytest.raises(PermissionDenied):
        plan_programme.programme_transition(acting_user=w.iso, programme=programme, name="approve",
                                            password=w.password)
    with pytest.raises(ValidationError):
        plan_programme.programme_transition(acting_user=w.mr, programme=programme, name="approve", password="no")
    plan_programme.programme_transition(acting_user=w.mr, programme=programme, name="approve", password=w.password)
    programme.refresh_from_db()
    assert programme.status == AuditProgramme.Status.APPROVED and programme.approved_by == w.mr
    assert transitions_of(programme).get(transition="approve").signature_meaning == "approved"


def test_an_approved_programme_is_revised_with_a_reason_before_it_changes(w):
    programme = make_programme(w, entries=[(w.dept1, 4, [])])
    plan_programme.programme_transition(acting_user=w.mr, programme=programme, name="approve", password=w.password)
    with pytest.raises(ValidationError, match="revise it first"):
        plan_programme.programme_entry_add(acting_user=w.iso, programme=programme, unit=w.dept2, planned_month=5)
    with pytest.raises(TransitionError):
        plan_programme.programme_transition(acting_user=w.mr, programme=programme, name="revise")
    plan_programme.programme_transition(acting_user=w.mr, programme=programme, name="revise",
                                        reason="Thêm đánh giá Phòng Cải cách hành chính")
    programme.refresh_from_db()
    assert programme.status == AuditProgramme.Status.DRAFT and programme.approved_by is None
    plan_programme.programme_entry_add(acting_user=w.iso, programme=programme, unit=w.dept2, planned_month=5)


def test_a_line_an_audit_carries_out_stays_in_the_programme(w):
    programme = make_programme(w, year=days(10).year, entries=[(w.dept2, 4, [])])
    entry = programme.entries.get()
    make_audit(w, programme_entry=entry)
    with pytest.raises(ValidationError, match="stays in the programme"):
        plan_programme.programme_entry_remove(acting_user=w.iso, entry=entry)


def test_an_audit_carries_out_a_line_of_its_units_programme_for_its_year_only(w):
    programme = make_programme(w, year=days(10).year + 1, entries=[(w.dept2, 4, [])])
    with pytest.raises(ValidationError) as error:
        make_audit(w, programme_entry=programme.entries.get())
    assert "programme_entry" in error.value.error_dict


def test_the_units_audited_are_inside_the_audits_unit(w):
    with pytest.raises(ValidationError) as error:
        make_audit(w, scope=[w.other])
    assert "scope_units" in error.value.error_dict


def test_a_new_lead_auditor_takes_over_the_grants(w):
    audit = make_audit(w)
    services.audit_update(acting_user=w.iso, audit=audit, lead_auditor=w.auditor3, scope_units=[w.dept1],
                          team=[])
    old, new = User.objects.get(pk=w.auditor1.pk), User.objects.get(pk=w.auditor3.pk)
    assert not can(old, "view", audit)
    assert can(new, "audits.sign_audit_report", audit) and can(new, "change", audit)


def test_the_report_due_date_cannot_precede_the_end(w):
    with pytest.raises(ValidationError) as error:
        make_audit(w, start=10, length=3, report_due=days(11))
    assert "report_due" in error.value.error_dict
