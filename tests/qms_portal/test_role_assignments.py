"""Role assignments are ended with a date, never deleted: an ended one grants nothing, stays readable
(who ended it, when, why) and answers "who held which role on that day"."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from qms_portal import services
from qms_portal.history import history_entries
from qms_portal.models import AccessRequest, RoleAssignment, Unit, User
from qms_portal.permissions import can, users_who_can
from qms_portal.selectors import holders, roles_giving
from tests import factories

pytestmark = pytest.mark.django_db


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def staff_assignment(tree):
    return RoleAssignment.objects.get(user=tree.ward1_staff, unit=tree.ward1)


def end(tree, assignment=None, reason="Chuyển công tác sang phường 2."):
    return services.role_assignment_end(acting_user=tree.admin, assignment=assignment or staff_assignment(tree),
                                        reason=reason)


def test_ending_keeps_the_assignment_with_who_when_and_why(tree):
    before = timezone.now()
    ended = end(tree)
    row = RoleAssignment.objects.get(pk=ended.pk)
    assert row.ended_by == tree.admin and row.end_reason == "Chuyển công tác sang phường 2."
    assert before <= row.ended_at <= timezone.now()
    assert not RoleAssignment.history.filter(id=row.pk, history_type="-").exists()


def test_an_ended_assignment_grants_nothing(tree):
    mr = RoleAssignment.objects.get(user=tree.ward1_mr, unit=tree.ward1)
    request = services.access_request_create(acting_user=tree.ward1_staff, role=tree.roles["internal_auditor"],
                                             unit=tree.ward1, include_subunits=False, justification="Audit.")
    assert can(fresh(tree.ward1_staff), "view", tree.ward1)
    assert tree.ward1_mr in users_who_can("qms_portal.decide_accessrequest", request)
    end(tree)
    end(tree, mr)
    staff = fresh(tree.ward1_staff)
    assert not can(staff, "view", tree.ward1)
    assert not Unit.objects.restrict(staff, "view").filter(pk=tree.ward1.pk).exists()
    assert not staff.has_perm("qms_portal.view_unit")
    assert tree.ward1_mr not in users_who_can("qms_portal.decide_accessrequest", request)
    assert not can(fresh(tree.ward1_mr), "qms_portal.decide_accessrequest", request)


def test_the_person_may_be_given_the_same_role_again_after_it_ended(tree):
    first = end(tree)
    again = factories.assign(tree.ward1_staff, "staff", tree.ward1)
    assert again.pk != first.pk and again.ended_at is None
    assert can(fresh(tree.ward1_staff), "view", tree.ward1)
    assert RoleAssignment.objects.filter(user=tree.ward1_staff, unit=tree.ward1).count() == 2
    # but never twice at the same time
    with pytest.raises(ValidationError):
        factories.assign(tree.ward1_staff, "staff", tree.ward1)


def test_the_database_refuses_two_current_assignments_of_one_role_but_not_an_ended_beside_a_current(tree):
    from django.db import IntegrityError, transaction

    first = end(tree)
    RoleAssignment.objects.create(user=tree.ward1_staff, role=first.role, unit=tree.ward1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=tree.ward1_staff, role=first.role, unit=tree.ward1)


def test_ending_needs_the_permission_on_the_unit_and_happens_once(tree):
    outsider = RoleAssignment.objects.get(user=tree.outsider, unit=tree.agency)
    with pytest.raises(PermissionDenied):
        services.role_assignment_end(acting_user=tree.ward1_mr, assignment=outsider)  # MR of ward 1 only
    assert fresh(outsider).ended_at is None
    end(tree)
    with pytest.raises(ValidationError):
        end(tree)


def test_the_history_of_an_assignment_shows_its_end_with_the_reason(tree):
    ended = end(tree)
    entries = history_entries(ended)
    last = entries[0]
    assert last["user"] == tree.admin
    assert last["reason"] == "Chuyển công tác sang phường 2."
    changes = {str(c["label"]): c for c in last["changes"]}
    assert set(changes) == {"Ended", "Ended by"}  # the reason is the entry's reason, not a field again
    assert changes["Ended by"]["new"] == str(tree.admin)
    assert changes["Ended"]["new"] == fresh(ended).ended_at


def test_an_end_without_a_reason_says_it_ended_in_the_readers_language(tree):
    from django.utils import translation

    ended = services.role_assignment_end(acting_user=tree.admin, assignment=staff_assignment(tree))
    assert history_entries(ended)[0]["reason"] == "role assignment ended"
    with translation.override("vi"):
        assert history_entries(ended)[0]["reason"] == translation.gettext("role assignment ended")


def test_holders_on_a_moment_before_and_after_the_end(tree):
    perm = "qms_portal.view_unit"
    created = staff_assignment(tree).created_at
    while_held = timezone.now()
    end(tree)
    after = timezone.now() + timedelta(seconds=1)
    assert tree.ward1_staff in holders(perm=perm, unit=tree.ward1, at=while_held)
    assert tree.ward1_staff not in holders(perm=perm, unit=tree.ward1, at=after)
    assert tree.ward1_staff not in holders(perm=perm, unit=tree.ward1, at=created - timedelta(seconds=1))
    # the role reaches the units below only where it was given with them
    assert tree.admin in holders(perm=perm, unit=tree.ward1, at=after)
    assert tree.outsider not in holders(perm=perm, unit=tree.ward1, at=while_held)


def test_holders_count_the_permissions_a_role_gave_then_not_now(tree):
    perm = "qms_portal.decide_accessrequest"
    role = tree.roles["management_representative"]
    then = timezone.now()
    assert role.pk in roles_giving(perm, then)
    kept = role.permissions.exclude(content_type__app_label="qms_portal", codename="decide_accessrequest")
    services.role_save(acting_user=tree.admin, role=role, code=role.code, name=role.name,
                       description=role.description, permissions=list(kept))
    now = timezone.now()
    assert tree.ward1_mr in holders(perm=perm, unit=tree.ward1, at=then)
    assert tree.ward1_mr not in holders(perm=perm, unit=tree.ward1, at=now)
    assert role.pk not in roles_giving(perm, now) and role.pk not in roles_giving(perm)


def test_an_access_request_approved_after_an_end_gives_a_new_assignment(tree):
    end(tree)
    request = services.access_request_create(acting_user=tree.ward1_staff, role=tree.roles["staff"],
                                             unit=tree.ward1, include_subunits=False, justification="Back again.")
    services.access_request_transition(acting_user=tree.ward1_mr, access_request=request, name="approve",
                                       password=factories.PASSWORD)
    request = AccessRequest.objects.get(pk=request.pk)
    assert request.assignment.ended_at is None
    assert RoleAssignment.objects.current().filter(user=tree.ward1_staff, unit=tree.ward1).count() == 1


# ---- pages ------------------------------------------------------------------------------------------
def test_the_people_page_lists_ended_assignments_on_request(tree, client_for):
    end(tree)
    client = client_for(tree.admin)
    url = reverse("user_detail", args=[tree.ward1_staff.pk])
    page = client.get(url).content.decode()
    assert "Chuyển công tác" not in page and reverse("assignment_end", args=[staff_assignment(tree).pk]) not in page
    page = client.get(url + "?ended=1").content.decode()
    assert "Chuyển công tác sang phường 2." in page and f"by {tree.admin.full_name}" in page


def test_the_unit_page_shows_who_held_which_role_on_a_date(tree, client_for):
    ended = end(tree)
    client = client_for(tree.admin)
    url = reverse("unit_detail", args=[tree.ward1.pk])
    today = timezone.localdate()
    held = client.get(url, {"on": today.isoformat()}).content.decode()
    # held earlier today, ended since: on the roster of today, with its end
    assert tree.ward1_staff.full_name in held and tree.ward1_mr.full_name in held
    assert f"?on={today.isoformat()}" in held  # the roster PDF of that day
    before = client.get(url, {"on": (ended.created_at.date() - timedelta(days=1)).isoformat()}).content.decode()
    assert "Nobody held a role on this unit on" in before
    later = factories.make_user(f"{tree.prefix}later", tree.ward1, full_name="Trần Văn Sau")
    factories.assign(later, "staff", tree.ward1)
    tomorrow = client.get(url, {"on": (today + timedelta(days=1)).isoformat()}).content.decode()
    assert "Trần Văn Sau" in tomorrow and tree.ward1_mr.full_name in tomorrow
    assert tree.ward1_staff.full_name not in tomorrow.split('id="on-date"')[1]
    bad = client.get(url, {"on": "not-a-date"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()


def test_the_roster_pdf_of_a_date_lists_who_held_a_role_that_day(tree, client_for, tmp_path, settings):
    """The roster (a background job) of today leaves out an assignment ended today; the roster of
    today's date lists it, with when it ended."""
    from tests.qms_portal.test_pdf import made_by_a_worker, pdftotext

    settings.MEDIA_ROOT = tmp_path / "media"
    end(tree)
    client = client_for(tree.admin)
    url = reverse("unit_roster_pdf", args=[tree.ward1.pk])
    now = made_by_a_worker(client.post(url))
    assert now.params == {"unit": tree.ward1.pk}
    with now.file.open("rb") as handle:
        text = pdftotext(handle.read(), tmp_path)
    assert tree.ward1_staff.full_name not in text and tree.ward1_mr.full_name in text
    today = timezone.localdate()
    then = made_by_a_worker(client.post(url, {"on": today.isoformat()}))
    assert then.params == {"unit": tree.ward1.pk, "on": today.isoformat()}
    assert then.filename == f"roster-{tree.ward1.code}-{today.isoformat()}.pdf"
    with then.file.open("rb") as handle:
        text = pdftotext(handle.read(), tmp_path)
    assert tree.ward1_staff.full_name in text and "Role roster on" in text and "Ended" in text


