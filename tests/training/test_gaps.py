"""The training area's one "who lacks which competence" query (``training/selectors/gaps.py``) and
its three readers: a person's gaps (``competence.gaps_for``), the matrix's cells and per-unit
figures (``matrix``), the plan's people with a gap (``plan.people_with_gap``). The rule is tested
once here; the readers are checked to agree with it, in one query whatever the number of people."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qms_portal.models import User
from qms_portal.services import role_assignment_end
from tests import factories
from tests.training.competence_factories import TODAY, competence, qualification, requirement
from training.selectors import competence as competence_selectors
from training.selectors import gaps
from training.selectors import matrix as matrix_selectors
from training.selectors import plan as plan_selectors
from training.services import competence as requirement_services
from training.services import qualifications as qualification_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def g(tree):
    t = tree
    t.aw = competence(f"{t.prefix}aw".lower(), months=None)
    t.ia = competence(f"{t.prefix}ia".lower(), months=36)
    t.at_ward1 = requirement("internal_auditor", t.ia, t.ward1)
    t.at_city = requirement("staff", t.aw, t.city)

    def person(name, unit):
        return factories.make_user(f"{t.prefix}{name}", unit, full_name=name)

    t.person = person
    return t


def test_a_requirement_applies_on_its_unit_below_it_and_from_above_with_sub_units_only(g):
    below = g.person("below", g.ward1)
    factories.assign(below, "staff", g.ward1, include_subunits=False)  # city's staff requirement, from below
    wide = g.person("wide", g.district)
    factories.assign(wide, "internal_auditor", g.district, include_subunits=True)  # reaches ward 1
    narrow = g.person("narrow", g.district)
    factories.assign(narrow, "internal_auditor", g.district, include_subunits=False)  # does not
    other = g.person("other", g.ward2)
    factories.assign(other, "internal_auditor", g.ward2, include_subunits=True)  # a sibling: no
    found = gaps.required_validity([below, wide, narrow, other], TODAY)
    assert set(found) == {(below.pk, g.aw.pk), (wide.pk, g.ia.pk)}
    assert competence_selectors.requirements_for(wide) == [g.at_ward1]  # the requirements agree
    assert competence_selectors.requirements_for(narrow) == []


def test_an_ended_assignment_or_a_deactivated_requirement_asks_nothing(g):
    person = g.person("ended", g.ward1)
    assignment = factories.assign(person, "internal_auditor", g.ward1)
    factories.assign(person, "staff", g.ward1)
    assert gaps.lacking([person]) == {(person.pk, g.ia.pk), (person.pk, g.aw.pk)}
    role_assignment_end(acting_user=factories._acting(), assignment=assignment, reason="chuyển công tác")
    requirement_services.requirement_deactivate(acting_user=factories._acting(), requirement=g.at_city)
    assert gaps.lacking([person]) == set()


def test_only_a_qualification_that_counts_today_closes_a_gap(g):
    people = {}
    for name in ("none", "expired", "withdrawn", "future", "valid", "open"):
        people[name] = g.person(name, g.ward1)
        factories.assign(people[name], "internal_auditor", g.ward1)
    qualification(people["expired"], g.ia, obtained=-400, until=-1)
    withdrawn = qualification(people["withdrawn"], g.ia, obtained=-10, until=300)
    qualification_services.qualification_withdraw(acting_user=factories._acting(), qualification=withdrawn,
                                                  reason="giả")
    qualification(people["future"], g.ia, obtained=5, until=300)
    qualification(people["valid"], g.ia, obtained=-10, until=0)  # valid through today
    qualification(people["valid"], g.ia, obtained=-400, until=-100)  # an older one does not matter
    qualification(people["open"], g.aw, obtained=-10)
    factories.assign(people["open"], "staff", g.ward1)
    qualification(people["open"], g.ia, obtained=-10)
    lacking = {u for u, _c in gaps.lacking(people.values())}
    assert lacking == {people[n].pk for n in ("none", "expired", "withdrawn", "future")}
    validity = gaps.required_validity(people.values(), TODAY)
    assert validity[(people["none"].pk, g.ia.pk)] is None
    assert validity[(people["expired"].pk, g.ia.pk)] < TODAY
    assert validity[(people["valid"].pk, g.ia.pk)] == TODAY
    assert validity[(people["open"].pk, g.aw.pk)] == gaps.FOREVER


def test_the_three_readers_agree_with_the_one_query(g):
    people = []
    for n in range(6):
        person = g.person(f"p{n}", g.ward1 if n % 2 else g.ward2)
        factories.assign(person, "staff", person.primary_unit)
        if n % 3 == 0:
            factories.assign(person, "internal_auditor", g.district, include_subunits=True)
        if n % 2 == 0:
            qualification(person, g.aw, obtained=-10)
        people.append(person)
    lacking = gaps.lacking(people)
    assert lacking  # some lack something, some do not
    assert {u for u, _c in lacking} != {p.pk for p in people}
    # a person's gaps (My training)
    for person in people:
        mine = {r.competence_id for r, _q in competence_selectors.gaps_for(person)}
        assert mine == {c for u, c in lacking if u == person.pk}
    # the plan's people with a gap
    users = User.objects.filter(pk__in=[p.pk for p in people])
    assert set(plan_selectors.people_with_gap(TODAY, users).values_list("pk", flat=True)) == {u for u, _c in lacking}
    # the matrix's cells
    columns = matrix_selectors.required_competences(users)
    rows = matrix_selectors.person_rows(people, columns, TODAY)
    cells = {(row.user.pk, c.pk) for row in rows for c, cell in zip(columns, row.cells, strict=True) if cell.is_gap}
    assert cells == lacking


def test_the_one_query_is_one_query_whatever_the_number_of_people(g):
    few = [g.person("a", g.ward1)]
    factories.assign(few[0], "staff", g.ward1)
    many = list(few)
    for n in range(8):
        person = g.person(f"m{n}", g.ward2)
        factories.assign(person, "internal_auditor", g.district, include_subunits=True)
        many.append(person)
    for people in (few, many):
        with CaptureQueriesContext(connection) as queries:
            gaps.lacking(people)
            gaps.required_validity(people)
        assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        assert plan_selectors.people_with_gap(TODAY, User.objects.filter(pk__in=[p.pk for p in many])).count() == 9
    assert len(queries) == 1
