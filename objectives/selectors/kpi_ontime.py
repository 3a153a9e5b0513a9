"""The on-time rate of administrative procedures (kpi part): a unit's files per procedure and month
(``ProcedureTimeliness``), its rate computed from them and rolled up its subtree, and the late files
the nonconformities area recorded as nonconforming outputs, shown beside it.

The rate is on time / (on time + late) over the files handled: summed over the procedures and the
units below, never an average of rates.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, Sum

from qms_portal.models import Unit
from qms_portal.permissions import ancestor_paths
from qms_portal.rollups import UNIT_COLUMNS, UnitRef

from ..models import ProcedureTimeliness
from .kpi_math import rate_value


@dataclass
class Files:
    received: int = 0
    on_time: int = 0
    late: int = 0

    def add(self, received, on_time, late):
        self.received += received or 0
        self.on_time += on_time or 0
        self.late += late or 0

    @property
    def handled(self):
        return self.on_time + self.late

    @property
    def rate(self):
        return rate_value(self.on_time, self.handled, True)


# A row with files handled late: the register's "late" filter and the dashboard's "procedures with
# files handled late" (``kpi_review.procedures_late``) share it.
LATE = Q(late__gt=0)


def timeliness_rows(user):
    """The monthly files per procedure the reader may see, each with its unit and procedure for the
    register (newest month first; ``select_related``: a fixed number of queries for a page)."""
    return (ProcedureTimeliness.objects.restrict(user, "view").select_related("unit", "procedure")
            .only("pk", "period", "received", "on_time", "late", "comment", "unit_id", "procedure_id",
                  "unit__name", "unit__code", "unit__path", "procedure__code", "procedure__title"))


def timeliness_rollup(user, *, unit, months):
    """``(totals, rows)`` for ``unit``'s subtree over ``months``: ``totals`` is ``{month: Files}``;
    ``rows`` the unit's own files and each direct child's branch, ``[(UnitRef, {month: Files},
    own)]``. One grouped query, one for the units."""
    sums = (ProcedureTimeliness.objects.restrict(user, "view")
            .filter(unit__path__startswith=unit.path, period__in=months)
            .values("unit__path", "period")
            .annotate(r=Sum("received"), o=Sum("on_time"), la=Sum("late")).order_by())
    depth = len(ancestor_paths(unit.path))
    totals = defaultdict(Files)
    branches = defaultdict(lambda: defaultdict(Files))
    for row in sums:
        path = row["unit__path"]
        totals[row["period"]].add(row["r"], row["o"], row["la"])
        mine = ancestor_paths(path)
        branch = unit.path if len(mine) == depth else mine[depth]
        branches[branch][row["period"]].add(row["r"], row["o"], row["la"])
    refs = [UnitRef(**u) for u in (Unit.objects.filter(pk=unit.pk) | Unit.objects.filter(parent_id=unit.pk))
            .order_by("path").values(*UNIT_COLUMNS)]
    rows = []
    for ref in refs:
        own = ref.id == unit.pk
        if own and unit.path not in branches:
            continue
        rows.append((ref, dict(branches.get(ref.path, {})), own))
    return dict(totals), rows


def month_rows(user, *, unit, month):
    """The unit's own rows for one month, by procedure: ``{procedure id: ProcedureTimeliness}``."""
    rows = (ProcedureTimeliness.objects.restrict(user, "view").filter(unit=unit, period=month)
            .select_related("procedure").only("pk", "procedure_id", "received", "on_time", "late", "comment",
                                              "procedure__code", "procedure__title", "unit_id", "period"))
    return {r.procedure_id: r for r in rows}


def latest_month(user, *, unit, months):
    """The latest of ``months`` for which ``unit`` entered its own files, or None (one query)."""
    from django.db.models import Max

    return (ProcedureTimeliness.objects.restrict(user, "view").filter(unit=unit, period__in=months)
            .aggregate(m=Max("period"))["m"])


def procedure_q():
    """A document that is an administrative procedure files are reported for: an effective level-2
    document that is operational or carries a legal time limit (``procedures_for``, and the scale
    data's rows)."""
    from documents.models import Document

    return Q(level=2, is_withdrawn=False, current_revision__isnull=False) & (
        Q(category=Document.Category.OPERATIONAL) | Q(legal_time_limit_days__isnull=False))


def procedures_for(user, unit, month=None):
    """The administrative procedures a unit reports its files for: the effective level-2 documents
    of the unit or of a unit above it that are operational or carry a legal time limit, and any
    procedure it already reported that month. One query."""
    from documents.models import Document

    q = procedure_q() & Q(unit__path__in=ancestor_paths(unit.path))
    if month is not None:
        q |= Q(pk__in=ProcedureTimeliness.objects.filter(unit=unit, period=month).values("procedure_id"))
    return (Document.objects.restrict(user, "view").filter(q).select_related("unit")
            .only("pk", "code", "title", "unit_id", "unit__path", "unit__is_active").order_by("code", "pk"))


def late_outputs_by_month(user, *, unit, year):
    """The late files the nonconformities area recorded (nonconforming outputs) under ``unit`` in
    ``year``: ``{month number: count}`` (through its selector, one query)."""
    from nonconformities.selectors_desk import late_files_by_procedure

    counts = defaultdict(int)
    for row in late_files_by_procedure(user, year=year, unit=unit):
        counts[row["month"]] += row["count"]
    return dict(counts)