def test_the_assignment_list_shows_current_ones_unless_asked(tree, client_for):
    ended = end(tree)
    client = client_for(tree.admin)
    listed = client.get(reverse("assignment_list")).context["object_list"]
    assert ended not in listed and RoleAssignment.objects.get(user=tree.ward1_mr) in listed
    assert list(client.get(reverse("assignment_list"), {"state": "ended"}).context["object_list"]) == [ended]
    both = client.get(reverse("assignment_list"), {"state": "all"}).context["object_list"]
    assert ended in both and RoleAssignment.objects.get(user=tree.ward1_mr) in both


def test_distribution_to_a_role_leaves_out_people_whose_assignment_ended(tree):
    from documents.selectors import recipients
    from documents.services import distribution_add, document_create
    from tests.documents.factories import doc_type

    boss = factories.make_superuser()
    document = document_create(acting_user=boss, unit=tree.ward1, doc_type=doc_type("HD"), title="Hướng dẫn",
                               process_owner=boss)
    distribution_add(acting_user=boss, document=document, role=tree.roles["management_representative"])
    assert tree.ward1_mr in recipients(document)
    end(tree, RoleAssignment.objects.get(user=tree.ward1_mr, unit=tree.ward1))
    assert tree.ward1_mr not in recipients(document)


