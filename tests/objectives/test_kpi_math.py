"""The arithmetic of indicators: a period's status from its value, target, alert threshold and
direction (missing values included), the roll-up across units (rates summed as numerators and
denominators, never averaged percentages), periods, and numbers typed with a decimal comma."""

from datetime import date
from decimal import Decimal

import pytest

from objectives.selectors.kpi_math import (
    ACHIEVED,
    AT_RISK,
    MISSED,
    Total,
    combine,
    last_closed,
    parse_decimal,
    parse_period,
    period_code,
    period_end,
    period_start,
    rate_value,
    shift,
    status_of,
    threshold_problem,
)

D = Decimal


@pytest.mark.parametrize(("value", "expected"), [
    (D("98"), ACHIEVED), (D("99.5"), ACHIEVED), (D("97.99"), AT_RISK), (D("96"), AT_RISK),
    (D("95.99"), MISSED), (D("0"), MISSED), (None, None),
])
def test_higher_is_better_reaches_the_target_or_falls_to_risk_then_missed(value, expected):
    assert status_of(value, D("98"), D("96"), "higher") == expected


@pytest.mark.parametrize(("value", "expected"), [
    (D("3"), ACHIEVED), (D("1"), ACHIEVED), (D("3.01"), AT_RISK), (D("5"), AT_RISK), (D("5.01"), MISSED),
    (None, None),
])
def test_lower_is_better_mirrors_it(value, expected):
    assert status_of(value, D("3"), D("5"), "lower") == expected


def test_without_a_threshold_missing_the_target_is_missed_at_once():
    assert status_of(D("97.9"), D("98"), None, "higher") == MISSED
    assert status_of(D("3.1"), D("3"), None, "lower") == MISSED
    assert status_of(D("98"), D("98"), None, "higher") == ACHIEVED


def test_a_missing_target_gives_no_status_and_plain_numbers_are_accepted():
    assert status_of(D("5"), None, None, "higher") is None
    assert status_of(97, 98, 96, "higher") == AT_RISK
    assert status_of(0, 0, None, "lower") == ACHIEVED


def test_a_threshold_on_the_wrong_side_of_the_target_is_named():
    assert threshold_problem(D("98"), D("99"), "higher") == "higher"
    assert threshold_problem(D("3"), D("2"), "lower") == "lower"
    assert threshold_problem(D("98"), D("96"), "higher") is None
    assert threshold_problem(D("98"), None, "higher") is None


def test_a_rate_is_its_numerator_over_its_denominator():
    assert rate_value(D(49), D(50)) == D("98.0000")
    assert rate_value(2, 3) == D("66.6667")
    assert rate_value(1, 4, percent=False) == D("0.2500")
    assert rate_value(0, 0) is None
    assert rate_value(None, 5) is None


def test_rates_roll_up_as_summed_numerators_and_denominators_not_averaged_percentages():
    # A ward with 1 file of 2 on time (50 %) and an office with 99 of 100 (99 %): together 100 of
    # 102 (98.04 %), not the average of 50 % and 99 % (74.5 %).
    rolled = combine([(D(1), D(2), D(50)), (D(99), D(100), D(99))], rate=True, percent=True)
    assert rolled == D("98.0392")
    assert rolled != (D(50) + D(99)) / 2


def test_plain_counts_are_summed_and_percentages_entered_as_values_are_not_added_up():
    assert combine([(None, None, D(3)), (None, None, D(4))], rate=False, percent=False) == D(7)
    assert combine([(None, None, D(90)), (None, None, D(95))], rate=False, percent=True) is None
    assert combine([], rate=True, percent=True) is None


def test_a_roll_up_counts_the_units_reported_and_empty_denominators_give_no_value():
    total = Total().add(D(0), D(0), None).add(D(0), D(0), None)
    assert total.reported == 2 and total.value(rate=True, percent=True) is None


def test_periods_start_on_their_first_day_and_shift_across_years():
    day = date(2026, 11, 17)
    assert period_start(day, "monthly") == date(2026, 11, 1)
    assert period_start(day, "quarterly") == date(2026, 10, 1)
    assert period_start(day, "yearly") == date(2026, 1, 1)
    assert shift(date(2026, 1, 1), "monthly", -1) == date(2025, 12, 1)
    assert shift(date(2026, 10, 1), "quarterly", 1) == date(2027, 1, 1)
    assert period_end(date(2026, 2, 1), "monthly") == date(2026, 2, 28)
    assert period_end(date(2026, 10, 1), "quarterly") == date(2026, 12, 31)
    assert last_closed(date(2026, 1, 5), "monthly") == date(2025, 12, 1)
    assert last_closed(date(2026, 1, 5), "yearly") == date(2025, 1, 1)


@pytest.mark.parametrize(("text", "frequency", "expected"), [
    ("2026-11", "monthly", date(2026, 11, 1)), ("11/2026", "monthly", date(2026, 11, 1)),
    ("2026-11-01 00:00:00", "monthly", date(2026, 11, 1)), ("2026-Q4", "quarterly", date(2026, 10, 1)),
    ("2026-10", "quarterly", date(2026, 10, 1)), ("2026-11", "quarterly", None), ("2026", "yearly", date(2026, 1, 1)),
    ("2026-11", "yearly", None), ("2026", "monthly", None), ("2026-13", "monthly", None), ("", "monthly", None),
    ("nov", "monthly", None),
])
def test_a_period_is_read_as_people_write_it(text, frequency, expected):
    assert parse_period(text, frequency) == expected


def test_a_period_code_reads_back_as_the_same_period():
    for frequency, period in (("monthly", date(2026, 3, 1)), ("quarterly", date(2026, 7, 1)),
                              ("yearly", date(2026, 1, 1))):
        assert parse_period(period_code(period, frequency), frequency) == period


@pytest.mark.parametrize(("text", "separator", "expected"), [
    ("98,5", ",", D("98.5")), ("98.5", ",", D("98.5")), ("98,5", ".", D("98.5")), ("98.5", ".", D("98.5")),
    ("1.234", ",", D("1234")), ("1,234", ".", D("1234")), ("1.234,5", ",", D("1234.5")),
    ("1,234.5", ".", D("1234.5")), (" 96 ", ",", D("96")), ("-2,5", ",", D("-2.5")),
    ("abc", ",", None), ("9,8,7", ",", None), ("", ",", None), (None, ",", None), ("98%", ",", None),
])
def test_numbers_are_read_with_a_decimal_comma_or_point(text, separator, expected):
    assert parse_decimal(text, separator) == expected
