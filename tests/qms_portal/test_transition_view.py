"""The generic transition page: it calls the area's service, answers as the POST would, and turns
every error a service raises into a message on the form."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import resolve, reverse

from qms_portal import services
from qms_portal.models import AccessRequest
from qms_portal.views.generic import TransitionView
from qms_portal.workflow import transitions_of
from tests.factories import PASSWORD, assign
from tests.helpers import built_once
from tests.qms_portal.test_access_matrix import MATRIX, build_url, build_world

TRANSITION_URLS = sorted((name, variant) for name, row in MATRIX.items() for variant in row.variants or ())


class _Case:
    def __init__(self, variant):
        self.who, self.scope, self.variant = "superuser", "in", variant


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, build_world) as world:
        yield world


def test_every_workflow_of_the_portal_has_a_transition_page_in_the_matrix():
    assert {name for name, _variant in TRANSITION_URLS} >= {
        "accessrequest_transition", "documents:revision_transition", "documents:changerequest_transition"}


@pytest.mark.parametrize(("name", "variant"), TRANSITION_URLS, ids=lambda x: str(x))
def test_an_error_raised_by_the_service_becomes_a_message_on_the_form(name, variant, world, db, monkeypatch):
    url = build_url(name, _Case(variant), world)
    view = resolve(url).func.view_class
    assert issubclass(view, TransitionView) and view.service is not None, f"{name}: no service to call"
    calls = []

    def refusing(**kwargs):
        calls.append(kwargs)
        raise ValidationError(f"The service refused {variant}.")

    monkeypatch.setattr(view, "service", refusing)
    client = Client()
    client.force_login(world["people"]["superuser"])
    # A transition's own fields (a title, a note…) as the page offers them
    form = client.get(url).context["form"]
    offered = {name: form[name].value() for name in form.fields if name not in ("reason", "password")}
    response = client.post(url, {**{k: v for k, v in offered.items() if v is not None},
                                 "reason": "Because.", "password": PASSWORD})
    assert response.status_code == 200
    assert f"The service refused {variant}." in response.content.decode()
    assert response.context["form"].data["reason"] == "Because."  # what was typed is kept
    assert calls and calls[0]["name"] == variant and calls[0]["reason"] == "Because."


def _request(tree, unit, role="document_controller"):
    return services.access_request_create(acting_user=tree.ward1_staff, role=tree.roles[role], unit=unit,
                                          include_subunits=False, justification="New post.")


def test_approving_a_request_for_a_role_the_approver_cannot_give_is_a_message_not_a_server_error(tree, client_for):
    """The role service refuses (the Administrator role carries permissions the management
    representative does not hold) inside the transition: the page says so, nothing changes."""
    request = _request(tree, tree.ward1, role="administrator")
    url = reverse("accessrequest_transition", args=[request.pk, "approve"])
    response = client_for(tree.ward1_mr).post(url, {"password": PASSWORD})
    assert response.status_code == 200
    assert "permissions you do not hold" in response.content.decode()
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.PENDING and request.assignment is None
    assert not transitions_of(request).exists()


def test_the_page_answers_403_to_someone_who_may_see_the_record_but_not_take_the_transition(tree, client_for):
    """Before: holding the permission anywhere opened the form (200) and only the POST said no."""
    assign(tree.ward1_mr, "steering_committee", tree.district)  # sees ward 2's requests, decides ward 1's
    request = _request(tree, tree.ward2)
    client = client_for(tree.ward1_mr)
    url = reverse("accessrequest_transition", args=[request.pk, "approve"])
    assert client.get(reverse("accessrequest_detail", args=[request.pk])).status_code == 200
    assert client.get(url).status_code == 403
    assert client.post(url, {"password": PASSWORD}).status_code == 403


def test_the_page_says_before_anyone_signs_why_it_cannot_be_done_now(tree, client_for):
    request = _request(tree, tree.ward1)
    assign(tree.ward1_staff, "management_representative", tree.ward2)
    own = services.access_request_create(acting_user=tree.ward1_mr, role=tree.roles["staff"], unit=tree.ward1,
                                         include_subunits=False, justification="Me too.")
    response = client_for(tree.ward1_mr).get(reverse("accessrequest_transition", args=[own.pk, "approve"]))
    assert response.status_code == 200
    assert response.context["blocked"] == ["You cannot decide on your own submission; another person must do it."]
    response = client_for(tree.ward1_mr).get(reverse("accessrequest_transition", args=[request.pk, "approve"]))
    assert response.context["blocked"] == []
