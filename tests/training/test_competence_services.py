"""The competence part's rules through its services and selectors: a qualification's validity (its
default from the competence, never before it was obtained, expiring and expired), withdrawal with a
reason, the person in the acting user's scope, requirements applying through role assignments
(with and without sub-units, ended assignments not counting) in a fixed number of queries, gaps,
and the requirements' own rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qms_portal.services import role_assignment_end
from tests import factories
from tests.training.competence_factories import competence, day, qualification, requirement
from training.models import Qualification
from training.selectors import competence as selectors
from training.services import competence as requirement_services
from training.services import qualifications as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.coordinator = factories.make_user(f"{t.prefix}coord", t.district, full_name="Trần Thị Lan")
    factories.assign(t.coordinator, "training_coordinator", t.district)
    t.auditor = factories.make_user(f"{t.prefix}aud", t.ward1, full_name="Lê Văn Minh")
    factories.assign(t.auditor, "internal_auditor", t.district)
    t.awareness = competence(f"{t.prefix}awareness".lower(), months=None)
    t.ia = competence(f"{t.prefix}ia".lower(), months=36)
    return t


def test_valid_until_defaults_from_the_competence_and_may_be_left_open(tree):
    q = qualification(tree.ward1_staff, tree.ia, obtained=0)
    assert q.valid_until == services.add_months(day(0), 36)
    open_ended = qualification(tree.ward1_staff, tree.awareness, obtained=0)
    assert open_ended.valid_until is None and selectors.state_of(open_ended) == selectors.State.VALID


def test_a_qualification_cannot_expire_before_it_was_obtained(tree):
    with pytest.raises(ValidationError) as error:
        qualification(tree.ward1_staff, tree.ia, obtained=0, until=-1)
    assert "cannot expire before it was obtained" in str(error.value)
    q = qualification(tree.ward1_staff, tree.ia, obtained=0, until=10)
    with pytest.raises(ValidationError):
        services.qualification_update(acting_user=tree.coordinator, qualification=q, valid_until=day(-5))
    assert Qualification.objects.get(pk=q.pk).valid_until == day(10)


def test_states_valid_expiring_expired_and_withdrawn(tree):
    valid = qualification(tree.ward1_staff, tree.ia, obtained=-10, until=200)
    expiring = qualification(tree.ward1_mr, tree.ia, obtained=-10, until=89)
    expired = qualification(tree.auditor, tree.ia, obtained=-400, until=-1)
    assert [selectors.state_of(q) for q in (valid, expiring, expired)] == ["valid", "expiring", "expired"]
    assert valid.is_valid_on(day(0)) and expiring.is_valid_on(day(89)) and not expiring.is_valid_on(day(90))
    assert not expired.is_valid_on(day(0))
    withdrawn = services.qualification_withdraw(acting_user=tree.coordinator, qualification=valid,
                                                reason="Chứng chỉ giả")
    assert selectors.state_of(withdrawn) == "withdrawn" and not withdrawn.is_valid_on(day(0))
    rows = dict(Qualification.objects.filter(competence=tree.ia).annotate(state=selectors.state_annotation())
                .values_list("pk", "state"))
    assert rows == {valid.pk: "withdrawn", expiring.pk: "expiring", expired.pk: "expired"}
    for state, expected in [("valid", {expiring.pk}), ("expiring", {expiring.pk}), ("expired", {expired.pk}),
                            ("withdrawn", {valid.pk})]:
        assert set(Qualification.objects.filter(selectors.state_q(state)).values_list("pk", flat=True)) == expected


def test_withdrawal_needs_a_reason_is_kept_in_history_and_happens_once(tree):
    q = qualification(tree.ward1_staff, tree.ia)
    with pytest.raises(ValidationError, match="Say why"):
        services.qualification_withdraw(acting_user=tree.coordinator, qualification=q, reason="  ")
    services.qualification_withdraw(acting_user=tree.coordinator, qualification=q, reason="Cấp nhầm người")
    q.refresh_from_db()
    assert q.is_withdrawn and q.withdrawn_reason == "Cấp nhầm người"
    assert q.history.count() == 2
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.qualification_withdraw(acting_user=tree.coordinator, qualification=q, reason="again")
    with pytest.raises(ValidationError, match="not changed any more"):
        services.qualification_update(acting_user=tree.coordinator, qualification=q, reference="X")


def test_the_person_must_be_in_the_acting_users_scope(tree):
    services.qualification_create(acting_user=tree.coordinator, user=tree.ward1_staff, competence=tree.ia,
                                  obtained_on=day(-1))
    with pytest.raises(PermissionDenied):
        services.qualification_create(acting_user=tree.coordinator, user=tree.outsider, competence=tree.ia,
                                      obtained_on=day(-1))
    outside = qualification(tree.outsider, tree.ia)
    with pytest.raises(PermissionDenied):
        services.qualification_withdraw(acting_user=tree.coordinator, qualification=outside, reason="x")
    with pytest.raises(PermissionDenied):  # a reader may not record
        services.qualification_create(acting_user=tree.ward1_mr, user=tree.ward1_staff, competence=tree.ia,
                                      obtained_on=day(-1))


def test_a_requirement_applies_through_role_assignments_with_and_without_subunits(tree):
    ia_at_city = requirement("internal_auditor", tree.ia, tree.city)
    aware_at_ward1 = requirement("staff", tree.awareness, tree.ward1)
    aware_at_ward2 = requirement("staff", tree.awareness, tree.ward2)
    # the auditor holds the role on the district (with sub-units): the city's requirement applies
    assert selectors.requirements_for(tree.auditor) == [ia_at_city]
    # staff on ward1: ward1's requirement, not ward2's
    assert selectors.requirements_for(tree.ward1_staff) == [aware_at_ward1]
    # staff held on the district WITH sub-units reaches both wards' requirements
    wide = factories.make_user(f"{tree.prefix}wide", tree.district)
    factories.assign(wide, "staff", tree.district, include_subunits=True)
    assert set(selectors.requirements_for(wide)) == {aware_at_ward1, aware_at_ward2}
    # ... WITHOUT sub-units: neither (they are set below the district)
    narrow = factories.make_user(f"{tree.prefix}narrow", tree.district)
    assignment = factories.assign(narrow, "staff", tree.district, include_subunits=False)
    assert selectors.requirements_for(narrow) == []
    # a role of another kind, or an ended assignment, brings nothing
    assert selectors.requirements_for(tree.ward1_mr) == []
    role_assignment_end(acting_user=tree.superuser, assignment=assignment, reason="chuyển công tác")
    factories.assign(narrow, "staff", tree.ward2, include_subunits=False)
    assert selectors.requirements_for(narrow) == [aware_at_ward2]
    # a deactivated requirement no longer applies
    requirement_services.requirement_deactivate(acting_user=tree.superuser, requirement=aware_at_ward2)
    assert selectors.requirements_for(narrow) == []


def test_requirements_for_many_people_take_a_fixed_number_of_queries(tree):
    requirement("staff", tree.awareness, tree.city)
    requirement("internal_auditor", tree.ia, tree.district)
    few = [tree.ward1_staff, tree.auditor]
    with CaptureQueriesContext(connection) as small:
        answer = selectors.requirements_by_person(few)
    people = [factories.make_user(f"{tree.prefix}p{n}", tree.ward2) for n in range(15)]
    for person in people:
        factories.assign(person, "staff", tree.ward2)
    with CaptureQueriesContext(connection) as large:
        many = selectors.requirements_by_person(few + people)
    assert len(small) == len(large) == 2
    assert [r.competence for r in answer[tree.auditor.pk]] == [tree.ia]
    assert all([r.competence for r in many[p.pk]] == [tree.awareness] for p in people)


def test_requirements_in_a_unit_are_its_own_and_those_above(tree):
    at_city = requirement("staff", tree.awareness, tree.city)
    at_ward1 = requirement("internal_auditor", tree.ia, tree.ward1)
    at_division = requirement("staff", tree.ia, tree.division)
    assert set(selectors.requirements_in_unit(tree.ward1)) == {at_city, at_ward1}
    assert set(selectors.requirements_in_unit(tree.district)) == {at_city}
    assert set(selectors.requirements_in_unit(tree.district, below=True)) == {at_city, at_ward1}
    assert at_division not in set(selectors.requirements_in_unit(tree.city))


def test_gaps_are_the_requirements_without_a_valid_qualification(tree):
    requirement("internal_auditor", tree.ia, tree.city)
    requirement("staff", tree.awareness, tree.city)
    factories.assign(tree.auditor, "staff", tree.ward1)
    old = qualification(tree.auditor, tree.ia, obtained=-1200, until=-3)
    gaps = selectors.gaps_for(tree.auditor)
    assert [(r.competence, q) for r, q in gaps] == [(tree.awareness, None), (tree.ia, old)] or \
        {(r.competence_id, getattr(q, "pk", None)) for r, q in gaps} == {(tree.awareness.pk, None),
                                                                           (tree.ia.pk, old.pk)}
    qualification(tree.auditor, tree.ia, obtained=-1)
    qualification(tree.auditor, tree.awareness, obtained=-1)
    assert selectors.gaps_for(tree.auditor) == []


def test_requirement_rules_scope_duplicates_and_reactivation(tree):
    req = requirement_services.requirement_create(acting_user=tree.coordinator, role=tree.roles["staff"],
                                                  competence=tree.awareness, unit=tree.ward1)
    with pytest.raises(ValidationError, match="already requires"):
        requirement_services.requirement_create(acting_user=tree.coordinator, role=tree.roles["staff"],
                                                competence=tree.awareness, unit=tree.ward1)
    with pytest.raises(PermissionDenied):
        requirement_services.requirement_create(acting_user=tree.coordinator, role=tree.roles["staff"],
                                                competence=tree.awareness, unit=tree.agency)
    with pytest.raises(PermissionDenied):  # moving it out of their units
        requirement_services.requirement_update(acting_user=tree.coordinator, requirement=req, unit=tree.division)
    requirement_services.requirement_deactivate(acting_user=tree.coordinator, requirement=req)
    with pytest.raises(ValidationError, match="already inactive"):
        requirement_services.requirement_deactivate(acting_user=tree.coordinator, requirement=req)
    again = requirement_services.requirement_update(acting_user=tree.coordinator, requirement=req, note="Từ 2027")
    assert again.is_active and again.note == "Từ 2027" and again.history.count() == 3
