"""Who may change what a role grants, and who may give which role (the security findings)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from qms_portal import permissions, services
from qms_portal.models import Role, RoleAssignment
from tests.factories import assign, make_user


def _all_permissions():
    from qms_portal.selectors import assignable_permissions

    return list(assignable_permissions())


def test_a_branch_administrator_cannot_rewrite_a_role_the_whole_city_holds(tree, client_for):
    """The finding (high): an administrator of one division gave a colleague the Administrator role
    there; the colleague edited the city-wide "Steering committee" role to hold every permission."""
    division_admin = make_user(f"{tree.prefix}divadmin", tree.division)
    assign(division_admin, "administrator", tree.division)
    colleague = make_user(f"{tree.prefix}colleague", tree.division)
    services.role_assign(acting_user=division_admin, user=colleague, role=tree.roles["administrator"],
                         unit=tree.division)  # still allowed: administering one's own branch
    steering = tree.roles["steering_committee"]
    before = set(steering.permissions.values_list("pk", flat=True))
    with pytest.raises(PermissionDenied):
        services.role_save(acting_user=colleague, role=steering, code=steering.code, name=steering.name,
                           permissions=_all_permissions())
    client = client_for(colleague)
    assert client.get(reverse("role_edit", args=[steering.pk])).status_code == 403
    assert client.post(reverse("role_edit", args=[steering.pk]),
                       {"code": steering.code, "name": "x", "permissions": [p.pk for p in _all_permissions()]}
                       ).status_code == 403
    assert client.get(reverse("role_create")).status_code == 403
    assert set(Role.objects.get(pk=steering.pk).permissions.values_list("pk", flat=True)) == before
    # The roles list is still open to read, without edit links.
    listing = client.get(reverse("role_list"))
    assert listing.status_code == 200
    assert f'href="{reverse("role_edit", args=[steering.pk])}"' not in listing.content.decode()
    assert f'href="{reverse("role_create")}"' not in listing.content.decode()


def test_the_administrator_of_the_whole_tree_may_change_a_role(tree, client_for):
    steering = tree.roles["steering_committee"]
    assert permissions.administers_whole_tree(tree.admin, "qms_portal.change_role")
    services.role_save(acting_user=tree.admin, role=steering, code=steering.code, name="Steering committee member",
                       description=steering.description, permissions=list(steering.permissions.all()))
    assert client_for(tree.admin).get(reverse("role_edit", args=[steering.pk])).status_code == 200


def test_administering_one_top_unit_is_not_the_whole_tree_when_there_are_two(tree):
    from tests.factories import make_root

    make_root(f"{tree.prefix}OTHERCITY")
    permissions.forget(tree.admin)
    assert not permissions.administers_whole_tree(tree.admin, "qms_portal.change_role")


def test_a_retired_top_unit_does_not_stop_the_whole_trees_administrator_but_keeps_its_rows_filtered(tree):
    """``administers_whole_tree`` is ``covers_all`` on the active roots: a retired top unit is no
    reason to refuse a global change, while its rows still keep a reader's lists filtered."""
    from qms_portal import services as core_services
    from tests.factories import _acting, make_root

    retired = make_root(f"{tree.prefix}OLDCITY")
    core_services.unit_set_active(acting_user=_acting(), unit=retired, active=False)
    permissions.forget(tree.admin)
    assert permissions.administers_whole_tree(tree.admin, "qms_portal.change_role")
    assert not permissions.covers_all(tree.admin, "qms_portal.change_role")


def test_nobody_gives_a_role_to_themselves(tree):
    """The finding (medium): a management representative made themselves document controller."""
    with pytest.raises(ValidationError, match="yourself"):
        services.role_assign(acting_user=tree.ward1_mr, user=tree.ward1_mr, role=tree.roles["document_controller"],
                             unit=tree.ward1)
    with pytest.raises(ValidationError, match="yourself"):  # an administrator neither
        services.role_assign(acting_user=tree.admin, user=tree.admin, role=tree.roles["staff"], unit=tree.ward1)
    assert not RoleAssignment.objects.filter(user=tree.ward1_mr, role__code="document_controller").exists()


def test_a_role_carrying_permissions_the_assigner_lacks_is_refused_whatever_the_app(tree):
    """The document controller's documents permissions (withdraw, edit) are not the management
    representative's: before, only the core's administrative permissions were checked."""
    with pytest.raises(ValidationError, match="permissions you do not hold"):
        services.role_assign(acting_user=tree.ward1_mr, user=tree.ward1_staff, role=tree.roles["document_controller"],
                             unit=tree.ward1)
    # An internal auditor's permissions are all the management representative's own: allowed.
    services.role_assign(acting_user=tree.ward1_mr, user=tree.ward1_staff, role=tree.roles["internal_auditor"],
                         unit=tree.ward1, include_subunits=False)


def test_the_permissions_must_be_held_below_too_when_the_role_reaches_the_sub_units(tree):
    mr_without_subunits = make_user(f"{tree.prefix}mr2", tree.district)
    assign(mr_without_subunits, "management_representative", tree.district, include_subunits=False)
    with pytest.raises(ValidationError, match="permissions you do not hold"):
        services.role_assign(acting_user=mr_without_subunits, user=tree.ward1_staff,
                             role=tree.roles["internal_auditor"], unit=tree.district, include_subunits=True)
    services.role_assign(acting_user=mr_without_subunits, user=tree.ward1_staff, role=tree.roles["internal_auditor"],
                         unit=tree.district, include_subunits=False)


def test_an_administrator_gives_any_role_within_their_branch(tree):
    services.role_assign(acting_user=tree.admin, user=tree.ward1_staff, role=tree.roles["document_controller"],
                         unit=tree.ward1)
    assert RoleAssignment.objects.current().filter(user=tree.ward1_staff, role__code="document_controller").exists()
