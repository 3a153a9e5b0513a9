"""Importing indicator values from XLSX or CSV (kpi part), like the people import: every row is
checked first, and either every value is saved in one transaction or nothing is, with each row's
problems listed.

Columns: ``unit_code``, ``indicator_code``, ``period`` (``2026-11``, ``11/2026``, ``2026-Q4``,
``2026``), ``value`` (a plain indicator) or ``numerator`` and ``denominator`` (a rate), ``comment``.
Numbers may be written with a decimal comma ("98,5") as Vietnamese users type them.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from qms_portal.imports import ImportRejected
from qms_portal.permissions import can
from qms_portal.uploads import read_rows, validate_upload

from ..models import Indicator, Measurement
from ..selectors.kpi_math import parse_decimal, parse_period, period_start
from .kpi import ENTER, _figures, is_rate, measurement_enter, period_label

__all__ = ["ImportRejected", "measurements_import"]

REQUIRED = ("unit_code", "indicator_code", "period")
MAX_ROWS = 20000


def _number(row, column, separator, problems):
    text = row.get(column, "")
    if not text:
        return None
    number = parse_decimal(text, separator)
    if number is None:
        problems.append(_("“%(column)s” is not a number: “%(text)s”.") % {"column": column, "text": text})
    return number


def measurements_import(*, acting_user, upload):
    """Check every row, then enter every value (``measurement_enter``) in one transaction, or none.
    Returns the measurements created; raises ``ImportRejected`` with ``[(row, [problems])]``."""
    try:
        validate_upload(upload, allowed=("xlsx", "csv"), max_bytes=5 * 1024 * 1024)
        header, rows = read_rows(upload)
    except ValidationError as error:
        raise ImportRejected(message=" ".join(error.messages))
    except Exception:  # noqa: BLE001 - any parser failure is a damaged file for the user
        raise ImportRejected(message=_("The file could not be read. Save it as XLSX or CSV UTF-8 and try again."))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRejected(message=_("These columns are missing: %(cols)s.") % {"cols": ", ".join(missing)})
    if not rows:
        raise ImportRejected(message=_("The file has no rows to import."))
    if len(rows) > MAX_ROWS:
        raise ImportRejected(message=_("A file may hold at most %(max)s rows.") % {"max": MAX_ROWS})

    codes = {(r.get("unit_code", ""), r.get("indicator_code", "")) for _n, r in rows}
    indicators = {(i.unit.code, i.code): i for i in Indicator.objects.filter(
        unit__code__in={u for u, _c in codes}, code__in={c for _u, c in codes}).select_related("unit")}
    periods = {}
    for _n, r in rows:
        indicator = indicators.get((r.get("unit_code", ""), r.get("indicator_code", "")))
        if indicator is not None:
            found = parse_period(r.get("period", ""), indicator.frequency)
            if found is not None:
                periods.setdefault(indicator.pk, set()).add(found)
    taken = set()
    if periods:
        for indicator_id, period in Measurement.objects.filter(indicator_id__in=list(periods)).values_list(
                "indicator_id", "period"):
            if period in periods[indicator_id]:
                taken.add((indicator_id, period))
    separator = get_format("DECIMAL_SEPARATOR")
    today = timezone.localdate()
    errors, plan, seen = [], [], set()
    for number, row in rows:
        problems = [_("“%(col)s” is empty.") % {"col": c} for c in REQUIRED if not row.get(c)]
        indicator = indicators.get((row.get("unit_code", ""), row.get("indicator_code", "")))
        if indicator is None and row.get("unit_code") and row.get("indicator_code"):
            problems.append(_("The unit “%(unit)s” has no indicator “%(code)s”.") % {
                "unit": row["unit_code"], "code": row["indicator_code"]})
        elif indicator is not None and not (can(acting_user, ENTER, indicator) and indicator.is_active):
            problems.append(_("You may not enter values of “%(code)s” in “%(unit)s”.") % {
                "code": indicator.code, "unit": indicator.unit.code})
            indicator = None
        value = _number(row, "value", separator, problems)
        numerator = _number(row, "numerator", separator, problems)
        denominator = _number(row, "denominator", separator, problems)
        period = None
        if indicator is not None and row.get("period"):
            period = parse_period(row["period"], indicator.frequency)
            if period is None:
                problems.append(_("“%(text)s” is not a period of this indicator (%(frequency)s).") % {
                    "text": row["period"], "frequency": indicator.get_frequency_display()})
            elif period > period_start(today, indicator.frequency):
                problems.append(_("The period %(period)s has not started yet.") % {
                    "period": period_label(period, indicator.frequency)})
            elif (indicator.pk, period) in taken:
                problems.append(_("A value for %(period)s was already entered: correct it on the indicator's page.") % {
                    "period": period_label(period, indicator.frequency)})
            elif (indicator.pk, period) in seen:
                problems.append(_("The file gives %(period)s twice.") % {
                    "period": period_label(period, indicator.frequency)})
            else:
                seen.add((indicator.pk, period))
        if indicator is not None and not problems:
            if is_rate(indicator) and value is not None and numerator is None:
                problems.append(_("This indicator is a rate: give its numerator and denominator."))
            else:
                try:
                    _figures(indicator, value, numerator, denominator)
                except ValidationError as error:
                    problems.extend(error.messages)
        if problems:
            errors.append((number, problems))
        else:
            plan.append((indicator, period, value, numerator, denominator, row.get("comment", "")))
    if errors:
        raise ImportRejected(errors=errors, message=_("Nothing was imported. Correct these rows and try again."))
    created = []
    with transaction.atomic():
        for indicator, period, value, numerator, denominator, comment in plan:
            created.append(measurement_enter(acting_user=acting_user, indicator=indicator, period=period, value=value,
                                             numerator=numerator, denominator=denominator, comment=comment))
    return created
