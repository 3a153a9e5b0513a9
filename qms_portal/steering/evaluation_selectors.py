"""Reads of the evaluation of units: the default criteria, the scores taken from the portal's data,
the arithmetic of a sheet, and the ranking across the units with its per-criterion breakdown and
the change from the year before.

**Arithmetic.** A criterion is worth at most ``points``. A score is a number of points from 0 to
``points`` in steps of 0.5. A criterion with a ``figure`` (a rate the areas register for the
dashboard: files handled on time, satisfaction, training plan completion…) is scored from the data:
``points × rate``, rounded to 0.1 point; the rate is the unit's (with the units below it) for the
evaluation's year when the figure counts a period, else as it stands on the day the sheet is
submitted; a unit with nothing to count (no files, no survey) is scored by hand. A sheet's total is
the sum of its scores; its **index** is ``100 × total / the evaluation's maximum``. The ranking
orders the signed sheets by their appraisal index, highest first; units with the same index share a
rank, and the next rank skips (1, 2, 2, 4)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import areas
from ..history import natural_order
from ..periods import Period
from . import selectors

VIEW = "qms_portal.view_evaluation"
ADD = "qms_portal.add_evaluation"
CHANGE = "qms_portal.change_evaluation"
SHEET_VIEW = "qms_portal.view_unitevaluation"
SHEET_CHANGE = "qms_portal.change_unitevaluation"
APPRAISE = "qms_portal.appraise_unitevaluation"
STEP = Decimal("0.5")
TENTH = Decimal("0.1")

# The criteria a new evaluation starts with when its unit has none from the year before: by ISO 9001
# clause, five of them scored from the portal's own figures (where the area is installed). 100 points.
DEFAULT_CRITERIA = (
    ("1", _("Leadership: quality policy, objectives and responsibilities set and communicated"), "5, 6.2", 10, ""),
    ("2", _("Documented procedures effective and read by the staff who apply them"), "7.5", 10,
     "documents.acknowledged"),
    ("3", _("Competence: the training plan carried out"), "7.2", 10, "training.plan_completion"),
    ("4", _("Administrative procedures handled on time"), "8.5", 20, "objectives.on_time_rate"),
    ("5", _("Citizens and businesses satisfied with the services"), "9.1.2", 15, "objectives.satisfaction"),
    ("6", _("The internal audit programme carried out"), "9.2", 10, "audits.programme_coverage"),
    ("7", _("Management review held and its decisions followed up"), "9.3", 10, ""),
    ("8", _("Nonconformities corrected and their causes removed"), "10.2", 10, ""),
    ("9", _("Improvement and innovation (simpler procedures, online services)"), "10.3", 5, ""),
)


def rate_figures():
    """The registered figures a criterion may be scored from: the rates, ``{key: figure}``."""
    return {figure.key: figure for _area, figure in areas.dashboard_figures() if figure.kind == "rate"}


def figure_choices():
    return [("", _("Scored by hand"))] + [(key, str(figure.label)) for key, figure in rate_figures().items()]


def figure_label(key):
    figure = rate_figures().get(key)
    return str(figure.label) if figure is not None else key


def points(value):
    """A number of points as a Decimal with one decimal place (None stays None)."""
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def half_points(value, top):
    """``value`` rounded to half a point, from 0 to ``top`` (the step a typed score is counted in)."""
    return min(max(Decimal(round(value * 2)) / 2, Decimal(0)), top)


def from_rate(criterion, rate):
    """The points a rate (0…1) is worth on ``criterion``."""
    rate = min(max(Decimal(str(rate)), Decimal(0)), Decimal(1))
    return points(criterion.points * rate)


def maximum(criteria):
    return sum((c.points for c in criteria), Decimal(0))


def index(total, top):
    """``100 × total / top``, one decimal (None when either is missing)."""
    if total is None or not top:
        return None
    return (Decimal(100) * Decimal(total) / Decimal(top)).quantize(TENTH, rounding=ROUND_HALF_UP)


def total(scores, criteria, key):
    """The sum of the sheet's ``key`` ("self" or "appraisal") scores; None until one is given."""
    values = [points((scores.get(c.code) or {}).get(key)) for c in criteria]
    given = [v for v in values if v is not None]
    return sum(given, Decimal(0)) if given else None


