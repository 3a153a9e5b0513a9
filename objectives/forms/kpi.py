"""Forms of the kpi part: an objective with its 6.2.2 plan, an indicator, a period's values (one
indicator, or a department's indicators for a month at once), a correction, a missed period's
nonconformity, the import of values, a unit's procedures' files for a month, and the lists' filters."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.forms import DatePicker, MultipleFileField, ScopedModelForm, ServiceForm
from qms_portal.unit_picker import UnitChoiceFilter

from ..models import Indicator, Measurement, QualityObjective, Survey
from ..selectors.kpi_math import period_code, recent_periods
from ..selectors.kpi_review import missed_last_period_q
from ..services.kpi import is_rate, period_label
from .fields import LocalDecimalField

TEXTAREA = {"rows": 3}
PERIODS_OFFERED = 24


class ObjectiveForm(ScopedModelForm):
    scope_actions = {"unit": "objectives.add_qualityobjective"}

    class Meta:
        model = QualityObjective
        fields = ["unit", "year", "parent", "code", "title", "description", "target", "actions", "resources",
                  "responsible", "due_on", "evaluation", "status", "result_note"]
        widgets = {"due_on": DatePicker(), "description": forms.Textarea(attrs=TEXTAREA),
                   "actions": forms.Textarea(attrs=TEXTAREA), "resources": forms.Textarea(attrs=TEXTAREA),
                   "evaluation": forms.Textarea(attrs=TEXTAREA), "result_note": forms.Textarea(attrs=TEXTAREA)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (self.fields["parent"].queryset.exclude(
            status=QualityObjective.Status.WITHDRAWN).select_related("unit").order_by("-year", "unit__path", "code"))
        self.fields["parent"].help_text = _("The objective of a unit above that this one breaks down (the cascade).")
        self.fields["responsible"].queryset = self.fields["responsible"].queryset.filter(is_active=True).order_by(
            "full_name")
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)
            self.fields["status"].initial = QualityObjective.Status.ACTIVE

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class IndicatorForm(ScopedModelForm):
    scope_actions = {"unit": "objectives.add_indicator"}
    target = LocalDecimalField(label=_("target"))
    alert_threshold = LocalDecimalField(
        label=_("alert threshold"), required=False,
        help_text=_("Between the target and this value the indicator is at risk; beyond it, missed."))

    class Meta:
        model = Indicator
        fields = ["unit", "code", "name", "objective", "kind", "survey", "unit_of_measure", "direction", "target",
                  "alert_threshold", "frequency", "reporter", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs=TEXTAREA)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The surveys the user can see (the scoped form narrows them), newest first; the service
        # checks the survey's unit against the reporting unit and the kind.
        self.fields["survey"].queryset = (self.fields["survey"].queryset.exclude(status=Survey.Status.DRAFT)
                                          .select_related("unit").order_by("-period_end", "-id"))
        self.fields["survey"].label_from_instance = lambda s: f"{s.number} {s.title} ({s.get_status_display()})"
        self.fields["survey"].help_text = _("For a satisfaction survey result indicator: the survey whose share "
                                            "satisfied or basically satisfied becomes the value of the period "
                                            "that holds the survey's last day, when the survey closes.")
        self.fields["objective"].queryset = (self.fields["objective"].queryset.exclude(
            status=QualityObjective.Status.WITHDRAWN).select_related("unit").order_by("-year", "unit__path", "code"))
        self.fields["reporter"].queryset = self.fields["reporter"].queryset.filter(is_active=True).order_by(
            "full_name")

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def period_choices(frequency, today=None, count=PERIODS_OFFERED):
    today = today or timezone.localdate()
    return [(period_code(p, frequency), period_label(p, frequency)) for p in recent_periods(today, frequency, count)]


class MeasurementForm(ServiceForm):
    """One period's value of one indicator: a value, or the numerator and denominator of a rate."""

    period = forms.ChoiceField(label=_("Period"))
    value = LocalDecimalField(label=_("Value"), required=False)
    numerator = LocalDecimalField(label=_("Numerator"), required=False, min_value=0, decimal_places=2)
    denominator = LocalDecimalField(label=_("Denominator"), required=False, min_value=0, decimal_places=2)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    evidence = MultipleFileField(label=_("Evidence"), required=False,
                                 help_text=_("A report, a register extract or a photo (PDF, DOCX, XLSX, JPG, PNG)."))

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["period"].choices = period_choices(indicator.frequency)
        self.fields["period"].initial = self.fields["period"].choices[min(1, len(self.fields["period"].choices) - 1)][0]
        if is_rate(indicator):
            del self.fields["value"]
            self.fields["numerator"].required = self.fields["denominator"].required = True
        else:
            del self.fields["numerator"], self.fields["denominator"]
            self.fields["value"].required = True
            if indicator.unit_of_measure:
                self.fields["value"].help_text = _("In %(unit)s.") % {"unit": indicator.unit_of_measure}


