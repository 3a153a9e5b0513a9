"""The on-time rate of administrative procedures (kpi part): a unit enters, for a month, each
procedure's files received, handled on time and handled late (``timeliness_enter``). A row entered
again for the same month is a correction (the History keeps the earlier figures). The unit's
on-time indicators (kind "on_time") get that month's value from the rows: handled on time over
handled, summed over the procedures."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qms_portal.history import reason as fixed_reason
from qms_portal.permissions import ancestor_paths, can
from qms_portal.services import require_can, save_tracked

from ..models import Indicator, Measurement, ProcedureTimeliness
from ..selectors.kpi_math import period_start, rate_value
from .kpi import is_late

ADD = "objectives.add_proceduretimeliness"
RECOMPUTED = fixed_reason(gettext_noop("recomputed from the procedures' files"))


@transaction.atomic
def timeliness_enter(*, acting_user, unit, month, rows):
    """Record ``unit``'s files for ``month`` (any day in it). ``rows``: ``[{"procedure": Document,
    "received": n, "on_time": n, "late": n, "comment": ""}]``; a procedure already recorded that
    month is corrected. Returns the rows saved."""
    require_can(acting_user, ADD, unit)
    month = period_start(month, "monthly")
    if month > period_start(timezone.localdate(), "monthly"):
        raise ValidationError(_("This month has not started yet."))
    existing = {r.procedure_id: r for r in
                ProcedureTimeliness.objects.select_for_update().filter(unit=unit, period=month)}
    errors, saved = [], []
    for row in rows:
        procedure = row["procedure"]
        if not can(acting_user, "view", procedure) or procedure.unit.path not in ancestor_paths(unit.path):
            errors.append(_("“%(code)s” is not a procedure of this unit.") % {"code": procedure.code})
            continue
        figures = {k: row.get(k) or 0 for k in ("received", "on_time", "late")}
        if any(v < 0 for v in figures.values()):
            errors.append(_("%(code)s: the numbers of files cannot be negative.") % {"code": procedure.code})
            continue
        record = existing.get(procedure.pk)
        if record is None:
            if not any(figures.values()) and not row.get("comment"):
                continue  # nothing entered for this procedure
            record = ProcedureTimeliness(unit=unit, procedure=procedure, period=month)
        elif all(getattr(record, k) == v for k, v in figures.items()) and record.comment == (row.get("comment") or ""):
            continue
        for name, value in figures.items():
            setattr(record, name, value)
        record.comment = (row.get("comment") or "").strip()
        record.entered_by = acting_user
        saved.append(save_tracked(record, acting_user))
    if errors:
        raise ValidationError(errors)
    if saved:
        sync_on_time_indicators(acting_user=acting_user, unit=unit, month=month)
    return saved


def sync_on_time_indicators(*, acting_user, unit, month):
    """The unit's on-time indicators take the month's value from its procedures' rows."""
    indicators = list(Indicator.objects.filter(unit=unit, kind=Indicator.Kind.ON_TIME, is_active=True,
                                               frequency=Indicator.Frequency.MONTHLY))
    if not indicators:
        return
    sums = ProcedureTimeliness.objects.filter(unit=unit, period=month).aggregate(o=Sum("on_time"), la=Sum("late"))
    on_time, handled = sums["o"] or 0, (sums["o"] or 0) + (sums["la"] or 0)
    for indicator in indicators:
        value = rate_value(on_time, handled, (indicator.unit_of_measure or "").strip() == "%")
        measurement = Measurement.objects.select_for_update().filter(indicator=indicator, period=month).first()
        if measurement is None:
            measurement = Measurement(indicator=indicator, period=month, entered_by=acting_user,
                                      entered_at=timezone.now(),
                                      is_late=is_late(month, indicator.frequency, timezone.localdate()))
            reason = ""
        else:
            reason = RECOMPUTED
        measurement.numerator, measurement.denominator, measurement.value = on_time, handled, value
        save_tracked(measurement, acting_user, reason=reason)
