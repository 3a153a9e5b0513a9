"""Roll-ups up the unit tree: counts per unit summed upwards, split by a field, limited to a
subtree or to the rows a user may see, in two queries whatever the number of rows."""

import pytest

from documents.models import Revision
from qms_portal import services
from qms_portal.models import AccessRequest, Unit, User
from qms_portal.rollups import rollup, rollup_children
from tests import factories
from tests.documents import factories as docs

pytestmark = pytest.mark.django_db


def _request(tree, requester, unit, role="document_controller"):
    return services.access_request_create(acting_user=requester, role=tree.roles[role], unit=unit,
                                          include_subunits=False, justification="ISO secretary")


@pytest.fixture
def requests(tree):
    """ward1: 3 (one withdrawn), ward2: 1, district: 1, agency: 2, division: 1, city: none.
    The requesters are people of the agency and of the wards (each request under its own role)."""
    asker = factories.make_user(f"{tree.prefix}asker", tree.agency)
    withdrawn = _request(tree, asker, tree.ward1, "staff")
    services.access_request_transition(acting_user=asker, access_request=withdrawn, name="withdraw")
    _request(tree, asker, tree.ward1, "document_controller")
    _request(tree, asker, tree.ward1, "department_head")
    _request(tree, asker, tree.ward2)
    _request(tree, asker, tree.district)
    _request(tree, asker, tree.agency, "staff")
    _request(tree, asker, tree.agency, "department_head")
    _request(tree, asker, tree.division)
    return tree


def by_code(nodes):
    return {n.unit.code.split("-", 1)[1]: n for n in nodes}


def test_it_counts_each_units_own_rows_and_sums_them_up_the_tree(requests):
    nodes = rollup(AccessRequest.objects.all())
    figures = {code: (n.own, n.total) for code, n in by_code(nodes).items()}
    assert figures == {
        "CITY": (0, 8), "DIST": (1, 5), "W1": (3, 3), "W2": (1, 1), "AG": (2, 3), "DIV": (1, 1),
    }
    # tree order: every unit comes after the units above it
    assert [n.unit.path for n in nodes] == sorted(n.unit.path for n in nodes)
    city = nodes[0]
    assert city.unit.id == requests.city.pk and city.unit.depth == 0 and city.unit.parent_id is None
    assert by_code(nodes)["W1"].unit.parent_id == requests.district.pk
    assert by_code(nodes)["W1"].unit.name == requests.ward1.name


def test_by_splits_each_figure_by_the_values_of_a_field(requests):
    nodes = by_code(rollup(AccessRequest.objects.all(), by="status"))
    assert nodes["W1"].own_by == {"pending": 2, "withdrawn": 1}
    assert nodes["DIST"].own_by == {"pending": 1}
    assert nodes["DIST"].total_by == {"pending": 4, "withdrawn": 1}
    assert nodes["CITY"].own_by == {} and nodes["CITY"].total_by == {"pending": 7, "withdrawn": 1}
    assert nodes["CITY"].total == 8
    # a field across a relation
    by_role = by_code(rollup(AccessRequest.objects.all(), by="role__code"))
    assert by_role["AG"].total_by == {"staff": 1, "department_head": 1, "document_controller": 1}


def test_by_default_it_reports_the_units_with_rows_and_those_above_them(tree):
    _request(tree, tree.ward1_staff, tree.ward1)
    codes = set(by_code(rollup(AccessRequest.objects.all())))
    assert codes == {"CITY", "DIST", "W1"}  # not ward 2, the agency or the division
    assert rollup(AccessRequest.objects.none()) == []


def test_a_root_limits_the_count_and_the_report_to_its_subtree(requests):
    nodes = rollup(AccessRequest.objects.all(), root=requests.district)
    assert {code: n.total for code, n in by_code(nodes).items()} == {"DIST": 5, "W1": 3, "W2": 1}
    # the root is reported even without rows below it
    empty = factories.make_unit(requests.city, f"{requests.prefix}EMPTY", kind="agency")
    (node,) = rollup(AccessRequest.objects.all(), root=empty)
    assert (node.unit.id, node.own, node.total) == (empty.pk, 0, 0)


