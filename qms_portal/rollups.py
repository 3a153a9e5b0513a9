"""Roll-ups up the unit tree: rows counted per unit and summed upwards (a district = itself + its
offices + its wards), for dashboards and reports of every area.

    nodes = rollup(Nonconformity.objects.restrict(user, "view"), by="status")
    drill = rollup_children(Nonconformity.objects.restrict(user, "view"), parent=district)

Any queryset of a scoped model (one that declares ``unit_field``): the caller restricts it first
(``.restrict(user, action)``), so rows the reader may not see are never counted. Two queries
whatever the amount of data: one GROUP BY over the queryset on its unit (following ``unit_field``,
e.g. ``revision__document__unit``) and one for the units reported on; the sums are made in Python
with the units' materialised paths (each count is added to the unit and to each unit above it).
Rows without a unit (a nullable ``unit_field``) are not counted.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F

from .models import Unit
from .permissions import ancestor_chain, ancestor_paths

UNIT_COLUMNS = ("id", "code", "name", "kind", "path", "depth", "parent_id", "is_active")


@dataclass(frozen=True)
class UnitRef:
    """The few columns of a unit a dashboard shows (no model instance, no further query)."""

    id: int
    code: str
    name: str
    kind: str
    path: str
    depth: int
    parent_id: int | None
    is_active: bool

    def __str__(self):
        return f"{self.code} · {self.name}"


@dataclass
class Node:
    """One unit's figures: ``own`` rows on the unit itself, ``total`` on it and every unit below;
    with ``by=``, the same split per value of that field (values without rows are absent: read
    them with ``.get(value, 0)``)."""

    unit: UnitRef
    own: int = 0
    total: int = 0
    own_by: dict = field(default_factory=dict)
    total_by: dict = field(default_factory=dict)


@dataclass
class Drilldown:
    """What a drill-down dashboard shows for ``parent``: its own rows (``parent.own``), everything
    in its subtree (``parent.total``), and each direct child with its subtree (``children``,
    children without rows included with zeros)."""

    parent: Node
    children: list


def _lookups(model):
    unit_field = getattr(model, "unit_field", None)
    if unit_field is None:
        raise ValueError(f"{model.__name__} has no unit_field: it is not scoped to units")
    if unit_field == "":
        return "pk", "path"
    return unit_field, f"{unit_field}__path"


def _counts(queryset, by, root):
    """``{(unit id, unit path): Counter({by value: rows})}`` in one GROUP BY query (the by value is
    None without ``by``)."""
    unit_key, path_key = _lookups(queryset.model)
    if root is not None:
        queryset = queryset.filter(**{f"{path_key}__startswith": root.path})
    columns = [unit_key, path_key] + ([by] if by else [])
    counts = {}
    # COUNT(DISTINCT pk): a filter across a many-valued relation must not count a row twice.
    for row in queryset.order_by().values(*columns).annotate(rows=Count("pk", distinct=True)):
        if row[unit_key] is None:
            continue
        key = (row[unit_key], row[path_key])
        counts.setdefault(key, Counter())[row[by] if by else None] += row["rows"]
    return counts


def _root(root):
    if root is None or isinstance(root, Unit):
        return root
    return Unit.objects.only("id", "path").get(pk=root)


def rollup(queryset, *, units=None, by=None, root=None):
    """Rows of ``queryset`` per unit, summed up the tree: a list of ``Node`` in tree order (by
    path). ``units`` is what to report on (Units, unit ids or a Unit queryset); by default the
    units that have rows and every unit above them (up to ``root``). ``root`` (a Unit) limits
    the count and the report to its subtree. ``by`` names a field of the model (``"status"``,
    ``"document__doc_type"``) to split each figure by its values."""
    root = _root(root)
    counts = _counts(queryset, by, root)
    return _nodes(counts, _units(units, counts, root), by)


def rollup_children(queryset, *, parent, by=None):
    """The figures of ``parent`` (a Unit) and of each of its direct children with their
    subtrees, as a ``Drilldown``."""
    counts = _counts(queryset, by, parent)
    unit_rows = Unit.objects.filter(pk=parent.pk) | Unit.objects.filter(parent_id=parent.pk)
    nodes = _nodes(counts, unit_rows, by)
    top = next(n for n in nodes if n.unit.id == parent.pk)
    return Drilldown(parent=top, children=[n for n in nodes if n.unit.id != parent.pk])


def _units(units, counts, root):
    """The Unit queryset to report on (not yet evaluated)."""
    if units is not None:
        if hasattr(units, "model") and units.model is Unit:
            selected = units
        else:
            ids = [u.pk if isinstance(u, Unit) else u for u in units]
            selected = Unit.objects.filter(pk__in=ids)
        return selected.filter(path__startswith=root.path) if root is not None else selected
    paths = {p for _id, path in counts for p in ancestor_paths(path)}
    if root is not None:
        paths = {p for p in paths if p.startswith(root.path)} | {root.path}
    return Unit.objects.filter(path__in=sorted(paths))


def _nodes(counts, unit_queryset, by):
    own, total = {}, {}
    for (_unit_id, path), split in counts.items():
        own[path] = split
        for ancestor in ancestor_paths(path):
            total.setdefault(ancestor, Counter()).update(split)
    nodes = []
    for values in unit_queryset.order_by("path").values(*UNIT_COLUMNS):
        unit = UnitRef(**values)
        mine, below = own.get(unit.path, Counter()), total.get(unit.path, Counter())
        node = Node(unit=unit, own=sum(mine.values()), total=sum(below.values()))
        if by:
            node.own_by, node.total_by = dict(mine), dict(below)
        nodes.append(node)
    return nodes


@dataclass
class Tally:
    """Rows and the sum of a value over them, for one unit's subtree (``tally``)."""

    rows: int = 0
    total: float = 0


