"""Monthly readings of the dashboard's "now" figures, for their trends.

A figure without a ``period_field`` (open nonconformities, reviews overdue, acknowledgement
coverage…) counts what stands today: nothing in the records says what it was last March. So a
daily task (``qms_portal.tasks.take_figure_snapshots``) reads each such figure drawn as a trend
(``trend=True``) for every unit of the tree, with the dashboard's own roll-up (one GROUP BY per
figure, whatever the number of units), and keeps it as this month's reading; the month's last
reading stays. The trend of such a figure shows those readings for the past months and today's
value for this month; a month before the first reading has no point.

The readings count every record of the tree (they are taken by the portal, not by a reader), so
a reader whose figures are narrower than their dashboard's units sees the whole unit's past."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .. import areas
from ..models import Unit
from . import selectors
from .snapshot_models import FigureSnapshot

KEEP_MONTHS = 25  # two years of trends, and this month


def now_figures():
    """The figures whose trend is read from the readings: drawn as a trend, without a period."""
    return [figure for _area, figure in areas.dashboard_figures() if figure.trend and not figure.period_field]


def _reader():
    """The portal itself, reading everything (an unsaved, active superuser: ``restrict`` lets it
    see every row)."""
    return get_user_model()(username="portal", is_active=True, is_superuser=True)


def _number(value):
    return float(value or 0)


@transaction.atomic
def take_snapshots(today=None):
    """This month's reading of each "now" trend figure for every unit of the tree, zeros included
    (a month without a row was not read: no point on the chart), replacing an
    earlier reading of the month); readings older than ``KEEP_MONTHS`` are removed. Returns how
    many readings were written."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    reader = _reader()
    units = list(Unit.objects.filter(is_active=True).values_list("pk", "path"))
    roots = Unit.objects.filter(parent__isnull=True, is_active=True)
    written = []
    now = timezone.now()
    for figure in now_figures():
        numerators, denominators = {}, {}
        for root in roots:
            mine, below = selectors.figure_tallies(figure, reader, root, None)
            numerators.update(mine)
            denominators.update(below)
        for pk, path in units:
            mine, below = numerators.get(path), denominators.get(path)
            written.append(FigureSnapshot(
                month=month, key=figure.key, unit_id=pk, rows=mine.rows if mine else 0,
                total=_number(mine.total if mine else 0), denominator_rows=below.rows if below else 0,
                denominator_total=_number(below.total if below else 0), taken_at=now))
    keys = [figure.key for figure in now_figures()]
    FigureSnapshot.objects.filter(month=month, key__in=keys).delete()
    FigureSnapshot.objects.bulk_create(written, batch_size=1000)
    oldest = (month.year * 12 + month.month - 1) - KEEP_MONTHS
    FigureSnapshot.objects.filter(month__lt=month.replace(year=oldest // 12, month=oldest % 12 + 1)).delete()
    return len(written)


def readings(figures, root, months):
    """``{(key, month start): FigureSnapshot}`` of ``root`` for these figures and months: one query."""
    found = FigureSnapshot.objects.filter(unit_id=root.pk, key__in=[f.key for f in figures],
                                          month__in=[m.start for m in months])
    return {(snapshot.key, snapshot.month): snapshot for snapshot in found}