def test_the_units_to_report_on_may_be_named_and_their_totals_include_units_not_named(requests):
    nodes = rollup(AccessRequest.objects.all(), units=[requests.city, requests.ward2.pk, requests.division])
    assert {n.unit.id: (n.own, n.total) for n in nodes} == {
        requests.city.pk: (0, 8), requests.ward2.pk: (1, 1), requests.division.pk: (1, 1)}
    assert [n.unit.path for n in nodes] == sorted(n.unit.path for n in nodes)
    wards = Unit.objects.filter(kind="ward", path__startswith=requests.city.path)
    assert {n.unit.code: n.total for n in rollup(AccessRequest.objects.all(), units=wards)} == {
        requests.ward1.code: 3, requests.ward2.code: 1}


def test_a_restricted_queryset_counts_only_the_rows_the_user_may_see(requests):
    # the district's steering committee sees the district's requests, not the agency's
    visible = AccessRequest.objects.restrict(requests.district_steering, "view")
    nodes = by_code(rollup(visible))
    assert {code: n.total for code, n in nodes.items()} == {"CITY": 5, "DIST": 5, "W1": 3, "W2": 1}
    # ward 1's staff may see no access request at all
    assert rollup(AccessRequest.objects.restrict(requests.ward1_staff, "view")) == []


def test_drilling_down_gives_the_parents_own_rows_and_each_child_with_its_subtree(requests):
    quiet = factories.make_unit(requests.city, f"{requests.prefix}QUIET", kind="agency")
    drill = rollup_children(AccessRequest.objects.all(), parent=requests.city, by="status")
    assert (drill.parent.unit.id, drill.parent.own, drill.parent.total) == (requests.city.pk, 0, 8)
    children = {n.unit.id: (n.own, n.total) for n in drill.children}
    assert children == {requests.district.pk: (1, 5), requests.agency.pk: (2, 3), quiet.pk: (0, 0)}
    district = next(n for n in drill.children if n.unit.id == requests.district.pk)
    assert district.total_by == {"pending": 4, "withdrawn": 1}

    drill = rollup_children(AccessRequest.objects.all(), parent=requests.district)
    assert (drill.parent.own, drill.parent.total) == (1, 5)
    assert sorted(n.total for n in drill.children) == [1, 3]


def test_a_nested_unit_field_is_followed(db):
    s = docs.doc_setup()
    effective = docs.new_document(s, title="Tiếp nhận hồ sơ")
    docs.drive_to_effective(s, docs.draft_of(effective))
    docs.new_document(s, title="Kiểm soát tài liệu")
    docs.new_document(s, title="Văn thư", unit=s.office)
    controller = factories.make_user(f"{s.prefix}controller-other".lower(), s.other)
    factories.assign(controller, s.roles["document_controller"], s.other)
    docs.new_document(s, title="Thu ngân sách", unit=s.other, author=controller, process_owner=controller)
    nodes = {n.unit.id: n for n in rollup(Revision.objects.all(), by="status", root=s.root)}
    assert nodes[s.dept.pk].own_by == {"effective": 1, "draft": 1}
    assert nodes[s.dept.pk].total_by == {"effective": 1, "draft": 2}
    assert nodes[s.office.pk].total == 1
    assert nodes[s.other.pk].total == 1
    assert nodes[s.root.pk].total == 4
    # the office's staff read the office's revision and the department's effective one (distributed
    # to them), not the department's draft nor anything of the other department
    readable = Revision.objects.restrict(s.staff, "view")
    expected = _expected_readable(s, readable)
    assert expected == {s.root.pk: 2, s.dept.pk: 2, s.office.pk: 1}
    assert {n.unit.id: n.total for n in rollup(readable, root=s.root)} == expected


def _expected_readable(s, readable):
    """The same figures counted one row at a time."""
    expected = {}
    for revision in readable.select_related("document__unit"):
        for unit in [revision.document.unit, *revision.document.unit.ancestors()]:
            if unit.path.startswith(s.root.path):
                expected[unit.pk] = expected.get(unit.pk, 0) + 1
    return expected


def test_a_unit_queryset_counts_units_and_rows_without_a_unit_are_left_out(tree):
    nodes = by_code(rollup(Unit.objects.filter(path__startswith=tree.city.path)))
    assert (nodes["CITY"].own, nodes["CITY"].total, nodes["DIST"].total) == (1, 6, 3)
    factories.make_superuser(f"{tree.prefix}nobody-anywhere")  # no primary unit
    people = User.objects.filter(username__startswith=tree.prefix)
    assert by_code(rollup(people))["CITY"].total == people.exclude(primary_unit=None).count() == 5


