"""The figures' arithmetic (``areas.Figure``, ``rollups.tally``, ``periods.Period``): rates and
averages roll up as sums of their parts, never as averages of the units' rates."""

from datetime import date, timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from qms_portal.areas import Figure
from qms_portal.models import Unit
from qms_portal.periods import Period
from qms_portal.rollups import tally
from tests import factories


def test_a_period_is_a_month_a_quarter_or_a_year_with_its_last_day_included():
    assert Period.of("month", date(2026, 2, 14)) == Period("month", date(2026, 2, 1), date(2026, 2, 28))
    assert Period.of("quarter", date(2026, 5, 31)) == Period("quarter", date(2026, 4, 1), date(2026, 6, 30))
    assert Period.of("year", date(2026, 12, 31)) == Period("year", date(2026, 1, 1), date(2026, 12, 31))
    assert Period.of("quarter", date(2026, 1, 5)).previous().start == date(2025, 10, 1)
    assert Period.parse({"period": "year", "on": "2025-03-02"}).start == date(2025, 1, 1)
    assert Period.parse({"period": "decade", "on": "nonsense"}).kind == "month"
    months = Period.of("quarter", date(2026, 5, 1)).months(12)
    assert len(months) == 12 and months[0].start == date(2025, 7, 1) and months[-1].end == date(2026, 6, 30)


def test_a_figure_says_what_it_is_and_refuses_a_wrong_shape():
    with pytest.raises(ValueError):
        Figure("x.rate", "rate", lambda u: None, kind="rate")  # a rate without its denominator
    with pytest.raises(ValueError):
        Figure("x.avg", "avg", lambda u: None, kind="average")  # an average without its value
    with pytest.raises(ValueError):
        Figure("x.count", "count", lambda u: None, denominator=lambda u: None)
    with pytest.raises(ValueError):
        Figure("x.count", "count", lambda u: None, value="on_time")  # a count sums nothing
    with pytest.raises(ValueError):  # a rate of quantities names both quantities
        Figure("x.rate", "rate", lambda u: None, kind="rate", denominator=lambda u: None, value="on_time")
    with pytest.raises(ValueError):
        Figure("x.rate", "rate", lambda u: None, kind="rate", denominator=lambda u: None, denominator_value="late")


def test_a_rate_of_quantities_divides_the_sums_not_the_rows():
    files = Figure("x.files", "On time", None, direction="good", kind="rate", denominator=lambda u: None,
                   value="on_time", denominator_value="handled", limits=(0.95, 0.85))
    assert files.weighted and not Figure("x.r", "R", None, kind="rate", denominator=lambda u: None).weighted
    # 2 rows of the numerator carrying 90 files on time, 2 rows of the denominator carrying 100 handled
    assert files.evaluate(2, 90, 2, 100) == 0.9 and files.light(0.9) == "amber"
    assert files.evaluate(0, 0, 0, 0) is None and files.evaluate(3, 0, 3, 0) is None
    assert files.format_quantity(1234.0) == "1,234" and files.format_quantity(12.0) == "12"


def test_the_traffic_light_reads_its_limits_with_the_direction_and_writes_its_rule():
    good = Figure("x.rate", "Coverage", None, direction="good", kind="rate", denominator=lambda u: None,
                  limits=(0.8, 0.5))
    assert [good.light(v) for v in (0.9, 0.8, 0.6, 0.5, 0.4, None)] == [
        "green", "green", "amber", "amber", "red", None]
    assert good.rule_text() == "Green at 80 % or more, red below 50 %, amber between."
    bad = Figure("x.count", "Overdue", None, limits=(0, 3))
    assert [bad.light(v) for v in (0, 1, 3, 4)] == ["green", "amber", "amber", "red"]
    assert bad.rule_text() == "Green at 0 or less, red above 3, amber between."
    assert Figure("x.plain", "Plain", None).light(7) is None and Figure("x.plain", "Plain", None).rule_text() == ""


@pytest.mark.django_db
def test_rates_and_averages_roll_up_as_sums_of_numerators_over_sums_of_denominators():
    """Ward A: 1 of 1 (100 %); ward B: 1 of 3 (33 %). Their district: 2 of 4 = 50 %, not the 67 %
    an average of the wards' rates would give. The same for an average: days summed, then divided."""
    root = factories.make_root("RCITY")
    a = factories.make_unit(root, "RW-A", kind="ward")
    b = factories.make_unit(root, "RW-B", kind="ward")
    # Units as the rows: a unit's own row counts on itself (unit_field ""), ``depth`` as the value.
    for code, unit in (("A1", a), ("B1", b), ("B2", b), ("B3", b)):
        factories.make_unit(unit, code, kind="office")
    offices = Unit.objects.filter(kind="office")
    numerators = tally(offices.filter(code__in=["A1", "B1"]), root=root)
    denominators = tally(offices, root=root)
    figure = Figure("x.rate", "Rate", None, kind="rate", denominator=lambda u: None)
    rate = {unit.code: figure.evaluate(numerators[unit.path].rows, 0, denominators[unit.path].rows)
            for unit in (root, a, b)}
    assert rate == {"RCITY": 0.5, "RW-A": 1.0, "RW-B": pytest.approx(1 / 3)}
    days = tally(offices, root=root, value=F("depth"))
    assert (days[root.path].rows, days[root.path].total) == (4, 4 * 2)
    average = Figure("x.avg", "Avg", None, kind="average", value=F("depth"))
    assert average.evaluate(days[b.path].rows, days[b.path].total) == 2
    assert average.evaluate(0, 0) is None and figure.evaluate(0, 0, 0) is None


@pytest.mark.django_db
def test_a_figure_of_a_period_keeps_the_rows_whose_date_falls_in_it():
    root = factories.make_root("PCITY")
    user = factories.make_superuser()
    figure = Figure("x.joined", "Joined", lambda u: Unit.objects.filter(code__startswith="P"),
                    period_field="created_at")
    today = timezone.localdate()
    period = Period.of("month", today)
    assert figure.rows(user, period).filter(pk=root.pk).exists()
    assert not figure.rows(user, Period.of("month", today.replace(day=1) - timedelta(days=1))).exists()
    assert figure.rows(user, None).count() == 1  # no period: as of now


def test_a_yearly_figure_is_given_the_year_of_its_periods_last_day_and_this_year_without_a_period():
    asked = []

    def source(user, year=None):
        asked.append(year)
        return Unit.objects.none()

    figure = Figure("x.yearly", "Yearly", source, yearly=True)
    figure.rows(None, Period.of("quarter", date(2025, 11, 3)))
    figure.rows(None)
    assert asked == [2025, None]
    plain = Figure("x.plain", "Plain", lambda user: Unit.objects.none())
    assert plain.rows(None, Period.of("year", date(2025, 1, 1))).count() == 0  # its source takes no year
