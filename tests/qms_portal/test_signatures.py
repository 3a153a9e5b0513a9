"""A signature's password counts as a sign-in attempt: the same lockout per user name and address,
the same message, and the session ended when the lockout starts."""

from django.test import Client
from django.urls import reverse

from qms_portal import services
from qms_portal.models import AccessRequest
from tests.qms_portal.test_views import sign_in

IP = "10.0.0.1"  # where sign_in comes from, unless told otherwise


def _pending(tree):
    return services.access_request_create(acting_user=tree.ward1_staff, role=tree.roles["staff"], unit=tree.ward1,
                                          include_subunits=False, justification="New post.")


def _signed_in(tree, user):
    client = Client()
    assert sign_in(client, user.username, tree.password).status_code == 302
    return client


def test_wrong_signature_passwords_lock_the_user_out_and_end_the_session(tree):
    request = _pending(tree)
    client = _signed_in(tree, tree.ward1_mr)
    url = reverse("accessrequest_transition", args=[request.pk, "approve"])
    for _attempt in range(4):
        response = client.post(url, {"password": "guess"}, REMOTE_ADDR=IP)
        assert response.status_code == 200
        assert "The password is not correct" in response.content.decode()
    locked = client.post(url, {"password": "guess"}, REMOTE_ADDR=IP)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()  # the sign-in lockout page
    # The session was ended: the next page asks for a sign-in.
    assert client.get(reverse("home"), REMOTE_ADDR=IP).status_code == 302
    # The right password is refused while the lockout lasts, for signing in...
    assert sign_in(Client(), tree.ward1_mr.username, tree.password).status_code == 429
    assert AccessRequest.objects.get(pk=request.pk).status == AccessRequest.Status.PENDING
    # ...but a colleague in the same office is not affected.
    assert sign_in(Client(), tree.admin.username, tree.password).status_code == 302


def test_wrong_sign_ins_and_wrong_signatures_count_together(tree):
    request = _pending(tree)
    client = Client()
    client.force_login(tree.ward1_mr)  # signed in before the failures below, on another computer
    for _attempt in range(4):
        assert sign_in(Client(), tree.ward1_mr.username, "wrong-password").status_code == 200
    url = reverse("accessrequest_transition", args=[request.pk, "approve"])
    # The fifth failure, a signature from the same address, starts the lockout.
    assert client.post(url, {"password": "guess"}, REMOTE_ADDR=IP).status_code == 429
    # Four failures elsewhere would not have locked this address (the lockout is per name and address).
    other = Client()
    other.force_login(tree.ward1_mr)
    assert other.post(url, {"password": "guess"}, REMOTE_ADDR="10.0.0.77").status_code == 200


def test_while_locked_out_even_the_right_signature_password_is_refused(tree):
    request = _pending(tree)
    for _attempt in range(5):
        sign_in(Client(), tree.ward1_mr.username, "wrong-password")
    client = Client()
    client.force_login(tree.ward1_mr)  # a session opened before the lockout
    response = client.post(reverse("accessrequest_transition", args=[request.pk, "approve"]),
                           {"password": tree.password}, REMOTE_ADDR=IP)
    assert response.status_code == 429
    assert AccessRequest.objects.get(pk=request.pk).status == AccessRequest.Status.PENDING


def test_a_right_signature_password_signs(tree, client_for):
    request = _pending(tree)
    response = client_for(tree.ward1_mr).post(reverse("accessrequest_transition", args=[request.pk, "approve"]),
                                              {"password": tree.password})
    assert response.status_code == 302
    assert AccessRequest.objects.get(pk=request.pk).status == AccessRequest.Status.APPROVED
