"""The kpi part's services: objectives and their cascade, indicators, entering values (bad input
refused with clear messages, nothing half-saved), corrections that keep history, the offered
nonconformity of a missed period, the roll-up across units and the SQL status agreeing with the
Python one."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nonconformities.models import Nonconformity
from objectives.models import Measurement
from objectives.selectors import kpi as selectors
from objectives.selectors.kpi_math import STATUSES, shift, status_of, status_q
from objectives.services import kpi as services
from tests import factories
from tests.objectives.kpi_factories import indicator, objective, rate, reporter, value

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = shift(THIS_MONTH, "monthly", -1)


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.head = factories.make_user(f"{t.prefix}head", t.ward1)
    factories.assign(t.head, "department_head", t.ward1)
    return t


def test_an_objective_breaks_down_one_of_a_unit_above_in_the_same_year(tree):
    su = tree.superuser
    agency = objective(tree.district, su, year=2026, title="98 % hồ sơ đúng hạn")
    ward = objective(tree.ward1, su, year=2026, parent=agency, title="Phường 1: 98 % đúng hạn")
    assert ward.parent == agency
    with pytest.raises(ValidationError) as caught:
        objective(tree.ward1, su, year=2025, parent=agency)
    assert "same year" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        objective(tree.district, su, year=2026, parent=ward)
    assert "unit above" in str(caught.value)
    with pytest.raises(ValidationError):
        services.objective_update(acting_user=su, objective=agency, parent=ward)


def test_the_cascade_is_a_tree_in_the_readers_scope(tree):
    su = tree.superuser
    top = objective(tree.district, su, year=2026, title="District")
    child = objective(tree.ward1, su, year=2026, parent=top, title="Ward")
    objective(tree.division, su, year=2026, title="Elsewhere")
    nodes = selectors.objective_tree(tree.district_steering, year=2026)
    assert [(n.objective.title, n.depth) for n in nodes] == [("District", 0), ("Ward", 1)]
    assert nodes[0].children[0].objective == child


def test_a_department_head_may_not_create_objectives_outside_their_unit(tree):
    with pytest.raises(PermissionDenied):
        objective(tree.division, tree.head, year=2026)


def test_an_alert_threshold_on_the_wrong_side_of_the_target_is_refused(tree):
    with pytest.raises(ValidationError) as caught:
        rate(tree.ward1, tree.superuser, target="98", threshold="99")
    assert "at or below the target" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        indicator(tree.ward1, tree.superuser, code="days", target="5", direction="lower", unit_of_measure="days",
                  alert_threshold=D("4"))
    assert "at or above the target" in str(caught.value)


def test_a_rate_takes_its_value_from_numerator_and_denominator(tree):
    ind = rate(tree.ward1, tree.superuser)
    m = value(ind, tree.head, LAST_MONTH, numerator=D(49), denominator=D(50))
    assert m.value == D("98.0000") and m.entered_by == tree.head and m.entered_at is not None


def test_a_numerator_larger_than_its_denominator_is_refused_and_nothing_saved(tree):
    ind = rate(tree.ward1, tree.superuser)
    with pytest.raises(ValidationError) as caught:
        value(ind, tree.head, LAST_MONTH, numerator=D(51), denominator=D(50))
    assert "cannot be larger than the denominator" in str(caught.value)
    assert not Measurement.objects.filter(indicator=ind).exists()


def test_a_period_entered_twice_is_refused_with_a_clear_message(tree):
    ind = rate(tree.ward1, tree.superuser)
    value(ind, tree.head, LAST_MONTH, numerator=D(49), denominator=D(50))
    with pytest.raises(ValidationError) as caught:
        value(ind, tree.head, LAST_MONTH.replace(day=15), numerator=D(50), denominator=D(50))
    assert "already entered" in str(caught.value) and "Correct that value" in str(caught.value)
    assert Measurement.objects.filter(indicator=ind).count() == 1


def test_a_period_that_has_not_started_is_refused(tree):
    ind = rate(tree.ward1, tree.superuser)
    with pytest.raises(ValidationError) as caught:
        value(ind, tree.head, shift(THIS_MONTH, "monthly", 1), numerator=D(1), denominator=D(1))
    assert "not started" in str(caught.value)


def test_a_plain_value_is_required_and_a_percentage_stays_between_0_and_100(tree):
    ind = indicator(tree.ward1, tree.superuser, code="sat", target="90")
    with pytest.raises(ValidationError):
        value(ind, tree.head, LAST_MONTH)
    with pytest.raises(ValidationError) as caught:
        value(ind, tree.head, LAST_MONTH, value=D("101"))
    assert "between 0 and 100" in str(caught.value)


def test_a_value_entered_long_after_its_period_is_flagged_late(tree):
    ind = rate(tree.ward1, tree.superuser)
    old = shift(THIS_MONTH, "monthly", -3)
    late = value(ind, tree.head, old, numerator=D(1), denominator=D(1))
    assert late.is_late
    assert not value(ind, tree.head, THIS_MONTH, numerator=D(1), denominator=D(1)).is_late
    assert services.is_late(LAST_MONTH, "monthly", LAST_MONTH + timedelta(days=35)) is False
    assert services.is_late(date(2026, 1, 1), "monthly", date(2026, 2, 11)) is True


def test_a_correction_needs_a_reason_and_keeps_the_earlier_value_in_history(tree):
    ind = rate(tree.ward1, tree.superuser)
    m = value(ind, tree.head, LAST_MONTH, numerator=D(40), denominator=D(50))
    with pytest.raises(ValidationError):
        services.measurement_correct(acting_user=tree.head, measurement=m, reason="", numerator=D(45),
                                     denominator=D(50))
    services.measurement_correct(acting_user=tree.head, measurement=m, reason="Sổ theo dõi ghi nhầm",
                                 numerator=D(45), denominator=D(50))
    m.refresh_from_db()
    assert m.value == D("90.0000")
    values = list(m.history.order_by("history_date").values_list("value", "history_change_reason"))
    assert values[0][0] == D("80.0000") and values[-1] == (D("90.0000"), "Sổ theo dõi ghi nhầm")


def test_the_reporter_enters_their_indicator_with_only_a_staff_role_and_nobody_else_does(tree):
    person = reporter(tree, tree.ward1)
    ind = rate(tree.ward1, tree.superuser, reporter=person)
    other = rate(tree.ward1, tree.superuser, code="other")
    assert value(ind, person, LAST_MONTH, numerator=D(1), denominator=D(1)).entered_by == person
    with pytest.raises(PermissionDenied):
        value(other, person, LAST_MONTH, numerator=D(1), denominator=D(1))
    with pytest.raises(PermissionDenied):
        value(ind, tree.ward1_staff, THIS_MONTH, numerator=D(1), denominator=D(1))
    nobody = factories.make_user(f"{tree.prefix}norole", tree.ward1)
    with pytest.raises(ValidationError) as caught:
        rate(tree.ward1, tree.superuser, code="third", reporter=nobody)
    assert "holds no role" in str(caught.value)


def test_a_missed_period_offers_a_nonconformity_that_is_raised_only_when_asked(tree):
    ind = rate(tree.ward1, tree.superuser)
    missed = value(ind, tree.head, LAST_MONTH, numerator=D(90), denominator=D(100))
    assert Nonconformity.objects.filter(unit=tree.ward1).count() == 0  # never automatic
    assert services.may_raise_nonconformity(tree.ward1_mr, missed)
    title, description = services.nonconformity_text(missed)
    nc = services.measurement_raise_nonconformity(acting_user=tree.ward1_mr, measurement=missed, title=title,
                                                  description=description)
    missed.refresh_from_db()
    assert nc.source == Nonconformity.Source.KPI and missed.nonconformity == nc and nc.unit == tree.ward1
    assert not services.may_raise_nonconformity(tree.ward1_mr, missed)
    with pytest.raises(ValidationError) as caught:
        services.measurement_raise_nonconformity(acting_user=tree.ward1_mr, measurement=missed, title="x",
                                                 description="y")
    assert nc.number in str(caught.value)


def test_a_period_that_is_not_missed_raises_no_nonconformity(tree):
    ind = rate(tree.ward1, tree.superuser)
    at_risk = value(ind, tree.head, LAST_MONTH, numerator=D(97), denominator=D(100))
    assert not services.may_raise_nonconformity(tree.ward1_mr, at_risk)
    with pytest.raises(ValidationError):
        services.measurement_raise_nonconformity(acting_user=tree.ward1_mr, measurement=at_risk, title="t",
                                                 description="d")


def test_the_sql_status_agrees_with_the_python_one(tree):
    su = tree.superuser
    up = rate(tree.ward1, su, code="up", target="98", threshold="96")
    bare = indicator(tree.ward1, su, code="bare", target="98")
    down = indicator(tree.ward1, su, code="down", target="3", direction="lower", unit_of_measure="days",
                     alert_threshold=D("5"))
    months = [shift(THIS_MONTH, "monthly", -i) for i in range(1, 8)]
    for month, (n, d) in zip(months, [(99, 100), (98, 100), (97, 100), (96, 100), (95, 100), (0, 100), (0, 0)],
                             strict=True):
        value(up, su, month, numerator=D(n), denominator=D(d))
    for month, v in zip(months, ["98", "97.9", "100", "0"], strict=False):
        value(bare, su, month, value=D(v))
    for month, v in zip(months, ["3", "4", "5", "5.5", "1"], strict=False):
        value(down, su, month, value=D(v))
    rows = Measurement.objects.filter(indicator__unit=tree.ward1).select_related("indicator")
    for status in STATUSES:
        in_sql = set(rows.filter(status_q(status)).values_list("pk", flat=True))
        in_python = {m.pk for m in rows if status_of(m.value, m.indicator.target, m.indicator.alert_threshold,
                                                     m.indicator.direction) == status}
        assert in_sql == in_python, status
    counts = selectors.status_counts(rows)
    assert sum(counts.values()) == rows.filter(value__isnull=False).count()


def test_the_roll_up_sums_numerators_and_denominators_across_the_subtree(tree):
    su = tree.superuser
    w1, w2, div = (rate(u, su, code="ontime") for u in (tree.ward1, tree.ward2, tree.division))
    value(w1, su, LAST_MONTH, numerator=D(1), denominator=D(2))
    value(w2, su, LAST_MONTH, numerator=D(99), denominator=D(100))
    value(div, su, LAST_MONTH, numerator=D(0), denominator=D(100))
    totals, rows = selectors.rollup(su, code="ontime", root=tree.district, periods=[LAST_MONTH])
    assert totals[LAST_MONTH].numerator == 100 and totals[LAST_MONTH].denominator == 102
    assert totals[LAST_MONTH].value(rate=True, percent=True) == D("98.0392")
    by_unit = {r.unit.id: r.totals[LAST_MONTH].value(rate=True, percent=True) for r in rows if r.totals}
    assert by_unit == {tree.ward1.pk: D("50.0000"), tree.ward2.pk: D("99.0000")}
    # a reader sees only their scope's values in the roll-up
    totals, _rows = selectors.rollup(tree.ward1_mr, code="ontime", root=tree.district, periods=[LAST_MONTH])
    assert totals[LAST_MONTH].denominator == 2


def test_the_quality_policy_is_the_nearest_effective_level_1_policy_at_or_above_the_unit():
    from tests.documents.factories import doc_setup, effective_document, new_document

    s = doc_setup()
    assert selectors.policy_for(s.mr, s.office) is None
    new_document(s, title="Chính sách đang soạn", type_code="CS", category="")  # not effective: not shown
    policy = effective_document(s, type_code="CS", title="Chính sách chất lượng", category="")
    assert selectors.policy_for(s.mr, s.office) == policy
    assert selectors.policy_for(s.outsider, s.other) is None
