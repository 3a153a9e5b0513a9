import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from qms_portal import permissions, services
from qms_portal.models import AccessRequest, RoleAssignment, Unit, User
from qms_portal.permissions import can, restrict, users_who_can
from tests import factories

pytestmark = pytest.mark.django_db


def fresh(user):
    """The same person without the per-object permission caches."""
    return User.objects.get(pk=user.pk)


def tree_units(tree):
    return [tree.city, tree.district, tree.ward1, tree.ward2, tree.agency, tree.division]


def visible(user, tree, action="view"):
    return set(Unit.objects.restrict(user, action).filter(pk__in=[u.pk for u in tree_units(tree)]))


def test_a_role_on_a_unit_gives_its_permissions_there_and_not_on_a_sibling(tree):
    assert can(tree.ward1_staff, "view", tree.ward1)
    assert not can(tree.ward1_staff, "view", tree.ward2)
    assert not can(tree.ward1_staff, "change", tree.ward1)  # staff may read, not edit


def test_a_role_without_subunits_stops_at_its_unit(tree):
    person = factories.make_user("flat-mr", tree.district)
    factories.assign(person, "management_representative", tree.district, include_subunits=False)
    assert visible(person, tree) == {tree.district}
    assert can(person, "view", tree.district)
    assert not can(person, "view", tree.ward1)


def test_a_role_with_subunits_reaches_every_unit_below(tree):
    person = factories.make_user("deep-mr", tree.district)
    factories.assign(person, "management_representative", tree.district, include_subunits=True)
    assert visible(person, tree) == {tree.district, tree.ward1, tree.ward2}
    assert can(person, "view", tree.ward2)
    assert not can(person, "view", tree.city)


def test_a_district_steering_member_sees_the_district_and_its_wards_but_not_the_agency(tree):
    user = tree.district_steering
    assert visible(user, tree) == {tree.district, tree.ward1, tree.ward2}
    assert not can(user, "view", tree.agency)
    assert not can(user, "view", tree.division)
    assert not can(user, "view", tree.city)
    # people: those whose primary unit is in the district
    people = set(User.objects.restrict(user, "view").filter(username__startswith=tree.prefix))
    assert people == {tree.district_steering, tree.ward1_staff, tree.ward1_mr}


@pytest.mark.parametrize("action", ["view", "change", "qms_portal.view_roster", "qms_portal.add_user"])
def test_restrict_returns_the_same_rows_as_can_per_row(tree, action):
    other = factories.make_root(f"{tree.prefix}OTHER")  # a second tree: outside everyone's scope
    factories.make_unit(other, f"{tree.prefix}OTHER-1")
    permissions.grant(tree.outsider, "view", tree.ward2)
    units = list(Unit.objects.all())
    people = [tree.admin, tree.district_steering, tree.ward1_staff, tree.ward1_mr, tree.outsider]
    for person in people:
        by_row = {u.pk for u in units if can(fresh(person), action, u)}
        by_filter = set(Unit.objects.restrict(person, action).values_list("pk", flat=True))
        assert by_filter == by_row, (person, action)
        assert set(restrict(Unit.objects.all(), person, action).values_list("pk", flat=True)) == by_row
    # and on a model that reaches its unit through a foreign key
    assignments = list(RoleAssignment.objects.all())
    for person in people:
        by_row = {a.pk for a in assignments if can(fresh(person), "view", a)}
        assert set(RoleAssignment.objects.restrict(person, "view").values_list("pk", flat=True)) == by_row


def test_restrict_is_one_query_with_path_prefixes_not_id_lists(tree, django_assert_num_queries):
    for i in range(12):  # enough units that an id list would show
        factories.make_unit(tree.ward1, f"{tree.prefix}X{i}", kind="division")
    permissions.grant(tree.district_steering, "view", tree.agency)
    user = fresh(tree.district_steering)
    for model in (Unit, User, RoleAssignment):
        qs = model.objects.restrict(user, "view")
        with django_assert_num_queries(1) as captured:
            rows = list(qs)
        assert rows, model
        sql = captured.captured_queries[0]["sql"]
        # the held subtree is an indexed prefix match on the materialised path
        assert "LIKE" in sql.upper()
        # no "IN (1, 2, 3, …)" list of literal ids
        assert not re.search(r"IN \(\s*(%s|\d+)(\s*,\s*(%s|\d+)){2,}\s*\)", sql), sql


