"""The certificate register's services: recording with surveillance audits proposed or given,
the checks that keep a bad certificate out (with a message per field), correcting, withdrawing,
moving a surveillance visit and linking its audit, and who may do each."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audits.models import Audit, Certificate, SurveillanceVisit
from audits.services import certificates as services
from tests import factories
from tests.audits.factories_certificates import make_audit, make_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.officer = factories.make_user(f"{t.prefix}officer", t.ward1)
    factories.assign(t.officer, "document_controller", t.ward1)
    t.head = factories.make_user(f"{t.prefix}head", t.ward1)
    factories.assign(t.head, "department_head", t.ward1)
    return t


def create(t, **kw):
    kw.setdefault("acting_user", t.officer)
    return make_certificate(t.ward1, **kw)


def test_a_three_year_certificate_gets_two_yearly_surveillance_audits(tree):
    cert = create(tree, issued_on=date(2025, 6, 1), expires_on=date(2028, 5, 31))
    assert [v.due_on for v in cert.surveillance.all()] == [date(2026, 6, 1), date(2027, 6, 1)]
    assert cert.history.count() == 1 and cert.history.first().history_user == tree.officer


def test_a_leap_day_issue_gives_the_28th_a_year_later():
    assert services.proposed_surveillance(date(2024, 2, 29), date(2027, 2, 28)) == [date(2025, 2, 28),
                                                                                    date(2026, 2, 28)]


def test_given_surveillance_dates_are_kept_and_must_fall_inside_the_cycle(tree):
    cert = create(tree, issued_on=date(2025, 6, 1), expires_on=date(2028, 5, 31), surveillance=[date(2026, 9, 15)])
    assert [v.due_on for v in cert.surveillance.all()] == [date(2026, 9, 15)]
    with pytest.raises(ValidationError) as error:
        create(tree, issued_on=date(2025, 6, 1), expires_on=date(2028, 5, 31), surveillance=[date(2029, 1, 1)])
    assert "surveillance" in error.value.message_dict


def test_it_refuses_an_expiry_before_the_issue_and_a_number_the_body_already_used(tree):
    with pytest.raises(ValidationError) as error:
        create(tree, issued_on=date(2025, 6, 1), expires_on=date(2025, 5, 1))
    assert "expires_on" in error.value.message_dict
    create(tree, number="QC 1234")
    with pytest.raises(ValidationError) as error:
        create(tree, number=" qc 1234 ")
    assert "number" in error.value.message_dict
    create(tree, number="QC 1234", body="TQC")  # another body may use the same number
    assert Certificate.objects.filter(number="QC 1234").count() == 2


def test_the_linked_audit_must_be_an_external_audit_of_the_unit(tree):
    internal = make_audit(tree.ward1)
    with pytest.raises(ValidationError) as error:
        create(tree, audit=internal)
    assert "audit" in error.value.message_dict
    elsewhere = make_audit(tree.division, kind=Audit.Kind.CERTIFICATION)
    with pytest.raises(ValidationError):
        create(tree, acting_user=tree.superuser, audit=elsewhere)
    certification = make_audit(tree.ward1, kind=Audit.Kind.CERTIFICATION)
    assert create(tree, acting_user=tree.superuser, audit=certification).audit == certification


def test_only_the_keepers_of_the_unit_may_record_or_change(tree):
    with pytest.raises(PermissionDenied):
        create(tree, acting_user=tree.head)  # a department head reads the register only
    with pytest.raises(PermissionDenied):
        make_certificate(tree.division, acting_user=tree.officer)  # out of the officer's scope
    cert = create(tree)
    with pytest.raises(PermissionDenied):
        services.certificate_update(acting_user=tree.head, certificate=cert, scope="Khác")


def test_correcting_moves_the_pending_visits_and_keeps_one_with_its_audit(tree):
    cert = create(tree, issued_on=date(2025, 6, 1), expires_on=date(2028, 5, 31))
    first, second = cert.surveillance.all()
    audit = make_audit(tree.ward1, kind=Audit.Kind.SURVEILLANCE, starts_on=date(2026, 6, 1))
    services.surveillance_update(acting_user=tree.superuser, visit=first, due_on=first.due_on, audit=audit)
    services.certificate_update(acting_user=tree.officer, certificate=cert, scope="Phạm vi mới",
                                surveillance=[date(2027, 7, 1)])
    cert.refresh_from_db()
    assert cert.scope == "Phạm vi mới"
    assert [(v.due_on, v.audit_id) for v in cert.surveillance.order_by("due_on")] == [
        (date(2026, 6, 1), audit.pk), (date(2027, 7, 1), None)]
    assert SurveillanceVisit.objects.get(pk=second.pk).due_on == date(2027, 7, 1)  # moved, not remade


def test_withdrawing_needs_a_reason_keeps_the_record_and_freezes_it(tree):
    cert = create(tree)
    with pytest.raises(ValidationError) as error:
        services.certificate_withdraw(acting_user=tree.officer, certificate=cert, reason="  ")
    assert "reason" in error.value.message_dict
    services.certificate_withdraw(acting_user=tree.officer, certificate=cert, reason="Thay bằng chứng nhận mới",
                                  withdrawn_on=date(2026, 1, 10))
    cert.refresh_from_db()
    assert cert.is_withdrawn and cert.withdrawn_on == date(2026, 1, 10)
    assert cert.history.first().history_change_reason == "Thay bằng chứng nhận mới"
    with pytest.raises(ValidationError):
        services.certificate_withdraw(acting_user=tree.officer, certificate=cert, reason="lần nữa")
    with pytest.raises(ValidationError):
        services.certificate_update(acting_user=tree.officer, certificate=cert, scope="Khác")
    with pytest.raises(ValidationError):
        services.surveillance_update(acting_user=tree.officer, visit=cert.surveillance.first(),
                                     due_on=date(2026, 7, 1))


def test_a_certificate_cannot_be_withdrawn_before_it_was_issued(tree):
    cert = create(tree, issued_on=date(2025, 6, 1))
    with pytest.raises(ValidationError) as error:
        services.certificate_withdraw(acting_user=tree.officer, certificate=cert, reason="x",
                                      withdrawn_on=date(2025, 1, 1))
    assert "withdrawn_on" in error.value.message_dict


def test_a_visit_links_only_a_surveillance_audit_of_the_unit_and_only_once(tree):
    cert = create(tree, issued_on=date(2025, 6, 1), expires_on=date(2028, 5, 31))
    first, second = cert.surveillance.all()
    internal = make_audit(tree.ward1)
    with pytest.raises(ValidationError) as error:
        services.surveillance_update(acting_user=tree.officer, visit=first, due_on=first.due_on, audit=internal)
    assert "audit" in error.value.message_dict
    audit = make_audit(tree.ward1, kind=Audit.Kind.SURVEILLANCE)
    # (audits are seen through the plan part's roles and grants: the superuser links here)
    services.surveillance_update(acting_user=tree.superuser, visit=first, due_on=first.due_on, audit=audit)
    with pytest.raises(ValidationError) as error:
        services.surveillance_update(acting_user=tree.superuser, visit=second, due_on=second.due_on, audit=audit)
    assert "audit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.surveillance_update(acting_user=tree.officer, visit=second, due_on=date(2030, 1, 1))
    assert "due_on" in error.value.message_dict
    moved = services.surveillance_update(acting_user=tree.officer, visit=second,
                                         due_on=second.due_on + timedelta(days=20))
    assert moved.history.count() == 2
