"""Reads of the kpi part: the quality policy, objectives and their cascade, indicators, their series
and their roll-up across the unit tree.

A roll-up reads the values of one indicator code in a unit's subtree in ONE grouped query and sums
them in Python with the units' paths (as ``qms_portal.rollups`` counts rows): each unit's sums go
to the root and to the root's child whose branch holds it. Rates are summed as numerators and
denominators (``kpi_math.Total``), never as averaged percentages.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum
from django.utils import timezone

from qms_portal.models import Unit, User
from qms_portal.permissions import ancestor_paths, restrict
from qms_portal.rollups import UNIT_COLUMNS, UnitRef

from ..models import Indicator, Measurement, QualityObjective
from .kpi_math import STATUSES, Total, period_start, shift, status_of, status_q

POLICY_TYPE = "CS"  # the document register's type of the quality policy (level 1)


# --- the quality policy -------------------------------------------------------------------------
def policy_for(user, unit):
    """The effective quality policy that applies to ``unit``: the one of the unit itself or of the
    nearest unit above it, among the register's documents ``user`` may read (a link, not a copy)."""
    from documents.models import Document

    if unit is None:
        return None
    paths = ancestor_paths(unit.path)
    rows = (restrict(Document.objects.all(), user, "view")
            .filter(doc_type__code=POLICY_TYPE, doc_type__level=1, is_withdrawn=False, current_revision__isnull=False,
                    unit__path__in=paths)
            .select_related("unit").only("pk", "code", "title", "effective_since", "unit__path", "unit__name"))
    found = sorted(rows, key=lambda d: -len(d.unit.path))
    return found[0] if found else None


# --- objectives ---------------------------------------------------------------------------------
def objectives_of(user):
    """The objectives ``user`` may see, with their unit; who is responsible is read after, for the
    rows read (their name only): joined, PostgreSQL hashed every person of the province (5,000 rows
    with every column) to sort the objectives before taking a page of 25 (4 of the list's 5 ms)."""
    return (QualityObjective.objects.restrict(user, "view").select_related("unit")
            .prefetch_related(Prefetch("responsible", queryset=User.objects.only("pk", "full_name")))
            .defer("description", "actions", "resources", "evaluation", "result_note", "unit__search_key"))


@dataclass
class TreeNode:
    objective: object
    children: list = field(default_factory=list)
    depth: int = 0


def objective_tree(user, *, year, unit=None):
    """The cascade of ``year``'s objectives the reader may see (under ``unit``, when given), as
    nested ``TreeNode`` roots: an objective whose parent is not shown is a root. One query."""
    rows = objectives_of(user).filter(year=year).exclude(status=QualityObjective.Status.WITHDRAWN)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    nodes = {o.pk: TreeNode(o) for o in rows.order_by("unit__path", "code", "pk")}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.objective.parent_id)
        (parent.children if parent is not None else roots).append(node)

    def flatten(node, depth, out):
        node.depth = depth
        out.append(node)
        for child in node.children:
            flatten(child, depth + 1, out)
        return out

    return [n for root in roots for n in flatten(root, 0, [])]


def objective_years(user):
    years = set(objectives_of(user).order_by().values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


# --- indicators ---------------------------------------------------------------------------------
def indicators_of(user, action="view"):
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-period")
    return (Indicator.objects.restrict(user, action).select_related("unit", "reporter")
            .defer("description", "unit__search_key")
            .annotate(latest_period=Subquery(latest.values("period")[:1]),
                      latest_value=Subquery(latest.values("value")[:1])))


def with_status(indicators):
    for indicator in indicators:
        indicator.latest_status = status_of(getattr(indicator, "latest_value", None), indicator.target,
                                            indicator.alert_threshold, indicator.direction)
    return indicators


def series(indicator, periods):
    """``{period: measurement}`` of ``indicator`` over ``periods`` (one query)."""
    if not periods:
        return {}
    rows = (indicator.measurements.filter(period__gte=min(periods), period__lte=max(periods))
            .select_related("entered_by", "nonconformity").defer("entered_by__search_key"))
    return {m.period: m for m in rows}


def chart_periods(indicator, count=24, today=None):
    """The last ``count`` periods of the indicator's frequency up to the current one, oldest first."""
    today = today or timezone.localdate()
    current = period_start(today, indicator.frequency)
    return [shift(current, indicator.frequency, -i) for i in reversed(range(count))]


# --- roll-up ------------------------------------------------------------------------------------
@dataclass
class RollupRow:
    unit: UnitRef
    totals: dict  # period → Total
    own: bool = False  # the root's own indicator (not a branch below it)


def rollup(user, *, code, root, periods):
    """The values of indicator ``code`` under ``root`` over ``periods``: ``(root totals, rows)``
    where ``rows`` has the root's own value (``own``) and each direct child's branch, each a
    ``{period: Total}``. One grouped query for the values, one for the units."""
    sums = (Measurement.objects.restrict(user, "view")
            .filter(indicator__code=code, indicator__unit__path__startswith=root.path, period__in=periods)
            .values("indicator__unit__path", "period")
            .annotate(n=Sum("numerator"), d=Sum("denominator"), v=Sum("value"), rows=Count("pk", distinct=True))
            .order_by())
    children = {u["path"]: UnitRef(**u) for u in
                Unit.objects.filter(parent_id=root.pk).order_by("path").values(*UNIT_COLUMNS)}
    root_ref = UnitRef(**Unit.objects.filter(pk=root.pk).values(*UNIT_COLUMNS).get())
    total = defaultdict(Total)
    branches = defaultdict(lambda: defaultdict(Total))
    depth = len(ancestor_paths(root.path))
    for row in sums:
        path, period = row["indicator__unit__path"], row["period"]
        total[period].add(row["n"], row["d"], row["v"], row["rows"])
        mine = ancestor_paths(path)
        branch = root.path if len(mine) == depth else mine[depth]
        branches[branch][period].add(row["n"], row["d"], row["v"], row["rows"])
    rows = []
    if root.path in branches:
        rows.append(RollupRow(root_ref, dict(branches[root.path]), own=True))
    for path, ref in children.items():
        rows.append(RollupRow(ref, dict(branches.get(path, {}))))
    return dict(total), rows


# --- figures and review inputs ------------------------------------------------------------------
def status_counts(measurements):
    """``{status: count}`` of a measurement queryset, in one query (``kpi_math.status_q``)."""
    found = measurements.order_by().aggregate(**{s: Count("pk", filter=status_q(s)) for s in STATUSES})
    return {s: found[s] or 0 for s in STATUSES}
