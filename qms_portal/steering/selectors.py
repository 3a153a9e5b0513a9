"""Reads of the steering committee's dashboard. A constant number of queries whatever the number
of units and rows: the units of the subtree (one query), then one GROUP BY per figure (and one per
rate's denominator) over all the units at once (``rollups.tally``); the trends one GROUP BY by
month per main figure (and denominator)."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .. import areas
from ..models import Unit
from ..rollups import UNIT_COLUMNS, Tally, UnitRef, tally, tally_share

PERMISSION = "qms_portal.view_dashboard"


@dataclass
class Cell:
    figure: object
    value: object  # a number, or None (nothing to divide by)
    rows: int
    denominator: int = 0
    url: str = ""
    total: float = 0  # a rate of quantities: the sums behind it
    denominator_total: float = 0

    @property
    def linked(self):
        """How many rows its link's register lists (the rows counted; for a rate of quantities
        counted in rows of the register, ``link_total``, their sum)."""
        return int(self.total) if self.figure.link_total else self.rows

    @property
    def text(self):
        return self.figure.format(self.value)

    @property
    def light(self):
        return self.figure.light(self.value)

    @property
    def detail(self):
        """"3 / 4" beside a rate: the rows (or, for a rate of quantities, the quantities) behind it."""
        if self.figure.kind != "rate":
            return ""
        if self.figure.weighted:
            return f"{self.figure.format_quantity(self.total)} / {self.figure.format_quantity(self.denominator_total)}"
        return f"{self.rows} / {self.denominator}"


@dataclass
class Row:
    unit: UnitRef
    level: int  # depth below the dashboard's top unit
    has_children: bool
    cells: list = field(default_factory=list)
    phase: object = ""  # its rollout phase's label
    late: bool = False  # late against its rollout plan


@dataclass
class Group:
    label: object
    figures: list


@dataclass
class Trend:
    figure: object
    months: list
    values: list


@dataclass
class Dashboard:
    root: UnitRef
    period: object
    groups: list
    rows: list
    trends: list = field(default_factory=list)

    @property
    def figures(self):
        return [figure for group in self.groups for figure in group.figures]


def scope(user):
    """The units whose dashboard ``user`` may open (a queryset)."""
    return Unit.objects.restrict(user, PERMISSION).filter(is_active=True)


def tops(user):
    """The highest units of the reader's scope (their dashboards' default roots), by path: one
    query (the scope's units, paths only)."""
    paths = sorted(scope(user).values_list("path", "pk"))
    found = []
    for path, pk in paths:
        if not any(path.startswith(top) for top, _pk in found):
            found.append((path, pk))
    return [pk for _path, pk in found]


def figures_by_area():
    """``[Group]``: the dashboard's columns, grouped by area (an area that registered no figure
    has no columns)."""
    groups = {}
    for area, figure in areas.dashboard_figures():
        if figure.column:
            groups.setdefault(area.label, Group(area.verbose_name, []))
            groups[area.label].figures.append(figure)
    return list(groups.values())


def _share(figure):
    """The filter that makes a rate's numerator of its denominator's rows (read with them in one
    GROUP BY, ``tally_share``): its ``numerator``, or — for a rate of quantities summed over the
    same rows (files on time of files handled) — every row (an empty Q: no FILTER); else None."""
    if figure.numerator is not None:
        return figure.numerator
    if figure.weighted and figure.queryset is figure.denominator:
        return Q()
    return None


def _tallies(figure, user, root, period):
    share = _share(figure)
    if share is not None:  # the numerator and the denominator in one GROUP BY
        return tally_share(figure.denominator_rows(user, period), share, root=root,
                           value=figure.denominator_value, part_value=figure.value)
    rows = tally(figure.rows(user, period), root=root, value=figure.value, duration=_is_duration(figure))
    denominators = (tally(figure.denominator_rows(user, period), root=root, value=figure.denominator_value)
                    if figure.kind == "rate" else {})
    return rows, denominators


def figure_tallies(figure, user, root, period):
    """``(numerators, denominators)``: ``figure``'s rows in ``period`` for ``root``'s subtree, per
    unit path and rolled up the tree (``{path: Tally}``; the denominators' for a rate, else ``{}``),
    as the dashboard reads them; the annual ISO report (``report_selectors``) reads the same."""
    return _tallies(figure, user, root, period)


def _is_duration(figure):
    output = getattr(figure.value, "output_field", None) if figure.value is not None else None
    return output is not None and output.get_internal_type() == "DurationField"


def linker(figure, period):
    """``unit → address`` of ``figure``'s link in ``period`` (None without a link). A link made by
    ``links.unit_register`` ends with the unit's id: it is then made once (two probes check that
    only the id changes) and each unit's id written after it — 5,000 cells, one call per figure.
    Any other link is asked for each unit."""
    if not figure.link:
        return None
    each = lambda unit: figure.link(unit, period)  # noqa: E731
    try:
        first, second = figure.link(_Probe(0), period), figure.link(_Probe(97), period)
    except (AttributeError, TypeError):  # the link reads more of the unit than its id
        return each
    head = first[:-1]
    if not (first.endswith("unit=0") and second == f"{head}97"):
        return each
    return lambda unit: f"{head}{unit.id}"


@dataclass(frozen=True)
class _Probe:
    id: int


def cell(figure, unit, rows, denominators, link=None):
    """``unit``'s cell of ``figure``; ``link`` is the figure's ``linker`` (None: no link)."""
    mine = rows.get(unit.path, Tally())
    below = denominators.get(unit.path, Tally())
    value = figure.evaluate(mine.rows, mine.total, below.rows, below.total)
    found = Cell(figure, value, mine.rows, below.rows, "", mine.total, below.total)
    if link and found.linked:  # (a zero links nowhere: the page shows it as plain text)
        found.url = link(unit)
    return found


def dashboard(user, root, period, *, with_trends=True):
    """The dashboard of ``root`` (a Unit in the reader's scope) for ``period``: a row for the unit
    and one for every unit below it that the reader may see, in tree order."""
    units = [UnitRef(**values) for values in
             scope(user).filter(path__startswith=root.path).order_by("path").values(*UNIT_COLUMNS)]
    groups = figures_by_area()
    parents = {unit.parent_id for unit in units}
    rows = [Row(unit, unit.depth - root.depth, unit.id in parents) for unit in units]
    _phases(rows, root)
    for figure in (figure for group in groups for figure in group.figures):
        numerators, denominators = _tallies(figure, user, root, period)
        link = linker(figure, period)
        for row in rows:
            row.cells.append(cell(figure, row.unit, numerators, denominators, link))
    top = next((row.unit for row in rows if row.unit.id == root.pk), None)
    result = Dashboard(root=top, period=period, groups=groups, rows=rows)
    if with_trends:
        top_row = next((row for row in rows if row.unit.id == root.pk), None)
        # today's value of a "now" figure (not one of the period's year) is the top row's
        live = {c.figure.key: (c.rows, c.total, c.denominator, c.denominator_total)
                for c in (top_row.cells if top_row else []) if not c.figure.yearly}
        result.trends = trends(user, root, period, live=live)
    return result


def _phases(rows, root, today=None):
    """Each row's rollout phase and whether it is late against plan: one query for the subtree."""
    from .models import ENDING, Phase, UnitRollout, late_against_plan

    today = today or timezone.localdate()
    found = {values["unit_id"]: values for values in UnitRollout.objects.filter(
        unit__path__startswith=root.path).values("unit_id", "phase", *(f"planned_{code}" for code in ENDING))}
    for row in rows:
        values = found.get(row.unit.id)
        phase = values["phase"] if values else Phase.PREPARATION
        row.phase = Phase(phase).label
        row.late = bool(values) and late_against_plan(
            phase, lambda code, values=values: values[f"planned_{code}"], today)


def trends(user, root, period, count=12, live=None):
    """The main figures (``trend=True``) over the ``count`` months up to the period's end, for
    ``root``'s subtree: a figure of a period by one GROUP BY by month (and per rate's denominator);
    a "now" figure by its monthly readings (``snapshots``: one query for all of them), and this
    month by ``live`` (``{key: (rows, total, denominator rows, denominator total)}``, the
    dashboard's top row; else read now)."""
    from .snapshots import now_figures, readings

    months = period.months(count)
    span = type(period)("month", months[0].start, months[-1].end)
    found = []
    read_now = now_figures()
    read = readings(read_now, root, months) if read_now else {}
    this_month = timezone.localdate().replace(day=1)
    for _area, figure in areas.dashboard_figures():
        if not figure.trend:
            continue
        if not figure.period_field:
            found.append(Trend(figure, months, [_reading(figure, root, user, month, read, live, this_month)
                                                for month in months]))
            continue
        by = TruncMonth(figure.period_field)
        share = _share(figure)
        if share is not None:
            numerators, denominators = tally_share(figure.denominator_rows(user, span), share, root=root,
                                                   value=figure.denominator_value, part_value=figure.value, by=by,
                                                   per_unit=False)
        else:
            numerators, denominators = _month_tallies(figure, user, root, span, by)
        values = []
        for month in months:
            mine = _month(numerators, month.start).get(root.path, Tally())
            below = _month(denominators, month.start).get(root.path, Tally())
            values.append(figure.evaluate(mine.rows, mine.total, below.rows, below.total))
        found.append(Trend(figure, months, values))
    return found


def _reading(figure, root, user, month, read, live, this_month):
    """A "now" figure's value in ``month``: today's for this month, its last reading for a past
    one, None for a month not read (or still to come)."""
    if month.start == this_month:
        if live and figure.key in live:
            return figure.evaluate(*live[figure.key])
        numerators, denominators = _tallies(figure, user, root, None)
        mine, below = numerators.get(root.path, Tally()), denominators.get(root.path, Tally())
        return figure.evaluate(mine.rows, mine.total, below.rows, below.total)
    snapshot = read.get((figure.key, month.start))
    if snapshot is None:
        return None
    return figure.evaluate(snapshot.rows, snapshot.total, snapshot.denominator_rows, snapshot.denominator_total)


def _month_tallies(figure, user, root, span, by):
    numerators = tally(figure.rows(user, span), root=root, value=figure.value, duration=_is_duration(figure), by=by,
                       per_unit=False)
    denominators = (tally(figure.denominator_rows(user, span), root=root, value=figure.denominator_value, by=by,
                          per_unit=False) if figure.kind == "rate" else {})
    return numerators, denominators


def _month(split, start):
    """The tallies of the month starting on ``start`` (TruncMonth gives a date or a datetime)."""
    for key, value in split.items():
        if key is not None and (key.date() if hasattr(key, "date") and callable(key.date) else key) == start:
            return value
    return {}
