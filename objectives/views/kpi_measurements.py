"""Entering indicators' values (kpi part): one indicator's period, a department's indicators for a
period at once (the phone's page), a value's page with its evidence and History tab, its correction,
a missed period's nonconformity, and the import of values from a spreadsheet."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from qms_portal.permissions import can
from qms_portal.views.generic import HistoryView, ObjectFormView, ScopedDetailView, ServiceFormView

from ..forms.kpi import (
    CorrectionForm,
    MeasurementForm,
    MeasurementImportForm,
    PeriodGridForm,
    RaiseNonconformityForm,
    period_choices,
)
from ..models import Indicator, Measurement
from ..selectors.kpi_math import parse_period, period_code, period_start
from ..services import kpi as services
from ..services.kpi_import import ImportRejected, measurements_import

ENTER = services.ENTER
RAISE = "nonconformities.add_nonconformity"


class MeasurementEnterView(ObjectFormView):
    """Enter one period of one indicator (with evidence files)."""

    model = Indicator
    action = ENTER
    form_class = MeasurementForm
    title = gettext_lazy("Enter a value")
    success_message = gettext_lazy("The value was saved.")
    related = ("unit",)

    def get_permission(self):
        return ENTER

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs["indicator"] = self.object
        return kwargs

    def get_initial(self):
        wanted = parse_period(self.request.GET.get("period", ""), self.object.frequency)
        return {"period": period_code(wanted, self.object.frequency)} if wanted else {}

    def perform(self, form):
        data = form.cleaned_data
        return services.measurement_enter(acting_user=self.request.user, indicator=self.object, period=data["period"],
                                          value=data.get("value"), numerator=data.get("numerator"),
                                          denominator=data.get("denominator"), comment=data.get("comment", ""),
                                          evidence=data.get("evidence") or ())

    def get_success_url(self):
        return self.object.get_absolute_url()


class MeasurementDetailView(ScopedDetailView):
    model = Measurement
    template_name = "objectives/kpi/measurement_detail.html"
    related = ("indicator__unit", "entered_by", "nonconformity")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, m = self.request.user, self.object
        indicator = m.indicator
        ctx["indicator"] = indicator
        ctx["label"] = services.period_label(m.period, indicator.frequency)
        ctx["status"] = services.measurement_status(m, indicator)
        ctx["may_correct"] = can(user, ENTER, m)
        ctx["offer_nc"] = services.may_raise_nonconformity(user, m)
        ctx["nc_visible"] = m.nonconformity_id is not None and can(user, "view", m.nonconformity)
        ctx["rate"] = services.is_rate(indicator)
        return ctx


class MeasurementHistoryView(HistoryView):
    model = Measurement
    related = ("indicator__unit",)


class MeasurementCorrectView(ObjectFormView):
    model = Measurement
    action = ENTER
    form_class = CorrectionForm
    title = gettext_lazy("Correct the value")
    success_message = gettext_lazy("The value was corrected; the earlier one stays on the History tab.")
    related = ("indicator__unit",)

    def get_permission(self):
        return ENTER

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs["measurement"] = self.object
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        return services.measurement_correct(acting_user=self.request.user, measurement=self.object,
                                            reason=data["reason"], value=data.get("value"),
                                            numerator=data.get("numerator"), denominator=data.get("denominator"),
                                            comment=data.get("comment", ""))


class MeasurementNonconformityView(ObjectFormView):
    """The offer on a missed period: raise its nonconformity (source "missed KPI") — only when
    someone confirms it here, never by itself. Whoever may raise a nonconformity in the
    indicator's unit may open it."""

    model = Measurement
    action = RAISE
    form_class = RaiseNonconformityForm
    title = gettext_lazy("Raise a nonconformity for the missed indicator")
    related = ("indicator__unit",)

    def get_permission(self):
        return RAISE

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_initial(self):
        title, description = services.nonconformity_text(self.object)
        return {"title": title, "description": description}

    def perform(self, form):
        self.nc = services.measurement_raise_nonconformity(acting_user=self.request.user, measurement=self.object,
                                                           **form.cleaned_data)
        return self.object

    def get_success_url(self):
        messages.success(self.request, gettext("Nonconformity %(number)s raised.") % {"number": self.nc.number})
        return self.nc.get_absolute_url()


