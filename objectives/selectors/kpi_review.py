"""What the kpi part gives the management review (``areas.ReviewInput``) and the steering
committee's dashboard (``areas.Figure``).

Review inputs read a unit's subtree over the review's period in a constant number of queries and
return codes and numbers (rendered in the reader's language by their templates):

* ``objectives`` — the quality objectives of the years the period covers: how many met, not met,
  in progress, per unit that states objectives;
* ``process_performance`` — the indicators' values in the period by status (achieved, at risk,
  missed), the indicators missed most often, and the on-time rate of administrative procedures
  (files handled on time over files handled, summed over the procedures and units).
"""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from ..models import Indicator, Measurement, ProcedureTimeliness, QualityObjective
from .kpi_math import MISSED, STATUSES, last_closed, rate_value, status_q
from .kpi_ontime import LATE

S = QualityObjective.Status


def _subtree(unit, lookup):
    return {f"{lookup}__path__startswith": unit.path}


def compile_objectives(unit, start, end):
    """Objectives met / not met in ``unit``'s subtree for the years from ``start`` to ``end``."""
    rows = (QualityObjective.objects.filter(**_subtree(unit, "unit"), year__gte=start.year, year__lte=end.year)
            .exclude(status__in=(S.WITHDRAWN, S.DRAFT))
            .values("unit__code", "unit__name", "unit__path")
            .annotate(total=Count("pk"), met=Count("pk", filter=Q(status=S.ACHIEVED)),
                      not_met=Count("pk", filter=Q(status=S.NOT_ACHIEVED)),
                      open=Count("pk", filter=Q(status=S.ACTIVE)))
            .order_by("unit__path"))
    units = [{"code": r["unit__code"], "name": r["unit__name"], "total": r["total"], "met": r["met"],
              "not_met": r["not_met"], "open": r["open"]} for r in rows]
    return {"years": [start.year, end.year], "units": units,
            "total": sum(u["total"] for u in units), "met": sum(u["met"] for u in units),
            "not_met": sum(u["not_met"] for u in units), "open": sum(u["open"] for u in units)}


def compile_performance(unit, start, end):
    """Indicators' statuses and the on-time rate in ``unit``'s subtree between ``start`` and ``end``."""
    values = Measurement.objects.filter(**_subtree(unit, "indicator__unit"), period__gte=start, period__lte=end)
    counts = values.order_by().aggregate(**{s: Count("pk", filter=status_q(s)) for s in STATUSES})
    worst = (values.filter(status_q(MISSED)).values("indicator__code", "indicator__name", "indicator__unit__code")
             .annotate(missed=Count("pk")).order_by("-missed", "indicator__code")[:10])
    files = (ProcedureTimeliness.objects.filter(**_subtree(unit, "unit"), period__gte=start, period__lte=end)
             .aggregate(received=Sum("received"), on_time=Sum("on_time"), late=Sum("late")))
    on_time, late = files["on_time"] or 0, files["late"] or 0
    rate = rate_value(on_time, on_time + late, True)
    return {
        "statuses": {s: counts[s] or 0 for s in STATUSES},
        "missed_most": [{"code": r["indicator__code"], "name": r["indicator__name"], "unit": r["indicator__unit__code"],
                         "missed": r["missed"]} for r in worst],
        "on_time": {"received": files["received"] or 0, "on_time": on_time, "late": late,
                    "rate": float(rate) if rate is not None else None},
    }


# --- dashboard figures ---------------------------------------------------------------------------
def objectives_met(user, today=None, year=None):
    """The quality objectives of ``year`` (this year's by default) marked achieved, in the reader's scope."""
    year = year or (today or timezone.localdate()).year
    return QualityObjective.objects.restrict(user, "view").filter(year=year, status=S.ACHIEVED)


def objectives_this_year(user, today=None, year=None):
    """The quality objectives of ``year`` (this year's by default) set (not a draft, not withdrawn:
    the met rate's denominator), in the reader's scope."""
    year = year or (today or timezone.localdate()).year
    return (QualityObjective.objects.restrict(user, "view").filter(year=year)
            .exclude(status__in=[S.DRAFT, S.WITHDRAWN]))


def _this_period_q(today):
    q = Q()
    for frequency in Indicator.Frequency.values:
        q |= Q(indicator__frequency=frequency, period=last_closed(today, frequency))
    return q


def missed_last_period_q(today=None):
    """The values of the period that ended last (last month, quarter or year, by frequency) of the
    active indicators that missed their alert threshold (or target, without one): the dashboard's
    "indicators missed" and the indicators list's filter of the same name (one value per indicator
    and period: the indicators listed are exactly the values counted)."""
    today = today or timezone.localdate()
    return Q(indicator__is_active=True) & _this_period_q(today) & status_q(MISSED)


def indicators_missed(user, today=None):
    """The values of the period that ended last that missed (``missed_last_period_q``), in the
    reader's scope."""
    return Measurement.objects.restrict(user, "view").filter(missed_last_period_q(today))


def timeliness(user):
    """The procedures' monthly files handled (on time and late) in the reader's scope: the on-time
    rate's rows (on time out of on time + late, summed over the period's months)."""
    return ProcedureTimeliness.objects.restrict(user, "view")


def procedures_late(user, today=None):
    """Last month's procedures with files handled late (the on-time rate's shortfall), in the
    reader's scope. (A figure counts rows: the rate itself is on the on-time page and in the
    management review.)"""
    today = today or timezone.localdate()
    return ProcedureTimeliness.objects.restrict(user, "view").filter(LATE, period=last_closed(today, "monthly"))
