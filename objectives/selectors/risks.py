"""Reads of the risks part: the register (rows the reader may see, with their rating computed in
SQL as ``score`` and ``residual_score``), the rating matrix's counts, an action's state (its own, or
its corrective action's when it is tracked in the nonconformities area), "My work", the steering
committee's "top risks" figure and the management review's input "risks".

Every read here runs a fixed number of queries whatever the number of rows."""

from datetime import timedelta

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qms_portal import charts
from qms_portal.mywork import Section

from ..models import Risk, RiskAction
from ..models.risks import BAND_RANGES, TOP_RATING, Band, band_of

SCALE = (1, 2, 3, 4, 5)
REVIEW_SOON_DAYS = 14  # "My work" and the reminder: a review due within this many days
ACTION_SOON_DAYS = 7
SHOWN = 10
ACTIVE = (Risk.Status.OPEN, Risk.Status.TREATED)
A = RiskAction.Status


def score():
    return F("likelihood") * F("impact")


def residual_score():
    return F("residual_likelihood") * F("residual_impact")


def band_q(band, field="score"):
    low, high = BAND_RANGES[band]
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def register_queryset(user):
    """The risks and opportunities ``user`` may see, with ``score`` and ``residual_score``."""
    return (Risk.objects.restrict(user, "view").annotate(score=score(), residual_score=residual_score())
            .select_related("unit", "owner")
            .defer("description", "cause", "consequence", "search_key", "unit__search_key"))


def cell_counts(queryset):
    """``{(likelihood, impact): n}`` of the rows of ``queryset`` (one GROUP BY)."""
    return {(lk, im): n for lk, im, n in queryset.order_by().values_list("likelihood", "impact")
            .annotate(n=Count("pk")).values_list("likelihood", "impact", "n")}


def _legend():
    return [(band.value, band.label) for band in Band]


def _rows():
    return [(lk, _("Likelihood %(n)s") % {"n": lk}) for lk in reversed(SCALE)]


def _columns():
    return [(im, str(im)) for im in SCALE]


def _bands():
    return {(lk, im): band_of(lk * im) for lk in SCALE for im in SCALE}


def matrix_chart(counts, url_of):
    """The register's rating matrix: likelihood (rows, 5 at the top) × impact or benefit (columns),
    each cell in its band's tone with how many rows fall in it, linked (``url_of(lk, im)``) to the
    register filtered to that cell when there are any."""
    total = sum(counts.values())
    texts = {key: charts.number(n) for key, n in counts.items() if n}
    links = {key: url_of(*key) for key, n in counts.items() if n}
    title = _("Rating matrix: likelihood × impact or benefit (%(count)s)") % {"count": charts.number(total)}
    return charts.heatmap(_rows(), _columns(), _bands(), title=title, legend=_legend(),
                          category_label=_("Likelihood (rows) × impact or benefit (columns)"), texts=texts, links=links)


def position_chart(risk):
    """The risk's place in the matrix before its actions and, when it was rated, after them."""
    before = (risk.likelihood, risk.impact)
    texts = {before: pgettext("risk matrix cell", "Before")}
    if risk.residual_rating is not None:
        after = (risk.residual_likelihood, risk.residual_impact)
        texts[after] = (pgettext("risk matrix cell", "Before and after") if after == before
                        else pgettext("risk matrix cell", "After"))
    label = _("benefit") if risk.is_opportunity else _("impact")
    title = _("Rating before and after actions: likelihood × %(axis)s") % {"axis": label}
    return charts.heatmap(_rows(), _columns(), _bands(), title=title, legend=_legend(),
                          category_label=_("Likelihood (rows) × %(axis)s (columns)") % {"axis": label}, texts=texts)


def cell_url(base_query, likelihood, impact):
    """The register filtered as ``base_query`` (a dict) and to one cell of the matrix."""
    query = {k: v for k, v in base_query.items() if k not in ("likelihood", "impact", "cursor", "page")}
    query.update(likelihood=likelihood, impact=impact)
    return f"{reverse('objectives:risk_list')}?{urlencode(query, doseq=True)}"


# --- actions ---------------------------------------------------------------------------------------

def action_state():
    """An action's state: its own, or its corrective action's (in progress counts as open)."""
    return Case(
        When(corrective_action__isnull=True, then=F("status")),
        When(corrective_action__status="done", then=Value(A.DONE)),
        When(corrective_action__status="cancelled", then=Value(A.CANCELLED)),
        default=Value(A.OPEN), output_field=CharField(),
    )


def action_due():
    return Coalesce(F("corrective_action__due"), F("due_on"))


def action_done_on():
    return Coalesce(F("done_on"), TruncDate("corrective_action__completed_at"))