def test_a_model_without_units_is_refused(tree):
    from qms_portal.models import Role

    with pytest.raises(ValueError, match="unit_field"):
        rollup(Role.objects.all())


def _grow(tree, count):
    """``count`` access requests spread over the tree's units (test data in bulk: what is counted
    here is rows, not the service's rules)."""
    units = [tree.city, tree.district, tree.ward1, tree.ward2, tree.agency, tree.division]
    role = tree.roles["staff"]
    AccessRequest.objects.bulk_create(
        AccessRequest(requester=tree.ward1_staff, role=role, unit=units[i % len(units)], justification=str(i),
                      status="pending" if i % 3 else "rejected")
        for i in range(count)
    )


@pytest.mark.parametrize("rows", [5, 50])
def test_the_number_of_queries_does_not_grow_with_the_rows(tree, rows, django_assert_num_queries):
    _grow(tree, rows)
    visible = AccessRequest.objects.restrict(tree.admin, "view")  # the user's grants are read here
    with django_assert_num_queries(2):
        nodes = rollup(visible, by="status")
    assert nodes[0].total == rows
    with django_assert_num_queries(2):
        drill = rollup_children(visible, parent=tree.city, by="status")
    assert drill.parent.total == rows and len(drill.children) == 2
    with django_assert_num_queries(2):
        rollup(visible, root=tree.district)


def test_rows_are_counted_once_even_when_a_filter_follows_a_relation_back(tree):
    """A plain COUNT when the query joins only along foreign keys; COUNT(DISTINCT) as soon as it
    joins back along one (a unit filtered on its role assignments appears once per assignment)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qms_portal.rollups import _each_row_once, tally

    forward = AccessRequest.objects.filter(role__code="staff")
    backward = Unit.objects.filter(assignments__role__code__in=["staff", "management_representative",
                                                               "administrator", "steering_committee"])
    assert _each_row_once(forward.values("unit__path"))
    assert not _each_row_once(backward.values("path"))
    with CaptureQueriesContext(connection) as queries:
        counted = tally(backward, root=tree.city)
    assert "DISTINCT" in queries[0]["sql"]
    # ward1 holds two of those roles (its staff and its management representative): one unit
    assert counted[tree.ward1.path].rows == 1
    assert counted[tree.city.path].rows == backward.distinct().filter(path__startswith=tree.city.path).count()
    with CaptureQueriesContext(connection) as queries:
        tally(forward, root=tree.city)
    assert "DISTINCT" not in queries[0]["sql"]


def test_a_share_reads_the_part_and_the_whole_in_one_query_as_two_tallies_would(requests, django_assert_num_queries):
    from django.db.models import Q

    from qms_portal.rollups import tally, tally_share

    whole = AccessRequest.objects.all()
    part = Q(status="pending")
    with django_assert_num_queries(1):
        parts, wholes = tally_share(whole, part, root=requests.city)
    assert {path: (t.rows, t.total) for path, t in parts.items()} == {
        path: (t.rows, t.total) for path, t in tally(whole.filter(part), root=requests.city).items()}
    assert {path: t.rows for path, t in wholes.items()} == {
        path: t.rows for path, t in tally(whole, root=requests.city).items()}
    assert parts[requests.ward1.path].rows == 2 and wholes[requests.ward1.path].rows == 3


def test_a_rate_given_a_numerator_counts_its_denominators_rows_that_meet_it():
    from django.db.models import Q

    from qms_portal.areas import Figure

    figure = Figure("x.pending", "Pending", None, kind="rate", denominator=lambda user: AccessRequest.objects.all(),
                    numerator=Q(status="pending"))
    assert str(figure.queryset(None).query) == str(AccessRequest.objects.filter(status="pending").query)
    with pytest.raises(ValueError):  # one source for the numerator, not two
        Figure("x.both", "Both", lambda user: AccessRequest.objects.all(), kind="rate",
               denominator=lambda user: AccessRequest.objects.all(), numerator=Q(status="pending"))
    with pytest.raises(ValueError):
        Figure("x.count", "Count", None, numerator=Q(status="pending"))
