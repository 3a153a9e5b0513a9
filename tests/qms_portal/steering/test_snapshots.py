"""The monthly readings of the dashboard's "now" figures and their trends: a reading per unit and
figure, the month's last one kept, old ones removed; a trend shows the readings of past months,
today's value for this month and no point for a month never read."""

from datetime import date

import pytest
from django.utils import timezone

from qms_portal.periods import Period
from qms_portal.steering import selectors
from qms_portal.steering.snapshot_models import FigureSnapshot
from qms_portal.steering.snapshots import KEEP_MONTHS, now_figures, take_snapshots
from tests.nonconformities.factories import nc_setup, raise_nc

pytestmark = pytest.mark.django_db


def _months_ago(months):
    today = timezone.localdate().replace(day=1)
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _open_trend(s):
    trends = selectors.trends(s.mr, s.dept, Period.of("month"))
    return next(trend for trend in trends if trend.figure.key == "nonconformities.open")


def test_a_reading_is_kept_for_every_unit_and_figure_drawn_as_a_trend_without_a_period():
    s = nc_setup()
    raise_nc(s)
    keys = {figure.key for figure in now_figures()}
    assert {"nonconformities.open", "documents.acknowledged"} <= keys
    assert not any(figure.period_field for figure in now_figures())
    written = take_snapshots()
    month = timezone.localdate().replace(day=1)
    readings = FigureSnapshot.objects.filter(month=month, key="nonconformities.open")
    assert {r.unit_id: r.rows for r in readings.filter(unit__in=[s.root, s.dept, s.office, s.other])} == {
        s.root.pk: 1, s.dept.pk: 1, s.office.pk: 0, s.other.pk: 0}  # the subtree's, zeros kept
    assert written == FigureSnapshot.objects.filter(month=month).count()
    assert take_snapshots() == written  # the month's reading is replaced, not added to
    assert FigureSnapshot.objects.filter(month=month).count() == written


def test_the_trend_reads_past_months_from_the_readings_and_this_month_live():
    s = nc_setup()
    raise_nc(s)
    take_snapshots(today=_months_ago(2).replace(day=20))
    raise_nc(s)
    raise_nc(s, unit=s.office)
    trend = _open_trend(s)
    assert trend.values[-1] == 3  # today's, as the dashboard's cell
    assert trend.values[-2] is None  # last month was never read: no point
    assert trend.values[-3] == 1  # as it stood when read two months ago
    assert trend.values[0] is None


def test_the_dashboard_draws_it_in_a_fixed_number_of_queries_whatever_the_months_read():
    s = nc_setup()
    raise_nc(s)
    for months in range(1, 6):
        take_snapshots(today=_months_ago(months))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    selectors.dashboard(s.mr, s.dept, Period.of("month"))  # (what is read once per process)
    with CaptureQueriesContext(connection) as few:
        selectors.dashboard(s.mr, s.dept, Period.of("month"))
    for months in range(6, 12):
        take_snapshots(today=_months_ago(months))
    with CaptureQueriesContext(connection) as many:
        board = selectors.dashboard(s.mr, s.dept, Period.of("month"))
    assert len(many) == len(few)
    opened = next(trend for trend in board.trends if trend.figure.key == "nonconformities.open")
    assert opened.values == [1] * 12  # eleven months read, and this month live


def test_readings_older_than_the_months_kept_are_removed():
    s = nc_setup()
    raise_nc(s)
    take_snapshots(today=_months_ago(KEEP_MONTHS + 2))
    assert FigureSnapshot.objects.exists()
    take_snapshots()
    assert not FigureSnapshot.objects.filter(month=_months_ago(KEEP_MONTHS + 2)).exists()
    assert FigureSnapshot.objects.filter(month=timezone.localdate().replace(day=1)).exists()


def test_the_task_is_on_the_beat_schedule():
    from qms_portal.celery import app

    assert any(entry["task"] == "qms_portal.tasks.take_figure_snapshots" for entry in app.conf.beat_schedule.values())
