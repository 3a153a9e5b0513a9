"""ncreports: the nonconformities' figures for dashboards, per unit and rolled up the unit tree (a
unit's figure covers the unit and every unit below it). Every row counted is one the reader may see
(``restrict(user, "view")``); each function makes a fixed number of queries whatever the data (one
GROUP BY over the nonconformities, one for the units reported on).

Definitions (a reporting period is ``[since, until)`` in local dates, by default the 365 days up to
and including today; "closed in the period" means ``closed_at`` falls in it):

* **Open by age**: nonconformities not closed nor rejected, by days since they were detected, in
  the register's age buckets (``AGE_BUCKETS``: up to 30, 31–90, 91–180, more than 180 days).
* **On-time closure rate**: of the nonconformities closed in the period, the share closed *on
  time*: none of their actions was done after its due date — the due date in force when it was done,
  an approved extension included (the original due date stays in the register and the history).
  Cancelled actions do not count; a nonconformity closed without actions is on time.
* **Average days to close**: of the same nonconformities, the mean number of days from detection
  (``detected_on``) to the local date of closing.
* **Recurrence rate**: of the same nonconformities, the share that *recurred*: another
  nonconformity, not rejected and visible to the reader, detected in the 365 days up to its own
  detection date (the same day counts when raised before it, by id), with the same unit and the same
  ISO clause, or with the same procedure (in any unit). Each is counted on its own unit.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Case, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from qms_portal.models import Unit
from qms_portal.permissions import ancestor_paths
from qms_portal.rollups import UNIT_COLUMNS, UnitRef, rollup

from ..models import OPEN_STATUSES, CorrectiveAction, Nonconformity
from .nonconformity import AGE_BUCKETS

__all__ = ["ClosureCounts", "ClosureNode", "PERIOD_DAYS", "RECURRENCE_DAYS", "closed_in_period", "closed_late",
           "closure_figures", "open_by_unit_and_age", "open_nonconformities", "open_older_than", "recurred_q",
           "recurring_closures"]

PERIOD_DAYS = 365
RECURRENCE_DAYS = 365


def _period(since, until):
    today = timezone.localdate()
    until = until or today + timedelta(days=1)
    since = since or until - timedelta(days=PERIOD_DAYS)
    tz = timezone.get_current_timezone()
    return datetime.combine(since, time.min, tzinfo=tz), datetime.combine(until, time.min, tzinfo=tz)


def open_nonconformities(user):
    return Nonconformity.objects.restrict(user, "view").filter(status__in=OPEN_STATUSES)


def open_older_than(user, days, today=None):
    today = today or timezone.localdate()
    return open_nonconformities(user).filter(detected_on__lt=today - timedelta(days=days))


def age_bucket(today=None):
    """The register's age bucket of an open nonconformity, as an SQL expression ("30", "90"…)."""
    today = today or timezone.localdate()
    whens = [When(detected_on__gte=today - timedelta(days=high), then=Value(key))
             for key, (_label, _low, high) in AGE_BUCKETS.items() if high is not None]
    last = next(key for key, (_label, _low, high) in AGE_BUCKETS.items() if high is None)
    return Case(*whens, default=Value(last))


def open_by_unit_and_age(user, *, root=None, today=None):
    """Open nonconformities per unit, rolled up the tree, split by age bucket: ``rollup`` nodes
    whose ``own_by`` / ``total_by`` map a bucket key of ``AGE_BUCKETS`` to a count. Two queries."""
    queryset = open_nonconformities(user).annotate(age_bucket=age_bucket(today))
    return rollup(queryset, by="age_bucket", root=root)


def late_action_q():
    """A nonconformity with an action done after its due date."""
    late = CorrectiveAction.nonconformities.through.objects.filter(
        nonconformity_id=OuterRef("pk"), correctiveaction__status=CorrectiveAction.Status.DONE,
        correctiveaction__completed_at__date__gt=F("correctiveaction__due"))
    return Exists(late)


