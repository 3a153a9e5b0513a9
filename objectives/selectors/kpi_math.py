"""The arithmetic of indicators (kpi part), as pure functions: no database, no request.

* ``status_of(value, target, threshold, direction)`` — a period's status: achieved, at risk or
  missed (``None`` when there is no value or no target). ``status_q`` is the same rule in SQL, for
  counts (the review input, the dashboard): a test holds the two together.
* ``rate_value`` — a rate's value from its numerator and denominator (a percentage when the
  indicator's unit of measure is "%").
* ``Total`` / ``combine`` — the roll-up of one indicator across units: rates are summed as
  numerators and denominators and divided once, never averaged percentages; plain values are summed,
  unless they are percentages (a percentage entered as a value cannot be added up).
* periods: a period is its first day (1 January, the first day of a quarter or a month).
* ``parse_decimal`` — a number as people type it: "98,5" and "98.5" both mean 98.5.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import F, Q

ACHIEVED, AT_RISK, MISSED = "achieved", "at_risk", "missed"
STATUSES = (ACHIEVED, AT_RISK, MISSED)
HIGHER, LOWER = "higher", "lower"
MONTHLY, QUARTERLY, YEARLY = "monthly", "quarterly", "yearly"
PLACES = Decimal("0.0001")


def _dec(value):
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def status_of(value, target, threshold, direction):
    """``"achieved"`` when the value reaches the target (at least it when higher is better, at most
    it when lower is), ``"at_risk"`` when it misses the target but not the alert threshold,
    ``"missed"`` beyond the threshold (or beyond the target when there is no threshold); ``None``
    when the value or the target is missing."""
    value, target, threshold = _dec(value), _dec(target), _dec(threshold)
    if value is None or target is None:
        return None
    if direction == LOWER:
        if value <= target:
            return ACHIEVED
        return AT_RISK if threshold is not None and value <= threshold else MISSED
    if value >= target:
        return ACHIEVED
    return AT_RISK if threshold is not None and value >= threshold else MISSED


def status_q(status, prefix="indicator__"):
    """``status_of`` as a filter on measurements (``prefix`` reaches their indicator)."""
    target = F(f"{prefix}target")
    threshold = F(f"{prefix}alert_threshold")
    higher, lower = Q(**{f"{prefix}direction": HIGHER}), Q(**{f"{prefix}direction": LOWER})
    no_threshold = Q(**{f"{prefix}alert_threshold__isnull": True})
    has_value = Q(value__isnull=False)
    if status == ACHIEVED:
        return has_value & ((higher & Q(value__gte=target)) | (lower & Q(value__lte=target)))
    at_risk_higher = higher & Q(value__lt=target) & ~no_threshold & Q(value__gte=threshold)
    at_risk_lower = lower & Q(value__gt=target) & ~no_threshold & Q(value__lte=threshold)
    if status == AT_RISK:
        return has_value & (at_risk_higher | at_risk_lower)
    if status == MISSED:
        missed_higher = higher & Q(value__lt=target) & (no_threshold | Q(value__lt=threshold))
        missed_lower = lower & Q(value__gt=target) & (no_threshold | Q(value__gt=threshold))
        return has_value & (missed_higher | missed_lower)
    raise ValueError(f"unknown status {status!r}")


def threshold_problem(target, threshold, direction):
    """What is wrong with an alert threshold on the wrong side of the target (a message key), or None."""
    target, threshold = _dec(target), _dec(threshold)
    if target is None or threshold is None:
        return None
    if direction == LOWER and threshold < target:
        return "lower"
    if direction != LOWER and threshold > target:
        return "higher"
    return None


def rate_value(numerator, denominator, percent=True):
    """numerator / denominator (× 100 for a percentage), rounded to 4 places; ``None`` for 0 / 0."""
    numerator, denominator = _dec(numerator), _dec(denominator)
    if numerator is None or denominator is None or denominator == 0:
        return None
    value = numerator / denominator * (100 if percent else 1)
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


@dataclass
class Total:
    """A roll-up: the sums of what the units entered, and the value they make together."""

    numerator: Decimal = Decimal(0)
    denominator: Decimal = Decimal(0)
    value_sum: Decimal = Decimal(0)
    reported: int = 0  # how many units' values went into it

    def add(self, numerator=None, denominator=None, value=None, reported=1):
        self.numerator += _dec(numerator) or 0
        self.denominator += _dec(denominator) or 0
        self.value_sum += _dec(value) or 0
        self.reported += reported
        return self

    def value(self, *, rate, percent):
        """The rolled-up value: the summed rate for a rate, the sum for a plain count; ``None``
        when nothing was reported, or for a percentage entered as a plain value (not addable)."""
        if not self.reported:
            return None
        if rate:
            return rate_value(self.numerator, self.denominator, percent)
        if percent:
            return None
        return self.value_sum


def combine(rows, *, rate, percent):
    """The roll-up of ``rows`` — ``(numerator, denominator, value)`` of each unit — as one value."""
    total = Total()
    for numerator, denominator, value in rows:
        total.add(numerator, denominator, value)
    return total.value(rate=rate, percent=percent)


# --- periods -----------------------------------------------------------------------------------
def period_start(day, frequency):
    if frequency == YEARLY:
        return date(day.year, 1, 1)
    if frequency == QUARTERLY:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, day.month, 1)


def _months(frequency):
    return {YEARLY: 12, QUARTERLY: 3}.get(frequency, 1)


def shift(period, frequency, count):
    """The period ``count`` periods after ``period`` (before, when negative)."""
    months = period.year * 12 + period.month - 1 + count * _months(frequency)
    return date(months // 12, months % 12 + 1, 1)


def period_end(period, frequency):
    return date.fromordinal(shift(period, frequency, 1).toordinal() - 1)


def last_closed(today, frequency):
    """The most recent period that has ended by ``today`` (the one before today's)."""
    return shift(period_start(today, frequency), frequency, -1)


def recent_periods(today, frequency, count):
    """The ``count`` periods up to today's, newest first."""
    current = period_start(today, frequency)
    return [shift(current, frequency, -i) for i in range(count)]


def periods_between(first, last, frequency):
    out, period = [], period_start(first, frequency)
    while period <= last:
        out.append(period)
        period = shift(period, frequency, 1)
    return out


def period_code(period, frequency):
    """``2026-11``, ``2026-Q4`` or ``2026``: how a period is written in files and URLs."""
    if frequency == YEARLY:
        return f"{period.year}"
    if frequency == QUARTERLY:
        return f"{period.year}-Q{(period.month - 1) // 3 + 1}"
    return f"{period.year}-{period.month:02d}"


_PERIOD = re.compile(r"^\s*(\d{4})(?:\s*[-/.]\s*(?:(\d{1,2})|[Qq]([1-4])))?\s*$")
_MONTH_FIRST = re.compile(r"^\s*(\d{1,2})\s*[-/.]\s*(\d{4})\s*$")


def parse_period(text, frequency):
    """The period ``text`` names for an indicator of ``frequency``: ``2026-11``, ``11/2026``,
    ``2026-Q4``, ``2026``, or a date (its period). ``None`` when it names none of that frequency."""
    if isinstance(text, date):
        return period_start(text, frequency)
    text = str(text or "").strip()
    if not text:
        return None
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        try:
            return period_start(date(int(iso[1]), int(iso[2]), int(iso[3])), frequency)
        except ValueError:
            return None
    found = _PERIOD.match(text)
    year = month = quarter = None
    if found:
        year, month, quarter = int(found[1]), found[2] and int(found[2]), found[3] and int(found[3])
    else:
        found = _MONTH_FIRST.match(text)
        if not found:
            return None
        month, year = int(found[1]), int(found[2])
    if month is not None and not 1 <= month <= 12:
        return None
    if frequency == YEARLY:
        return date(year, 1, 1) if month is None and quarter is None else None
    if frequency == QUARTERLY:
        if quarter:
            return date(year, (quarter - 1) * 3 + 1, 1)
        return period_start(date(year, month, 1), frequency) if month and (month - 1) % 3 == 0 else None
    return date(year, month, 1) if month else None


# --- numbers as people type them -----------------------------------------------------------------
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def parse_decimal(text, decimal_separator="."):
    """A number typed the way people type: "98,5" and "98.5" are both 98.5 in every language;
    a separator followed by exactly three digits where the language uses it to group thousands
    ("1.234" in Vietnamese, "1,234" in English) groups them; spaces are ignored. ``None`` when it
    is not a number."""
    if text is None:
        return None
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        return _dec(text)
    text = re.sub(r"[\s\u00a0\u202f]", "", str(text))
    if not text:
        return None
    grouping = "." if decimal_separator == "," else ","
    if "," in text and "." in text:
        text = text.replace(grouping, "").replace(decimal_separator, ".")
    elif text.count(grouping) >= 1 and re.fullmatch(rf"[+-]?\d{{1,3}}(?:{re.escape(grouping)}\d{{3}})+", text):
        text = text.replace(grouping, "")
    else:
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
