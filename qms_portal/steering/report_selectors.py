"""Reads of the annual ISO report: its table of one row per unit of the subtree and the totals.

The figures are those the areas already register for the dashboard (``areas.Figure``), named here by
key in the order of the national form's columns; an area that is not installed has no column. Each
is evaluated for the report's year with the dashboard's roll-up (``selectors.figure_tallies``: one
GROUP BY per figure and per rate's denominator over the whole subtree, whatever its size); a figure
with a ``period_field`` counts the year, the others stand "at the date of the report". The core adds
its own columns from the rollout board: whether the unit applies the QMS (its phase is
implementation or later), its phase, and whether and since when it was certified or announced
(a valid certificate's issue or a signed announcement's decision, from the areas' rollout checks;
else the day the board completed "certification or announcement").

A row shows the unit's **own** figures (its subtree's minus those of the units listed below it), so
that the totals — read from the top unit's rolled-up tally, not added up here — equal the sum of the
rows. A draft reads live, with the reader's scope; a report submitted for review reads its frozen
``snapshot`` (codes and numbers, no translated text: each reader reads it in their own language)."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import areas
from ..models import Unit
from ..periods import Period
from ..rollups import UNIT_COLUMNS, Tally
from . import selectors
from .models import PHASES, Phase, UnitRollout
from .rollout import data_dates as rollout_dates

VIEW = "qms_portal.view_annualreport"
CHANGE = "qms_portal.change_annualreport"
ADD = "qms_portal.add_annualreport"
SIGN = "qms_portal.sign_annualreport"
SNAPSHOT_VERSION = 1

# The national form's columns, filled by the figures the areas register (in this order).
REPORT_FIGURES = (
    "documents.effective",               # procedures (effective documents) at the date of the report
    "audits.internal_done",              # internal audits done in the year
    "nonconformities.raised",            # nonconformities raised in the year
    "nonconformities.closed_in_period",  # … and closed in the year
    "objectives.satisfaction",           # satisfied or basically satisfied (surveys closed in the year)
    "objectives.on_time_rate",           # files handled on time in the year
    "training.trained",                  # people trained in the year
)
# A unit applies the QMS from this phase of the rollout on.
APPLYING_FROM = PHASES.index(Phase.IMPLEMENTATION)


def report_figures():
    """The registered figures the report shows, in the form's order."""
    found = {figure.key: figure for _area, figure in areas.dashboard_figures()}
    return [found[key] for key in REPORT_FIGURES if key in found]


def _stand_in(key, kind, weighted):
    """A figure of a snapshot that is no longer registered (its area was removed): shown by its key."""
    rate = kind == "rate"
    return areas.Figure(key, key, queryset=None, kind=kind, denominator=(lambda user: None) if rate else None,
                        value="value" if (weighted or kind == "average") else None,
                        denominator_value="value" if weighted else None)


@dataclass
class Column:
    figure: object
    of_year: bool  # counts the report's year (else: as it stood on the date of the report)

    @property
    def label(self):
        return str(self.figure.label) if self.of_year else f"{self.figure.label} ({_('at the date of the report')})"


@dataclass
class Line:
    """One unit's row: ``values`` per column, each ``[rows, total, denominator rows, denominator total]``."""

    unit: dict  # id, code, name, depth
    phase: str
    certified_on: object  # a date, or None
    values: list
    level: int = 0

    @property
    def applying(self):
        return PHASES.index(self.phase) >= APPLYING_FROM

    @property
    def certified(self):
        return self.certified_on is not None or self.phase == Phase.MAINTAINED

    @property
    def phase_label(self):
        return Phase(self.phase).label


@dataclass
class Table:
    root: dict
    year: int
    columns: list
    rows: list
    totals: list  # per column, as in a row
    taken_at: object = None  # when frozen; None while live
    summary: dict = field(default_factory=dict)

    @property
    def frozen(self):
        return self.taken_at is not None

    @property
    def applying(self):
        return sum(1 for row in self.rows if row.applying)

    @property
    def certified(self):
        return sum(1 for row in self.rows if row.certified)

    def value(self, index, values):
        return self.columns[index].figure.evaluate(*values)

    def texts(self, values):
        """Each column's value as text, a rate with the numbers behind it ("95 % (19 / 20)")."""
        texts = []
        for column, (rows, total, den_rows, den_total) in zip(self.columns, values, strict=True):
            figure = column.figure
            text = figure.format(figure.evaluate(rows, total, den_rows, den_total))
            if figure.kind == "rate":
                detail = (f"{figure.format_quantity(total)} / {figure.format_quantity(den_total)}" if figure.weighted
                          else f"{rows} / {den_rows}")
                text = f"{text} ({detail})"
            texts.append(text)
        return texts

    def numbers(self, values):
        """Each column's value as a number for a spreadsheet (a rate as a fraction), None for none."""
        return [column.figure.evaluate(*v) for column, v in zip(self.columns, values, strict=True)]


# --- live ---------------------------------------------------------------------------------------------


def _number(value):
    value = round(float(value), 6)
    return int(value) if value.is_integer() else value