def test_permissions_named_in_role_history_are_in_the_readers_words(tree):
    role = tree.roles["staff"]
    added = Permission.objects.get(content_type__app_label="qms_portal", codename="view_roster")
    removed = Permission.objects.get(content_type__app_label="qms_portal", codename="view_unit")
    perms = [p for p in role.permissions.all() if p != removed] + [added]
    services.role_save(acting_user=tree.admin, role=role, code=role.code, name=role.name,
                       description=role.description, permissions=perms)
    last = history_entries(role)[0]
    assert last["user"] == tree.admin
    [change] = last["changes"]  # one entry for the whole save: no name change, one set change
    assert str(change["label"]) == "Permissions"
    assert change["added"] == ["qms_portal · Can view and print the role roster"]
    assert change["removed"] == ["qms_portal · Can view unit"]
    assert User.objects.filter(pk=tree.admin.pk).exists()


def test_the_role_history_of_a_unit_is_offered_only_to_those_who_may_see_its_roles(tree, client_for):
    end(tree)
    url = reverse("unit_detail", args=[tree.ward1.pk])
    staff_page = client_for(tree.outsider).get(reverse("unit_detail", args=[tree.agency.pk]), {"ended": "1",
                                                                                               "on": "2025-03-03"})
    assert staff_page.status_code == 200
    assert 'id="on-date"' not in staff_page.content.decode() and "ended_assignments" not in staff_page.context
    steering = client_for(tree.district_steering).get(url, {"ended": "1"}).content.decode()
    assert 'id="on-date"' in steering and "Chuyển công tác sang phường 2." in steering
