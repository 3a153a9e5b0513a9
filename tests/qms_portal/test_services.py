import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from qms_portal import services
from qms_portal.history import reason_text
from qms_portal.models import RoleAssignment, Unit, User
from qms_portal.permissions import can
from tests import factories

pytestmark = pytest.mark.django_db


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_unit_create_computes_the_materialised_path(tree):
    ward1 = fresh(tree.ward1)
    assert tree.city.path == f"/{tree.city.key}/"
    assert ward1.path == f"/{tree.city.key}/{tree.district.key}/{ward1.key}/"
    assert (tree.city.depth, tree.district.depth, ward1.depth) == (0, 1, 2)
    assert set(fresh(tree.district).descendants()) == {tree.ward1, tree.ward2}
    assert list(ward1.ancestors()) == [tree.city, tree.district]


def test_unit_create_needs_the_add_unit_permission_on_the_parent(tree):
    with pytest.raises(PermissionDenied):
        services.unit_create(acting_user=tree.district_steering, code=f"{tree.prefix}NEW", name="New ward",
                             kind="ward", parent=tree.ward1)
    with pytest.raises(PermissionDenied):  # only a superuser makes a new root
        services.unit_create(acting_user=tree.admin, code=f"{tree.prefix}ROOT", name="Root", kind="city")
    unit = services.unit_create(acting_user=tree.admin, code=f"{tree.prefix}NEW", name="New ward", kind="ward",
                                parent=tree.district)
    assert unit.history.get().history_user == tree.admin


def test_unit_move_moves_the_subtree_with_history_and_scope(tree):
    extra = factories.make_unit(tree.ward1, f"{tree.prefix}W1A", kind="division")
    steering_before = fresh(tree.district_steering)
    assert can(steering_before, "view", tree.ward1)
    assert not can(fresh(tree.outsider), "view", tree.ward1)

    services.unit_move(acting_user=tree.admin, unit=tree.ward1, parent=tree.agency)

    agency = fresh(tree.agency)
    ward1, extra = fresh(tree.ward1), fresh(extra)
    assert ward1.parent == agency
    assert ward1.path == f"{agency.path}{ward1.key}/" and ward1.depth == 2
    assert extra.path == f"{ward1.path}{extra.key}/" and extra.depth == 3
    assert set(fresh(tree.district).descendants()) == {tree.ward2}
    assert set(agency.descendants()) == {tree.division, ward1, extra}
    for unit, reason in ((ward1, "moved"), (extra, "moved with its parent unit")):
        last = unit.history.order_by("-history_date", "-history_id").first()
        assert last.history_user == tree.admin
        assert reason_text(last.history_change_reason) == reason
        assert last.path == unit.path
    # the steering member of the old parent loses it, the agency's staff gain it
    assert not can(fresh(tree.district_steering), "view", ward1)
    assert not can(fresh(tree.district_steering), "view", extra)
    assert can(fresh(tree.outsider), "view", ward1)
    assert can(fresh(tree.outsider), "view", extra)
    assert set(Unit.objects.restrict(tree.district_steering).filter(code__startswith=tree.prefix)) == {
        tree.district, tree.ward2,
    }


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_a_unit_cannot_be_moved_under_itself_or_its_descendants(tree, target):
    grandchild = factories.make_unit(tree.ward1, f"{tree.prefix}GC", kind="division")
    parent = {"itself": tree.district, "child": tree.ward1, "grandchild": grandchild}[target]
    path_before = fresh(tree.district).path
    with pytest.raises(ValidationError):
        services.unit_move(acting_user=tree.admin, unit=tree.district, parent=parent)
    assert fresh(tree.district).path == path_before
    assert fresh(tree.district).parent == tree.city


def test_a_unit_with_active_children_cannot_be_deactivated(tree):
    with pytest.raises(ValidationError):
        services.unit_set_active(acting_user=tree.admin, unit=tree.district, active=False)
    assert fresh(tree.district).is_active
    for ward in (tree.ward1, tree.ward2):
        services.unit_set_active(acting_user=tree.admin, unit=ward, active=False)
    services.unit_set_active(acting_user=tree.admin, unit=tree.district, active=False)
    assert not fresh(tree.district).is_active
    with pytest.raises(ValidationError):  # and a child comes back only after its parent
        services.unit_set_active(acting_user=tree.admin, unit=tree.ward1, active=True)


def test_a_deactivated_user_is_signed_out_at_the_next_request(tree, client_for):
    client = client_for(tree.ward1_staff)
    other = client_for(tree.ward1_mr)
    assert int(client.session["_auth_user_id"]) == tree.ward1_staff.pk
    services.user_set_active(acting_user=tree.admin, user=tree.ward1_staff, active=False)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    # an active colleague's session goes on (no redirect to the login page)
    response = other.post(reverse("inbox_read_all"))
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox")


def test_nobody_can_deactivate_themselves(tree):
    with pytest.raises(ValidationError):
        services.user_set_active(acting_user=tree.admin, user=tree.admin, active=False)
    assert fresh(tree.admin).is_active


def test_deactivating_a_user_needs_the_permission(tree):
    with pytest.raises(PermissionDenied):
        services.user_set_active(acting_user=tree.district_steering, user=tree.ward1_staff, active=False)
    assert fresh(tree.ward1_staff).is_active


