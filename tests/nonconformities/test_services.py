"""Raising nonconformities, their actions and due-date extensions, and who may do what."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nonconformities import selectors, services
from nonconformities.models import CorrectiveAction, DueDateExtension, Nonconformity
from qms_portal.models import Notification
from qms_portal.numbering import last_number
from qms_portal.permissions import can
from tests.nonconformities.factories import analysed, in_future, planned, raise_nc

YEAR = timezone.localdate().year


# --- Raising ------------------------------------------------------------------------------------


def test_raising_numbers_it_in_its_unit_and_year(ns):
    first, second = raise_nc(ns), raise_nc(ns)
    assert first.number == f"{ns.dept.code}-NC-{YEAR}-001"
    assert second.number == f"{ns.dept.code}-NC-{YEAR}-002"
    assert first.status == Nonconformity.Status.REPORTED and first.reported_by == ns.reporter
    assert raise_nc(ns, unit=ns.office, by=ns.staff).number == f"{ns.office.code}-NC-{YEAR}-001"


def test_raising_tells_the_iso_officer_and_the_department_head_but_not_the_reporter(ns):
    nc = raise_nc(ns)
    told = set(Notification.objects.filter(kind="nonconformity_reported").values_list("recipient", flat=True))
    assert {ns.iso.pk, ns.head.pk} <= told
    assert ns.reporter.pk not in told and ns.outsider.pk not in told
    assert Notification.objects.get(recipient=ns.iso, kind="nonconformity_reported").url == nc.get_absolute_url()


def test_the_source_record_is_linked_both_ways(ns):
    nc = raise_nc(ns, source=Nonconformity.Source.INTERNAL_AUDIT, source_object=ns.office)
    assert nc.source_object == ns.office
    assert list(selectors.nonconformities_of(ns.office)) == [nc]
    assert not selectors.nonconformities_of(ns.dept).exists()


@pytest.mark.parametrize("bad", [
    {"source": "gossip"},
    {"title": ""},
    {"description": ""},
    {"detected_on": timezone.localdate() + timedelta(days=1)},
])
def test_bad_input_is_refused_and_consumes_no_number(ns, bad):
    fields = {"title": "Hồ sơ trả chậm", "description": "Trễ 3 ngày", "source": Nonconformity.Source.STAFF_REPORT,
              **bad}
    with pytest.raises(ValidationError):
        services.nonconformity_create(acting_user=ns.reporter, unit=ns.dept, **fields)
    assert not Nonconformity.objects.filter(unit=ns.dept).exists()
    assert last_number(unit=ns.dept, kind="NC", year=YEAR) == 0


def test_nobody_raises_one_in_a_unit_outside_their_scope(ns):
    with pytest.raises(PermissionDenied):
        raise_nc(ns, by=ns.outsider)
    with pytest.raises(PermissionDenied):
        raise_nc(ns, by=ns.nobody)


def test_the_reporter_follows_what_they_raised_and_others_outside_do_not_see_it(ns):
    nc = raise_nc(ns, unit=ns.office, by=ns.staff)
    assert can(ns.staff, "view", nc)
    dept_nc = raise_nc(ns)
    visible = set(Nonconformity.objects.restrict(ns.staff, "view").values_list("pk", flat=True))
    assert visible == {nc.pk}  # the office's, not the department's above it
    assert not Nonconformity.objects.restrict(ns.outsider, "view").exists()
    assert set(Nonconformity.objects.restrict(ns.head, "view").values_list("pk", flat=True)) == {nc.pk, dept_nc.pk}


# --- Actions ------------------------------------------------------------------------------------


def test_an_action_due_in_the_past_is_refused(ns):
    nc = analysed(ns)
    with pytest.raises(ValidationError, match="past"):
        services.action_create(acting_user=ns.head, nonconformity=nc, description="x", owner=ns.owner1,
                               due=timezone.localdate() - timedelta(days=1))
    assert not nc.actions.exists()


def test_an_action_owner_must_be_in_the_units_scope(ns):
    nc = analysed(ns)
    with pytest.raises(ValidationError, match="owner"):
        services.action_create(acting_user=ns.head, nonconformity=nc, description="x", owner=ns.outsider,
                               due=in_future())
    assert ns.outsider not in services.owner_candidates(ns.dept)
    assert {ns.owner1, ns.staff, ns.mr} <= set(services.owner_candidates(ns.dept))


def test_actions_are_planned_only_after_the_cause_analysis(ns):
    nc = raise_nc(ns)
    with pytest.raises(ValidationError):
        services.action_create(acting_user=ns.head, nonconformity=nc, description="x", owner=ns.owner1,
                               due=in_future())


def test_the_owner_sees_their_action_and_its_nonconformity_and_completes_it(ns):
    nc, (action, _other) = planned(ns, owners=[ns.staff, ns.owner2])  # staff works in the office below
    assert action.unit == ns.dept and action.original_due == action.due
    assert can(ns.staff, "view", action) and can(ns.staff, "view", nc)
    assert Notification.objects.filter(recipient=ns.staff, kind="action_assigned").count() == 1
    services.action_start(acting_user=ns.staff, action=action)
    services.action_complete(acting_user=ns.staff, action=action, completion_note="Đã ban hành biểu mẫu mới")
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.DONE and action.completed_at is not None


def test_only_the_owner_or_who_manages_actions_records_progress(ns):
    _nc, (action, _other) = planned(ns)
    with pytest.raises(PermissionDenied):
        services.action_complete(acting_user=ns.owner2, action=action, completion_note="Không phải của tôi")
    with pytest.raises(PermissionDenied):
        services.action_complete(acting_user=ns.outsider, action=action, completion_note="x")
    services.action_complete(acting_user=ns.head, action=action, completion_note="Trưởng phòng xác nhận")


def test_completing_needs_a_note(ns):
    _nc, (action, _other) = planned(ns)
    with pytest.raises(ValidationError):
        services.action_complete(acting_user=ns.owner1, action=action, completion_note="  ")
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.OPEN


def test_a_new_owner_takes_over_the_grants_of_the_old_one(ns):
    nc, (action, _other) = planned(ns, owners=[ns.staff, ns.owner2])
    services.action_update(acting_user=ns.head, action=action, owner=ns.owner1)
    from qms_portal.models import User

    staff = User.objects.get(pk=ns.staff.pk)
    assert not can(staff, "view", action) and not can(staff, "view", nc)
    assert can(User.objects.get(pk=ns.owner1.pk), "nonconformities.complete_correctiveaction", action)


def test_one_action_can_serve_several_nonconformities_and_the_history_says_so(ns):
    first, (action, _other) = planned(ns)
    second = analysed(ns)
    services.action_link(acting_user=ns.head, action=action, nonconformity=second)
    assert set(action.nonconformities.all()) == {first, second}
    assert can(ns.owner1, "view", second)
    latest = action.history.latest("history_id")
    assert set(latest.nonconformities.values_list("nonconformity_id", flat=True)) == {first.pk, second.pk}
    with pytest.raises(ValidationError):
        services.action_link(acting_user=ns.head, action=action, nonconformity=second)


# --- Due-date extensions ---------------------------------------------------------------------------


def test_an_approved_extension_moves_the_due_date_and_keeps_the_original(ns):
    _nc, (action, _other) = planned(ns)
    original = action.due
    extension = services.extension_request(acting_user=ns.owner1, action=action, requested_due=original + timedelta(7),
                                           reason="Chờ ý kiến của Sở Tư pháp")
    assert Notification.objects.filter(recipient=ns.mr, kind="extension_requested").count() == 1
    services.extension_decide(acting_user=ns.mr, extension=extension, approve=True)
    action.refresh_from_db()
    extension.refresh_from_db()
    assert action.due == original + timedelta(7) and action.original_due == original
    assert extension.status == DueDateExtension.Status.APPROVED and extension.decided_by == ns.mr
    assert set(action.history.values_list("due", flat=True)) == {original, original + timedelta(7)}
    assert Notification.objects.filter(recipient=ns.owner1, kind="extension_approved").count() == 1


def test_a_declined_extension_needs_a_reason_and_leaves_the_due_date(ns):
    _nc, (action, _other) = planned(ns)
    extension = services.extension_request(acting_user=ns.owner1, action=action,
                                           requested_due=action.due + timedelta(30), reason="Bận")
    with pytest.raises(ValidationError):
        services.extension_decide(acting_user=ns.mr, extension=extension, approve=False, note="")
    services.extension_decide(acting_user=ns.mr, extension=extension, approve=False, note="Hạn luật định")
    action.refresh_from_db()
    extension.refresh_from_db()
    assert extension.status == DueDateExtension.Status.DECLINED and action.due == action.original_due


def test_an_extension_must_move_the_date_later_and_only_one_waits_at_a_time(ns):
    _nc, (action, _other) = planned(ns)
    with pytest.raises(ValidationError):
        services.extension_request(acting_user=ns.owner1, action=action, requested_due=action.due, reason="x")
    with pytest.raises(ValidationError):
        services.extension_request(acting_user=ns.owner1, action=action, requested_due=action.due + timedelta(3),
                                   reason="")
    services.extension_request(acting_user=ns.owner1, action=action, requested_due=action.due + timedelta(3),
                               reason="Chờ phê duyệt")
    with pytest.raises(ValidationError, match="already waiting"):
        services.extension_request(acting_user=ns.owner1, action=action, requested_due=action.due + timedelta(5),
                                   reason="Lần nữa")


def test_only_the_owner_asks_and_only_the_management_representative_decides(ns):
    _nc, (action, _other) = planned(ns)
    with pytest.raises(PermissionDenied):
        services.extension_request(acting_user=ns.owner2, action=action, requested_due=in_future(30), reason="x")
    extension = services.extension_request(acting_user=ns.owner1, action=action, requested_due=in_future(30),
                                           reason="Chờ")
    for user in (ns.owner1, ns.head, ns.outsider):
        with pytest.raises(PermissionDenied):
            services.extension_decide(acting_user=user, extension=extension, approve=True)


def test_finishing_an_action_declines_its_pending_extension(ns):
    _nc, (action, _other) = planned(ns)
    extension = services.extension_request(acting_user=ns.owner1, action=action, requested_due=in_future(30),
                                           reason="Chờ")
    services.action_complete(acting_user=ns.owner1, action=action, completion_note="Xong sớm")
    extension.refresh_from_db()
    assert extension.status == DueDateExtension.Status.DECLINED


# --- Selectors ----------------------------------------------------------------------------------


def test_similar_nonconformities_share_the_clause_unit_or_procedure_and_stay_in_scope(ns):
    from documents.models import Clause
    from documents.services import ensure_clauses

    ensure_clauses()
    clause = Clause.objects.get(number="8.5")
    nc = raise_nc(ns, unit=ns.office, by=ns.staff, clause=clause)
    same_unit = raise_nc(ns, unit=ns.office, by=ns.staff)
    same_clause = raise_nc(ns, clause=clause)
    unrelated = raise_nc(ns)
    found = selectors.similar_nonconformities(nc, ns.head)
    assert found[0] == same_clause and same_unit in found and unrelated not in found and nc not in found
    assert selectors.similar_nonconformities(nc, ns.staff) == [same_unit]  # the department's is out of reach


def test_the_register_marks_overdue_nonconformities(ns):
    nc, (action, _other) = planned(ns)
    assert not selectors.register_queryset(ns.head).get(pk=nc.pk).is_overdue
    CorrectiveAction.objects.filter(pk=action.pk).update(due=timezone.localdate() - timedelta(days=2))
    assert selectors.register_queryset(ns.head).get(pk=nc.pk).is_overdue
    assert selectors.status_counts(selectors.register_queryset(ns.head)) == {"in_progress": 1}
