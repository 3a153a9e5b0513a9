import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections

from qms_portal import services
from qms_portal.models import AccessRequest, RoleAssignment, TransitionRecord, User
from qms_portal.workflow import TransitionError, transitions_of
from tests import factories
from tests.helpers import need

PASSWORD = factories.PASSWORD


def fresh(user):
    return User.objects.get(pk=user.pk)


def request_by(tree, requester=None, role="internal_auditor", unit=None):
    return services.access_request_create(
        acting_user=requester or tree.ward1_staff, role=tree.roles[role], unit=unit or tree.ward1,
        include_subunits=False, justification="I keep the document register of the ward.",
    )


def approve(tree, request, user=None, password=PASSWORD):
    return services.access_request_transition(
        acting_user=user or tree.ward1_mr, access_request=request, name="approve", password=password
    )


@pytest.mark.django_db
class TestAccessRequestWorkflow:
    def test_it_refuses_a_transition_from_the_wrong_state(self, tree):
        request = request_by(tree)
        services.access_request_transition(acting_user=tree.ward1_staff, access_request=request, name="withdraw")
        assert request.status == AccessRequest.Status.WITHDRAWN
        with pytest.raises(TransitionError):
            approve(tree, request)
        with pytest.raises(TransitionError):
            services.access_request_transition(acting_user=tree.ward1_mr, access_request=request, name="reject",
                                               reason="no")
        request.refresh_from_db()
        assert request.status == AccessRequest.Status.WITHDRAWN
        assert [t.transition for t in transitions_of(request)] == ["withdraw"]

    def test_it_refuses_an_unknown_transition(self, tree):
        with pytest.raises(TransitionError):
            services.access_request_transition(acting_user=tree.ward1_mr, access_request=request_by(tree),
                                               name="publish")

    def test_it_rejects_approval_by_the_requester(self, tree):
        # the management representative may decide requests on ward 1 — but not their own
        request = request_by(tree, requester=tree.ward1_mr, role="document_controller")
        with pytest.raises(TransitionError) as error:
            approve(tree, request, user=tree.ward1_mr)
        assert "own" in " ".join(error.value.messages)
        request.refresh_from_db()
        assert request.status == AccessRequest.Status.PENDING
        assert not TransitionRecord.objects.exists()
        # someone else may
        approve(tree, request, user=tree.admin)
        request.refresh_from_db()
        assert request.status == AccessRequest.Status.APPROVED

    def test_it_rejects_a_rejection_without_a_reason(self, tree):
        request = request_by(tree)
        with pytest.raises(TransitionError):
            services.access_request_transition(acting_user=tree.ward1_mr, access_request=request, name="reject",
                                               reason="   ")
        request.refresh_from_db()
        assert request.status == AccessRequest.Status.PENDING
        services.access_request_transition(acting_user=tree.ward1_mr, access_request=request, name="reject",
                                           reason="The ward already has a document controller.")
        record = TransitionRecord.objects.get()
        assert (record.transition, record.to_state, record.reason) == (
            "reject", "rejected", "The ward already has a document controller.")
        assert record.signature_meaning == ""

    @pytest.mark.parametrize("password", [None, "", "wrong-password-1"])
    def test_it_records_nothing_when_the_signature_password_is_wrong(self, tree, password):
        request = request_by(tree)
        history_before = request.history.count()
        with pytest.raises(TransitionError):
            approve(tree, request, password=password)
        request.refresh_from_db()
        assert request.status == AccessRequest.Status.PENDING
        assert request.assignment is None
        assert not TransitionRecord.objects.exists()
        assert not RoleAssignment.objects.filter(user=tree.ward1_staff, role=tree.roles["internal_auditor"]).exists()
        assert request.history.count() == history_before

    def test_an_approval_with_the_password_is_signed_and_grants_the_role(self, tree):
        request = request_by(tree)
        record = approve(tree, request)
        request.refresh_from_db()
        assert request.status == AccessRequest.Status.APPROVED
        record = TransitionRecord.objects.get(pk=record.pk)
        assert record.target == request
        assert record.signature_meaning == "approved" and record.meaning_label == "Approved"
        assert record.actor == tree.ward1_mr
        assert record.actor_name == tree.ward1_mr.full_name
        assert (record.transition, record.from_state, record.to_state) == ("approve", "pending", "approved")
        assignment = RoleAssignment.objects.get(user=tree.ward1_staff, role=tree.roles["internal_auditor"],
                                                unit=tree.ward1)
        assert assignment.include_subunits is False
        assert assignment.granted_by == tree.ward1_mr
        assert request.assignment == assignment
        assert fresh(tree.ward1_staff).has_perm("qms_portal.view_user", tree.ward1_staff)

    @pytest.mark.parametrize("who", ["district_steering", "outsider", "ward1_staff"])
    def test_a_user_without_the_decide_permission_is_denied(self, tree, who):
        requester = tree.ward1_mr if who == "ward1_staff" else tree.ward1_staff
        request = request_by(tree, requester=requester)
        with pytest.raises(PermissionDenied):
            approve(tree, request, user=getattr(tree, who))
        with pytest.raises(PermissionDenied):
            services.access_request_transition(acting_user=getattr(tree, who), access_request=request, name="reject",
                                               reason="no")
        request.refresh_from_db()
        assert request.status == AccessRequest.Status.PENDING
        assert not TransitionRecord.objects.exists()

    def test_only_the_requester_may_withdraw(self, tree):
        request = request_by(tree)
        with pytest.raises(PermissionDenied):
            services.access_request_transition(acting_user=tree.outsider, access_request=request, name="withdraw")
        services.access_request_transition(acting_user=tree.ward1_staff, access_request=request, name="withdraw")
        request.refresh_from_db()
        assert request.status == AccessRequest.Status.WITHDRAWN

    def test_history_rows_name_the_acting_user(self, tree):
        request = request_by(tree)
        approve(tree, request)
        rows = list(request.history.order_by("history_date", "history_id"))
        assert rows[0].history_type == "+"
        assert rows[0].history_user == tree.ward1_staff
        approved = [r for r in rows if r.status == AccessRequest.Status.APPROVED]
        assert approved
        assert all(r.history_user == tree.ward1_mr for r in approved)
        assert all(r.history_user_id is not None for r in rows)
        assignment = RoleAssignment.objects.get(user=tree.ward1_staff, role=tree.roles["internal_auditor"])
        assert assignment.history.get().history_user == tree.ward1_mr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_deciding_the_same_request_at_once_only_one_succeeds():
    need(connection.vendor == "postgresql", "needs PostgreSQL row locks (select_for_update)",
         "QMS_REQUIRE_POSTGRES")
    tree = factories.small_tree()
    request = request_by(tree)
    barrier = threading.Barrier(2, timeout=20)
    outcomes = {}

    def decide(label, user, name, reason=""):
        try:
            own = AccessRequest.objects.get(pk=request.pk)  # each thread its own object
            actor = User.objects.get(pk=user.pk)
            barrier.wait()
            services.access_request_transition(acting_user=actor, access_request=own, name=name, reason=reason,
                                               password=PASSWORD)
            outcomes[label] = "ok"
        except TransitionError:
            outcomes[label] = "refused"
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[label] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=("approve", tree.ward1_mr, "approve")),
        threading.Thread(target=decide, args=("reject", tree.admin, "reject", "Not needed.")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values()) == ["ok", "refused"], outcomes
    request.refresh_from_db()
    assert TransitionRecord.objects.filter(object_id=request.pk).count() == 1
    winner = TransitionRecord.objects.get(object_id=request.pk)
    assert request.status == winner.to_state
    assert (outcomes["approve"] == "ok") == (request.status == AccessRequest.Status.APPROVED)
    assert RoleAssignment.objects.filter(user=tree.ward1_staff, role=tree.roles["internal_auditor"]).count() == (
        1 if request.status == AccessRequest.Status.APPROVED else 0)