def test_a_duplicate_role_assignment_is_refused(tree):
    with pytest.raises(ValidationError):
        services.role_assign(acting_user=tree.admin, user=tree.ward1_staff, role=tree.roles["staff"],
                             unit=tree.ward1, notify_user=False)
    assert RoleAssignment.objects.filter(user=tree.ward1_staff, role=tree.roles["staff"]).count() == 1


def test_a_role_cannot_be_given_to_a_deactivated_user(tree):
    services.user_set_active(acting_user=tree.admin, user=tree.outsider, active=False)
    with pytest.raises(ValidationError):
        services.role_assign(acting_user=tree.admin, user=fresh(tree.outsider), role=tree.roles["internal_auditor"],
                             unit=tree.agency, notify_user=False)
    assert not RoleAssignment.objects.filter(user=tree.outsider, role=tree.roles["internal_auditor"]).exists()


def test_vietnamese_text_given_decomposed_is_stored_composed(tree):
    name_nfc = "Phường Bến Nghé"
    person_nfc = "Nguyễn Văn Ánh"
    name_nfd = unicodedata.normalize("NFD", name_nfc)
    person_nfd = unicodedata.normalize("NFD", person_nfc)
    assert name_nfd != name_nfc  # the input really is decomposed
    unit = factories.make_unit(tree.district, f"{tree.prefix}BN", kind="ward", name=name_nfd)
    user = factories.make_user(f"{tree.prefix}anh", unit, full_name=person_nfd, position=person_nfd)
    assert fresh(unit).name == name_nfc
    assert fresh(user).full_name == person_nfc
    assert fresh(user).position == person_nfc
    assert Unit.objects.filter(name=name_nfc).count() == 1
    assert User.objects.filter(full_name=person_nfc).count() == 1


@pytest.mark.parametrize("site", ["https://qms.example.gov.vn", "http://127.0.0.1:8000"])
def test_a_new_person_gets_a_set_password_link_on_the_sites_address(tree, settings, site,
                                                                    django_capture_on_commit_callbacks):
    from django.core import mail

    settings.QMS_SITE_URL = site
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        person = services.user_create(acting_user=tree.admin, username=f"{tree.prefix}new", full_name="Lê Thị Hoa",
                                      email="hoa@example.org", primary_unit=tree.ward1,
                                      send_set_password_link=True)
    assert not person.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["hoa@example.org"]
    assert f"{site}/accounts/reset/" in message.body
    assert person.username in message.body


def test_the_set_password_link_goes_only_to_that_person(tree, django_capture_on_commit_callbacks):
    from django.core import mail

    shared = tree.ward1_staff.email  # two people share an office mailbox
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        person = services.user_create(acting_user=tree.admin, username=f"{tree.prefix}twin", full_name="Twin",
                                      email=shared, primary_unit=tree.ward1, send_set_password_link=True)
    [message] = mail.outbox
    assert person.username in message.body
    assert tree.ward1_staff.username not in message.body


def test_a_management_representative_cannot_make_anyone_an_administrator(tree):
    roles = factories.roles()
    with pytest.raises(ValidationError, match="permissions you do not hold"):
        services.role_assign(acting_user=tree.ward1_mr, user=tree.ward1_staff, role=roles["administrator"],
                             unit=tree.ward1)
    with pytest.raises(ValidationError, match="yourself"):
        services.role_assign(acting_user=tree.ward1_mr, user=tree.ward1_mr, role=roles["administrator"],
                             unit=tree.ward1)
    assert not RoleAssignment.objects.filter(role=roles["administrator"], unit=tree.ward1).exists()


def test_a_management_representative_appoints_an_internal_auditor_not_a_document_controller(tree):
    """Separation of duties: the document controller's documents rights (edit, withdraw) are not the
    management representative's own, so an administrator appoints a document controller."""
    roles = factories.roles()
    assignment = services.role_assign(acting_user=tree.ward1_mr, user=tree.ward1_staff,
                                      role=roles["internal_auditor"], unit=tree.ward1, include_subunits=False)
    assert assignment.granted_by == tree.ward1_mr
    with pytest.raises(ValidationError, match="permissions you do not hold"):
        services.role_assign(acting_user=tree.ward1_mr, user=tree.ward1_staff, role=roles["document_controller"],
                             unit=tree.ward1)


def test_an_administrator_grants_administration_where_they_hold_it(tree):
    roles = factories.roles()
    assignment = services.role_assign(acting_user=tree.admin, user=tree.ward1_mr, role=roles["administrator"],
                                      unit=tree.ward1)
    assert assignment.role.code == "administrator"


def test_only_the_requester_withdraws_an_access_request(tree):
    from qms_portal.workflow import TransitionError

    roles = factories.roles()
    request = services.access_request_create(acting_user=tree.ward1_staff, role=roles["internal_auditor"],
                                             unit=tree.ward1, include_subunits=False, justification="audits")
    with pytest.raises((TransitionError, PermissionDenied)):
        services.access_request_transition(acting_user=tree.admin, access_request=request, name="withdraw")
    services.access_request_transition(acting_user=tree.ward1_staff, access_request=request, name="withdraw")
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_the_set_password_link_goes_out_in_the_new_persons_language(tree, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.utils import translation

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.user_create(acting_user=tree.admin, username=f"{tree.prefix}vi-new", full_name="Trần Thị Mai",
                             email="mai@example.org", primary_unit=tree.ward1, language="vi",
                             send_set_password_link=True)
    [message] = mail.outbox
    with translation.override("vi"):
        subject = translation.gettext("QMS Portal: set your password")
    assert subject != "QMS Portal: set your password"
    assert message.subject == subject