def with_scores(sheet, scores, criteria):
    """Give ``sheet`` its ``scores`` and the two totals kept beside them for the ranking (not saved)."""
    sheet.scores = scores
    sheet.self_total = total(scores, criteria, "self")
    sheet.appraisal_total = total(scores, criteria, "appraisal")
    return sheet


def missing(scores, criteria, key):
    """The codes of the criteria not yet scored (``key``: "self" or "appraisal")."""
    return [c.code for c in criteria if (scores.get(c.code) or {}).get(key) in (None, "")]


# --- scores from data ---------------------------------------------------------------------------------


def data_rates(user, evaluation, units, criteria):
    """``{unit id: {criterion code: rate or None}}`` for the criteria scored from a figure: one
    roll-up per figure over the organising unit's subtree (``selectors.figure_tallies``, as the
    dashboard reads it), whatever the number of units. ``None``: nothing to count."""
    figures = rate_figures()
    period = Period.of("year", date(evaluation.year, 1, 1))
    units = list(units)
    root = units[0] if len(units) == 1 else evaluation.unit  # one unit: only its subtree is read
    rates = {unit.pk: {} for unit in units}
    for criterion in criteria:
        figure = figures.get(criterion.figure) if criterion.figure else None
        if figure is None:
            continue
        numerators, denominators = selectors.figure_tallies(figure, user, root, period)
        for unit in units:
            mine, below = numerators.get(unit.path), denominators.get(unit.path)
            value = figure.evaluate(mine.rows if mine else 0, mine.total if mine else 0,
                                    below.rows if below else 0, below.total if below else 0)
            rates[unit.pk][criterion.code] = value
    return rates


def live_rates(user, sheet):
    """``{criterion code: rate or None}`` of ``sheet``'s unit now, as ``user`` reads them: read once
    per sheet object and reader (the page's lines, its buttons' guard, and submitting share them)."""
    cache = sheet.__dict__.setdefault("_live_rates", {})
    if user.pk not in cache:
        criteria = list(sheet.evaluation.criteria.all())
        cache[user.pk] = data_rates(user, sheet.evaluation, [sheet.unit], criteria)[sheet.unit_id]
    return cache[user.pk]


def by_data(criterion):
    return bool(criterion.figure) and criterion.figure in rate_figures()


# --- reading a sheet ----------------------------------------------------------------------------------


@dataclass
class Line:
    """A criterion on a sheet, with what was given for it."""

    criterion: object
    self_score: object = None
    note: str = ""
    appraisal: object = None
    comment: str = ""
    rate: object = None  # the data's rate (a criterion scored from a figure), else None
    from_data: bool = False  # scored from the data (its scores are not typed)

    @property
    def differs(self):
        return self.self_score is not None and self.appraisal is not None and self.self_score != self.appraisal


def lines(sheet, criteria, live_rates=None):
    """The sheet's lines in the criteria's order. A sheet in self-assessment reads its data
    criteria live (``live_rates``: ``{code: rate}``); once submitted, as they were frozen."""
    result = []
    for criterion in criteria:
        given = sheet.scores.get(criterion.code) or {}
        line = Line(criterion, points(given.get("self")), given.get("note", ""), points(given.get("appraisal")),
                    given.get("comment", ""))
        if "data" in given:
            line.rate, line.from_data = given["data"], given["data"] is not None
        elif live_rates is not None and by_data(criterion):
            rate = live_rates.get(criterion.code)
            if rate is not None:
                line.rate, line.from_data = rate, True
                line.self_score = line.appraisal = from_rate(criterion, rate)
        result.append(line)
    return result


