"""A procedure's time limits as every page, form and PDF shows them.

A step takes so many working days or working hours ("3 working days", "1 working day", "4
working hours"; never "8.0"); the steps' total is added up per unit and compared with the legal
time limit the law sets for the whole procedure (a working day is eight working hours). The
document page, the draft editor (while the steps are typed), the compare page, the flow diagram
and the controlled copy all word them through this module, in the reader's language.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext, ngettext

HOURS_PER_DAY = 8
DAYS, HOURS = "days", "hours"  # ProcedureStep.TimeUnit


def number(value):
    """A time limit as a reader writes it: "8" (not "8.0"), "2.5" ("2,5" in Vietnamese)."""
    return floatformat(value, -1)


def plain(value):
    """A stored time limit (Decimal("8.0")) as a form shows it: 8; 2.5 stays 2.5."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value


def _count(value):
    """The number ngettext chooses the form by: a whole number as itself; a fraction takes the
    plural ("1.5 working days", "0.5 working days")."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else 2


def working_days(value):
    return ngettext("%(number)s working day", "%(number)s working days", _count(value)) % {"number": number(value)}


def working_hours(value):
    return ngettext("%(number)s working hour", "%(number)s working hours", _count(value)) % {"number": number(value)}


def duration(value, unit):
    """``value`` of ``unit`` ("days" or "hours") in words."""
    return working_hours(value) if unit == HOURS else working_days(value)


def step_time(step):
    """A step's time limit in words ("3 working days")."""
    return duration(step.time_limit, step.time_unit)


@dataclass(frozen=True)
class StepTotal:
    """The steps' time limits added up (days and hours kept apart, as the law counts them) and the
    legal time limit of the procedure (working days, or None)."""

    days: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)
    limit: int | None = None

    @property
    def in_days(self):
        return self.days + Decimal(self.hours) / HOURS_PER_DAY

    @property
    def over_limit(self):
        return bool(self.limit) and self.in_days > self.limit

    @property
    def text(self):
        """"5 working days, 16 working hours", "16 working hours" or "5 working days"."""
        if self.days and self.hours:
            # Translators: a total of working days and working hours, e.g. "5 working days, 4 working hours"
            return gettext("%(days)s, %(hours)s") % {"days": working_days(self.days),
                                                      "hours": working_hours(self.hours)}
        return working_hours(self.hours) if self.hours else working_days(self.days)

    @property
    def limit_text(self):
        return working_days(self.limit) if self.limit else ""

    @property
    def warning(self):
        """The sentence shown (and printed) when the steps take longer than the law allows."""
        if not self.over_limit:
            return ""
        return gettext("The steps take %(steps)s, longer than the legal time limit of %(limit)s.") % {
            "steps": self.text, "limit": self.limit_text}


def step_total(steps, limit=None):
    """The total of ``steps`` (objects or dicts with ``time_limit`` and ``time_unit``)."""
    days, hours = Decimal(0), Decimal(0)
    for step in steps:
        value, unit = (step.get("time_limit"), step.get("time_unit")) if isinstance(step, dict) else \
            (step.time_limit, step.time_unit)
        if value is None:
            continue
        if unit == HOURS:
            hours += Decimal(value)
        else:
            days += Decimal(value)
    return StepTotal(days=days, hours=hours, limit=limit)


def steps_typed(data, prefix="steps"):
    """The steps' time limits in a draft editor's form data, as the editor would save them: rows
    with a title, not marked for removal, whose time limit is a number not below zero. Used while
    the steps are typed, before the form is valid."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 1000)
    except (TypeError, ValueError):
        return []
    rows = []
    for index in range(total):
        field = f"{prefix}-{index}-"
        if not (data.get(field + "title") or "").strip() or data.get(field + "DELETE"):
            continue
        try:
            value = Decimal((data.get(field + "time_limit") or "").strip().replace(",", "."))
        except InvalidOperation:
            continue
        if value.is_finite() and value >= 0:
            rows.append({"time_limit": value, "time_unit": HOURS if data.get(field + "time_unit") == HOURS else DAYS})
    return rows
