"""The rollout board's rules: moves complete and re-open phases, plans keep the phases' order,
hand ticks with evidence and their withdrawal, items ticked by the portal's records, the late rule,
and the board's constant number of queries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qms_portal.attachments import attachments_for
from qms_portal.steering import rollout, rollout_selectors
from qms_portal.steering.models import PHASES, Phase, RolloutTick, UnitRollout
from qms_portal.steering.rollout_services import (
    rollout_item_tick,
    rollout_tick_withdraw,
    unit_rollout_move,
    unit_rollout_plan,
)
from tests import factories
from tests.qms_portal.images import photo_upload

D = datetime.date


def test_moving_on_completes_the_phases_left_and_records_who_and_why(tree):
    moved = unit_rollout_move(acting_user=tree.district_steering, unit=tree.ward1, phase=Phase.PLANNING,
                              reason="Kế hoạch đã duyệt", on=D(2026, 3, 2))
    assert (moved.phase, moved.phase_since, moved.started_on) == ("planning", D(2026, 3, 2), D(2026, 3, 2))
    assert moved.done_preparation == moved.done_training == D(2026, 3, 2)
    assert moved.done_planning is None
    record = moved.history.latest("history_date")
    assert record.history_user == tree.district_steering
    assert record.history_change_reason == "Kế hoạch đã duyệt"


def test_moving_back_reopens_the_phase_and_those_after_it_and_history_keeps_the_old_dates(tree):
    unit_rollout_move(acting_user=tree.district_steering, unit=tree.ward1, phase=Phase.IMPLEMENTATION,
                      on=D(2026, 3, 2))
    back = unit_rollout_move(acting_user=tree.district_steering, unit=tree.ward1, phase=Phase.TRAINING,
                             on=D(2026, 4, 1))
    assert back.done_preparation == D(2026, 3, 2)
    assert back.done_training is back.done_planning is back.done_documentation is None
    assert back.history.count() == 2
    assert back.history.earliest("history_date").done_documentation == D(2026, 3, 2)


def test_moving_to_the_same_phase_or_an_unknown_one_is_refused(tree):
    unit_rollout_move(acting_user=tree.district_steering, unit=tree.ward1, phase=Phase.TRAINING)
    with pytest.raises(ValidationError, match="already in this phase"):
        unit_rollout_move(acting_user=tree.district_steering, unit=tree.ward1, phase=Phase.TRAINING)
    with pytest.raises(ValidationError):
        unit_rollout_move(acting_user=tree.district_steering, unit=tree.ward1, phase="nowhere")


def test_only_a_holder_of_the_permission_on_the_unit_moves_it(tree):
    with pytest.raises(PermissionDenied):  # staff: no permission
        unit_rollout_move(acting_user=tree.ward1_staff, unit=tree.ward1, phase=Phase.TRAINING)
    with pytest.raises(PermissionDenied):  # the district's committee member: not on the agency's branch
        unit_rollout_move(acting_user=tree.district_steering, unit=tree.division, phase=Phase.TRAINING)
    # the ward's management representative moves their own ward
    assert unit_rollout_move(acting_user=tree.ward1_mr, unit=tree.ward1, phase=Phase.TRAINING).phase == "training"
    assert not UnitRollout.objects.filter(unit=tree.division).exists()


def test_a_plan_keeps_the_phases_order_and_completes_nothing_ahead_or_in_the_future(tree):
    unit_rollout_move(acting_user=tree.district_steering, unit=tree.ward1, phase=Phase.PLANNING, on=D(2026, 3, 1))
    with pytest.raises(ValidationError) as error:
        unit_rollout_plan(acting_user=tree.district_steering, unit=tree.ward1, planned_start=D(2026, 1, 1),
                          planned={"preparation": D(2026, 2, 1), "training": D(2026, 1, 15)},
                          done={"planning": D(2026, 2, 1), "preparation": D(2099, 1, 1)})
    text = " ".join(error.value.messages)
    assert "“Training” is before the end of “Organisational preparation”" in text
    assert "“System planning” is not completed" in text
    assert "cannot be completed after today" in text
    assert UnitRollout.objects.get(unit=tree.ward1).planned_start is None  # nothing half-saved
    saved = unit_rollout_plan(acting_user=tree.district_steering, unit=tree.ward1, planned_start=D(2026, 1, 1),
                              started_on=D(2026, 1, 5), planned={"preparation": D(2026, 2, 1)},
                              done={"preparation": D(2026, 2, 10), "training": D(2026, 2, 28)})
    assert (saved.planned_preparation, saved.done_preparation, saved.done_training) == (
        D(2026, 2, 1), D(2026, 2, 10), D(2026, 2, 28))


def test_a_unit_is_late_when_the_planned_end_of_its_phase_or_a_later_one_has_passed(tree):
    unit_rollout_move(acting_user=tree.district_steering, unit=tree.ward1, phase=Phase.TRAINING)
    today = D(2026, 6, 1)
    plan = unit_rollout_plan(acting_user=tree.district_steering, unit=tree.ward1,
                             planned={"training": D(2026, 6, 30)})
    assert not plan.is_late(today)
    plan = unit_rollout_plan(acting_user=tree.district_steering, unit=tree.ward1,
                             planned={"training": D(2026, 5, 31)})
    assert plan.is_late(today)
    plan = unit_rollout_plan(acting_user=tree.district_steering, unit=tree.ward1,
                             planned={"planning": D(2026, 5, 31)})  # the phase after it: late as well
    assert plan.is_late(today)
    assert plan.is_late(D(2026, 5, 31)) is False  # the day itself is not late yet
    [card] = [card for column in rollout_selectors.board(tree.district_steering, tree.ward1, today=today)
              for card in column.cards]
    assert card.late and card.phase == "training"


def test_a_hand_tick_keeps_its_note_and_evidence_and_is_withdrawn_with_a_reason(tree):
    tick = rollout_item_tick(acting_user=tree.district_steering, unit=tree.ward1, item="leading_group",
                             note="Quyết định số 12/QĐ-UBND", evidence=photo_upload())
    [evidence] = attachments_for(tick)
    assert evidence.unit == tree.ward1 and evidence.uploaded_by == tree.district_steering
    with pytest.raises(ValidationError, match="already ticked"):
        rollout_item_tick(acting_user=tree.district_steering, unit=tree.ward1, item="leading_group", note="again")
    with pytest.raises(ValidationError, match="no such checklist item"):
        rollout_item_tick(acting_user=tree.district_steering, unit=tree.ward1, item="nothing", note="x")
    with pytest.raises(ValidationError, match="reason"):
        rollout_tick_withdraw(acting_user=tree.district_steering, tick=tick, reason=" ")
    rollout_tick_withdraw(acting_user=tree.district_steering, tick=tick, reason="Nhầm đơn vị")
    tick.refresh_from_db()
    assert tick.withdrawn_by == tree.district_steering and tick.withdrawal_reason == "Nhầm đơn vị"
    state = rollout.states([tree.ward1.pk])[tree.ward1.pk]["leading_group"]
    assert not state.done  # open again, the tick and its evidence kept
    again = rollout_item_tick(acting_user=tree.district_steering, unit=tree.ward1, item="leading_group", note="OK")
    assert RolloutTick.objects.filter(unit=tree.ward1, item="leading_group").count() == 2
    assert rollout.states([tree.ward1.pk])[tree.ward1.pk]["leading_group"].tick == again


def test_the_management_representative_item_is_ticked_by_the_role_held_here_or_above_with_subunits(tree):
    [check] = rollout.checks()["management_representative"]
    done = check.units
    ids = [tree.district.pk, tree.ward1.pk, tree.ward2.pk, tree.division.pk]
    assert done(ids) == {tree.ward1.pk}  # small_tree: ward1's management representative
    mr = factories.make_user(f"{tree.prefix}dist-mr", tree.district)
    factories.assign(mr, "management_representative", tree.district, include_subunits=False)
    assert done(ids) == {tree.ward1.pk, tree.district.pk}
    other = factories.make_user(f"{tree.prefix}dist-mr2", tree.district)
    factories.assign(other, "management_representative", tree.district, include_subunits=True)
    assert done(ids) == {tree.ward1.pk, tree.district.pk, tree.ward2.pk}


def test_every_area_ticks_its_items_from_its_records():
    """Each area registered the items its records show; the others are ticked by hand only."""
    found = rollout.checks()
    assert {"management_representative", "internal_auditors", "awareness_training", "quality_objectives",
            "document_set", "internal_audit", "management_review", "certified_or_announced"} <= set(found)
    assert len(found["certified_or_announced"]) == 2  # a certificate (audits) or an announcement (documents)
    assert "leading_group" not in found and "promotion_office" not in found
    assert {item.phase for item in rollout.ITEMS} == set(PHASES)  # every phase has a checklist


def test_units_with_counts_a_row_above_only_when_asked(tree):
    from qms_portal.models import RoleAssignment

    rows = RoleAssignment.objects.filter(user=tree.district_steering)  # a row on the district
    ids = [tree.district.pk, tree.ward1.pk, tree.division.pk]
    assert rollout.units_with(rows)(ids) == {tree.district.pk}
    assert rollout.units_with(rows, below=True)(ids) == {tree.district.pk, tree.ward1.pk}


def _wards(tree, prefix, count):
    for n in range(count):
        unit = factories.make_unit(tree.district, f"{tree.prefix}{prefix}{n}", kind="ward")
        unit_rollout_move(acting_user=tree.admin, unit=unit, phase=PHASES[n % len(PHASES)])
        if n % 2:
            rollout_item_tick(acting_user=tree.admin, unit=unit, item="leading_group", note="QĐ")


def _board_queries(tree):
    with CaptureQueriesContext(connection) as queries:
        columns = rollout_selectors.board(tree.district_steering, tree.district)
    return len(queries), sum(len(column.cards) for column in columns)


def test_the_board_reads_in_a_constant_number_of_queries(tree):
    _wards(tree, "X", 3)
    _board_queries(tree)  # the reader's grants and the content types, read once per request
    small = _board_queries(tree)
    _wards(tree, "Y", 12)
    large = _board_queries(tree)
    assert large[1] > small[1] + 10
    assert large[0] == small[0], (small, large)


def test_an_effective_document_ticks_the_document_set_and_a_valid_certificate_certification(db):
    from tests.audits.factories_certificates import make_certificate
    from tests.documents.factories import doc_setup, effective_document

    s = doc_setup()
    ids = [s.dept.pk, s.office.pk, s.other.pk]
    assert rollout.states(ids)[s.dept.pk]["document_set"].done is False
    effective_document(s)
    found = rollout.states(ids)
    assert [found[pk]["document_set"].by_data for pk in ids] == [True, False, False]  # its own documents only
    make_certificate(s.office, issued_on=datetime.date(2025, 6, 1), expires_on=datetime.date(2099, 5, 31))
    make_certificate(s.other, issued_on=datetime.date(2020, 6, 1), expires_on=datetime.date(2023, 5, 31))  # expired
    found = rollout.states(ids)
    assert [found[pk]["certified_or_announced"].by_data for pk in ids] == [False, True, False]
    assert str(found[s.office.pk]["certified_or_announced"].evidence) == "a valid ISO 9001 certificate"