def scores_text(value):
    """The History tab's reading of ``scores`` (only the criteria that changed)."""
    parts = []
    for code, given in sorted(value.items(), key=lambda item: natural_order(item[0])):
        given = given or {}
        bits = []
        if given.get("self") is not None:
            bits.append(gettext("self-assessment %(points)s") % {"points": given["self"]})
        if given.get("note"):
            bits.append(gettext("evidence: %(text)s") % {"text": given["note"]})
        if given.get("data") is not None:
            bits.append(gettext("from the data: %(rate)s %%") % {"rate": round(float(given["data"]) * 100, 1)})
        if given.get("appraisal") is not None:
            bits.append(gettext("appraisal %(points)s") % {"points": given["appraisal"]})
        if given.get("comment"):
            bits.append(gettext("comment: %(text)s") % {"text": given["comment"]})
        parts.append(f"{code}: {', '.join(bits) or '—'}")
    return "; ".join(parts)


# --- the ranking ----------------------------------------------------------------------------------------


@dataclass
class Ranked:
    sheet: object
    unit: object
    rank: object  # None while not signed
    self_index: object
    index: object  # the appraisal's, None while not signed
    per_criterion: list  # the appraisal's points per criterion (the self-assessment's while not appraised)
    previous_index: object = None
    previous_rank: object = None

    @property
    def change(self):
        if self.index is None or self.previous_index is None:
            return None
        return self.index - self.previous_index


@dataclass
class Ranking:
    evaluation: object
    criteria: list
    top: Decimal
    rows: list
    previous: object = None  # last year's evaluation of the same unit, if any
    averages: list = field(default_factory=list)  # per criterion, over the signed sheets

    @property
    def signed(self):
        return sum(1 for row in self.rows if row.rank is not None)


def competition_ranks(values):
    """Ranks of ``values`` (highest first; equal values share a rank, the next skips): 1, 2, 2, 4."""
    ordered = sorted(values, reverse=True)
    first = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return [first[value] for value in values]


def _rank(sheets, criteria, top):
    rows = []
    for sheet in sheets:
        signed = sheet.status == sheet.Status.SIGNED
        per = []
        for criterion in criteria:
            given = sheet.scores.get(criterion.code) or {}
            per.append(points(given.get("appraisal") if signed else given.get("self")))
        rows.append(Ranked(sheet, sheet.unit, None, index(sheet.self_total, top),
                           index(sheet.appraisal_total, top) if signed else None, per))
    signed_rows = [row for row in rows if row.index is not None]
    for row, rank in zip(signed_rows, competition_ranks([row.index for row in signed_rows]), strict=True):
        row.rank = rank
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.unit.path))
    return rows


def ranking(evaluation, user):
    """The evaluation's sheets that ``user`` may see, ranked, with last year's index and rank of the
    same units (the same organising unit's evaluation of the year before). A fixed number of queries."""
    from .evaluation_models import Evaluation, UnitEvaluation

    criteria = list(evaluation.criteria.all())
    top = maximum(criteria)
    sheets = (UnitEvaluation.objects.restrict(user, "view").filter(evaluation=evaluation)
              .select_related("unit").order_by("unit__path"))
    rows = _rank(sheets, criteria, top)
    previous = Evaluation.objects.filter(unit_id=evaluation.unit_id, year=evaluation.year - 1).first()
    if previous is not None:
        before_criteria = list(previous.criteria.all())
        before = _rank(UnitEvaluation.objects.filter(evaluation=previous).select_related("unit"), before_criteria,
                       maximum(before_criteria))
        by_unit = {row.unit.pk: row for row in before}
        for row in rows:
            old = by_unit.get(row.unit.pk)
            if old is not None:
                row.previous_index, row.previous_rank = old.index, old.rank
    averages = []
    signed = [row for row in rows if row.rank is not None]
    for i in range(len(criteria)):
        values = [row.per_criterion[i] for row in signed if row.per_criterion[i] is not None]
        averages.append((sum(values, Decimal(0)) / len(values)).quantize(TENTH, rounding=ROUND_HALF_UP)
                        if values else None)
    return Ranking(evaluation, criteria, top, rows, previous, averages)


def units_evaluated(evaluation):
    """The active units an evaluation covers: those directly below its unit, or every unit below."""
    from ..models import Unit

    units = Unit.objects.filter(is_active=True, path__startswith=evaluation.unit.path).exclude(pk=evaluation.unit_id)
    if evaluation.scope == evaluation.Scope.CHILDREN:
        units = units.filter(parent_id=evaluation.unit_id)
    return units.order_by("path")