def test_a_single_object_grant_gives_access_to_exactly_that_object(tree):
    assert not can(tree.outsider, "view", tree.ward2)
    permissions.grant(tree.outsider, "view", tree.ward2)
    outsider = fresh(tree.outsider)
    assert can(outsider, "view", tree.ward2)
    assert not can(outsider, "view", tree.ward1)
    assert not can(outsider, "view", tree.district)
    assert not can(outsider, "change", tree.ward2)  # only the granted permission
    assert visible(outsider, tree) == {tree.agency, tree.division, tree.ward2}
    assert outsider.has_perm("qms_portal.view_unit", tree.ward2)
    permissions.revoke(outsider, "view", tree.ward2)
    assert not can(fresh(outsider), "view", tree.ward2)


def test_a_deactivated_user_sees_nothing_and_holds_no_permission(tree):
    assert visible(tree.ward1_staff, tree)
    gone = services.user_set_active(acting_user=tree.admin, user=tree.ward1_staff, active=False)
    gone = fresh(gone)
    assert not gone.is_active
    assert not Unit.objects.restrict(gone, "view").exists()
    assert not can(gone, "view", tree.ward1)
    assert not gone.has_perm("qms_portal.view_unit")
    assert not gone.has_perm("qms_portal.view_unit", tree.ward1)
    assert gone.get_all_permissions() == set()


def test_an_anonymous_user_sees_nothing(tree):
    anonymous = AnonymousUser()
    assert not Unit.objects.restrict(anonymous, "view").exists()
    assert not can(anonymous, "view", tree.city)


def test_a_role_on_a_deactivated_unit_grants_nothing(tree):
    person = factories.make_user("ward2-staff", tree.ward2)
    factories.assign(person, "staff", tree.ward2)
    assert can(fresh(person), "view", tree.ward2)
    services.unit_set_active(acting_user=tree.admin, unit=tree.ward2, active=False)
    person = fresh(person)
    assert not can(person, "view", tree.ward2)
    assert not Unit.objects.restrict(person, "view").exists()
    assert not person.has_perm("qms_portal.view_unit")
    assert person not in users_who_can("view", Unit.objects.get(pk=tree.ward2.pk))


def test_a_superuser_sees_every_unit(tree, superuser):
    factories.small_tree()
    assert Unit.objects.restrict(superuser, "change").count() == Unit.objects.count()
    assert all(can(superuser, "change", u) for u in Unit.objects.all())


def test_has_perm_agrees_with_can_on_objects_and_anywhere(tree):
    permissions.grant(tree.outsider, "change", tree.ward1)
    perms = ["qms_portal.view_unit", "qms_portal.change_unit", "qms_portal.view_roster", "qms_portal.add_user"]
    units = tree_units(tree)
    for person in [tree.admin, tree.district_steering, tree.ward1_staff, tree.ward1_mr, tree.outsider]:
        person = fresh(person)
        for perm in perms:
            for unit in units:
                assert person.has_perm(perm, unit) == can(person, perm, unit), (person, perm, unit)
            anywhere = Unit.objects.restrict(person, perm).exists()
            assert person.has_perm(perm) == anywhere, (person, perm)
    # spot checks, so the loop above cannot pass with everything False
    assert fresh(tree.admin).has_perm("qms_portal.change_unit", tree.division)
    assert fresh(tree.outsider).has_perm("qms_portal.change_unit")
    assert not fresh(tree.ward1_staff).has_perm("qms_portal.change_unit")


def test_users_who_can_finds_ancestor_roles_grant_holders_and_not_inactive_people(tree):
    flat = factories.make_user("flat", tree.district)
    factories.assign(flat, "staff", tree.district, include_subunits=False)
    holder = factories.make_user("holder", tree.agency)
    permissions.grant(holder, "view", tree.ward1)
    assert set(users_who_can("view", tree.ward1)) == {
        tree.admin, tree.district_steering, tree.ward1_staff, tree.ward1_mr, holder,
    }
    # the role without sub-units counts only on its own unit
    assert flat in set(users_who_can("view", tree.district))
    services.user_set_active(acting_user=tree.admin, user=tree.ward1_staff, active=False)
    assert tree.ward1_staff not in set(users_who_can("view", tree.ward1))
    assert set(users_who_can("qms_portal.decide_accessrequest", _request_on(tree.ward1, tree))) == {
        tree.admin, tree.ward1_mr,
    }