def recurred_q(user):
    """A nonconformity that recurred (see the module's definition), among what ``user`` may see."""
    earlier = (Nonconformity.objects.restrict(user, "view").exclude(status=Nonconformity.Status.REJECTED)
               .filter(Q(unit_id=OuterRef("unit_id"), clause_id=OuterRef("clause_id"))
                       | Q(procedure_id=OuterRef("procedure_id")))
               .filter(Q(detected_on__lt=OuterRef("detected_on"))
                       | Q(detected_on=OuterRef("detected_on"), pk__lt=OuterRef("pk")))
               # "> detection - 366 days" is ">= detection - 365 days" (compared as a timestamp on
               # PostgreSQL, as text on SQLite: both right with a strict comparison).
               .filter(detected_on__gt=OuterRef("detected_on") - timedelta(days=RECURRENCE_DAYS + 1)))
    return Exists(earlier)


def closed_in_period(user, since=None, until=None):
    start, end = _period(since, until)
    return Nonconformity.objects.restrict(user, "view").filter(status=Nonconformity.Status.CLOSED,
                                                               closed_at__gte=start, closed_at__lt=end)


def closed_late(user, since=None, until=None):
    return closed_in_period(user, since, until).filter(late_action_q())


def recurring_closures(user, since=None, until=None):
    return closed_in_period(user, since, until).filter(recurred_q(user))


@dataclass
class ClosureCounts:
    closed: int = 0
    late: int = 0
    recurred: int = 0
    days: int = 0  # days from detection to closing, summed

    def add(self, other):
        self.closed += other.closed
        self.late += other.late
        self.recurred += other.recurred
        self.days += other.days

    @property
    def on_time(self):
        return self.closed - self.late

    @property
    def on_time_rate(self):
        """Closed on time / closed, from 0 to 1; None when none was closed."""
        return self.on_time / self.closed if self.closed else None

    @property
    def average_days(self):
        return self.days / self.closed if self.closed else None

    @property
    def recurrence_rate(self):
        return self.recurred / self.closed if self.closed else None


@dataclass
class ClosureNode:
    """One unit's closure figures: ``own`` (closed on the unit itself) and ``total`` (the unit and
    every unit below it)."""

    unit: UnitRef
    own: ClosureCounts = field(default_factory=ClosureCounts)
    total: ClosureCounts = field(default_factory=ClosureCounts)


def _days(value):
    """A sum of durations as whole days (a timedelta; microseconds where the database gives a number)."""
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return value.days
    return round(value / 86_400_000_000)


def closure_figures(user, *, since=None, until=None, root=None):
    """Closed in the period, closed late, recurred, and days to close, per unit and rolled up the
    tree: a list of ``ClosureNode`` in tree order (the units with closures and every unit above
    them, within ``root`` when given). Two queries."""
    queryset = closed_in_period(user, since, until)
    if root is not None:
        queryset = queryset.filter(unit__path__startswith=root.path)
    rows = (queryset.alias(is_late=late_action_q(), has_recurred=recurred_q(user),
                           to_close=ExpressionWrapper(TruncDate("closed_at") - F("detected_on"),
                                                      output_field=DurationField()))
            .order_by().values("unit_id", "unit__path")
            .annotate(closed=Count("pk"), late=Count("pk", filter=Q(is_late=True)),
                      recurred=Count("pk", filter=Q(has_recurred=True)), days=Sum("to_close")))
    own, total = {}, {}
    for row in rows:
        counts = ClosureCounts(closed=row["closed"], late=row["late"], recurred=row["recurred"],
                               days=_days(row["days"]))
        own[row["unit__path"]] = counts
        for path in ancestor_paths(row["unit__path"]):
            total.setdefault(path, ClosureCounts()).add(counts)
    paths = set(total)
    if root is not None:
        paths = {p for p in paths if p.startswith(root.path)} | {root.path}
    nodes = []
    for values in Unit.objects.filter(path__in=sorted(paths)).order_by("path").values(*UNIT_COLUMNS):
        unit = UnitRef(**values)
        nodes.append(ClosureNode(unit=unit, own=own.get(unit.path, ClosureCounts()),
                                 total=total.get(unit.path, ClosureCounts())))
    return nodes