def actions_of(risk):
    return (risk.actions.annotate(state=action_state(), due=action_due(), finished_on=action_done_on())
            .select_related("owner", "corrective_action").order_by("due_on", "pk"))


# --- My work ---------------------------------------------------------------------------------------

def _short(day):
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def risk_work(user):
    """For their owners: the risks to review within 14 days (or late) and the own actions due within
    7 days (or late), soonest first. Two queries."""
    if not user.has_perm("objectives.view_risk"):
        return []
    today = timezone.localdate()
    soon = today + timedelta(days=REVIEW_SOON_DAYS)
    reviews = (Risk.objects.filter(owner=user, status__in=ACTIVE, review_on__lte=soon)
               .only("pk", "number", "title", "review_on").order_by("review_on", "pk")[:SHOWN])
    actions = (RiskAction.objects.filter(owner=user, status=A.OPEN, corrective_action__isnull=True,
                                         due_on__lte=today + timedelta(days=ACTION_SOON_DAYS))
               .select_related("risk").only("pk", "description", "due_on", "risk__id", "risk__number")
               .order_by("due_on", "pk")[:SHOWN])
    late = " · " + _("Late")
    rows = [(r.review_on, str(r), r.get_absolute_url(), _("Review due %(date)s") % {"date": _short(r.review_on)}
             + (late if r.review_on < today else "")) for r in reviews]
    rows += [(a.due_on, f"{a.risk.number} · {str(a)}", a.get_absolute_url(),
              _("Action due %(date)s") % {"date": _short(a.due_on)} + (late if a.due_on < today else ""))
             for a in actions]
    rows.sort(key=lambda row: row[0])
    return [Section(_("Risks to review and actions on them"), [row[1:] for row in rows[:SHOWN]],
                    _("No risk review or action is due in the coming days."),
                    f"{reverse('objectives:risk_list')}?mine=true")]


# --- the steering committee's figure ---------------------------------------------------------------

def top_risks(user):
    """Open or treated risks and opportunities rated 15 or more (the register's "Very high" band)."""
    return (Risk.objects.restrict(user, "view").filter(status__in=ACTIVE).annotate(score=score())
            .filter(score__gte=TOP_RATING))


# --- the management review's input "risks" ---------------------------------------------------------

def compile_review_input(unit, start, end):
    """The effectiveness of actions on risks and opportunities in ``unit``'s subtree: the risks
    recorded by ``end``, by kind and rating band before and after their actions (``none``: no
    residual rating yet), and by status; their actions done in the period, still open, and open
    past their due date; the numbers of the risks still rated 15 or more. Three queries."""
    today = timezone.localdate()
    risks = Risk.objects.filter(unit__path__startswith=unit.path, created_at__date__lte=end)
    data = {"period": [start.isoformat(), end.isoformat()], "total": 0, "kinds": {}, "status": {},
            "actions": {"done": 0, "open": 0, "overdue": 0, "cancelled": 0}, "top": []}
    bands = [band.value for band in Band]
    for kind, status, lk, im, rl, ri, n in (risks.order_by().values_list(
            "kind", "status", "likelihood", "impact", "residual_likelihood", "residual_impact")
            .annotate(n=Count("pk"))):
        entry = data["kinds"].setdefault(kind, {"before": dict.fromkeys(bands, 0),
                                                "after": dict.fromkeys([*bands, "none"], 0), "total": 0})
        entry["before"][band_of(lk * im)] += n
        entry["after"][band_of(rl * ri) if rl and ri else "none"] += n
        entry["total"] += n
        data["status"][status] = data["status"].get(status, 0) + n
        data["total"] += n
    counts = (RiskAction.objects.filter(risk__in=risks).annotate(state=action_state(), due=action_due(),
                                                                 finished_on=action_done_on())
              .aggregate(done=Count("pk", filter=Q(state=A.DONE, finished_on__gte=start, finished_on__lte=end)),
                         open=Count("pk", filter=Q(state=A.OPEN)),
                         overdue=Count("pk", filter=Q(state=A.OPEN, due__lt=today)),
                         cancelled=Count("pk", filter=Q(state=A.CANCELLED))))
    data["actions"].update(counts)
    top = (risks.filter(status__in=ACTIVE).annotate(score=score()).filter(score__gte=TOP_RATING)
           .order_by("-score", "number").values_list("number", "kind", "score", "residual_likelihood",
                                                      "residual_impact")[:SHOWN])
    data["top"] = [{"number": number, "kind": kind, "before": s, "after": rl * ri if rl and ri else None}
                   for number, kind, s, rl, ri in top]
    return data