class CorrectionForm(ServiceForm):
    value = LocalDecimalField(label=_("Value"), required=False)
    numerator = LocalDecimalField(label=_("Numerator"), required=False, min_value=0, decimal_places=2)
    denominator = LocalDecimalField(label=_("Denominator"), required=False, min_value=0, decimal_places=2)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs=TEXTAREA),
                             help_text=_("The earlier value stays on the History tab."))

    def __init__(self, *args, measurement, **kwargs):
        super().__init__(*args, **kwargs)
        indicator = measurement.indicator
        if is_rate(indicator):
            del self.fields["value"]
            self.fields["numerator"].required = self.fields["denominator"].required = True
        else:
            del self.fields["numerator"], self.fields["denominator"]
            self.fields["value"].required = True
        for name in ("value", "numerator", "denominator", "comment"):
            if name in self.fields:
                self.initial.setdefault(name, getattr(measurement, name))


class RaiseNonconformityForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}))


class MeasurementImportForm(ServiceForm):
    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        help_text=_("Columns: unit_code, indicator_code, period (2026-11, 2026-Q4 or 2026), value, numerator, "
                    "denominator, comment. The first row holds the column names. A rate takes a numerator and "
                    "a denominator, any other indicator a value; 98,5 and 98.5 are both read as 98.5."))


class PeriodGridForm(ServiceForm):
    """A department's indicators of one frequency for one period, each with its value (or numerator
    and denominator) and a comment: the fields are named after each indicator's id."""

    def __init__(self, *args, indicators, period, frequency, entered, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators, self.period, self.frequency, self.entered = indicators, period, frequency, entered
        self.rows = []
        for indicator in indicators:
            names = {}
            if indicator.pk in entered:
                self.rows.append((indicator, None, entered[indicator.pk]))
                continue
            if is_rate(indicator):
                names["numerator"] = f"n{indicator.pk}"
                names["denominator"] = f"d{indicator.pk}"
                self.fields[names["numerator"]] = LocalDecimalField(
                    label=_("Numerator"), required=False, min_value=0, decimal_places=2)
                self.fields[names["denominator"]] = LocalDecimalField(
                    label=_("Denominator"), required=False, min_value=0, decimal_places=2)
            else:
                names["value"] = f"v{indicator.pk}"
                self.fields[names["value"]] = LocalDecimalField(
                    label=_("Value") + (f" ({indicator.unit_of_measure})" if indicator.unit_of_measure else ""),
                    required=False)
            names["comment"] = f"c{indicator.pk}"
            self.fields[names["comment"]] = forms.CharField(label=_("Comment"), required=False)
            self.rows.append((indicator, names, None))

    def bound_rows(self):
        return [(indicator, {k: self[v] for k, v in names.items()} if names else None, entered)
                for indicator, names, entered in self.rows]

    def entries(self):
        """``[(indicator, {"value"|"numerator"|"denominator"|"comment": …}, field names)]`` for the
        indicators with something typed."""
        out = []
        for indicator, names, _entered in self.rows:
            if not names:
                continue
            data = {k: self.cleaned_data.get(v) for k, v in names.items()}
            if all(data.get(k) is None for k in ("value", "numerator", "denominator")) and not data.get("comment"):
                continue
            out.append((indicator, data, names))
        return out


class ObjectiveFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search code, objective"), method="search")
    year = django_filters.NumberFilter(label=_("Year"))
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=QualityObjective.Status.choices)

    class Meta:
        model = QualityObjective
        fields = ["q", "year", "unit", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value)) if value else queryset

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset


class IndicatorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search code, name"), method="search")
    unit = UnitChoiceFilter(label=_("Unit (with its sub-units)"), method="in_unit")
    frequency = django_filters.ChoiceFilter(label=_("Frequency"), choices=Indicator.Frequency.choices)
    mine = django_filters.BooleanFilter(label=_("Only those I enter"), method="only_mine",
                                        widget=forms.CheckboxInput)
    missed = django_filters.BooleanFilter(label=_("Missed in the period that ended last"), method="missed_last",
                                          widget=forms.CheckboxInput)

    class Meta:
        model = Indicator
        fields = ["q", "unit", "frequency", "mine", "missed"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else queryset

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def only_mine(self, queryset, name, value):
        return queryset.filter(reporter=self.request.user) if value and self.request else queryset

    def missed_last(self, queryset, name, value):
        """The indicators whose value of the period that ended last missed (the dashboard's
        "indicators missed in the period that ended last")."""
        if not value:
            return queryset
        return queryset.filter(pk__in=Measurement.objects.filter(missed_last_period_q()).values("indicator_id"))