def _quad(numerators, denominators, path):
    mine, below = numerators.get(path, Tally()), denominators.get(path, Tally())
    return [mine.rows, _number(mine.total), below.rows, _number(below.total)]


def _units(user, root):
    """The units of ``root``'s subtree the reader may see (``root`` itself always), in tree order."""
    rows = list(Unit.objects.restrict(user, VIEW).filter(path__startswith=root.path, is_active=True)
                .order_by("path").values(*UNIT_COLUMNS))
    if not rows or rows[0]["id"] != root.pk:
        rows.insert(0, {name: getattr(root, name) for name in UNIT_COLUMNS})
    return rows


def _nearest_listed(units):
    """``{path: path of the nearest unit above it that is listed}`` (the top unit has none)."""
    listed = {unit["path"] for unit in units}
    found = {}
    for unit in units:
        parts = [p for p in unit["path"].strip("/").split("/") if p]
        for i in range(len(parts) - 1, 0, -1):
            above = "/" + "/".join(parts[:i]) + "/"
            if above in listed:
                found[unit["path"]] = above
                break
    return found


def compute(user, root, year, *, today=None):
    """The live table of ``root``'s subtree for ``year``, as ``user`` may see it."""
    period = Period.of("year", date(year, 1, 1))
    units = _units(user, root)
    above = _nearest_listed(units)
    figures = report_figures()
    columns = [Column(figure, bool(figure.period_field)) for figure in figures]
    own = {unit["path"]: [] for unit in units}
    totals = []
    for figure in figures:
        numerators, denominators = selectors.figure_tallies(figure, user, root, period)
        quads = {unit["path"]: _quad(numerators, denominators, unit["path"]) for unit in units}
        mine = {path: list(quad) for path, quad in quads.items()}
        for path, parent in above.items():  # a unit's own = its subtree's minus its listed units'
            mine[parent] = [a - b for a, b in zip(mine[parent], quads[path], strict=True)]
        for path in own:
            own[path].append([_number(v) for v in mine[path]])
        totals.append(_quad(numerators, denominators, root.path))
    phases = {values["unit_id"]: values for values in UnitRollout.objects.filter(
        unit__path__startswith=root.path).values("unit_id", "phase", "done_certified")}
    # since when: a valid certificate's issue or a signed announcement's decision (the areas' records),
    # else the day the rollout board completed "certification or announcement"
    certified = rollout_dates("certified_or_announced", [unit["id"] for unit in units])
    rows = []
    for unit in units:
        rollout = phases.get(unit["id"], {})
        rows.append(Line(unit={k: unit[k] for k in ("id", "code", "name", "depth")},
                         phase=rollout.get("phase", Phase.PREPARATION),
                         certified_on=certified.get(unit["id"]) or rollout.get("done_certified"),
                         values=own[unit["path"]], level=unit["depth"] - root.depth))
    return Table(root={"id": root.pk, "code": root.code, "name": root.name}, year=year, columns=columns, rows=rows,
                 totals=totals)


# --- frozen -------------------------------------------------------------------------------------------


def snapshot(table, at=None):
    """The table as JSON-ready data: codes and numbers, no translated text."""
    return {
        "version": SNAPSHOT_VERSION, "year": table.year, "taken_at": (at or timezone.now()).isoformat(),
        "root": table.root,
        "figures": [{"key": c.figure.key, "kind": c.figure.kind, "weighted": c.figure.weighted, "of_year": c.of_year}
                    for c in table.columns],
        "rows": [{"unit": row.unit, "level": row.level, "phase": row.phase,
                  "certified_on": row.certified_on.isoformat() if row.certified_on else None, "values": row.values}
                 for row in table.rows],
        "totals": table.totals,
    }


def _as_frozen(figure, frozen):
    """The registered figure read by the rule its snapshot was frozen with: a rate of rows frozen
    before the figure became a rate of quantities (or the other way) still divides what it froze."""
    if figure.kind != "rate" or figure.weighted == frozen["weighted"]:
        return figure
    return replace(figure, queryset=None if figure.numerator is not None else figure.queryset,
                   value="value" if frozen["weighted"] else None,
                   denominator_value="value" if frozen["weighted"] else None)


def from_snapshot(data):
    registered = {figure.key: figure for _area, figure in areas.dashboard_figures()}
    columns = [Column(_as_frozen(registered[f["key"]], f) if f["key"] in registered
                      else _stand_in(f["key"], f["kind"], f["weighted"]), f["of_year"])
               for f in data["figures"]]
    rows = [Line(unit=row["unit"], phase=row["phase"], values=row["values"], level=row["level"],
                 certified_on=date.fromisoformat(row["certified_on"]) if row["certified_on"] else None)
            for row in data["rows"]]
    return Table(root=data["root"], year=data["year"], columns=columns, rows=rows, totals=data["totals"],
                 taken_at=datetime.fromisoformat(data["taken_at"]))


def table_of(report, user):
    """The report's table: frozen once submitted, else live for ``user``."""
    if report.snapshot:
        return from_snapshot(report.snapshot)
    return compute(user, report.unit, report.year)


def visible_reports(user):
    """The reports ``user`` may read (one SQL filter)."""
    from .report_models import AnnualReport

    return AnnualReport.objects.restrict(user, "view")
