"""Quality objectives, indicators and their measurements (kpi part). Every write is here.

* ``objective_create`` / ``objective_update`` — a unit's objective for a year with the plan ISO
  9001 6.2.2 asks for (what, resources, who, when, how evaluated). An objective may break down one
  of a unit above (``parent``, same year): the cascade. Objectives are never deleted: withdrawn.
* ``indicator_create`` / ``indicator_update`` — what is measured, its target, alert threshold
  (on the right side of the target), frequency, reporting unit and the person who enters it.
* ``measurement_enter`` — one period's value (or numerator and denominator); a period entered
  twice is refused, a numerator larger than its denominator too; a value entered more than
  ``GRACE_DAYS`` after its period ended is flagged late. ``measurement_correct`` changes it with a
  reason (the History tab keeps every earlier value).
* ``measurement_raise_nonconformity`` — a missed period's nonconformity (source "kpi"), raised
  through the nonconformities area's service when someone chooses to: never automatically.
* ``measurement_from_survey`` — a satisfaction indicator's value for the period that holds its
  survey's last day: the survey's % satisfied or basically satisfied, written when the survey
  closes (the surveys part calls it) or when the indicator is linked to a survey already closed.
  Nobody types a satisfaction indicator's values: ``measurement_enter`` refuses them.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qms_portal.history import reason as fixed_reason
from qms_portal.permissions import ancestor_paths, can
from qms_portal.services import require_can, save_tracked

from ..models import Indicator, Measurement, QualityObjective
from ..selectors.kpi_math import (
    MISSED,
    parse_period,
    period_code,
    period_end,
    period_start,
    rate_value,
    status_of,
    threshold_problem,
)

ENTER = "objectives.enter_measurement"
GRACE_DAYS = 10  # a value entered later than this after its period ended is flagged late
OBJECTIVE_FIELDS = ("year", "parent", "code", "title", "description", "target", "actions", "resources",
                    "responsible", "due_on", "evaluation", "status", "result_note")
INDICATOR_FIELDS = ("objective", "code", "name", "kind", "unit_of_measure", "direction", "target", "alert_threshold",
                    "frequency", "reporter", "survey", "description", "is_active")
RATE_KINDS = (Indicator.Kind.RATE, Indicator.Kind.ON_TIME)


def is_rate(indicator):
    return indicator.kind in RATE_KINDS


def is_from_survey(indicator):
    return indicator.kind == Indicator.Kind.SATISFACTION


def is_percent(indicator):
    return (indicator.unit_of_measure or "").strip() == "%"


# --- objectives ---------------------------------------------------------------------------------
def _check_objective(objective, acting_user):
    errors = {}
    parent = objective.parent
    if parent is not None:
        if parent.pk == objective.pk:
            errors["parent"] = _("An objective cannot break down itself.")
        elif not can(acting_user, "view", parent):
            errors["parent"] = _("Choose an objective you can see.")
        elif parent.year != objective.year:
            errors["parent"] = _("An objective breaks down an objective of the same year.")
        elif parent.unit.path not in ancestor_paths(objective.unit.path):
            errors["parent"] = _("An objective breaks down an objective of its own unit or of a unit above it.")
        elif objective.pk and _descends_from(parent, objective):
            errors["parent"] = _("An objective cannot break down one of the objectives that break it down.")
    if errors:
        raise ValidationError(errors)


def _descends_from(candidate, objective):
    seen = set()
    while candidate is not None and candidate.pk not in seen:
        if candidate.pk == objective.pk:
            return True
        seen.add(candidate.pk)
        candidate = candidate.parent
    return False


@transaction.atomic
def objective_create(*, acting_user, unit, title, year, **fields):
    unknown = set(fields) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    require_can(acting_user, "objectives.add_qualityobjective", unit)
    objective = QualityObjective(unit=unit, title=title, year=year, **fields)
    _check_objective(objective, acting_user)
    return save_tracked(objective, acting_user)


@transaction.atomic
def objective_update(*, acting_user, objective, reason="", **fields):
    unknown = set(fields) - set(OBJECTIVE_FIELDS) - {"unit"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    objective = QualityObjective.objects.select_for_update().select_related("unit").get(pk=objective.pk)
    require_can(acting_user, "change", objective)
    for name, value in fields.items():
        setattr(objective, name, value)
    if "unit" in fields:
        require_can(acting_user, "objectives.add_qualityobjective", objective.unit)
    _check_objective(objective, acting_user)
    return save_tracked(objective, acting_user, reason=reason)


# --- indicators ---------------------------------------------------------------------------------
def _check_indicator(indicator, acting_user):
    errors = {}
    problem = threshold_problem(indicator.target, indicator.alert_threshold, indicator.direction)
    if problem == "higher":
        errors["alert_threshold"] = _("When higher is better, the alert threshold must be at or below the target.")
    elif problem == "lower":
        errors["alert_threshold"] = _("When lower is better, the alert threshold must be at or above the target.")
    objective = indicator.objective
    if objective is not None:
        if not can(acting_user, "view", objective):
            errors["objective"] = _("Choose an objective you can see.")
        elif objective.unit.path not in ancestor_paths(indicator.unit.path):
            errors["objective"] = _("Choose an objective of the reporting unit or of a unit above it.")
    if indicator.reporter_id is not None and not indicator.reporter.is_active:
        errors["reporter"] = _("Choose someone whose account is active.")
    elif indicator.reporter_id is not None and not (indicator.reporter.has_perm("objectives.report_indicator")
                                                    or indicator.reporter.has_perm(ENTER)):
        errors["reporter"] = _("This person holds no role that lets them enter indicator values.")
    errors.update(_survey_problems(indicator, acting_user))
    duplicate = Indicator.objects.filter(unit=indicator.unit, code=indicator.code).exclude(pk=indicator.pk)
    if indicator.code and duplicate.exists():
        errors["code"] = _("This unit already has an indicator with this code.")
    if errors:
        raise ValidationError(errors)


def _survey_problems(indicator, acting_user):
    """A satisfaction indicator names a survey of its reporting unit or of a unit above it, that
    the acting user can see, and reads a percentage; no other kind names a survey."""
    survey = indicator.survey
    if not is_from_survey(indicator):
        if survey is not None:
            return {"survey": _("Only a satisfaction survey result indicator takes its values from a survey: "
                                "choose that kind or no survey.")}
        return {}
    if survey is None:
        return {"survey": _("Choose the survey whose result this indicator takes.")}
    if not can(acting_user, "view", survey):
        return {"survey": _("Choose a survey you can see.")}
    if survey.unit.path not in ancestor_paths(indicator.unit.path):
        return {"survey": _("Choose a survey of the reporting unit or of a unit above it.")}
    if not is_percent(indicator):
        return {"unit_of_measure": _("A survey's result is a percentage: the unit of measure is %.")}
    return {}


def _feed_if_closed(indicator, acting_user):
    """An indicator linked to a survey already closed takes its result at once."""
    from ..models import Survey

    if is_from_survey(indicator) and indicator.is_active and indicator.survey is not None \
            and indicator.survey.status == Survey.Status.CLOSED:
        from ..selectors.surveys import survey_result

        measurement_from_survey(acting_user=acting_user, indicator=indicator, survey=indicator.survey,
                                result=survey_result(indicator.survey))


@transaction.atomic
def indicator_create(*, acting_user, unit, code, name, target, **fields):
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    require_can(acting_user, "objectives.add_indicator", unit)
    indicator = Indicator(unit=unit, code=code, name=name, target=target, **fields)
    if (is_rate(indicator) or is_from_survey(indicator)) and not indicator.unit_of_measure:
        indicator.unit_of_measure = "%"
    _check_indicator(indicator, acting_user)
    save_tracked(indicator, acting_user)
    _feed_if_closed(indicator, acting_user)
    return indicator


@transaction.atomic
def indicator_update(*, acting_user, indicator, reason="", **fields):
    unknown = set(fields) - set(INDICATOR_FIELDS) - {"unit"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    indicator = Indicator.objects.select_for_update().select_related("unit").get(pk=indicator.pk)
    require_can(acting_user, "change", indicator)
    if "kind" in fields and (fields["kind"] in RATE_KINDS) != is_rate(indicator) and indicator.measurements.exists():
        raise ValidationError({"kind": _("This indicator already has values: it cannot change between a rate and "
                                         "a plain value.")})
    if ("kind" in fields and (fields["kind"] == Indicator.Kind.SATISFACTION) != is_from_survey(indicator)
            and indicator.measurements.exists()):
        raise ValidationError({"kind": _("This indicator already has values: it cannot change to or from a "
                                         "satisfaction survey result.")})
    survey_before = indicator.survey_id
    for name, value in fields.items():
        setattr(indicator, name, value)
    if "unit" in fields:
        require_can(acting_user, "objectives.add_indicator", indicator.unit)
    _check_indicator(indicator, acting_user)
    save_tracked(indicator, acting_user, reason=reason)
    if indicator.survey_id != survey_before:
        _feed_if_closed(indicator, acting_user)
    return indicator


# --- measurements -------------------------------------------------------------------------------
def period_label(period, frequency):
    """A period as a reader reads it: "11/2026", "Q4 2026", "2026"."""
    if frequency == Indicator.Frequency.YEARLY:
        return str(period.year)
    if frequency == Indicator.Frequency.QUARTERLY:
        return _("Q%(quarter)s %(year)s") % {"quarter": (period.month - 1) // 3 + 1, "year": period.year}
    return formats.date_format(period, "YEAR_MONTH_FORMAT")


def _figures(indicator, value, numerator, denominator):
    """``(value, numerator, denominator)`` checked for the indicator's kind: a rate from its two
    counts, a plain value as given."""
    if is_rate(indicator):
        errors = {}
        if numerator is None:
            errors["numerator"] = _("Enter the numerator.")
        elif numerator < 0:
            errors["numerator"] = _("The numerator cannot be negative.")
        if denominator is None:
            errors["denominator"] = _("Enter the denominator.")
        elif denominator < 0:
            errors["denominator"] = _("The denominator cannot be negative.")
        if not errors and numerator > denominator:
            errors["numerator"] = _("The numerator (%(numerator)s) cannot be larger than the denominator "
                                    "(%(denominator)s).") % {"numerator": formats.localize(numerator),
                                                             "denominator": formats.localize(denominator)}
        if errors:
            raise ValidationError(errors)
        return rate_value(numerator, denominator, is_percent(indicator)), numerator, denominator
    if value is None:
        raise ValidationError({"value": _("Enter the value.")})
    if is_percent(indicator) and not 0 <= value <= 100:
        raise ValidationError({"value": _("A percentage lies between 0 and 100.")})
    return value, None, None


def is_late(period, frequency, when):
    return when > period_end(period, frequency) + timedelta(days=GRACE_DAYS)


@transaction.atomic
def measurement_enter(*, acting_user, indicator, period, value=None, numerator=None, denominator=None, comment="",
                      evidence=()):
    """Enter one period's value of ``indicator``. ``period``: a date in the period, or its code
    ("2026-11", "2026-Q4", "2026")."""
    indicator = Indicator.objects.select_for_update().select_related("unit").get(pk=indicator.pk)
    require_can(acting_user, ENTER, indicator)
    if not indicator.is_active:
        raise ValidationError(_("This indicator is no longer measured."))
    if is_from_survey(indicator):
        raise ValidationError(_("“%(indicator)s” takes its values from its survey's result when the survey "
                                "closes: they are not entered.") % {"indicator": indicator.name})
    frequency = indicator.frequency
    wanted = parse_period(period, frequency)
    if wanted is None:
        raise ValidationError({"period": _("Choose a period of this indicator's frequency.")})
    today = timezone.localdate()
    if wanted > period_start(today, frequency):
        raise ValidationError({"period": _("This period has not started yet.")})
    existing = Measurement.objects.filter(indicator=indicator, period=wanted).first()
    if existing is not None:
        raise ValidationError({"period": _(
            "A value for %(period)s was already entered for “%(indicator)s”. Correct that value instead of "
            "entering the period twice.") % {"period": period_label(wanted, frequency), "indicator": indicator.name}})
    value, numerator, denominator = _figures(indicator, value, numerator, denominator)
    measurement = Measurement(indicator=indicator, period=wanted, value=value, numerator=numerator,
                              denominator=denominator, comment=(comment or "").strip(), entered_by=acting_user,
                              entered_at=timezone.now(), is_late=is_late(wanted, frequency, today))
    save_tracked(measurement, acting_user)
    if evidence:
        from qms_portal.attachments import attachment_add

        for upload in evidence:
            attachment_add(acting_user=acting_user, target=measurement, upload=upload)
    return measurement


@transaction.atomic
def measurement_correct(*, acting_user, measurement, reason, value=None, numerator=None, denominator=None,
                        comment=None):
    """Correct an entered value; ``reason`` says why (shown on the History tab, which keeps the
    earlier value)."""
    measurement = Measurement.objects.select_for_update().select_related("indicator__unit").get(pk=measurement.pk)
    require_can(acting_user, ENTER, measurement.indicator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the value is corrected.")})
    value, numerator, denominator = _figures(measurement.indicator, value, numerator, denominator)
    measurement.value, measurement.numerator, measurement.denominator = value, numerator, denominator
    if comment is not None:
        measurement.comment = comment.strip()
    return save_tracked(measurement, acting_user, reason=reason)


@transaction.atomic
def measurement_from_survey(*, acting_user, indicator, survey, result):
    """Write ``survey``'s result (``result``: ``selectors.surveys.survey_result``) as the value of
    the satisfaction indicator ``indicator`` for the period that holds the survey's last day: %
    satisfied or basically satisfied, with those answers over all answers as numerator and
    denominator. A value already there for that period is replaced (the History tab keeps the
    earlier one, with the survey's number as the reason). Nothing is written without answers.

    ``acting_user`` is whoever closed the survey (or linked the indicator): the value is the
    survey's result, computed, not typed, so the indicator's entry permission is not asked for.
    Returns the measurement, or None."""
    from ..models import Survey

    indicator = Indicator.objects.select_for_update().select_related("unit").get(pk=indicator.pk)
    if not is_from_survey(indicator) or indicator.survey_id != survey.pk or not indicator.is_active:
        raise ValidationError(_("This indicator does not take its values from this survey."))
    if survey.status != Survey.Status.CLOSED:
        raise ValidationError(_("A survey's result feeds its indicators once the survey is closed."))
    if not result["answers"]:
        return None
    period = period_start(survey.period_end, indicator.frequency)
    measurement = Measurement.objects.select_for_update().filter(indicator=indicator, period=period).first()
    measurement = measurement or Measurement(indicator=indicator, period=period)
    reason = fixed_reason(gettext_noop("From the survey %(number)s"), number=survey.number)
    measurement.value = result["positive_pct"]
    measurement.numerator, measurement.denominator = result["positive"], result["answers"]
    measurement.comment = survey.number
    measurement.entered_by, measurement.entered_at, measurement.is_late = acting_user, timezone.now(), False
    return save_tracked(measurement, acting_user, reason=reason)


def measurement_status(measurement, indicator=None):
    indicator = indicator or measurement.indicator
    return status_of(measurement.value, indicator.target, indicator.alert_threshold, indicator.direction)


def may_raise_nonconformity(user, measurement):
    """Whether the page offers ``user`` to raise a nonconformity for this period: it was missed,
    none was raised yet, and they may raise one in the indicator's unit."""
    return (measurement.nonconformity_id is None and measurement_status(measurement) == MISSED
            and can(user, "nonconformities.add_nonconformity", measurement.indicator.unit))


@transaction.atomic
def measurement_raise_nonconformity(*, acting_user, measurement, title, description):
    """Raise the nonconformity of a missed period (source "kpi"), linked both ways."""
    from nonconformities.models import Nonconformity
    from nonconformities.services.nonconformity import nonconformity_create

    measurement = Measurement.objects.select_for_update().select_related("indicator__unit").get(pk=measurement.pk)
    if measurement.nonconformity_id is not None:
        raise ValidationError(_("A nonconformity was already raised for this period: %(number)s.") % {
            "number": measurement.nonconformity.number})
    if measurement_status(measurement) != MISSED:
        raise ValidationError(_("Only a missed period raises a nonconformity."))
    if not can(acting_user, "nonconformities.add_nonconformity", measurement.indicator.unit):
        raise PermissionDenied
    nc = nonconformity_create(acting_user=acting_user, unit=measurement.indicator.unit,
                              source=Nonconformity.Source.KPI, source_object=measurement, title=title,
                              description=description)
    measurement.nonconformity = nc
    save_tracked(measurement, acting_user)
    return nc


def nonconformity_text(measurement):
    """The title and description a missed period's nonconformity is offered with."""
    indicator = measurement.indicator
    period = period_label(measurement.period, indicator.frequency)
    unit = f" {indicator.unit_of_measure}" if indicator.unit_of_measure else ""
    title = _("Missed indicator: %(indicator)s, %(period)s") % {"indicator": indicator.name, "period": period}
    description = _("%(unit)s: “%(indicator)s” was %(value)s%(uom)s in %(period)s against a target of "
                    "%(target)s%(uom)s.") % {
        "unit": indicator.unit.name, "indicator": indicator.name, "value": formats.localize(measurement.value),
        "uom": unit, "period": period, "target": formats.localize(indicator.target.normalize())}
    return title[:300], description


def period_codes(periods, frequency):
    return [period_code(p, frequency) for p in periods]


@transaction.atomic
def measurements_enter_period(*, acting_user, period, entries):
    """A department's values for one period, all or nothing: ``entries`` is ``[(indicator,
    {"value"|"numerator"|"denominator"|"comment": …})]``. A refused value refuses them all; the
    ``ValidationError`` is keyed ``"<field>:<indicator id>"`` so the page shows it on its line."""
    errors, saved = {}, []
    for indicator, data in entries:
        try:
            with transaction.atomic():
                saved.append(measurement_enter(acting_user=acting_user, indicator=indicator, period=period,
                                               value=data.get("value"), numerator=data.get("numerator"),
                                               denominator=data.get("denominator"), comment=data.get("comment") or ""))
        except ValidationError as error:
            for name, messages in (error.message_dict if hasattr(error, "error_dict") else
                                   {"": error.messages}).items():
                errors.setdefault(f"{name}:{indicator.pk}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if not saved:
        raise ValidationError(_("Enter at least one value."))
    return saved