def _request_on(unit, tree):
    return services.access_request_create(
        acting_user=tree.outsider, role=tree.roles["document_controller"], unit=unit, include_subunits=False,
        justification="I keep the register.",
    )


def test_the_may_on_template_filter_asks_the_permission_mechanism(tree):
    template = Template('{% if user|may:"change"|on:obj %}yes{% else %}no{% endif %}')

    def render(user, obj):
        return template.render(Context({"user": fresh(user), "obj": obj}))

    assert render(tree.admin, tree.ward1) == "yes"
    assert render(tree.ward1_staff, tree.ward1) == "no"
    assert render(tree.district_steering, tree.ward1) == "no"
    viewing = Template('{% if user|may:"view"|on:obj %}yes{% else %}no{% endif %}')
    assert viewing.render(Context({"user": tree.ward1_staff, "obj": tree.ward1})) == "yes"
    assert viewing.render(Context({"user": tree.ward1_staff, "obj": tree.agency})) == "no"
    assert AccessRequest.objects.count() == 0


def test_a_permission_added_after_the_names_were_read_is_found(tree, django_assert_max_num_queries):
    """Permission ids are read once per process (``permission_names``); a permission created
    later (a new migration, while the process runs) is read again when a role grant names it."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    permissions.permission_names(reload=True)
    extra = Permission.objects.create(codename="audit_unit_extra", name="Extra",
                                      content_type=ContentType.objects.get_for_model(Unit))
    tree.roles["staff"].permissions.add(extra)
    assert fresh(tree.ward1_staff).has_perm("qms_portal.audit_unit_extra")
    assert not fresh(tree.outsider).has_perm("qms_portal.nothing_like_this")


def test_grants_and_single_object_permissions_are_one_query(tree, django_assert_num_queries):
    user = fresh(tree.ward1_staff)
    permissions.grant(user, "change", tree.ward2)
    user = fresh(user)
    permissions.permission_names()
    with django_assert_num_queries(1):
        held = permissions.held_permissions(user)
        grants = permissions.role_grants(user)
    assert "qms_portal.change_unit" in held and "qms_portal.view_unit" in grants
    assert {unit for unit, _path, _sub in grants["qms_portal.view_unit"]} == {tree.ward1.pk}


def test_the_permission_names_are_read_again_after_migrations(tree):
    from django.db.models.signals import post_migrate

    permissions.permission_names()
    assert permissions._PERMISSIONS
    assert any(key[0] == "qms-permission-names" for key, *_ in post_migrate.receivers)
    permissions.forget_permission_names()
    assert permissions._PERMISSIONS == {}
    assert "qms_portal.view_unit" in set(permissions.permission_names().values())


def test_a_reader_holding_every_root_with_its_subunits_gets_no_scope_filter(tree, django_assert_num_queries):
    """Only when every root of the tree is held with its sub-units: one more root elsewhere and the
    same reader is filtered again (and does not see that root's rows)."""
    roots = list(Unit.objects.filter(parent__isnull=True))
    person = factories.make_user(f"{tree.prefix}province", tree.city)
    for root in roots:
        factories.assign(person, "steering_committee", root, include_subunits=True)
    user = fresh(person)
    assert permissions.covers_all(user, "qms_portal.view_unit")
    qs, every = Unit.objects.restrict(user, "view"), set(Unit.objects.all())
    with django_assert_num_queries(1) as captured:
        assert set(qs) == every
    sql = captured.captured_queries[0]["sql"]
    assert "LIKE" not in sql.upper() and "JOIN" not in sql.upper(), sql
    # combined with another condition by a caller, it still means every row
    from django.db.models import Q

    assert set(Unit.objects.filter(permissions.scope_q(Unit, user, "qms_portal.view_unit") | Q(pk=-1))) == every
    assert list(User.objects.restrict(user, "view").order_by("pk")) == list(User.objects.order_by("pk"))

    elsewhere = factories.make_root(f"{tree.prefix}ELSE")
    user = fresh(person)
    assert not permissions.covers_all(user, "qms_portal.view_unit")
    assert elsewhere not in set(Unit.objects.restrict(user, "view"))
    # a permission held on every root but without sub-units does not cover the tree
    other = factories.make_user(f"{tree.prefix}roots-only", tree.city)
    for root in Unit.objects.filter(parent__isnull=True):
        factories.assign(other, "steering_committee", root, include_subunits=False)
    assert not permissions.covers_all(fresh(other), "qms_portal.view_unit")
