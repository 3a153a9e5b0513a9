"""The CAPA loop of a nonconformity, through its services: every transition and every guard."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nonconformities import services
from nonconformities.models import CorrectiveAction, Nonconformity
from qms_portal.models import Notification
from qms_portal.workflow import TransitionError, transitions_of
from tests.factories import PASSWORD
from tests.nonconformities.factories import analysed, close, in_future, planned, raise_nc, to_verification

S = Nonconformity.Status


def transition(user, nc, name, **kw):
    return services.nonconformity_transition(acting_user=user, nonconformity=nc, name=name, **kw)


def test_the_iso_officer_accepts_a_reported_nonconformity(ns):
    nc = raise_nc(ns)
    transition(ns.iso, nc, "accept")
    assert nc.status == S.ACCEPTED


def test_rejection_needs_a_reason_and_keeps_it(ns):
    nc = raise_nc(ns)
    with pytest.raises(TransitionError, match="reason"):
        transition(ns.iso, nc, "reject", reason="  ")
    nc.refresh_from_db()
    assert nc.status == S.REPORTED
    transition(ns.iso, nc, "reject", reason="Đây là góp ý cải tiến, không phải điểm không phù hợp.")
    assert nc.status == S.REJECTED
    assert nc.rejection_reason.startswith("Đây là góp ý")
    assert Notification.objects.filter(recipient=ns.reporter, kind="nonconformity_rejected").count() == 1


def test_a_staff_member_cannot_accept_what_they_reported(ns):
    nc = raise_nc(ns)
    with pytest.raises(PermissionDenied):
        transition(ns.reporter, nc, "accept")


def test_the_plan_cannot_start_before_the_root_cause_is_recorded(ns):
    nc = raise_nc(ns)
    transition(ns.iso, nc, "accept")
    transition(ns.head, nc, "start_analysis")
    with pytest.raises(TransitionError, match="root cause"):
        transition(ns.head, nc, "plan")
    services.nonconformity_update_analysis(acting_user=ns.head, nonconformity=nc, root_cause="   ")
    with pytest.raises(TransitionError, match="root cause"):
        transition(ns.head, nc, "plan")
    nc.refresh_from_db()
    assert nc.status == S.CAUSE_ANALYSIS


def test_the_cause_analysis_keeps_the_whys_in_order_and_the_fishbone_by_category(ns):
    nc = analysed(ns)
    assert nc.five_whys == ["Trả chậm", "Không theo dõi hạn"]
    assert nc.fishbone == {"method": ["Quy trình thiếu bước kiểm tra"]}
    assert [str(label) for label, _causes in nc.fishbone_rows()] == ["Method"]


def test_the_cause_analysis_refuses_an_unknown_category_and_more_than_five_whys(ns):
    nc = raise_nc(ns)
    transition(ns.iso, nc, "accept")
    transition(ns.head, nc, "start_analysis")
    with pytest.raises(ValidationError):
        services.nonconformity_update_analysis(acting_user=ns.head, nonconformity=nc, root_cause="x",
                                               fishbone={"luck": ["bad"]})
    with pytest.raises(ValidationError):
        services.nonconformity_update_analysis(acting_user=ns.head, nonconformity=nc, root_cause="x",
                                               five_whys=list("abcdef"))
    nc.refresh_from_db()
    assert nc.root_cause == ""


def test_the_cause_analysis_is_closed_to_a_staff_member(ns):
    nc = raise_nc(ns)
    transition(ns.iso, nc, "accept")
    transition(ns.head, nc, "start_analysis")
    with pytest.raises(PermissionDenied):
        services.nonconformity_update_analysis(acting_user=ns.reporter, nonconformity=nc, root_cause="x")


def test_the_actions_cannot_start_without_a_planned_action(ns):
    nc = analysed(ns)
    with pytest.raises(TransitionError, match="at least one action"):
        transition(ns.head, nc, "start")
    action = services.action_create(acting_user=ns.head, nonconformity=nc, description="Bổ sung bước kiểm tra",
                                    owner=ns.owner1, due=in_future())
    services.action_cancel(acting_user=ns.head, action=action, reason="Trùng với hành động khác")
    with pytest.raises(TransitionError, match="at least one action"):
        transition(ns.head, nc, "start")


def test_verification_waits_until_every_action_is_done_or_cancelled(ns):
    nc, (first, second) = planned(ns)
    services.action_complete(acting_user=ns.owner1, action=first, completion_note="Đã làm")
    with pytest.raises(TransitionError, match="done, or cancelled"):
        transition(ns.head, nc, "submit_for_verification")
    services.action_cancel(acting_user=ns.head, action=second, reason="Không còn cần thiết")
    transition(ns.head, nc, "submit_for_verification")
    assert nc.status == S.VERIFICATION


def test_cancelling_an_action_needs_a_reason(ns):
    _nc, (action, _second) = planned(ns)
    with pytest.raises(ValidationError):
        services.action_cancel(acting_user=ns.head, action=action, reason=" ")
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.OPEN


def test_verification_is_asked_of_the_management_representative(ns):
    to_verification(ns)
    assert Notification.objects.filter(recipient=ns.mr, kind="nonconformity_to_verify").count() == 1


def test_the_management_representative_closes_with_their_password(ns):
    nc, _actions = to_verification(ns)
    with pytest.raises(TransitionError, match="password"):
        transition(ns.mr, nc, "close", password="wrong", data={"verification_note": "Đã kiểm tra"})
    with pytest.raises(ValidationError):
        transition(ns.mr, nc, "close", password=PASSWORD, data={"verification_note": " "})
    nc.refresh_from_db()
    assert nc.status == S.VERIFICATION
    record = close(ns, nc)
    nc.refresh_from_db()
    assert nc.status == S.CLOSED and nc.effective is True and nc.verified_by == ns.mr
    assert nc.closed_at is not None and nc.verification_note.startswith("Ba tháng")
    assert record.signature_meaning == "closed" and record.actor == ns.mr


def test_who_implemented_an_action_cannot_verify_it(ns):
    nc, actions = planned(ns, owners=[ns.mr, ns.owner1])
    for action in actions:
        services.action_complete(acting_user=action.owner, action=action, completion_note="Đã làm")
    transition(ns.head, nc, "submit_for_verification")
    with pytest.raises(TransitionError, match="another person"):
        close(ns, nc)
    with pytest.raises(TransitionError, match="another person"):
        transition(ns.mr, nc, "not_effective", reason="Vẫn trễ", password=PASSWORD)
    nc.refresh_from_db()
    assert nc.status == S.VERIFICATION


def test_a_staff_member_cannot_close(ns):
    nc, _actions = to_verification(ns)
    with pytest.raises(PermissionDenied):
        transition(ns.reporter, nc, "close", password=PASSWORD, data={"verification_note": "x"})


def test_not_effective_reopens_the_analysis_for_a_second_round_keeping_the_first(ns):
    nc, actions = to_verification(ns)
    with pytest.raises(TransitionError, match="reason"):
        transition(ns.mr, nc, "not_effective", password=PASSWORD)
    record = transition(ns.mr, nc, "not_effective", reason="Tháng sau vẫn có hồ sơ trễ hạn", password=PASSWORD)
    nc.refresh_from_db()
    assert nc.status == S.CAUSE_ANALYSIS and nc.round == 2 and nc.effective is False
    assert record.signature_meaning == "verified"
    # The first round is in the history: its root cause, its analysis, its state.
    first_round = nc.history.filter(round=1).order_by("history_id")
    assert first_round.filter(status=S.VERIFICATION, root_cause__startswith="Không có bước").exists()
    assert [t.transition for t in transitions_of(nc).order_by("at", "pk")][-2:] == [
        "submit_for_verification", "not_effective"]
    # The done actions stay; a new plan needs a new action to do.
    services.nonconformity_update_analysis(acting_user=ns.head, nonconformity=nc, root_cause="Thiếu nhân lực")
    transition(ns.head, nc, "plan")
    with pytest.raises(TransitionError, match="new action"):
        transition(ns.head, nc, "start")
    services.action_create(acting_user=ns.head, nonconformity=nc, description="Bổ sung cán bộ một cửa",
                           owner=ns.owner2, due=in_future())
    transition(ns.head, nc, "start")
    assert nc.status == S.IN_PROGRESS
    assert nc.actions.count() == 3


def test_a_transition_from_the_wrong_state_is_refused(ns):
    nc = raise_nc(ns)
    with pytest.raises(TransitionError, match="cannot be done now"):
        transition(ns.head, nc, "start_analysis")


def test_an_unknown_transition_is_refused(ns):
    nc = raise_nc(ns)
    with pytest.raises(TransitionError):
        transition(ns.head, nc, "teleport")


def test_the_available_buttons_follow_the_guards(ns):
    nc, actions = to_verification(ns)
    names = {t.name for t in Nonconformity.workflow.available(nc, ns.mr)}
    assert names == {"close", "not_effective"}
    assert Nonconformity.workflow.available(nc, ns.owner1) == []
