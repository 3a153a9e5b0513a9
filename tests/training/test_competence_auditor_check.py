"""The audits area's auditor check extended by the training area: with a competence requirement of
the internal auditor role covering the audited units (or the auditor's unit), an internal audit's
auditors must hold a valid qualification on the audit's dates — refused without one, or with one
expired or ending during the audit, accepted with a valid one; without such a requirement nothing
is checked. Through the audits services, as a person planning an audit meets it."""

import pytest
from django.core.exceptions import ValidationError

from audits.models import Audit
from audits.services import plan as audit_services
from tests.audits.plan_factories import days, make_audit, plan_world
from tests.training.competence_factories import competence, qualification, requirement
from training.services import qualifications as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = plan_world()
    w.ia = competence(f"{w.prefix}ia".lower().replace("-", ""), months=36, name="Internal auditor course")
    return w


def _problems(w, who):
    return audit_services.auditor_problems(getattr(w, who), Audit(kind=Audit.Kind.INTERNAL, unit=w.agency,
                                                                   starts_on=days(10), ends_on=days(11)), [w.dept2])


def test_without_a_requirement_nothing_is_checked(w):
    audit = make_audit(w)
    assert audit.pk and audit.lead_auditor == w.auditor1


def test_refused_without_a_qualification_and_with_an_expired_one(w):
    requirement("internal_auditor", w.ia, w.root)
    with pytest.raises(ValidationError) as error:
        make_audit(w)
    text = " ".join(error.value.messages)
    assert f"Auditor1 {w.prefix} holds no valid internal auditor qualification (Internal auditor course)." in text
    assert f"Auditor2 {w.prefix} holds no valid internal auditor qualification" in text
    qualification(w.auditor1, w.ia, obtained=-1200, until=-5)
    problems = _problems(w, "auditor1")
    assert any("expired on" in p for p in problems), problems


def test_a_qualification_ending_during_the_audit_or_withdrawn_does_not_count(w):
    requirement("internal_auditor", w.ia, w.dept2)  # covers the audited unit only
    q = qualification(w.auditor1, w.ia, obtained=-1000, until=10)  # the audit runs on days 10 and 11
    assert any("for the whole audit" in p for p in _problems(w, "auditor1"))
    services.qualification_update(acting_user=_su(), qualification=q, valid_until=days(400))
    assert _problems(w, "auditor1") == []
    services.qualification_withdraw(acting_user=_su(), qualification=q, reason="Cấp sai")
    assert any("holds no valid internal auditor qualification" in p for p in _problems(w, "auditor1"))


def test_accepted_with_valid_qualifications(w):
    requirement("internal_auditor", w.ia, w.root)
    qualification(w.auditor1, w.ia, obtained=-30)
    qualification(w.auditor2, w.ia, obtained=-30, outside_body="QUACERT")
    audit = make_audit(w)
    assert audit.pk and list(audit.team.all()) == [w.auditor2]


def test_the_auditors_own_unit_counts_and_an_external_audit_is_not_checked(w):
    requirement("internal_auditor", w.ia, w.dept1)  # auditor1 works in dept1; the audit covers dept2
    assert any("holds no valid" in p for p in _problems(w, "auditor1"))
    assert not any("holds no valid" in p for p in _problems(w, "auditor3"))
    external = Audit(kind=Audit.Kind.CERTIFICATION, unit=w.agency, starts_on=days(10), ends_on=days(11))
    assert not any("qualification" in p for p in audit_services.auditor_problems(w.auditor1, external, [w.dept2]))


def _su():
    from tests import factories

    return factories._acting()