class PeriodEntryView(ServiceFormView):
    """A department's values for one period: every active indicator of the chosen frequency the
    reader enters, one line each (a value, or a numerator and a denominator, and a comment); the
    ones already entered are shown with a link to correct them. All saved, or none."""

    model = Indicator
    action = ENTER
    form_class = PeriodGridForm
    template_name = "objectives/kpi/period_entry.html"
    title = gettext_lazy("Enter this period's values")

    def get_permission(self):
        return ENTER

    def setup_period(self):
        if hasattr(self, "period"):
            return
        frequency = self.request.GET.get("frequency", Indicator.Frequency.MONTHLY)
        if frequency not in Indicator.Frequency.values:
            frequency = Indicator.Frequency.MONTHLY
        self.frequency = frequency
        choices = period_choices(frequency)
        self.choices = choices
        wanted = parse_period(self.request.GET.get("period", ""), frequency)
        today = timezone.localdate()
        if wanted is None or wanted > period_start(today, frequency):
            wanted = parse_period(choices[1][0], frequency)  # the period that ended last
        self.period = wanted
        rows = (Indicator.objects.restrict(self.request.user, ENTER).filter(is_active=True, frequency=frequency)
                .exclude(kind=Indicator.Kind.SATISFACTION)
                .select_related("unit").only("pk", "code", "name", "kind", "unit_of_measure", "target", "direction",
                                             "alert_threshold", "frequency", "unit__name", "unit__path", "unit_id",
                                             "reporter_id", "is_active")
                .order_by("unit__path", "code", "pk"))
        unit = self.request.GET.get("unit", "")
        if unit.isdigit():
            rows = rows.filter(unit_id=int(unit))
        self.indicators = list(rows[:200])
        self.entered = {m.indicator_id: m for m in Measurement.objects.filter(
            indicator__in=[i.pk for i in self.indicators], period=self.period)}

    def get_form_kwargs(self):
        self.setup_period()
        kwargs = super().get_form_kwargs()
        kwargs.update(indicators=self.indicators, period=self.period, frequency=self.frequency, entered=self.entered)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(period=self.period, frequency=self.frequency, choices=self.choices,
                   period_code=period_code(self.period, self.frequency),
                   label=services.period_label(self.period, self.frequency), frequencies=Indicator.Frequency.choices,
                   rows=ctx["form"].bound_rows())
        return ctx

    def perform(self, form):
        self.saved = services.measurements_enter_period(
            acting_user=self.request.user, period=self.period,
            entries=[(indicator, data) for indicator, data, _names in form.entries()])
        return None

    def form_valid(self, form):
        names = {indicator.pk: names for indicator, _data, names in form.entries()}
        try:
            with transaction.atomic():
                self.perform(form)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for key, problems in error.message_dict.items():
                    field, _sep, pk = key.partition(":")
                    target = names.get(int(pk), {}).get(field) if pk.isdigit() else None
                    for problem in problems:
                        form.add_error(target if target in form.fields else None, problem)
            else:
                for problem in error.messages:
                    form.add_error(None, problem)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Saved: %(count)s values for %(period)s.") % {
            "count": len(self.saved), "period": services.period_label(self.period, self.frequency)})
        return HttpResponseRedirect(self.request.get_full_path())


class MeasurementImportView(ServiceFormView):
    """Import values from an XLSX or CSV file: every row is checked first; one bad row imports
    nothing, and the page lists each row's problems."""

    model = Indicator
    action = ENTER
    form_class = MeasurementImportForm
    template_name = "objectives/kpi/import.html"
    title = gettext_lazy("Import indicator values")

    def get_permission(self):
        return ENTER

    def form_valid(self, form):
        try:
            created = measurements_import(acting_user=self.request.user, upload=form.cleaned_data["file"])
        except ImportRejected as rejected:
            form.add_error(None, rejected.message)
            return self.render_to_response(self.get_context_data(form=form, row_errors=rejected.errors))
        messages.success(self.request, gettext("Imported %(count)s values.") % {"count": len(created)})
        return HttpResponseRedirect(reverse("objectives:indicator_list"))