def _number(value, duration=False):
    """A summed value as a plain number: a sum of durations in days (a timedelta, or microseconds
    where the database gives a number for a duration), a Decimal as a float."""
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return value.total_seconds() / 86_400
    if isinstance(value, Decimal):
        value = float(value)
    return value / 86_400_000_000 if duration else value


def _each_row_once(queryset):
    """Whether the query returns each row of its model once: it joins only along foreign keys
    (many rows to one), never back along one (a reverse or many-to-many relation repeats a row).
    Then the rows are counted as they come, without COUNT(DISTINCT …)'s sort."""
    from django.db.models import ForeignObjectRel

    return not any(isinstance(getattr(join, "join_field", None), ForeignObjectRel)
                   for join in queryset.query.alias_map.values())


def tally(queryset, *, root=None, value=None, duration=False, by=None, per_unit=True, part=None, part_value=None):
    """Rows of ``queryset`` (and the sum of ``value`` over them, an expression or field name of one
    number per row) per unit, summed up the tree: ``{unit path: Tally}`` for every unit with rows
    and every unit above them. One GROUP BY query (no query for the units: the caller reads the
    units it reports on once, whatever the number of figures). ``root`` (a Unit) keeps its
    subtree only. ``duration``: the value is a duration, summed as days. With ``by`` (a field or
    an expression), ``{by value: {unit path: Tally}}`` (a dashboard's months). With
    ``per_unit=False`` (and a ``root``), the subtree's rows as one: ``{root path: Tally}`` (or
    ``{by value: {root path: Tally}}``), grouped by ``by`` only — a few rows to read, not one per unit.

    The rows are COUNT(DISTINCT pk) (a plain count when the query joins only along foreign keys,
    ``_each_row_once``); a sum is of the rows as the query returns them, so ``value`` must not
    follow a many-valued relation nor sit on a queryset filtered across one."""
    from django.db.models import DurationField, Sum

    unit_key, path_key = _lookups(queryset.model)
    if root is not None:
        queryset = queryset.filter(**{f"{path_key}__startswith": root.path})
    if not per_unit and root is None:
        raise ValueError("per_unit=False sums a subtree: give its root")
    columns = [path_key] if per_unit else []
    if by is not None:
        queryset = queryset.annotate(tally_by=by) if not isinstance(by, str) else queryset.alias(tally_by=F(by))
        columns.append("tally_by")
    rows_query = queryset.order_by().values(*columns) if columns else queryset.order_by()
    distinct = not _each_row_once(rows_query)
    aggregates = {"rows": Count("pk", distinct=distinct)}
    if value is not None:
        expression = F(value) if isinstance(value, str) else value
        aggregates["total"] = Sum(expression, output_field=DurationField()) if duration else Sum(expression)
    if part is not None:  # the rows (and value) of the part, in the same GROUP BY
        aggregates["part_rows"] = Count("pk", distinct=distinct, filter=part)
        if part_value is not None:
            aggregates["part_total"] = Sum(F(part_value) if isinstance(part_value, str) else part_value, filter=part)
    found, parts = {}, {}
    rows = rows_query.annotate(**aggregates) if columns else [rows_query.aggregate(**aggregates)]
    for row in rows:
        if per_unit and row[path_key] is None:
            continue
        split = found.setdefault(row.get("tally_by"), {})
        part_split = parts.setdefault(row.get("tally_by"), {})
        count, total = row["rows"], _number(row.get("total"), duration)
        part_count = row["part_rows"] if part is not None else 0
        part_total = _number(row.get("part_total")) if part_count else 0
        # (each unit's Tally made once, not once per row and ancestor: a dashboard adds some 12,000)
        for ancestor in ancestor_chain(row[path_key]) if per_unit else (root.path,):
            mine = split.get(ancestor)
            if mine is None:
                mine = split[ancestor] = Tally()
            mine.rows += count
            mine.total += total
            if part_count:
                mine = part_split.get(ancestor)
                if mine is None:
                    mine = part_split[ancestor] = Tally()
                mine.rows += part_count
                mine.total += part_total
    if part is None:
        return found if by is not None else found.get(None, {})
    return (parts, found) if by is not None else (parts.get(None, {}), found.get(None, {}))


def tally_share(queryset, part, *, root=None, value=None, part_value=None, by=None, per_unit=True):
    """``(parts, wholes)``: the ``tally`` of ``queryset.filter(part)`` and of ``queryset``, read
    in ONE GROUP BY (``COUNT(…) FILTER (WHERE part)`` beside ``COUNT(…)``) — a rate whose numerator
    is a filter of its denominator. ``value`` is summed over the whole, ``part_value`` over the
    part (a rate of quantities names both)."""
    return tally(queryset, root=root, value=value, by=by, per_unit=per_unit, part=part, part_value=part_value)
