"""The training matrix's cells and gaps (``training/selectors/matrix.py``): who must hold what through
their current role assignments (requirements applying in their unit and below), valid / expiring /
expired / missing / not required, withdrawn qualifications, and the summaries per sub-unit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qms_portal import services as core
from qms_portal.models import User
from tests import factories
from tests.training import matrix_factories as mf
from training.selectors import matrix as selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def m(tree):
    """district ─┬─ ward1: auditor (staff on ward1, internal auditor on the district), plain (staff)
                 └─ ward2: w2 (staff)
    requirements: every staff member, from the city down: awareness (AW); internal auditors, from
    the district down: the auditor course (IA); staff of ward2 only: document control (DC)."""
    t = tree
    t.aw, t.ia, t.dc = mf.competence("aw"), mf.competence("ia"), mf.competence("dc")
    mf.requirement("staff", t.aw, t.city)
    mf.requirement("internal_auditor", t.ia, t.district)
    mf.requirement("staff", t.dc, t.ward2)
    t.auditor = factories.make_user(f"{t.prefix}auditor", t.ward1, full_name="A Auditor")
    factories.assign(t.auditor, "staff", t.ward1, include_subunits=False)
    factories.assign(t.auditor, "internal_auditor", t.district)
    t.plain = factories.make_user(f"{t.prefix}plain", t.ward1, full_name="B Plain")
    factories.assign(t.plain, "staff", t.ward1, include_subunits=False)
    t.w2 = factories.make_user(f"{t.prefix}w2", t.ward2, full_name="C Ward Two")
    factories.assign(t.w2, "staff", t.ward2, include_subunits=False)
    t.today = timezone.localdate()
    return t


def cells(t, user):
    columns = [t.aw, t.ia, t.dc]
    row = selectors.person_rows([user], columns, t.today)[0]
    return dict(zip(("aw", "ia", "dc"), row.cells, strict=True)), row


def test_a_requirement_applies_to_the_role_holders_in_its_unit_and_below_only(m):
    found, _row = cells(m, m.plain)
    assert found["aw"].state == selectors.MISSING  # staff, the requirement is on the city above
    assert found["ia"].state == selectors.NOT_REQUIRED  # not an internal auditor
    assert found["dc"].state == selectors.NOT_REQUIRED  # the requirement is on ward2, a sibling
    found, _row = cells(m, m.w2)
    assert found["dc"].state == selectors.MISSING
    found, _row = cells(m, m.auditor)
    assert found["ia"].state == selectors.MISSING  # held on the district, where the requirement is


def test_cells_are_valid_expiring_expired_or_missing(m):
    mf.qualify(m.auditor, m.aw, valid_for_days=200)
    mf.qualify(m.auditor, m.ia, valid_for_days=30)
    mf.qualify(m.w2, m.aw, valid_for_days=-1)
    found, row = cells(m, m.auditor)
    assert found["aw"].state == selectors.VALID and found["aw"].until == m.today + timedelta(days=200)
    assert found["ia"].state == selectors.EXPIRING and found["ia"].until == m.today + timedelta(days=30)
    assert row.gaps == 0 and row.expiring == 1
    found, row = cells(m, m.w2)
    assert found["aw"].state == selectors.EXPIRED and found["aw"].until == m.today - timedelta(days=1)
    assert found["dc"].state == selectors.MISSING
    assert row.gaps == 2


def test_the_boundaries_of_expiring_soon(m):
    mf.qualify(m.plain, m.aw, valid_for_days=selectors.EXPIRING_DAYS)
    assert cells(m, m.plain)[0]["aw"].state == selectors.EXPIRING
    mf.qualify(m.w2, m.aw, valid_for_days=selectors.EXPIRING_DAYS + 1)
    assert cells(m, m.w2)[0]["aw"].state == selectors.VALID
    mf.qualify(m.auditor, m.aw, valid_for_days=0)  # valid until today: still valid, expiring
    assert cells(m, m.auditor)[0]["aw"].state == selectors.EXPIRING


def test_a_qualification_that_does_not_expire_is_valid_without_a_date(m):
    mf.qualify(m.plain, m.aw, forever=True)
    cell = cells(m, m.plain)[0]["aw"]
    assert cell.state == selectors.VALID and cell.until is None


def test_the_latest_qualification_counts_and_a_renewal_ends_the_gap(m):
    mf.qualify(m.plain, m.aw, obtained_days_ago=1200, valid_for_days=-100)
    assert cells(m, m.plain)[0]["aw"].state == selectors.EXPIRED
    mf.qualify(m.plain, m.aw, obtained_days_ago=5, valid_for_days=1000)
    assert cells(m, m.plain)[0]["aw"].state == selectors.VALID


def test_a_withdrawn_qualification_counts_for_nothing(m):
    q = mf.qualify(m.plain, m.aw, valid_for_days=500)
    mf.withdraw(q)
    assert cells(m, m.plain)[0]["aw"].state == selectors.MISSING


def test_a_qualification_obtained_in_the_future_does_not_count_yet(m):
    mf.qualify(m.plain, m.aw, obtained_days_ago=-10, valid_for_days=800)
    assert cells(m, m.plain)[0]["aw"].state == selectors.MISSING


def test_an_ended_role_or_an_inactive_requirement_requires_nothing(m):
    assignment = m.auditor.assignments.get(role__code="internal_auditor")
    core.role_assignment_end(acting_user=m.superuser, assignment=assignment, reason="Chuyển công tác")
    assert cells(m, m.auditor)[0]["ia"].state == selectors.NOT_REQUIRED
    requirement = m.aw.requirements.get()
    requirement.is_active = False
    core.save_tracked(requirement, m.superuser)
    assert cells(m, m.plain)[0]["aw"].state == selectors.NOT_REQUIRED


def test_the_columns_are_the_competences_required_of_someone_listed(m):
    ward1 = selectors.people(m.superuser, m.ward1, subunits=False)
    assert [c.code for c in selectors.required_competences(ward1)] == ["aw", "ia"]
    district = selectors.people(m.superuser, m.district, subunits=True)
    assert [c.code for c in selectors.required_competences(district)] == ["aw", "dc", "ia"]


def test_the_people_of_a_unit_with_and_without_its_sub_units(m):
    own = set(selectors.people(m.superuser, m.district, subunits=False))
    every = set(selectors.people(m.superuser, m.district, subunits=True))
    assert m.plain not in own and m.district_steering in own
    assert {m.plain, m.auditor, m.w2, m.district_steering} <= every
    assert m.outsider not in every


def test_a_reader_sees_only_the_people_of_units_where_a_role_lets_them_read_qualifications(m):
    head = factories.make_user(f"{m.prefix}head", m.ward1, full_name="Head W1")
    factories.assign(head, "department_head", m.ward1)
    assert selectors.matrix_units(head).filter(pk=m.ward1.pk).exists()
    assert not selectors.matrix_units(head).filter(pk=m.district.pk).exists()
    listed = set(selectors.people(head, m.district, subunits=True))
    assert m.plain in listed and m.w2 not in listed
    staff = User.objects.get(pk=m.plain.pk)
    assert not selectors.matrix_units(staff).exists()


def test_the_summary_per_sub_unit_counts_people_gaps_and_what_expires(m):
    mf.qualify(m.auditor, m.aw, valid_for_days=20)
    mf.qualify(m.auditor, m.ia, valid_for_days=800)
    mf.qualify(m.plain, m.aw, valid_for_days=-3)
    nodes = {node.unit.pk: node for node in selectors.unit_summaries(m.superuser, m.district, m.today)}
    ward1, ward2, own = nodes[m.ward1.pk], nodes[m.ward2.pk], nodes[m.district.pk]
    assert own.own and not ward1.own
    # ward1 also holds the tree's own staff member (awareness missing) and its management
    # representative (no staff role there: nothing required)
    assert (ward1.people, ward1.with_gaps, ward1.gaps, ward1.expiring) == (4, 2, 2, 1)
    assert (ward2.people, ward2.with_gaps, ward2.gaps, ward2.expiring) == (1, 1, 2, 0)
    assert own.people == 1  # the steering committee member: staff of no unit, so nothing required
    assert (own.with_gaps, own.gaps) == (0, 0)


def test_gaps_of_one_person(m):
    mf.qualify(m.auditor, m.aw, valid_for_days=10)
    competences, revisions = selectors.gaps_of(m.auditor, m.today)
    assert [(c.code, cell.state) for c, cell in competences] == [("aw", selectors.EXPIRING),
                                                                  ("ia", selectors.MISSING)]
    assert revisions == []


def test_expires_soon_lists_what_no_later_qualification_renews(m):
    soon = mf.qualify(m.plain, m.aw, valid_for_days=15)
    renewed = mf.qualify(m.auditor, m.aw, obtained_days_ago=700, valid_for_days=40)
    mf.qualify(m.auditor, m.aw, obtained_days_ago=1, valid_for_days=1000)
    withdrawn = mf.withdraw(mf.qualify(m.w2, m.aw, valid_for_days=10))
    rows, total = selectors.expiring_soon(m.superuser, m.district, True, m.today)
    assert soon in rows and renewed not in rows and withdrawn not in rows and total == 1
