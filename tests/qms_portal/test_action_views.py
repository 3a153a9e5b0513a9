"""The generic POST-action view and safe redirects: a ``next`` parameter or a stored link never
sends anyone to another site."""

import pytest
from django.urls import reverse

from qms_portal import notifications
from qms_portal.models import Unit

EVIL = ["//evil.example/phish", "https://evil.example/", "http://evil.example", "javascript:alert(1)",
        "///evil.example", "\\\\evil.example"]


@pytest.mark.parametrize("target", EVIL)
def test_a_post_action_does_not_follow_a_next_parameter_to_another_site(tree, client_for, target):
    response = client_for(tree.admin).post(reverse("unit_activate", args=[tree.ward2.pk]),
                                           {"active": "0", "next": target})
    assert response.status_code == 302
    assert response["Location"] == tree.ward2.get_absolute_url()
    assert not Unit.objects.get(pk=tree.ward2.pk).is_active  # the action itself was done


def test_a_post_action_follows_a_next_parameter_on_the_site(tree, client_for):
    response = client_for(tree.admin).post(reverse("unit_activate", args=[tree.ward2.pk]),
                                           {"active": "0", "next": "/admin/units/?kind=ward"})
    assert response["Location"] == "/admin/units/?kind=ward"


def test_a_refused_action_says_why_and_saves_nothing(tree, client_for):
    client = client_for(tree.admin)
    response = client.post(reverse("unit_activate", args=[tree.district.pk]), {"active": "0"}, follow=True)
    assert "Deactivate the sub-units first" in response.content.decode()
    assert Unit.objects.get(pk=tree.district.pk).is_active


@pytest.mark.parametrize("stored", ["//evil.example/x", "https://evil.example/x"])
def test_the_inbox_does_not_open_a_stored_link_to_another_site(tree, client_for, stored):
    [message] = notifications.notify([tree.ward1_staff], "role_assigned", params={"role": "r", "unit": "u"},
                                     url=stored)
    response = client_for(tree.ward1_staff).post(reverse("inbox_read", args=[message.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_inbox_opens_a_stored_link_on_the_site(tree, client_for):
    [message] = notifications.notify([tree.ward1_staff], "role_assigned", params={"role": "r", "unit": "u"},
                                     url=tree.ward1.get_absolute_url())
    response = client_for(tree.ward1_staff).post(reverse("inbox_read", args=[message.pk]), {"open": "1"})
    assert response["Location"] == tree.ward1.get_absolute_url()


def test_a_form_page_offers_no_cancel_link_to_another_site(tree, client_for):
    response = client_for(tree.admin).get(reverse("unit_create") + "?next=//evil.example/")
    assert response.context["cancel_url"] == ""
    response = client_for(tree.admin).get(reverse("unit_create") + "?next=/admin/units/")
    assert response.context["cancel_url"] == "/admin/units/"


@pytest.mark.parametrize("target", EVIL)
def test_ending_a_role_assignment_does_not_follow_next_to_another_site(tree, client_for, target):
    """Before: ``next`` was followed whenever it started with "/" — ``//evil.example/`` did."""
    from qms_portal.models import RoleAssignment

    assignment = RoleAssignment.objects.get(user=tree.ward1_staff, unit=tree.ward1)
    response = client_for(tree.admin).post(reverse("assignment_end", args=[assignment.pk]),
                                           {"reason": "Moved to another post.", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("unit_detail", args=[tree.ward1.pk]) + "#roles"
